"""A health sweep: collect the health set from every device, evaluate the checks, store the results in the
history, compare each device with its previous sweep, and write health.json and changes.json.

    outcome = run_sweep(inventory, history="out/history", out=Path("out/sweep"))

Layout under ``out``: ``snapshots/<UTC timestamp>/<device>/`` (the raw replies, as ``collect`` writes them, plus
``health.json`` and ``changes.json`` of that sweep beside the device folders), and ``health.json`` /
``changes.json`` of the latest sweep at the top. Each device's replies are parsed as soon as its collection ends,
while the others are still being collected, so what is left after collection is comparing numbers.

Exit codes (``main``): 0 nothing critical and nothing worse than last time, 1 something is, 2 the sweep could not
run (bad inventory or thresholds, history store or output folder unusable).
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from analyzers.health.checks import evaluate, unreachable
from analyzers.health.checks import worst as worst_status
from analyzers.health.compare import WORSE, DeviceState, compare, state_of, unreachable_state
from analyzers.health.device import DeviceHealth, read_device
from analyzers.health.history import History
from analyzers.health.records import Change, CheckResult
from analyzers.health.thresholds import Thresholds, load_thresholds
from app.prompt import password_prompt
from msplus import atomicfile
from msplus.errors import InputError
from msplus.records import CollectionResult, Inventory

log = logging.getLogger(__name__)
PURPOSES = ("facts", "configuration", "health")
HEALTH_JSON = "health.json"
CHANGES_JSON = "changes.json"
_STAMP = re.compile(r"^\d{8}T\d{6}Z(-\d+)?$")
Progress = Callable[[int, int, CollectionResult], None]


@dataclass
class SweepOutcome:
    sweep_id: int
    snapshot: Path
    results: list[CheckResult]
    changes: list[Change]
    unreachable: list[str]
    collect_seconds: float
    evaluate_seconds: float  # after collection: checks, comparison, output files, history write
    parse_seconds: float  # CPU seconds reading and parsing replies, while the other devices were being collected
    exit_code: int
    devices: list[str] = field(default_factory=list)


def run_sweep(inventory: Inventory, *, history: str | Path, out: str | Path, thresholds: Thresholds | None = None,
              workers: int = 16, devices: Sequence[str] | None = None, progress: Progress | None = None,
              keep_snapshots: int = 0, report_sweeps: int = 20, processes: int | None = None,
              collect: Callable[..., list[CollectionResult]] | None = None) -> SweepOutcome:
    """One sweep of ``inventory``. Raises InputError / HistoryError (exit 2) before collecting when the thresholds,
    the output folder or the history store cannot be used; a device failure is a result, never an exception.

    ``collect`` replaces the local collection (``collectors.run.collect_inventory``, whose signature it has): a
    distributed run passes the queue's. Everything after collection is the same either way."""
    from collectors.run import collect_inventory

    collect = collect or collect_inventory

    spec = thresholds or load_thresholds()
    out_dir = _folder(Path(out))
    store = History.open(history)
    try:
        started_at = time.time()
        started = datetime.fromtimestamp(started_at, UTC)
        snapshot = _snapshot_folder(out_dir / "snapshots", started)
        roles = {d.name: d.role for d in inventory.devices}
        parsed: dict[str, DeviceHealth] = {}
        parse_clock = [0.0]

        def on_device(done: int, total: int, result: CollectionResult) -> None:
            if result.ok or result.replies:  # reached: parse now, while the other devices are being collected
                begin = time.thread_time()  # CPU, not wall: the collection threads share the interpreter
                parsed[result.device] = read_device(snapshot / result.device, role=roles.get(result.device),
                                                    name=result.device)
                parse_clock[0] += time.thread_time() - begin
            if progress:
                progress(done, total, result)

        collected = collect(inventory, snapshot, workers=workers, purposes=PURPOSES, progress=on_device,
                            devices=devices, processes=processes)
        collect_seconds = time.time() - started_at
        begin = time.perf_counter()
        results, states, lost = _evaluate(collected, parsed, roles, spec, started_at)
        latest, reached = store.previous()
        found = [c for s in states for c in compare(latest.get(s.device), reached.get(s.device), s, spec.comparison)]
        exit_code = 1 if any(r.status == "critical" for r in results) or any(c.kind in WORSE for c in found) else 0
        _write_outputs(out_dir, snapshot, results, found)
        sweep_id = store.record(
            started=started.isoformat(timespec="seconds"), finished=datetime.now(UTC).isoformat(timespec="seconds"),
            inventory=str(inventory.path), snapshot=str(snapshot), collect_seconds=collect_seconds,
            evaluate_seconds=time.perf_counter() - begin + parse_clock[0], checks=results, device_states=states,
            found=found)
        evaluate_seconds = time.perf_counter() - begin  # checks, comparison, output files and the history write
        try:
            _write_report(store, spec, found, out_dir, report_sweeps)
        except Exception as exc:  # the report is a by-product: health.json, changes.json and the history stand
            log.warning("sweep report not written: %s: %s", type(exc).__name__, exc)
    finally:
        store.close()
    if keep_snapshots > 0:
        _prune(out_dir / "snapshots", keep_snapshots)
    return SweepOutcome(sweep_id, snapshot, results, found, lost, collect_seconds, evaluate_seconds, parse_clock[0],
                        exit_code, [r.device for r in collected])


