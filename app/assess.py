"""``run_assessment.py assess SERVICE``: the review the customer paid for, end to end, with its credits reserved
before the work and captured after the review is published.

The pipeline, in this order (each step runs only when the ones before it succeeded):

1. inputs: inventory (with its customer), the service's data files (catalogs, rules or thresholds), the review
   date, ``--change``/``--device``, an existing ``--snapshot``'s device folders. Bad input: exit 2, naming the file
   and the place; no ledger opened, no device contacted.
2. locks: one run per request id and one per output folder (app.runlock). Taken: exit 3, nothing done.
3. reserve: one ledger operation checks the customer's eligibility on the review date, the care-contract scope of
   the inventory's devices and the funds, and holds the service's credits against the request id (default
   ``<customer>-<service>-<date>``). A refusal: exit 3 (exit 4 when no device can be in scope); no device
   contacted. A request already charged is a rerun (nothing will be charged again); an open reservation of the
   same request left by an interrupted run is taken over.
4. data: collect the in-scope devices live into ``<out>/snapshot/``, or take ``--snapshot DIR`` as given; devices
   with no serial in the inventory are scoped by the serial they report. When no in-scope device is left there is
   no review: exit 4, credits released.
5. analysis, 6. render: every format (HTML, Markdown, JSON, XLSX, CSV) into a staging folder inside the output
   folder; the credits section shows the ledger's balance with this review's credits held, which is the balance
   once they are captured. Rendering fails: exit 4, credits released.
7. publish: the staged files are renamed into the output folder; 8. capture: the held credits are charged.
   SIGINT and SIGTERM wait while these two run, so a review is never left published and released; up to step 6
   they release the credits (exit 130 / 143). A run killed outright (SIGKILL, power cut) leaves the reservation
   open and its folder unpublished or published-but-uncaptured; the same request run again takes the reservation
   over, produces the review and captures it once (``ledger reservations`` lists what is open).

``--no-charge`` reserves nothing (the reports say "not charged"). Exit codes: 0 review written, 1 review written
but some in-scope devices could not be collected, 2 bad input, 3 refused (by the ledger, or another run holds the
request or folder), 4 no review; 130/143 interrupted. Nothing is charged unless the exit code is 0 or 1.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import os
import shutil
import signal
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from app import assess_inputs, testhook
from app.assess_inputs import DeviceFolder
from app.prompt import password_prompt
from msplus import __version__
from msplus.errors import AssessError, InputError
from msplus.exitcodes import ExitCode
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
    from app.assess_ledger import Claim
    from ledger.ledger import Ledger
    from ledger.records import Scope as LedgerScope
    from ledger.records import ScopedDevice

OK, PARTIAL = ExitCode.OK, ExitCode.ATTENTION


class NoReview(AssessError):
    """Nothing to review, or the review could not be written: nothing is charged."""

    exit_code = ExitCode.NO_REVIEW
    label = "no review"


class Interrupted(BaseException):  # like KeyboardInterrupt: not an error, a stop
    """SIGINT or SIGTERM arrived: the run stops, releasing what it held. ``signum`` says which."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__(signal.Signals(signum).name)


