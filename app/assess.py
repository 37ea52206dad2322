"""``run_assessment.py assess SERVICE``: the review the customer paid for, end to end, with the credits debited.

The pipeline, in this order (each step runs only when the ones before it succeeded):

1. inputs: inventory (with its customer), the service's data files (catalogs, rules or thresholds), the review
   date, ``--change``/``--device``, an existing ``--snapshot``'s device folders. Bad input: exit 2, naming the file
   and the place; no ledger opened, no device contacted.
2. ledger: the customer's eligibility on the review date, the request id's history and the credits for the
   service's cost. A refusal: exit 3 with the reason; no device contacted.
3. scope: devices whose serial is on the care contract; the rest are listed as excluded with the reason (a device
   with no serial in the inventory is collected, then scoped by the serial it reports).
4. data: collect the in-scope devices live into ``<out>/snapshot/``, or take ``--snapshot DIR`` as given. Devices
   that fail are listed; when no in-scope device is left there is no review: exit 4, nothing charged.
5. analysis: the service's module (analyzers/services/) turns the snapshot into findings and its section.
6. render: every format (HTML, Markdown, JSON, XLSX, CSV) into a staging folder inside the output folder, with
   the credits section as it will be after this debit. Rendering fails: exit 4, nothing charged.
7. debit: one redemption, idempotent by request id (default ``<customer>-<service>-<date>``, so a rerun of the
   same review is not charged twice). Refused at this point (another run took the credits meanwhile): the staged
   reports are deleted, exit 3. When the ledger's balance after the debit differs from the one rendered (another
   debit happened in between) the reports are rendered again with the ledger's figures.
8. publish: the staged files replace those in the output folder; if that fails, the debit is reversed.

``--no-charge`` runs every step but the debit (the reports say "not charged"). Exit codes: 0 review written, 1
review written but some in-scope devices could not be collected, 2 bad input, 3 refused by the ledger, 4 no review
(nothing to review, or it could not be written); nothing is charged unless the exit code is 0 or 1.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from app import assess_inputs
from app.assess_inputs import DeviceFolder
from app.prompt import password_prompt
from msplus import __version__
from msplus.errors import AssessError, InputError
from msplus.records import CollectionResult, Customer, Device, Inventory
from reports.model import (
    Credits,
    DeviceSource,
    FailedDevice,
    Provenance,
    ReviewResult,
    Scope,
    ScopeDevice,
    summarise,
)

if TYPE_CHECKING:
    from analyzers.services import Analysis, Loaded, ReviewService
    from ledger.ledger import Ledger
    from ledger.records import Scope as LedgerScope
    from ledger.records import ScopedDevice

OK, PARTIAL, BAD_INPUT, REFUSED, NO_REVIEW = 0, 1, 2, 3, 4


class NoReview(AssessError):
    """Nothing to review, or the review could not be written: nothing is charged."""


@dataclass(frozen=True)
class AssessRequest:
    service: str
    inventory: str
    snapshot: str | None = None
    catalogs: tuple[str, ...] = ()
    change: str | None = None
    device: str | None = None
    out: str | None = None
    date: str | None = None
    since: str | None = None  # pbnir: notifications published after this date (default: the previous PBNIR)
    request_id: str | None = None
    charge: bool = True
    ledger: str | None = None
    workers: int = 8
    progress: bool = False
    collect: Callable[..., list[CollectionResult]] | None = None  # the task queue's (app.distributed); else local


@dataclass
class Outcome:
    code: int
    result: ReviewResult | None = None
    files: dict[str, Path] = field(default_factory=dict)
    out_dir: Path | None = None
    reason: str = ""
    seconds: float = 0.0


def run(req: AssessRequest) -> Outcome:
    """Run one review. Raises InputError (bad input, exit 2), LedgerRefusal (exit 3), NoReview (exit 4) or LedgerError
    (the ledger cannot be used, exit 2); returns the outcome of a written review."""
    from analyzers.services import Inputs
    from app import assess_ledger
    from ledger.ledger import open_ledger

    started = time.perf_counter()
    p = _prepare(req)  # 1. inputs
    if p.inv.customer is None:  # --no-charge without a customer: an internal review, no ledger at all
        return _internal(p, req, started)
    with open_ledger(req.ledger) as ledger:
        # 2. eligibility and credits, before any device is touched
        found = assess_ledger.standing(ledger, p.customer, p.svc.ledger_code, p.on, p.request_id, charge=req.charge)
        # 3. scope and 4. data
        scope, snapshot, folders = _scope_and_data(ledger, p, req)
        # 5. analysis
        since, since_basis = _since(ledger, p)
        analysis = p.svc.analyse(Inputs(snapshot, scope.reviewed, scope.failed, p.change, req.device, on=p.on,
                                        since=since, since_basis=since_basis), p.loaded)
        credits = assess_ledger.expected(found, p.svc.ledger_code, p.request_id, charge=req.charge,
                                         ledger_url=ledger.url)
        result = _result(p, ledger.customer(p.customer).name, scope, snapshot, folders, analysis, credits,
                         live=req.snapshot is None)
        # 6. render, 7. debit, 8. publish
        files = _deliver(ledger, p, result, charge=req.charge)
    code = PARTIAL if scope.failed else OK
    return Outcome(code, result, files, p.out_dir, seconds=time.perf_counter() - started)


INTERNAL = "internal"  # customer id of a review without a customer (--no-charge, no customer: section)
INTERNAL_NOTE = ("Internal review: not charged; no customer, care contract or eligibility was checked, every device "
                 "of the inventory is in scope.")


class _NoContract:
    """What ``_scope_and_data`` asks the ledger, answered for an internal review: every device is in scope."""

    name = "Internal review (not for a customer)"
    care_contract = None

    def scope(self, customer_id: str, devices: Sequence[Device], profiles: object = None,
              on: object = None) -> LedgerScope:
        from ledger.records import Scope as LedgerScope
        from ledger.records import ScopedDevice

        return LedgerScope(tuple(ScopedDevice(d.name, d.serial, True, "internal review: no care contract checked")
                                 for d in devices), ())

    def customer(self, customer_id: str) -> _NoContract:
        return self


def _internal(p: _Prepared, req: AssessRequest, started: float) -> Outcome:
    """``--no-charge`` for an inventory without a customer: scope, data, analysis and reports as usual; no ledger is
    opened, nothing is checked or charged, and the report's credits section says so."""
    from analyzers.services import Inputs
    from ledger.ledger import Ledger

    none = _NoContract()
    scope, snapshot, folders = _scope_and_data(none, p, req)  # type: ignore[arg-type]
    if p.since is not None:
        since, since_basis = p.since, f"since {p.since.isoformat()} (--since)"
    else:  # no customer, so no previous review in any ledger
        since, since_basis = None, ("internal review: no customer ledger to date the previous PBNIR; every "
                                    "notification published so far" if p.svc.name == "pbnir" else "")
    analysis = p.svc.analyse(Inputs(snapshot, scope.reviewed, scope.failed, p.change, req.device, on=p.on,
                                    since=since, since_basis=since_basis), p.loaded)
    credits = Credits(service=p.svc.ledger_code, units=1, cost=Ledger.quote(p.svc.ledger_code), status="not_charged",
                      request_id=p.request_id, remaining=None, earliest_expiry=None,
                      ledger="none (internal review)", note=INTERNAL_NOTE)
    result = _result(p, none.name, scope, snapshot, folders, analysis, credits, live=req.snapshot is None)
    staging = p.out_dir / f".staging-{os.getpid()}"
    files = _publish(staging, p.out_dir, _render(result, staging, p.out_dir))
    return Outcome(PARTIAL if scope.failed else OK, result, files, p.out_dir, seconds=time.perf_counter() - started)