def _evaluate(collected: Sequence[CollectionResult], parsed: dict[str, DeviceHealth], roles: dict[str, str | None],
              spec: Thresholds, at: float) -> tuple[list[CheckResult], list[DeviceState], list[str]]:
    results: list[CheckResult] = []
    states: list[DeviceState] = []
    lost: list[str] = []
    for result in collected:
        health = parsed.get(result.device)
        if health is None:
            reason = f"{result.error_kind}: {result.error}"
            device_results = unreachable(result.device, reason, spec, role=roles.get(result.device))
            states.append(unreachable_state(result.device, reason, at, device_results))
            lost.append(result.device)
        else:
            device_results = evaluate(health, spec)
            states.append(state_of(health, device_results, at))
        results += device_results
    return results, states, lost


def _write_report(store: History, spec: Thresholds, found: Sequence[Change], out_dir: Path, last: int) -> None:
    """sweep-report.html and .pdf: the latest statuses and the trends of the last ``last`` sweeps."""
    from reports import sweep_report

    table = store.table(last=last)
    cells = {(device, check): tuple(None if c is None else sweep_report.Point(c[0], c[1]) for c in line)
             for device, check, line in table.rows}
    history = sweep_report.SweepHistory(
        sweeps=tuple(c.started for c in table.columns), checks=tuple((c.id, c.title) for c in spec.checks),
        cells=cells, changes=tuple((c.device, c.kind, _detail(c)) for c in found),
        generated_at=datetime.now(UTC).isoformat(timespec="seconds"))
    sweep_report.write(history, out_dir)


def _detail(change: Change, limit: int = 60) -> str:
    """A change as the report shows it: the detail, then the set-line diff of a configuration change."""
    lines = list(change.diff[:limit])
    if len(change.diff) > limit:
        lines.append(f"... {len(change.diff) - limit} more line(s) in changes.json")
    return "\n".join([change.detail, *lines])


def _folder(path: Path) -> Path:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create the output folder: {exc.strerror or exc}", path=str(path)) from exc
    return path


def _snapshot_folder(root: Path, started: datetime) -> Path:
    """``root/20260101T120000Z`` (a suffix when two sweeps start in the same second)."""
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    candidate, n = root / stamp, 1
    while candidate.exists():
        n += 1
        candidate = root / f"{stamp}-{n}"
    _folder(candidate)
    return candidate


def _write_outputs(out_dir: Path, snapshot: Path, results: Sequence[CheckResult], found: Sequence[Change]) -> None:
    health = json.dumps([r.to_json() for r in results], indent=1, default=str)
    diff = json.dumps([c.to_json() for c in found], indent=1, default=str)
    for folder in (snapshot, out_dir):
        _write(folder / HEALTH_JSON, health)
        _write(folder / CHANGES_JSON, diff)


def _write(path: Path, text: str) -> None:
    try:
        atomicfile.write_text(path, text + "\n")  # readers (a dashboard polling health.json) never see half a file
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror or exc}", path=str(path)) from exc


def _prune(root: Path, keep: int) -> None:
    """Remove the oldest sweep snapshots beyond ``keep`` (only folders named like a sweep's timestamp)."""
    stamps = sorted(p for p in root.iterdir() if p.is_dir() and _STAMP.match(p.name))
    for old in stamps[:-keep]:
        shutil.rmtree(old, ignore_errors=True)


