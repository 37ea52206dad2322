"""Collecting an inventory: a thread pool of devices, one snapshot folder each, progress and a summary.

``collect_inventory`` is the Python entry point (the health sweep and ``assess`` call it); ``main`` is
``run_assessment.py collect``. A device failure is a result: it is recorded in that device's meta.json and the run
goes on. Exit codes: 0 all collected, 1 some failed, 2 the run could not start (bad inventory, before any
connection).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Any, TextIO

from collectors.base import get
from msplus.errors import DeviceError, InputError, InventoryError
from msplus.records import CollectionResult, Device, Inventory, Request
from snapshots.plan import DEFAULT_PURPOSES, load_plan
from snapshots.reader import DeviceSnapshot
from snapshots.writer import SnapshotWriter

log = logging.getLogger(__name__)
Progress = Callable[[int, int, CollectionResult], None]


def collect_inventory(inventory: Inventory, out_dir: str | Path, *, workers: int = 16,
                      purposes: Iterable[str] = DEFAULT_PURPOSES, progress: Progress | None = None,
                      devices: Sequence[str] | None = None, processes: int | None = None) -> list[CollectionResult]:
    """Collect ``purposes`` from every device (or those named in ``devices``) into ``out_dir/<device name>/``.

    ``workers`` devices are collected at once by each process (one GIL each: threads beyond ~16 only add
    contention); ``processes`` is how many (None: chosen from the CPUs and the number of devices, see
    ``pool.choose_processes``). Returns one CollectionResult
    per device, in inventory order. Raises InputError before any connection when the plan, a device name,
    ``workers`` or ``processes`` is wrong.
    """
    from collectors.pool import choose_processes, collect_in_processes

    if workers < 1:
        raise InputError(f"--workers must be at least 1 (got {workers})")
    if processes is not None and processes < 1:
        raise InputError(f"--processes must be at least 1 (got {processes})")
    plan = load_plan(purposes)
    selected = select_devices(inventory, devices)
    for driver in {d.driver for d in selected}:
        get(driver)  # import collectors (and their libraries) once, before the threads start
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    count = choose_processes(selected, processes)
    if count > 1:
        found = collect_in_processes(selected, out, plan, known_hosts=inventory.known_hosts, workers=workers,
                                     processes=count, progress=progress)
        return [found[d.name] for d in selected if d.name in found]
    warm_up()
    results: dict[str, CollectionResult] = {}
    pool = ThreadPoolExecutor(max_workers=max(1, min(workers, len(selected))), thread_name_prefix="collect")
    try:
        futures = {pool.submit(collect_device, d, out, plan, known_hosts=inventory.known_hosts): d for d in selected}
        for done, future in enumerate(as_completed(futures), 1):
            result = future.result()
            results[result.device] = result
            if progress:
                progress(done, len(selected), result)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return [results[d.name] for d in selected if d.name in results]


def warm_up() -> None:
    """Load the data files every device needs once, here, rather than in every worker thread at the same time."""
    from msplus.families import family_of

    load_plan(("facts",))
    family_of(None)


def collect_device(device: Device, out_dir: Path, plan: Sequence[Request], *,
                   known_hosts: Path | None = None, writer: SnapshotWriter | None = None) -> CollectionResult:
    """Collect one device into ``out_dir/<name>/`` (or into ``writer``). Never raises for a device problem: the
    result says it."""
    collector_cls = get(device.driver)
    writer = writer or SnapshotWriter(out_dir, device, collector_cls.name)
    try:
        writer.begin()
    except (InputError, OSError) as exc:
        return CollectionResult(device=device.name, collector=collector_cls.name, ok=False, error_kind="internal",
                                error=f"cannot write the snapshot folder: {exc}")
    try:
        collector_cls(known_hosts=known_hosts).collect(device, plan, writer)
    except DeviceError as exc:
        return writer.finish(error_kind=exc.kind, error=exc.message)
    except Exception as exc:  # a bug in a collector: recorded for this device, the run goes on
        log.exception("collector %s failed on %s", collector_cls.name, device.name)
        return writer.finish(error_kind="internal", error=f"{type(exc).__name__}: {exc}")
    return writer.finish()


def select_devices(inventory: Inventory, names: Sequence[str] | None) -> list[Device]:
    """The inventory's devices, or those named (InventoryError for a name it does not have)."""
    if not names:
        return list(inventory.devices)
    known = {d.name for d in inventory.devices}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise InventoryError(f"no device named {', '.join(unknown)} in the inventory", path=str(inventory.path))
    wanted = set(names)
    return [d for d in inventory.devices if d.name in wanted]