@dataclass(frozen=True)
class _Prepared:
    svc: ReviewService
    on: date
    inv: Inventory
    customer: str
    loaded: Loaded
    change: Path | None
    given: dict[str, DeviceFolder] | None  # an existing snapshot's device folders (None: collect live)
    out_dir: Path
    request_id: str
    since: date | None = None


def _prepare(req: AssessRequest) -> _Prepared:
    """Step 1: every input read and checked (InputError naming the file and place) before the ledger is opened."""
    from analyzers import services

    try:
        svc = services.get(req.service)
    except KeyError as exc:
        raise InputError(str(exc.args[0]), key="SERVICE") from None
    on = assess_inputs.review_date(req.date)
    since = assess_inputs.review_date(req.since, key="--since") if req.since else None
    if since is not None and svc.name != "pbnir":
        raise InputError("--since applies to pbnir only (the period of the notifications it reviews)", key="--since")
    if since is not None and since > on:
        raise InputError(f"--since {since} is after the review date {on}", key="--since")
    inv = assess_inputs.inventory(req.inventory, needs_credentials=req.snapshot is None,
                                  prompt=None if req.collect else password_prompt(), needs_customer=req.charge,
                                  on_queue=req.collect is not None)
    loaded = svc.load(assess_inputs.data_files(req.catalogs, svc.default_files))
    change = assess_inputs.change_options(svc.name, req.change, req.device, inv)
    names = [d.name for d in inv.devices]
    given = assess_inputs.read_snapshot(Path(req.snapshot), names) if req.snapshot else None
    customer = inv.customer.id if inv.customer is not None else INTERNAL
    out_dir = Path(req.out) if req.out else default_out(customer, svc.name, on)
    request_id = req.request_id or f"{customer}-{svc.name}-{on.isoformat()}"
    return _Prepared(svc, on, inv, customer, loaded, change, given, out_dir, request_id, since)