class _Signals:
    """SIGINT and SIGTERM raise Interrupted, except inside ``deferred()`` (publish and capture), where they are
    remembered and the run finishes first. Only the main thread can install handlers; elsewhere nothing changes."""

    def __init__(self) -> None:
        self.deferring = False
        self.pending: int | None = None
        self._old: dict[int, object] = {}

    def __enter__(self) -> _Signals:
        import threading

        if threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGINT, signal.SIGTERM):
                self._old[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for signum, handler in self._old.items():
            signal.signal(signum, handler)  # type: ignore[arg-type]

    def _handle(self, signum: int, _frame: object) -> None:
        if self.deferring:
            self.pending = signum
            return
        raise Interrupted(signum)

    @contextlib.contextmanager
    def deferred(self) -> Iterator[None]:
        self.deferring = True
        try:
            yield
        finally:
            self.deferring = False


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
    """Run one review. Raises InputError (bad input, exit 2), LedgerRefusal or Busy (exit 3), NoReview (exit 4),
    LedgerError (the ledger cannot be used, exit 2) or Interrupted; returns the outcome of a written review. Credits
    held by this run are released on every way out but a published review."""
    from app import runlock
    from ledger.ledger import open_ledger

    started = time.perf_counter()
    p = _prepare(req)  # 1. inputs
    if p.inv.customer is None:  # --no-charge without a customer: an internal review, no ledger at all
        return _internal(p, req, started)
    with open_ledger(req.ledger) as ledger, _Signals() as signals:
        folder = str(p.out_dir.resolve())
        subjects = [("request", f"{ledger.url} {p.request_id}", p.request_id), ("folder", folder, folder)]
        with runlock.exclusive(subjects):  # 2. one run per request and per folder
            testhook.reached("locked")
            found = _claim(ledger, p, req)  # 3. eligibility, scope and funds, credits held
            try:
                testhook.reached("reserved")
                result, files, failed = _work(ledger, p, req, found, signals)
            except BaseException as exc:
                signals.deferring = True  # a second Ctrl-C must not stop the release
                if found.to_capture and not _captured(ledger, p.request_id):
                    _release(ledger, p.request_id, exc)
                raise
    if signals.pending is not None:
        print(f"{signal.Signals(signals.pending).name} received while publishing: the review was finished first",
              file=sys.stderr)
    code = PARTIAL if failed else OK
    return Outcome(code, result, files, p.out_dir, seconds=time.perf_counter() - started)


def _claim(ledger: Ledger, p: _Prepared, req: AssessRequest) -> Claim:
    """Step 3: the ledger's one check (see app.assess_ledger.claim); no device can be in scope is no review."""
    from app import assess_ledger
    from ledger.errors import OutOfScope

    profiles = {n: f.profile for n, f in p.given.items() if f.profile} if p.given else None
    try:
        return assess_ledger.claim(ledger, p.customer, p.svc.ledger_code, p.on, p.request_id, list(p.inv.devices),
                                   profiles, p.out_dir, charge=req.charge,
                                   note=f"{p.svc.ledger_code} review (run_assessment.py assess)",
                                   required=(req.device,) if p.change is not None and req.device else ())
    except OutOfScope as exc:
        if exc.device is not None:
            raise InputError(f"{exc.reason}: no change review for it", key="--device") from None
        raise NoReview(exc.reason) from None


def _work(ledger: Ledger, p: _Prepared, req: AssessRequest, found: Claim,
          signals: _Signals) -> tuple[ReviewResult, dict[str, Path], bool]:
    """Steps 4 to 8, with the credits held: data, analysis, render, publish, capture."""
    from analyzers.services import Inputs
    from app import assess_ledger

    scope, snapshot, folders = _scope_and_data(ledger, p, req, found.scope)  # 4.
    testhook.reached("collected")
    since, since_basis = _since(ledger, p)
    analysis = p.svc.analyse(Inputs(snapshot, scope.reviewed, scope.failed, p.change, req.device, on=p.on,  # 5.
                                    since=since, since_basis=since_basis), p.loaded)
    credits = assess_ledger.credits(ledger, found, p.customer, p.svc.ledger_code, p.on, p.request_id)
    result = _result(p, ledger.customer(p.customer).name, scope, snapshot, folders, analysis, credits,
                     live=req.snapshot is None)
    _clear_staging(p.out_dir)
    staging = p.out_dir / f".staging-{os.getpid()}"
    staged = _render(result, staging, p.out_dir)  # 6.
    testhook.reached("rendered")
    with signals.deferred():
        files = _publish(staging, p.out_dir, staged)  # 7.
        testhook.reached("published")
        if found.to_capture:
            testhook.reached("capturing")
            try:
                assess_ledger.settle(ledger, p.request_id)  # 8.
            except AssessError as exc:
                raise PublishedUncaptured(f"the review is published in {p.out_dir} but the ledger could not charge "
                                          f"it ({exc}); the credits stay held: run the same request again "
                                          "(--request-id " + p.request_id + ") to finish") from exc
            testhook.reached("captured")
    return result, files, bool(scope.failed)


class PublishedUncaptured(AssessError):
    """The review is published but its capture failed: the credits stay held for a rerun to capture."""


def _captured(ledger: Ledger, request_id: str) -> bool:
    try:
        found = ledger.reservation(request_id)
    except AssessError:
        return False
    return found is not None and found.status == "captured"


def _release(ledger: Ledger, request_id: str, exc: BaseException) -> None:
    """Give the held credits back (no review produced), unless the review was published: then they stay held for a
    rerun to capture. A release that fails is reported; the reservation stays open for ``ledger release``."""
    from app import assess_ledger

    if isinstance(exc, PublishedUncaptured):
        return
    why = (f"interrupted by {signal.Signals(exc.signum).name}" if isinstance(exc, Interrupted)
           else "no review produced" if isinstance(exc, NoReview | AssessError)
           else f"assess failed: {type(exc).__name__}")
    try:
        assess_ledger.give_back(ledger, request_id, why)
    except AssessError as failed:
        print(f"warning: could not release the credits held for request {request_id} ({failed}): release them "
              f"with: ledger release {request_id} --reason \"{why}\"", file=sys.stderr)


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
    first = none.scope(p.customer, list(p.inv.devices), None, p.on)
    scope, snapshot, folders = _scope_and_data(none, p, req, first)  # type: ignore[arg-type]
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
    from app import runlock

    folder = str(p.out_dir.resolve())
    with runlock.exclusive([("folder", folder, folder)]):  # one run per output folder, as for a charged review
        _clear_staging(p.out_dir)
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


def _scope_and_data(ledger: Ledger, p: _Prepared, req: AssessRequest,
                    first: LedgerScope) -> tuple[Scope, Path, dict[str, DeviceFolder]]:
    """Step 4: the devices on the care contract (``first``, checked with the reservation), collected live or taken
    from the snapshot.

    A device with no serial in the inventory is collected too, then scoped by the serial it reports. NoReview when
    nothing is left to review."""
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


def _clear_staging(out_dir: Path) -> None:
    """Staging folders of earlier runs that were killed (this run holds the folder's lock: none is in use)."""
    if out_dir.is_dir():
        for old in out_dir.glob(".staging-*"):
            shutil.rmtree(old, ignore_errors=True)


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


def _render(result: ReviewResult, staging: Path, out_dir: Path) -> dict[str, Path]:
    """Every format into ``staging``; a failure is NoReview (the credits are released)."""
    from reports.render import file_names, render_all

    try:
        for name in file_names(result.service).values():
            target = out_dir / name
            if target.exists() and not target.is_file():
                raise OSError(f"{target} exists and is not a file")
        return render_all(result, staging)
    except Exception as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise NoReview(f"the reports could not be written ({type(exc).__name__}: {exc}); nothing charged") from exc


def _publish(staging: Path, out_dir: Path, files: dict[str, Path]) -> dict[str, Path]:
    """Step 7: each staged file renamed into the output folder (a rename within one file system: each file is
    either the old or the new one, never half). The staging folder goes last, so while it exists the publish is
    not finished; a rerun of the request publishes again. A failure is NoReview (the credits are released)."""
    out = {}
    try:
        for n, (fmt, path) in enumerate(files.items(), 1):
            testhook.reached(f"publish-rename-{n}")
            target = out_dir / path.name
            os.replace(path, target)
            out[fmt] = target
    except OSError as exc:
        raise NoReview(f"could not move the reports into {out_dir}: {exc}; nothing charged") from exc
    shutil.rmtree(staging, ignore_errors=True)
    return out


# ---------------------------------------------------------------------------------------------- command line

def main(args: argparse.Namespace) -> int:
    """``run_assessment.py assess``: run one review and print its summary."""

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
        outcome = run(req)  # refusals, bad input and no review end in app.cli (one label and exit code per kind)
    except Interrupted as exc:
        print(f"interrupted by {exc}: no review published, nothing charged", file=sys.stderr)
        return ExitCode.TERMINATED if exc.signum == signal.SIGTERM else ExitCode.INTERRUPTED
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