def progress_printer(stream: TextIO | None = None, *, tty: bool | None = None) -> Progress:
    """Progress on stderr: on a terminal a bar with counts and ETA (failures printed above it); otherwise one line
    per finished device, ``[12/200] sg-core-1 ok 0.4s`` (or ``FAILED auth 0.4s``)."""
    from msplus.progress import Progress as Bar

    bars: list[Bar] = []

    def show(done: int, total: int, result: CollectionResult) -> None:
        if not bars:
            bars.append(Bar(total, what="devices", stream=stream, tty=tty))
        detail = f"{result.seconds:.1f}s" if result.ok else f"{result.error_kind} {result.seconds:.1f}s"
        bars[0].done(result.device, ok=result.ok, detail=detail, label=result.status if result.ok else None)
        if done == total:
            bars[0].close()

    return show


def results_json(results: Sequence[CollectionResult], out_dir: Path, *, seconds: float | None = None) -> dict[str, Any]:
    """``collect --format json``: per device what happened and where its files are, then the totals."""
    devices = []
    for r in results:
        model, version = _model_version(out_dir / r.device)
        devices.append({
            "device": r.device, "ok": r.ok, "collector": r.collector, "seconds": round(r.seconds, 3),
            "error_kind": r.error_kind, "error": r.error, "folder": str(out_dir / r.device),
            "replies": len(r.replies), "host_key": r.host_key, "host_key_verified": r.host_key_verified,
            "model": model, "version": version,
        })
    ok = sum(r.ok for r in results)
    return {"out": str(out_dir), "seconds": None if seconds is None else round(seconds, 3), "devices": devices,
            "summary": {"devices": len(results), "collected": ok, "failed": len(results) - ok,
                        "host_keys_not_verified": sum(1 for r in results if r.host_key and not r.host_key_verified)}}


def print_summary(results: Sequence[CollectionResult], out_dir: Path, *, seconds: float | None = None,
                  file: TextIO | None = None) -> None:
    """One line per device (ok, or failed and why) and a total."""
    out = file or sys.stdout
    width = max((len(r.device) for r in results), default=6)
    for r in results:
        detail = f"{len(r.replies)} replies  {_platform(out_dir / r.device)}" if r.ok else f"{r.error_kind}: {r.error}"
        if r.missing:
            detail += "; the files answer no " + ", no ".join(r.missing)
        label = {"ok": "ok", "partial": "partial"}.get(r.status, "FAILED")
        print(f"  {r.device:<{width}}  {label:<6}  {r.collector:<7}  {r.seconds:6.2f}s  {detail}",
              file=out)
    ok = sum(r.ok for r in results)
    partial = sum(r.status == "partial" for r in results)
    took = f" in {seconds:.1f}s" if seconds is not None else ""
    print(f"collected {ok} of {len(results)} devices{took}" + (f" ({partial} partial)" if partial else "")
          + f"; snapshots in {out_dir}"
          + (f"; {len(results) - ok} failed" if ok < len(results) else ""), file=out)
    warning = host_key_warning(results)
    if warning:
        print(warning, file=out)


def host_key_warning(results: Sequence[CollectionResult]) -> str | None:
    """The sentence every command that collects prints when it accepted host keys without verifying them."""
    unverified = [r.device for r in results if r.host_key and not r.host_key_verified]
    if not unverified:
        return None
    # Say it plainly: accepting unknown keys is PyEZ's default, but the user must know it happened.
    return (f"host keys NOT verified for {len(unverified)} device(s) (no known_hosts: in the inventory); "
            "their fingerprints are recorded in meta.json")


def _platform(folder: Path) -> str:
    return " ".join(v for v in _model_version(folder) if v)


def _model_version(folder: Path) -> tuple[str | None, str | None]:
    try:
        profile = DeviceSnapshot.open(folder).profile
    except InputError:
        return None, None
    return (profile.model, profile.version) if profile else (None, None)