def _since(ledger: Ledger, p: _Prepared) -> tuple[date | None, str]:
    """The start of the period a PBNIR reviews: ``--since``, else the customer's previous PBNIR in the ledger."""
    if p.since is not None:
        return p.since, f"since {p.since.isoformat()} (--since)"
    if p.svc.name != "pbnir":
        return None, ""
    from ledger.history import last_redemption_date

    last = last_redemption_date(ledger, p.customer, p.svc.ledger_code, p.on)
    if last is None:
        return None, "no earlier PBNIR for this customer in the ledger: every notification published so far"
    return last, f"since the customer's previous PBNIR on {last.isoformat()} (ledger)"


def _scope_and_data(ledger: Ledger, p: _Prepared, req: AssessRequest) -> tuple[Scope, Path, dict[str, DeviceFolder]]:
    """Steps 3 and 4: the devices on the care contract, collected live or taken from the snapshot.

    A device with no serial in the inventory is collected too, then scoped by the serial it reports. NoReview when
    nothing is left to review."""
    profiles = {n: f.profile for n, f in p.given.items() if f.profile} if p.given else None
    first = ledger.scope(p.customer, p.inv.devices, profiles, p.on)
    unknown = [d.name for d in first.out_of_scope if d.serial is None] if p.given is None else []
    targets = [d.name for d in first.in_scope] + unknown
    excluded = [d for d in first.out_of_scope if d.name not in unknown]
    if p.change is not None and req.device not in targets:
        why = next((d.reason for d in first.out_of_scope if d.name == req.device), "not in scope")
        raise InputError(f"{req.device} is not in scope ({why}): no change review for it", key="--device")
    if not targets:
        raise NoReview("no device of the inventory is on the care contract: " +
                       "; ".join(f"{d.name}: {d.reason}" for d in first.out_of_scope))
    if p.given is None:
        snapshot = p.out_dir / "snapshot"
        folders = _collect(p.inv, snapshot, targets, req)
    else:
        snapshot = Path(req.snapshot or "")
        folders = {n: p.given[n] for n in targets}
    collected = {n: f.profile for n, f in folders.items() if f.profile}
    final = ledger.scope(p.customer, [p.inv.device(n) for n in targets], collected, p.on)
    excluded += final.out_of_scope
    failed = tuple(FailedDevice(d.name, *folders[d.name].failure) for d in final.in_scope if not folders[d.name].ok)
    scope = Scope(
        in_scope=tuple(_scoped(d, p.inv.device(d.name), folders[d.name]) for d in final.in_scope),
        excluded=tuple(ScopeDevice(d.name, d.serial, d.reason, notes=d.notes) for d in excluded),
        failed=failed,
        contract=_contract(ledger.customer(p.customer)),
    )
    if not scope.reviewed:
        raise NoReview("no in-scope device could be collected: " +
                       "; ".join(f"{f.name}: {f.kind}: {f.message}" for f in failed))
    if p.change is not None and req.device not in {d.name for d in scope.reviewed}:
        raise NoReview(f"the change review needs {req.device}, which was not collected or is out of scope")
    return scope, snapshot, folders


