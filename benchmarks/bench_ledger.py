"""Credit ledger speed: redemptions per second on SQLite and PostgreSQL, one process and 8 at once, and the balance
of a customer with 100,000 journal entries.

    .venv/bin/python benchmarks/bench_ledger.py [--redemptions 2000] [--workers 8] [--entries 100000]
                                                [--postgres URL]

SQLite: a fresh file in a temporary folder (WAL, synchronous=FULL: each commit is flushed). PostgreSQL: a
throw-away schema in the database named by --postgres (default $ASSESS_TEST_POSTGRES_URL, else
postgresql://postgres@127.0.0.1:5432/test), dropped afterwards; skipped with a message when unreachable.
Each redemption is a whole ledger operation through the public API (TG x1 with its own request id): eligibility,
lot sums, FIFO allocation, entry and allocations written, committed. The concurrent figure is 8 processes
(multiprocessing, spawn) sharing the work, timed from a common start. The 100,000-entry customer is bulk-loaded
(1,000 lots, 99,000 redemptions; on PostgreSQL followed by ANALYZE, as autovacuum would) and its balance, a
redemption and its full statement are timed.
The same number of reserve-then-capture pairs (what ``assess`` does per review) is timed beside the plain
redemptions. Printed: rate and per-operation median / 95th percentile in milliseconds, and the wall time of one
`run_assessment.py ledger redeem` (what the user waits for, interpreter start included).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ledger import open_ledger  # noqa: E402
from msplus.records import CareContract, Contact, Customer  # noqa: E402

DAY = date(2026, 6, 1)
TARGET_MS = 50.0  # "milliseconds, not the user's attention"


def _customer(cid: str) -> Customer:
    return Customer(cid, cid, "APAC", "SG", True, CareContract("JC-B", date(2025, 1, 1), date(2027, 12, 31), ("S",)),
                    Contact("L", "l@example.com"),
                    (Contact("A", "a@example.com", "JNCIS-SP"), Contact("B", "b@example.com", "JNCIP-SP")))


def _prepare(url: str, cid: str, credits: int) -> None:
    with open_ledger(url) as ledger:
        ledger.register(_customer(cid))
        ledger.purchase(cid, credits, DAY - timedelta(days=30))


def _ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[int(len(ordered) * 0.95) - 1] if len(ordered) >= 20 else ordered[-1]
    return f"median {statistics.median(ordered) * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms"


def _one_by_one(url: str, prefix: str, count: int, one: Callable[[Any, str, str], None]) -> tuple[float, list[float]]:
    """``count`` operations on a fresh customer, one after the other: (operations/s, seconds of each)."""
    cid = f"{prefix}-{uuid.uuid4().hex[:6]}"
    _prepare(url, cid, count)
    times = []
    with open_ledger(url) as ledger:
        start = time.perf_counter()
        for n in range(count):
            t = time.perf_counter()
            one(ledger, cid, f"{cid}-{n}")
            times.append(time.perf_counter() - t)
        total = time.perf_counter() - start
        assert ledger.balance(cid, DAY).available == 0
    return count / total, times


def sequential(url: str, count: int) -> tuple[float, list[float]]:
    return _one_by_one(url, "seq", count, lambda ledger, cid, request: ledger.redeem(cid, "TG", 1, DAY, request))


def _reserve_capture(ledger: Any, cid: str, request: str) -> None:
    ledger.reserve(cid, "TG", 1, DAY, request)
    ledger.capture(request)


def reserved(url: str, count: int) -> tuple[float, list[float]]:
    """What ``assess`` does per review: reserve (eligibility, funds, hold) then capture, two transactions."""
    return _one_by_one(url, "res", count, _reserve_capture)


def _worker(url: str, cid: str, ids: list[str], barrier: Any, out: Any) -> None:
    ledger = open_ledger(url)
    ledger.balance(cid, DAY)
    barrier.wait()
    times = []
    for request_id in ids:
        t = time.perf_counter()
        ledger.redeem(cid, "TG", 1, DAY, request_id)
        times.append(time.perf_counter() - t)
    out.put((time.perf_counter(), times))
    ledger.close()


def concurrent(url: str, count: int, workers: int) -> tuple[float, list[float]]:
    cid = f"par-{uuid.uuid4().hex[:6]}"
    _prepare(url, cid, count)
    ctx = multiprocessing.get_context("spawn")
    barrier, out = ctx.Barrier(workers + 1), ctx.Queue()
    share = [[f"{cid}-{w}-{n}" for n in range(count // workers)] for w in range(workers)]
    procs = [ctx.Process(target=_worker, args=(url, cid, ids, barrier, out)) for ids in share]
    for p in procs:
        p.start()
    barrier.wait()
    start = time.perf_counter()
    results = [out.get(timeout=600) for _ in procs]
    for p in procs:
        p.join()
    end = max(r[0] for r in results)
    times = [t for r in results for t in r[1]]
    return len(times) / (end - start), times


def big_customer(url: str, entries: int) -> dict[str, Any]:
    """Bulk-load a customer with ``entries`` journal entries, then time balance, one redemption and statement."""
    from ledger.store import allocations
    from ledger.store import entries as entries_table

    cid = f"big-{uuid.uuid4().hex[:6]}"
    lots = max(1, entries // 100)
    redemptions = entries - lots
    with open_ledger(url) as ledger:
        ledger.register(_customer(cid))
        first = DAY - timedelta(days=300)
        with ledger.store.write() as conn:
            stamp = "2026-01-01T00:00:00+00:00"
            lot_rows = [{"customer_id": cid, "type": "purchase", "day": first + timedelta(days=n % 300),
                         "credits": 200, "expires": first + timedelta(days=n % 300 + 364), "created_at": stamp}
                        for n in range(lots)]
            conn.execute(entries_table.insert(), lot_rows)
            lot_ids = list(conn.execute(entries_table.select().with_only_columns(entries_table.c.id)
                                        .where(entries_table.c.customer_id == cid)).scalars())
            rows = [{"customer_id": cid, "type": "redemption", "day": DAY, "credits": -1, "service": "TG",
                     "units": 1, "request_id": f"{cid}-{n}", "created_at": stamp} for n in range(redemptions)]
            conn.execute(entries_table.insert(), rows)
            red_ids = list(conn.execute(entries_table.select().with_only_columns(entries_table.c.id)
                                        .where(entries_table.c.customer_id == cid,
                                               entries_table.c.type == "redemption")
                                        .order_by(entries_table.c.id)).scalars())
            conn.execute(allocations.insert(), [{"entry_id": e, "lot_id": lot_ids[n % len(lot_ids)], "credits": 1,
                                                 "day": DAY} for n, e in enumerate(red_ids)])
        if ledger.store.dialect == "postgresql":
            # what autovacuum's analyze does shortly after a bulk load; without it the first minute's plans are
            # made on empty-table statistics (about 3x slower here)
            with ledger.store.engine.connect() as conn:
                conn.exec_driver_sql("ANALYZE ledger_entries")
                conn.exec_driver_sql("ANALYZE ledger_allocations")
                conn.commit()
        figures: dict[str, Any] = {"entries": lots + redemptions}
        figures["balance"] = _timed(lambda: ledger.balance(cid, DAY), 20)
        n = iter(range(10**6))
        figures["redeem"] = _timed(lambda: ledger.redeem(cid, "TG", 1, DAY, f"{cid}-extra-{next(n)}"), 20)
        figures["statement"] = _timed(lambda: ledger.statement(cid, DAY), 3)
        bal = ledger.balance(cid, DAY)
        assert bal.available == lots * 200 - redemptions - 20, bal.available
    return figures


def _timed(call: Any, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        call()
        times.append(time.perf_counter() - t)
    return times


def cli_redeem(url: str) -> list[float]:
    cid = f"cli-{uuid.uuid4().hex[:6]}"
    _prepare(url, cid, 100)
    times = []
    for n in range(5):
        t = time.perf_counter()
        subprocess.run([sys.executable, str(ROOT / "run_assessment.py"), "ledger", "--ledger", url, "redeem", cid,
                        "TG", "--date", DAY.isoformat(), "--request-id", f"{cid}-{n}"], check=True,
                       capture_output=True)
        times.append(time.perf_counter() - t)
    return times


def report(name: str, url: str, args: argparse.Namespace) -> None:
    rate, times = sequential(url, args.redemptions)
    print(f"{name}: sequential  {rate:8,.0f} redemptions/s  ({_ms(times)})")
    rate, times = reserved(url, args.redemptions)
    print(f"{name}: sequential  {rate:8,.0f} reserve+capture pairs/s  ({_ms(times)}; the line above is the "
          "baseline: one redeem)")
    rate, times = concurrent(url, args.redemptions, args.workers)
    print(f"{name}: {args.workers} processes {rate:8,.0f} redemptions/s  ({_ms(times)} each, waiting included)")
    big = big_customer(url, args.entries)
    print(f"{name}: customer with {big['entries']:,} entries: balance {_ms(big['balance'])}; "
          f"redeem {_ms(big['redeem'])}; full statement {_ms(big['statement'])}")
    cli = cli_redeem(url)
    print(f"{name}: `run_assessment.py ledger redeem` wall time {_ms(cli)} (interpreter start included)")
    worst = statistics.median(big["balance"]) * 1000
    print(f"{name}: target balance under {TARGET_MS:.0f} ms at {big['entries']:,} entries -> "
          f"{'ok' if worst < TARGET_MS else 'MISSED'}")


def _pg_schema(base: str) -> tuple[str, str] | None:
    try:
        import psycopg

        schema = f"ledger_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(base, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
    except Exception as exc:  # any failure to reach the server means: skip PostgreSQL, say why
        print(f"postgresql: skipped ({base} unreachable: {' '.join(str(exc).split())[:160]})")
        return None
    sep = "&" if "?" in base else "?"
    return schema, f"{base}{sep}options=-csearch_path%3D{schema}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--redemptions", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--postgres", default=os.environ.get("ASSESS_TEST_POSTGRES_URL")
                        or "postgresql://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    print(f"{os.cpu_count()} CPUs; {args.redemptions} redemptions per run")
    with tempfile.TemporaryDirectory() as tmp:
        report("sqlite", f"sqlite:///{Path(tmp) / 'ledger.db'}", args)
    found = _pg_schema(args.postgres)
    if found:
        schema, url = found
        try:
            report("postgresql", url, args)
        finally:
            import psycopg

            with psycopg.connect(args.postgres, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
    return 0


if __name__ == "__main__":
    sys.exit(main())