# ---------------------------------------------------------------------------------------------- command line

def main(args: argparse.Namespace, *, collect: Callable[..., list[CollectionResult]] | None = None,
         resolve_passwords: bool = True) -> int:
    """``run_assessment.py sweep --inventory FILE --history DIR|URL [--out DIR]``. ``collect`` and
    ``resolve_passwords=False``: a distributed sweep (see ``run_sweep``; the site workers read the passwords)."""
    from collectors.run import progress_printer
    from msplus.inventory import load_inventory

    if not args.inventory:
        raise InputError("sweep needs --inventory FILE (or use: sweep history --history DIR|URL)")
    thresholds = load_thresholds(args.checks) if args.checks else load_thresholds()
    inventory = load_inventory(args.inventory, prompt=password_prompt() if resolve_passwords else None,
                               resolve_passwords=resolve_passwords)
    outcome = run_sweep(inventory, history=args.history, out=args.out, thresholds=thresholds, workers=args.workers,
                        devices=args.device or None, progress=None if args.no_progress else progress_printer(),
                        keep_snapshots=args.keep_snapshots, processes=getattr(args, "processes", None),
                        collect=collect)
    fmt = getattr(args, "format", "text")
    if fmt == "json":
        print(json.dumps(outcome_json(outcome, Path(args.out)), indent=2, default=str))
    elif fmt == "csv":
        write_results_csv(outcome.results, sys.stdout)
    else:
        print_summary(outcome, Path(args.out))
    return outcome.exit_code


def outcome_json(outcome: SweepOutcome, out_dir: Path) -> dict[str, object]:
    """``sweep --format json``: the sweep's results and changes (what health.json and changes.json hold) with its
    number, exit code and where its files are."""
    return {"sweep": outcome.sweep_id, "exit_code": outcome.exit_code, "out": str(out_dir),
            "snapshot": str(outcome.snapshot), "devices": outcome.devices, "unreachable": outcome.unreachable,
            "results": [r.to_json() for r in outcome.results], "changes": [c.to_json() for c in outcome.changes]}


def write_results_csv(results: Sequence[CheckResult], out: TextIO) -> None:
    """``sweep --format csv``: one line per device and check."""
    import csv

    rows = [r.to_json() for r in results]
    fields = list(dict.fromkeys(k for row in rows for k in row))
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: json.dumps(v, default=str) if isinstance(v, list | dict) else v for k, v in row.items()})


def print_summary(outcome: SweepOutcome, out_dir: Path, file: TextIO | None = None) -> None:
    """Per device: its worst status and the checks behind it; then the changes; then where the files are."""
    stream = file or sys.stdout
    by_device: dict[str, list[CheckResult]] = {}
    for r in outcome.results:
        by_device.setdefault(r.device, []).append(r)
    width = max((len(d) for d in by_device), default=6)
    counts = {s: sum(r.status == s for r in outcome.results) for s in ("critical", "warning", "unknown", "ok")}
    print(f"sweep {outcome.sweep_id}: {len(by_device)} devices, collection {outcome.collect_seconds:.1f} s, "
          f"evaluation {outcome.evaluate_seconds:.2f} s after it (parsing during collection: "
          f"{outcome.parse_seconds:.2f} s CPU)",
          file=stream)
    for device, device_results in by_device.items():
        worst = worst_status(device_results)
        named = [r.check for r in device_results if r.status == worst] if worst != "ok" else []
        print(f"  {device:<{width}}  {worst:<8}  {_short(named)}", file=stream)
    print("results: " + ", ".join(f"{n} {s}" for s, n in counts.items()), file=stream)
    if outcome.changes:
        print(f"changes since the previous sweep: {len(outcome.changes)}", file=stream)
        for c in outcome.changes:
            print(f"  {c.device:<{width}}  {c.kind:<18}  {c.detail}", file=stream)
    else:
        print("no change since the previous sweep (or no previous sweep)", file=stream)
    print(f"{HEALTH_JSON} and {CHANGES_JSON} in {out_dir}; replies in {outcome.snapshot}", file=stream)
    if outcome.exit_code:
        print("exit 1: something is critical or got worse since the previous sweep", file=stream)


def _short(names: list[str], limit: int = 5) -> str:
    return ", ".join(names[:limit]) + (f" (+{len(names) - limit})" if len(names) > limit else "")