def _result(p: _Prepared, customer_name: str, scope: Scope, snapshot: Path, folders: dict[str, DeviceFolder],
            analysis: Analysis, credits: Credits, *, live: bool) -> ReviewResult:
    """The result model: the analysis with scope, provenance, summary and credits."""
    from analyzers.services.sources import change_source

    sources = (*p.loaded.sources, change_source(p.change)) if p.change is not None else p.loaded.sources
    provenance = Provenance(
        # names, not local paths: this goes into a customer document
        snapshot=Path(snapshot).name, collected_live=live,
        devices=tuple(_source(d.name, folders[d.name]) for d in scope.in_scope),
        catalogs=sources, tool_version=__version__,
        generated_at=datetime.now(UTC).isoformat(timespec="seconds"), inventory=Path(p.inv.path).name)
    summary = summarise(analysis.findings, tuple(d.name for d in scope.reviewed), analysis.chart,
                        headline=analysis.headline, scale=analysis.scale)
    if analysis.chart_override is not None:
        summary = dataclasses.replace(summary, chart=analysis.chart_override)
    return ReviewResult(service=p.svc.name, customer_id=p.customer, customer_name=customer_name,
                        request_id=p.request_id, date=p.on.isoformat(), scope=scope, provenance=provenance,
                        summary=summary, findings=analysis.findings, section=analysis.section, credits=credits,
                        notes=analysis.notes)


def _deliver(ledger: Ledger, p: _Prepared, result: ReviewResult, *, charge: bool) -> dict[str, Path]:
    """Steps 6 to 8: render into a staging folder, debit, move the files into place."""
    from app import assess_ledger

    staging = p.out_dir / f".staging-{os.getpid()}"
    files = _render(result, staging, p.out_dir)
    if charge:
        try:
            redemption = assess_ledger.debit(ledger, p.customer, p.svc.ledger_code, p.on, p.request_id)
        except AssessError:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        actual = assess_ledger.settled(ledger, p.customer, p.on, result.credits, redemption)
        if actual != result.credits:  # the ledger moved between the check and the debit: show what it says now
            result = dataclasses.replace(result, credits=actual)
            files = _render(result, staging, p.out_dir, after_debit=True) or files
    try:
        return _publish(staging, p.out_dir, files)
    except OSError as exc:
        reversed_ = charge and result.credits.status == "debited"
        if reversed_:
            ledger.reverse(p.request_id, f"the review could not be written: {exc}", p.on)
        raise NoReview(f"could not move the reports into {p.out_dir}: {exc}"
                       + ("; the debit was reversed" if reversed_ else "; nothing charged")) from exc


# ---------------------------------------------------------------------------------------------- steps

def _collect(inv: Inventory, snapshot: Path, targets: Sequence[str], req: AssessRequest) -> dict[str, DeviceFolder]:
    from collectors.run import collect_inventory, host_key_warning, progress_printer

    results = (req.collect or collect_inventory)(inv, snapshot, workers=req.workers, devices=list(targets),
                                                 progress=progress_printer() if req.progress else None)
    warning = host_key_warning(results)
    if warning:
        print(f"warning: {warning}", file=sys.stderr)
    return assess_inputs.read_snapshot(snapshot, targets)


def _scoped(d: ScopedDevice, device: Device, folder: DeviceFolder) -> ScopeDevice:
    profile = folder.profile
    return ScopeDevice(
        name=device.name, serial=d.serial, reason=d.reason, model=profile.model if profile else None,
        version=profile.version if profile else None, hostname=profile.hostname if profile else None,
        role=device.role, site=device.site,
        notes=d.notes,
    )


def _contract(customer: Customer) -> str | None:
    contract = customer.care_contract
    if contract is None:
        return None
    return f"{contract.id} ({contract.start} to {contract.end})"


def _source(name: str, folder: DeviceFolder) -> DeviceSource:
    if folder.snapshot is None:
        return DeviceSource(name, None, None, None)
    meta = folder.snapshot.meta
    verified = meta.host_key_verified if meta.host_key else None
    return DeviceSource(name, meta.started, meta.collector, verified)


def _render(result: ReviewResult, staging: Path, out_dir: Path, *, after_debit: bool = False) -> dict[str, Path]:
    """Every format into ``staging``. Before the debit a failure is NoReview (nothing charged); after it (the
    re-render with the ledger's figures) the first rendering is kept and {} returned."""
    from reports.render import file_names, render_all

    try:
        for name in file_names(result.service).values():
            target = out_dir / name
            if target.exists() and not target.is_file():
                raise OSError(f"{target} exists and is not a file")
        return render_all(result, staging)
    except Exception as exc:
        if after_debit:
            print(f"warning: could not re-render with the ledger's balance ({exc}); the reports show the balance "
                  "expected before the debit", file=sys.stderr)
            return {}
        shutil.rmtree(staging, ignore_errors=True)
        raise NoReview(f"the reports could not be written ({type(exc).__name__}: {exc}); nothing charged") from exc


