"""Child processes for the ledger's concurrency and crash tests, started with multiprocessing "spawn": each is a
fresh interpreter with its own database connections, as separate runs of the tool would be.

``serve`` is a long-lived worker that runs one task after another (so racing tests do not pay for starting eight
interpreters each time); the crash tests start their own processes, since those get killed.
"""

from __future__ import annotations

import os
import signal
from datetime import date
from typing import Any

from sqlalchemy import event

from ledger import open_ledger
from ledger.errors import LedgerRefusal

DAY = date(2026, 6, 1)


def serve(tasks: Any, results: Any, start: Any) -> None:
    """Run tasks from ``tasks`` until None: ("race", url, customer, request ids), ("first_use", url),
    ("reserve", url, customer, request ids) or ("capture", url, request ids)."""
    while (task := tasks.get()) is not None:
        kind, *args = task
        try:
            if kind == "race":
                race(*args, start=start, results=results)
            elif kind == "reserve":
                race_reserve(*args, start=start, results=results)
            elif kind == "capture":
                race_capture(*args, start=start, results=results)
            else:
                first_use(*args, start=start, results=results)
        except Exception as exc:  # reported, so the test fails on it instead of waiting for a result
            start.abort()
            results.put(("", f"error: {type(exc).__name__}: {exc}", None))


def race(url: str, customer: str, request_ids: list[str], *, start: Any, results: Any) -> None:
    """Wait until every racer is ready, then redeem TG x1 for each request id; report (request id, outcome,
    entry id)."""
    with open_ledger(url) as ledger:
        ledger.balance(customer, DAY)  # connect before the start, so the race is about the redemptions
        start.wait(timeout=60)  # a barrier: all racers (and the test) pass it together
        for request_id in request_ids:
            try:
                r = ledger.redeem(customer, "TG", 1, DAY, request_id)
                results.put((request_id, "replayed" if r.replayed else "ok", r.id))
            except LedgerRefusal as exc:
                results.put((request_id, "refused: " + exc.reason, None))


def race_reserve(url: str, customer: str, request_ids: list[str], *, start: Any, results: Any) -> None:
    """Like race, with reservations of TG x1: report (request id, "held" | "replayed" | "refused: ...", entry)."""
    with open_ledger(url) as ledger:
        ledger.balance(customer, DAY)
        start.wait(timeout=60)
        for request_id in request_ids:
            try:
                r = ledger.reserve(customer, "TG", 1, DAY, request_id, holder=f"racer {os.getpid()}")
                results.put((request_id, "replayed" if r.replayed else r.status, r.id))
            except LedgerRefusal as exc:
                results.put((request_id, "refused: " + exc.reason, None))


def race_capture(url: str, request_ids: list[str], *, start: Any, results: Any) -> None:
    """Capture each request id, all racers at once: report (request id, "captured" | "replayed" | "refused: ...",
    redemption entry)."""
    with open_ledger(url) as ledger:
        start.wait(timeout=60)
        for request_id in request_ids:
            try:
                r = ledger.capture(request_id)
                results.put((request_id, "replayed" if r.replayed else "captured", r.id))
            except LedgerRefusal as exc:
                results.put((request_id, "refused: " + exc.reason, None))


def reserve_and_die(url: str, customer: str, request_id: str) -> None:
    """Reserve, then die by SIGKILL without capturing or releasing: what an interrupted run leaves behind."""
    ledger = open_ledger(url)
    ledger.reserve(customer, "PHC", 1, DAY, request_id, holder=f"reserve_and_die pid {os.getpid()}")
    os.kill(os.getpid(), signal.SIGKILL)


def die_inside_capture(url: str, request_id: str) -> None:
    """Capture; SIGKILL this process right after the release row is inserted, before the redemption and COMMIT."""
    ledger = open_ledger(url)

    @event.listens_for(ledger.store.engine, "after_cursor_execute")
    def _maybe_die(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO LEDGER_ALLOCATIONS"):
            os.kill(os.getpid(), signal.SIGKILL)  # the release's allocations are in: the redemption is next

    ledger.capture(request_id)


def first_use(url: str, *, start: Any, results: Any) -> None:
    """Open a ledger that does not exist yet, all racers at once, and register the same customer."""
    from ledger_helpers import customer

    start.wait(timeout=60)
    with open_ledger(url) as ledger:
        results.put(("", "version", ledger.register(customer()).version))


def redeem_forever(url: str, customer: str, prefix: str, log_path: str) -> None:
    """Redeem (and now and then reverse) until killed; log each request id after its redemption returned."""
    ledger = open_ledger(url)
    with open(log_path, "a", encoding="utf-8") as log:
        n = 0
        while True:
            request_id = f"{prefix}-{n}"
            ledger.redeem(customer, "PHC" if n % 3 else "TG", 1, DAY, request_id, note=f"crash test {n}")
            log.write(f"ok {request_id}\n")
            log.flush()
            if n % 4 == 3:
                ledger.reverse(request_id, "crash test reversal", DAY)
                log.write(f"reversed {request_id}\n")
                log.flush()
            n += 1


def die_inside_transaction(url: str, customer: str, prefix: str, table: str, after: int) -> None:
    """Redeem; on the ``after``-th INSERT into ``table`` kill this process (SIGKILL, no clean-up of any kind) right
    after the statement ran, inside the open transaction, before COMMIT."""
    ledger = open_ledger(url)
    seen = {"count": 0}

    @event.listens_for(ledger.store.engine, "after_cursor_execute")
    def _maybe_die(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith(f"INSERT INTO {table.upper()}"):
            seen["count"] += 1
            if seen["count"] == after:
                os.kill(os.getpid(), signal.SIGKILL)

    for n in range(after + 1):
        ledger.redeem(customer, "PHC", 1, DAY, f"{prefix}-{n}")
