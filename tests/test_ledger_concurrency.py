"""Real processes against one ledger (a SQLite file, and PostgreSQL when ASSESS_TEST_POSTGRES_URL is set):
racing redemptions never overdraw and never lose an entry; a process killed at any point of a redemption leaves
the whole entry or none of it."""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from ledger_helpers import PG_ENV, PG_SKIP, check_invariants, customer, open_at, pg_url  # noqa: F401
from ledger_workers import DAY, die_inside_transaction, redeem_forever, serve

from ledger.store import SCHEMA_VERSION, customer_history, entries, schema_table

ROOT = Path(__file__).resolve().parents[1]
SPAWN = multiprocessing.get_context("spawn")
WORKERS = 8


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ledger.db'}"
    if not os.environ.get(PG_ENV):
        pytest.skip(PG_SKIP)
    return str(request.getfixturevalue("pg_url"))


class Racers:
    """Eight worker processes, started once for this module, that pass a barrier together before each task."""

    def __init__(self) -> None:
        self.start = SPAWN.Barrier(WORKERS + 1)
        self.results = SPAWN.Queue()
        self.tasks = [SPAWN.Queue() for _ in range(WORKERS)]
        self.procs = [SPAWN.Process(target=serve, args=(q, self.results, self.start), daemon=True)
                      for q in self.tasks]
        for p in self.procs:
            p.start()

    def run(self, tasks: list[tuple[object, ...]], expected: int) -> list[tuple[str, str, int | None]]:
        self.start.reset()
        for queue, task in zip(self.tasks, tasks, strict=True):
            queue.put(task)
        self.start.wait(timeout=60)  # every worker has connected: all go at once
        return [self.results.get(timeout=60) for _ in range(expected)]

    def close(self) -> None:
        for queue in self.tasks:
            queue.put(None)
        for p in self.procs:
            p.join(timeout=30)


@pytest.fixture(scope="module")
def racers() -> Iterator[Racers]:
    pool = Racers()
    yield pool
    pool.close()


def _setup(url: str, lots: list[tuple[int, date]]) -> None:
    with open_at(url) as ledger:
        ledger.register(customer())
        for credits, bought in lots:
            ledger.purchase("acme", credits, bought)


def test_eight_processes_race_for_fifty_credits(url: str, racers: Racers) -> None:
    _setup(url, [(50, date(2026, 1, 10))])
    ids = [[f"w{w}-{i}" for i in range(10)] for w in range(WORKERS)]  # 80 attempts for 50 one-credit days
    outcomes = racers.run([("race", url, "acme", chunk) for chunk in ids], 80)
    ok = [o for o in outcomes if o[1] == "ok"]
    refused = [o for o in outcomes if o[1] != "ok"]
    assert len(ok) == 50
    assert len(refused) == 30 and all(o[1].startswith("refused: insufficient credits") for o in refused)
    with open_at(url) as ledger:
        assert check_invariants(ledger) == {"purchase": 1, "redemption": 50}
        assert ledger.balance("acme", DAY).available == 0
        with ledger.store.read() as conn:
            recorded = set(conn.execute(sa.select(entries.c.request_id).where(entries.c.type == "redemption"))
                           .scalars())
    assert recorded == {o[0] for o in ok}  # every success is in the journal, and nothing else is


def test_eight_processes_send_the_same_request_at_once(url: str, racers: Racers) -> None:
    _setup(url, [(50, date(2026, 1, 10))])
    outcomes = racers.run([("race", url, "acme", ["same-request"])] * WORKERS, WORKERS)
    assert sorted(o[1] for o in outcomes) == ["ok"] + ["replayed"] * (WORKERS - 1)
    assert len({o[2] for o in outcomes}) == 1  # all got the one entry
    with open_at(url) as ledger:
        assert check_invariants(ledger) == {"purchase": 1, "redemption": 1}
        assert ledger.balance("acme", DAY).available == 49


def test_eight_processes_reserve_against_fifty_credits_then_capture(url: str, racers: Racers) -> None:
    _setup(url, [(50, date(2026, 1, 10))])
    ids = [[f"w{w}-{i}" for i in range(10)] for w in range(WORKERS)]  # 80 reservations for 50 one-credit days
    outcomes = racers.run([("reserve", url, "acme", chunk) for chunk in ids], 80)
    held = sorted(o[0] for o in outcomes if o[1] == "held")
    refused = [o for o in outcomes if o[1] != "held"]
    assert len(held) == 50
    assert len(refused) == 30 and all(o[1].startswith("refused: insufficient credits") for o in refused)
    with open_at(url) as ledger:
        balance = ledger.balance("acme", DAY)
        assert (balance.available, balance.held) == (0, 50)
        assert sorted(r.request_id for r in ledger.reservations("acme")) == held
    # every racer captures every held request: each is charged exactly once
    outcomes = racers.run([("capture", url, held)] * WORKERS, WORKERS * 50)
    by_id: dict[str, list[str]] = {}
    for request_id, outcome, _entry in outcomes:
        by_id.setdefault(request_id, []).append(outcome)
    assert all(sorted(v) == ["captured"] + ["replayed"] * (WORKERS - 1) for v in by_id.values()), by_id
    with open_at(url) as ledger:
        assert check_invariants(ledger) == {"purchase": 1, "reservation": 50, "release": 50, "redemption": 50}
        balance = ledger.balance("acme", DAY)
        assert (balance.available, balance.held) == (0, 0)
        assert ledger.reservations() == []