def _publish(staging: Path, out_dir: Path, files: dict[str, Path]) -> dict[str, Path]:
    out = {}
    for fmt, path in files.items():
        target = out_dir / path.name
        os.replace(path, target)
        out[fmt] = target
    shutil.rmtree(staging, ignore_errors=True)
    return out


# ---------------------------------------------------------------------------------------------- command line

def main(args: argparse.Namespace) -> int:
    """``run_assessment.py assess``: run one review and print its summary."""
    from ledger.errors import LedgerRefusal

    collect = None
    if getattr(args, "broker", None) and not args.snapshot:
        from app.commands.distributed import settings
        from app.distributed import connect, distributed_collector

        config = settings(args)
        collect = distributed_collector(config, connect(config))  # an unreachable broker: exit 2 here
    req = AssessRequest(
        service=args.service, inventory=args.inventory, snapshot=args.snapshot,
        catalogs=tuple(p for group in (args.catalog or ()) for p in group), change=args.change, device=args.device,
        out=args.out, date=args.date, since=getattr(args, "since", None), request_id=args.request_id,
        charge=not args.no_charge,
        ledger=getattr(args, "ledger", None), workers=args.workers,
        progress=not args.no_progress, collect=collect)
    try:
        outcome = run(req)
    except LedgerRefusal as exc:
        print(f"refused: {exc.reason}", file=sys.stderr)
        return REFUSED
    except NoReview as exc:
        print(f"no review: {exc}", file=sys.stderr)
        return NO_REVIEW
    if getattr(args, "format", "text") == "json":
        print(json.dumps(outcome_json(outcome), indent=2, default=str))
    else:
        print_summary(outcome)
    return outcome.code


def outcome_json(outcome: Outcome) -> dict[str, Any]:
    """``assess --format json``: what the closing summary says, as data (the full review is in the .json report)."""
    r = outcome.result
    assert r is not None
    c = r.credits
    return {
        "exit_code": outcome.code, "service": r.service, "customer": r.customer_id, "date": str(r.date),
        "request_id": r.request_id, "out": str(outcome.out_dir), "files": {k: str(v) for k, v in outcome.files.items()},
        "scope": {"in_scope": len(r.scope.in_scope), "excluded": [{"device": d.name, "reason": d.reason}
                                                                   for d in r.scope.excluded]},
        "findings": {"total": r.summary.total, "by_severity": dict(r.summary.by_severity)},
        "failed": [{"device": f.name, "kind": f.kind, "message": f.message} for f in r.scope.failed],
        "credits": {"status": c.status, "cost": c.cost, "remaining": c.remaining, "request_id": c.request_id},
        "seconds": round(outcome.seconds, 3),
    }


def print_summary(outcome: Outcome, file: TextIO | None = None) -> None:
    """The closing summary: report files, findings by severity, failed devices, credits debited and left."""
    out = file or sys.stdout
    r = outcome.result
    assert r is not None
    scope = r.scope
    print(f"{r.service.upper()} {r.service_name} for {r.customer_name} ({r.customer_id}), {r.date}, "
          f"request {r.request_id}", file=out)
    print(f"  scope: {len(scope.in_scope)} device(s) in scope, {len(scope.excluded)} excluded"
          + "".join(f"\n    excluded {d.name}: {d.reason}" for d in scope.excluded), file=out)
    counts = ", ".join(f"{n} {s}" for s, n in r.summary.by_severity if n) or "none"
    print(f"  findings: {r.summary.total} ({counts})", file=out)
    if scope.failed:
        print(f"  failed collection: {len(scope.failed)} device(s)", file=out)
        for f in scope.failed:
            print(f"    {f.name}: {f.kind}: {f.message}", file=out)
    else:
        print("  failed collection: none", file=out)
    print(f"  reports in {outcome.out_dir}:", file=out)
    for path in outcome.files.values():
        print(f"    {path}", file=out)
    c = r.credits
    if r.customer_id == INTERNAL:
        print(f"  credits: {INTERNAL_NOTE}", file=out)
        return
    charged = {"debited": f"{c.cost} credits debited", "already_debited":
               f"already debited under request {c.request_id} ({c.cost} credits), not charged again",
               "not_charged": f"not charged (--no-charge; {c.cost} credits would be due)"}[c.status]
    expiry = f", earliest expiry {c.earliest_expiry}" if c.earliest_expiry else ""
    print(f"  credits: {charged}; {c.remaining} remaining{expiry}", file=out)


def default_out(customer: str, service: str, on: date) -> Path:
    return Path("out") / customer / f"{on.isoformat()}-{service}"
