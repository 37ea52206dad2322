"""Reservations: credits held for a request before the work, then captured (charged) or released, on a real SQLite
file and on PostgreSQL (when ASSESS_TEST_POSTGRES_URL is set). Racing and killed processes are in
test_ledger_concurrency.py."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from ledger_helpers import PG_ENV, PG_SKIP, check_invariants, customer, journal_snapshot, open_at, pg_url  # noqa: F401
from ledger_workers import DAY, die_inside_capture, reserve_and_die

from ledger.errors import LedgerInputError, LedgerRefusal, OutOfScope
from ledger.ledger import Ledger
from ledger.store import SCHEMA_VERSION, entries, schema_table
from msplus.records import Device

SPAWN = multiprocessing.get_context("spawn")
DATA = Path(__file__).resolve().parent / "data" / "ledger"


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ledger.db'}"
    if not os.environ.get(PG_ENV):
        pytest.skip(PG_SKIP)
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def ledger(url: str) -> Ledger:
    with open_at(url) as opened:
        opened.register(customer())
        opened.purchase("acme", 10, date(2026, 1, 10), "PO-1")
        opened.purchase("acme", 6, date(2026, 3, 1), "PO-2")
    return open_at(url)


def test_reserve_holds_capture_charges_the_same_lots(ledger: Ledger) -> None:
    held = ledger.reserve("acme", "PHC", 1, DAY, "req-1", note="PHC review", holder="test pid 1")
    assert (held.status, held.credits, held.replayed, held.holder) == ("held", 5, False, "test pid 1")
    assert [(a.lot, a.credits) for a in held.allocations] == [(1, 5)]
    balance = ledger.balance("acme", DAY)
    assert (balance.available, balance.held) == (11, 5)  # held credits are not available, and not charged
    assert [r.request_id for r in ledger.reservations()] == ["req-1"]
    charged = ledger.capture("req-1")
    assert (charged.credits, charged.request_id, charged.note, charged.replayed) == (5, "req-1", "PHC review", False)
    assert [(a.lot, a.credits) for a in charged.allocations] == [(1, 5)]
    after = ledger.balance("acme", DAY)
    assert (after.available, after.held) == (11, 0)  # capturing moves nothing: the hold becomes the charge
    assert ledger.reservations() == []
    assert ledger.reservation("req-1").status == "captured"  # type: ignore[union-attr]
    # idempotent: the capture again, and the reservation again, charge and hold nothing more
    assert ledger.capture("req-1").replayed is True
    again = ledger.reserve("acme", "PHC", 1, DAY, "req-1", note="PHC review")
    assert (again.status, again.replayed) == ("captured", True)
    assert ledger.balance("acme", DAY).available == 11
    # the statement shows the whole story: held, given back as it was charged, charged
    rows = [(e.type, e.credits, e.request_id) for e in ledger.statement("acme", DAY) if e.type != "purchase"]
    assert rows == [("reservation", -5, "req-1"), ("release", 5, "req-1"), ("redemption", -5, "req-1")]
    assert check_invariants(ledger) == {"purchase": 2, "reservation": 1, "release": 1, "redemption": 1}


def test_release_gives_back_and_the_request_can_be_reserved_again(ledger: Ledger) -> None:
    ledger.reserve("acme", "CACR", 1, DAY, "req-2")
    freed = ledger.release("req-2", "no review produced")
    assert (freed.status, freed.released, freed.replayed) == ("released", "no review produced", False)
    assert ledger.release("req-2", "again").replayed is True  # idempotent
    assert ledger.reservation("req-2").released == "no review produced"  # type: ignore[union-attr]
    assert ledger.balance("acme", DAY).available == 16
    with pytest.raises(LedgerRefusal, match=r"'req-2' was released \(no review produced\); nothing to capture"):
        ledger.capture("req-2")
    second = ledger.reserve("acme", "CACR", 1, DAY, "req-2")  # a released request may be tried again
    assert (second.status, second.replayed) == ("held", False) and second.id != freed.id
    ledger.capture("req-2")
    with pytest.raises(LedgerRefusal, match=r"was captured \(charged\), not held: to refund it use ledger reverse"):
        ledger.release("req-2", "too late")
    assert ledger.balance("acme", DAY).available == 11
    assert check_invariants(ledger)["redemption"] == 1


def test_a_reversed_capture_stays_refunded(ledger: Ledger) -> None:
    ledger.reserve("acme", "PHC", 1, DAY, "req-3")
    ledger.capture("req-3")
    ledger.reverse("req-3", "customer cancelled", DAY)
    before = journal_snapshot(ledger)
    with pytest.raises(LedgerRefusal, match="'req-3' was charged on 2026-06-01 and reversed on 2026-06-01"):
        ledger.reserve("acme", "PHC", 1, DAY, "req-3")
    with pytest.raises(LedgerRefusal, match="reversed"):
        ledger.redeem("acme", "PHC", 1, DAY, "req-3")
    assert journal_snapshot(ledger) == before
    assert ledger.balance("acme", DAY).available == 16


def test_refused_reservations_change_nothing(ledger: Ledger) -> None:
    ledger.reserve("acme", "PHC", 1, DAY, "taken")
    before = journal_snapshot(ledger)
    cases = [
        (LedgerRefusal, "insufficient credits: PIIR x4 requests needs 16, acme has 11 usable on 2026-06-01; nothing "
                        "reserved", dict(service="PIIR", units=4)),
        (LedgerRefusal, "is reserved for PHC x1 for acme on 2026-06-01", dict(request_id="taken", service="TG")),
        (LedgerRefusal, "not eligible on 2028-06-01", dict(date=date(2028, 6, 1))),
        (LedgerRefusal, "unknown customer 'nobody'", dict(customer_id="nobody")),
        (OutOfScope, "no device of the inventory is on the care contract: r1: serial X1 is not on Juniper Care "
                     "contract JC-1", dict(devices=[Device(name="r1", host="192.0.2.1", serial="X1")])),
        (LedgerInputError, "bad units '1_0'", dict(units="1_0")),
        (LedgerInputError, "bad date '2026-W23-1'", dict(date="2026-W23-1")),
        (LedgerInputError, "a request id is required", dict(request_id="x" * 201)),
    ]
    for kind, message, change in cases:
        args = {"customer_id": "acme", "service": "PHC", "units": 1, "date": DAY, "request_id": "new", **change}
        with pytest.raises(kind) as err:
            ledger.reserve(**args)  # type: ignore[arg-type]
        assert message in str(err.value)
        assert journal_snapshot(ledger) == before
    # a direct redemption cannot charge a request while its reservation is open
    with pytest.raises(LedgerRefusal, match="has an open reservation"):
        ledger.redeem("acme", "PHC", 1, DAY, "taken")
    with pytest.raises(LedgerRefusal, match="no reservation with request id 'never'"):
        ledger.capture("never")
    assert journal_snapshot(ledger) == before


def test_reserve_checks_scope_and_returns_it(ledger: Ledger) -> None:
    devices = [Device(name="in", host="192.0.2.1", serial="JN1234"), Device(name="out", host="192.0.2.2",
                                                                             serial="ZZ9"),
               Device(name="unknown", host="192.0.2.3")]
    held = ledger.reserve("acme", "PBNIR", 1, DAY, "scoped", devices=devices)
    assert held.scope is not None
    assert [d.name for d in held.scope.in_scope] == ["in"]
    assert sorted(d.name for d in held.scope.out_of_scope) == ["out", "unknown"]
    # a device whose serial is not known yet (collected later) keeps the reservation possible
    assert ledger.reserve("acme", "PBNIR", 1, DAY, "later", devices=[devices[2]]).status == "held"


def test_a_reservation_left_by_a_killed_process_is_visible_and_recoverable(ledger: Ledger, url: str) -> None:
    child = SPAWN.Process(target=reserve_and_die, args=(url, "acme", "orphan"))
    child.start()
    child.join(timeout=60)
    assert child.exitcode == -signal.SIGKILL
    left = ledger.reservations("acme")
    assert [(r.request_id, r.credits, r.status) for r in left] == [("orphan", 5, "held")]
    assert left[0].holder == f"reserve_and_die pid {child.pid}"
    assert ledger.balance("acme", DAY).held == 5
    # recovery: the same request reserved again finds the hold (nothing held twice), then capture charges once
    again = ledger.reserve("acme", "PHC", 1, DAY, "orphan")
    assert (again.replayed, again.id) == (True, left[0].id)
    ledger.capture("orphan")
    assert ledger.balance("acme", DAY).available == 11
    assert check_invariants(ledger) == {"purchase": 2, "reservation": 1, "release": 1, "redemption": 1}


def test_a_capture_killed_inside_its_transaction_leaves_the_hold(ledger: Ledger, url: str) -> None:
    ledger.reserve("acme", "PHC", 1, DAY, "half")
    before = journal_snapshot(ledger)
    child = SPAWN.Process(target=die_inside_capture, args=(url, "half"))
    child.start()
    child.join(timeout=60)
    assert child.exitcode == -signal.SIGKILL
    assert journal_snapshot(ledger) == before  # neither the release nor the redemption
    assert ledger.reservation("half").status == "held"  # type: ignore[union-attr]
    assert ledger.capture("half").replayed is False
    assert check_invariants(ledger) == {"purchase": 2, "reservation": 1, "release": 1, "redemption": 1}


def test_a_version_1_ledger_file_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "v1.db"
    with sqlite3.connect(path) as conn:
        conn.executescript((DATA / "ledger-v1.sql").read_text(encoding="utf-8"))
    url = f"sqlite:///{path}"
    with open_at(url) as ledger:
        with ledger.store.read() as conn:
            assert conn.execute(sa.select(schema_table.c.version).order_by(schema_table.c.version)
                                ).scalars().all() == [1, SCHEMA_VERSION]
        assert ledger.balance("acme", DAY).available == 15  # 20 bought, PHC 5 charged, TG 2 charged and reversed
        ledger.reserve("acme", "PHC", 1, DAY, "after-migration")
        ledger.capture("after-migration")
        assert ledger.balance("acme", DAY).available == 10
        assert check_invariants(ledger) == {"purchase": 1, "redemption": 3, "reversal": 1, "reservation": 1,
                                            "release": 1}
        with ledger.store.write() as conn, pytest.raises(sa.exc.IntegrityError):  # still append-only
            conn.execute(sa.delete(entries))
        with ledger.store.write() as conn, pytest.raises(sa.exc.IntegrityError):  # the rules still hold
            conn.execute(sa.insert(entries).values(customer_id="acme", type="reservation", day=DAY, credits=5,
                                                   created_at="x"))


def test_a_version_1_postgresql_ledger_is_migrated(pg_url: str) -> None:  # noqa: F811
    """A version 1 schema (made here by taking version 2 back: its tables without the two columns, with the old
    constraints), with entries in it, migrates when opened and takes reservations."""
    with open_at(pg_url) as ledger:
        ledger.register(customer())
        ledger.purchase("acme", 20, date(2026, 1, 10), "PO-1")
        ledger.redeem("acme", "PHC", 1, DAY, "v1-phc")
        with ledger.store.engine.begin() as conn:
            for statement in (
                "DROP INDEX ix_ledger_entries_hold_for",
                "ALTER TABLE ledger_entries DROP COLUMN hold_for, DROP COLUMN holder, "
                "DROP CONSTRAINT ck_ledger_entry_type, DROP CONSTRAINT ck_ledger_entry_sign, "
                "ADD CONSTRAINT ck_ledger_entry_type CHECK (type IN ('purchase', 'redemption', 'reversal')), "
                "ADD CONSTRAINT ck_ledger_entry_sign CHECK ((type = 'redemption' AND credits < 0) OR "
                "(type <> 'redemption' AND credits > 0))",
                "DELETE FROM ledger_schema",
                "INSERT INTO ledger_schema (version, applied_at) VALUES (1, 'test')",
            ):
                conn.execute(sa.text(statement))
    with open_at(pg_url) as ledger:
        with ledger.store.read() as conn:
            assert conn.execute(sa.select(schema_table.c.version).order_by(schema_table.c.version)
                                ).scalars().all() == [1, SCHEMA_VERSION]
        assert ledger.balance("acme", DAY).available == 15
        ledger.reserve("acme", "PHC", 1, DAY, "after-migration")
        assert ledger.capture("after-migration").credits == 5
        assert check_invariants(ledger) == {"purchase": 1, "redemption": 2, "reservation": 1, "release": 1}


def test_over_long_input_is_refused_alike_on_every_database(ledger: Ledger) -> None:
    """issue 14: SQLite stored over-long text that PostgreSQL refused as a write failure. Now both refuse it as bad
    input, with one message, before any transaction."""
    before = journal_snapshot(ledger)
    cases = [
        ("purchase reference too long: 201 characters, at most 200",
         lambda: ledger.purchase("acme", 5, DAY, "R" * 201)),
        ("a request id is required: 1 to 200 printable characters (got 201)",
         lambda: ledger.redeem("acme", "TG", 1, DAY, "x" * 201)),
        ("note too long: 2001 characters, at most 2000", lambda: ledger.redeem("acme", "TG", 1, DAY, "n", "y" * 2001)),
        ("reason too long: 2001 characters, at most 2000", lambda: ledger.release("n", "y" * 2001)),
        ("a customer id is required: 1 to 128 printable characters (got 129)",
         lambda: ledger.register(customer("c" * 129))),
        ("customer name too long: 401 characters, at most 400",
         lambda: ledger.register(customer("other", name="N" * 401))),
    ]
    for message, call in cases:
        with pytest.raises(LedgerInputError) as err:
            call()
        assert err.value.reason == message
    assert journal_snapshot(ledger) == before
    # the longest accepted values are stored, on either database
    ledger.purchase("acme", 5, DAY, "R" * 200)
    ledger.redeem("acme", "TG", 1, DAY, "x" * 200, "y" * 2000)
    assert ledger.register(customer("c" * 128, name="N" * 400)).version == 1