def test_eight_processes_reserve_the_same_request_at_once(url: str, racers: Racers) -> None:
    _setup(url, [(50, date(2026, 1, 10))])
    outcomes = racers.run([("reserve", url, "acme", ["same-request"])] * WORKERS, WORKERS)
    assert sorted(o[1] for o in outcomes) == ["held"] + ["replayed"] * (WORKERS - 1)
    assert len({o[2] for o in outcomes}) == 1  # all got the one reservation
    with open_at(url) as ledger:
        assert check_invariants(ledger) == {"purchase": 1, "reservation": 1}
        assert ledger.balance("acme", DAY).held == 1


def test_first_use_by_eight_processes_at_once_creates_the_ledger_once(url: str, racers: Racers) -> None:
    outcomes = racers.run([("first_use", url)] * WORKERS, WORKERS)
    # one registration and seven unchanged re-registrations, no error
    assert [o[1:] for o in outcomes] == [("version", 1)] * WORKERS
    with open_at(url) as ledger, ledger.store.read() as conn:
        assert conn.execute(sa.select(schema_table.c.version)).scalars().all() == [SCHEMA_VERSION]
        assert len(conn.execute(sa.select(customer_history)).all()) == 1


def test_cli_processes_race_on_a_sqlite_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    _setup(url, [(5, date(2026, 1, 10))])
    cmd = [sys.executable, str(ROOT / "run_assessment.py"), "ledger", "--ledger", url, "redeem", "acme", "TG",
           "--date", DAY.isoformat(), "--request-id"]
    procs = [subprocess.Popen([*cmd, f"cli-{n}"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for n in range(WORKERS)]
    codes = [p.wait(timeout=60) for p in procs]
    assert sorted(codes) == [0] * 5 + [3] * 3
    for p, code in zip(procs, codes, strict=True):
        err = p.stderr.read() if p.stderr else ""
        if code == 3:
            assert err.startswith("refused: insufficient credits") and err.count("\n") == 1
    with open_at(url) as ledger:
        assert check_invariants(ledger) == {"purchase": 1, "redemption": 5}


def _many_lots() -> list[tuple[int, date]]:
    # 7-credit lots with different expiry dates: PHC (5) often spans two lots, so an entry has several allocations
    return [(7, date(2025, 7, 1) + timedelta(days=n)) for n in range(300)]


def _logged(log: Path) -> tuple[set[str], set[str]]:
    lines = log.read_text().splitlines() if log.exists() else []
    return ({ln.split()[1] for ln in lines if ln.startswith("ok ")},
            {ln.split()[1] for ln in lines if ln.startswith("reversed ")})


def test_processes_killed_at_random_leave_whole_entries(url: str, tmp_path: Path) -> None:
    _setup(url, _many_lots())
    rng = random.Random(20260601)
    log = tmp_path / "done.log"
    for round_ in range(4):
        child = SPAWN.Process(target=redeem_forever, args=(url, "acme", f"k{round_}", str(log)))
        child.start()
        deadline = time.monotonic() + 30
        before = len(_logged(log)[0])
        while len(_logged(log)[0]) == before:  # wait until it is in its loop
            assert child.is_alive() and time.monotonic() < deadline
            time.sleep(0.01)
        time.sleep(rng.uniform(0.0, 0.15))
        os.kill(child.pid or 0, signal.SIGKILL)
        child.join()
        assert child.exitcode == -signal.SIGKILL
    done, reversed_ = _logged(log)
    with open_at(url) as ledger:
        counts = check_invariants(ledger)
        with ledger.store.read() as conn:
            rows = list(conn.execute(sa.select(entries.c.type, entries.c.request_id)
                                     .where(entries.c.type != "purchase")))
            if ledger.store.dialect == "sqlite":
                assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        redeemed = {r.request_id for r in rows if r.type == "redemption"}
        assert done <= redeemed  # no redemption that returned was lost
        assert len(redeemed - done) <= 4  # at most the one in flight per kill, committed but not yet logged
        assert reversed_ <= {r.request_id for r in rows if r.type == "reversal"}
        assert counts["redemption"] == len(redeemed) >= 4
        assert ledger.redeem("acme", "PHC", 1, DAY, "after-crashes").credits == 5  # still works


@pytest.mark.parametrize(("table", "after"), [("ledger_entries", 3), ("ledger_allocations", 3)])
def test_killed_inside_the_transaction_leaves_nothing(url: str, table: str, after: int) -> None:
    _setup(url, _many_lots())
    child = SPAWN.Process(target=die_inside_transaction, args=(url, "acme", "t", table, after))
    child.start()
    child.join(timeout=60)
    assert child.exitcode == -signal.SIGKILL
    with open_at(url) as ledger:
        assert check_invariants(ledger) == {"purchase": 300, "redemption": after - 1}
        with ledger.store.read() as conn:
            ids = set(conn.execute(sa.select(entries.c.request_id).where(entries.c.type == "redemption")).scalars())
        assert ids == {f"t-{n}" for n in range(after - 1)}  # the killed one is not there, not even in part
        assert ledger.redeem("acme", "PHC", 1, DAY, f"t-{after - 1}").replayed is False  # and its id is free
