"""Ledger operations on a real SQLite file and (when ASSESS_TEST_POSTGRES_URL is set) a real PostgreSQL schema:
lots and FIFO by expiry, redemptions across lots and their reversal, idempotency, refusals that change nothing,
balances and statements derived from the journal, append-only tables, the schema version."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from ledger_helpers import PG_ENV, PG_SKIP, check_invariants, contact, customer, journal_snapshot, open_at, pg_url  # noqa: F401

from ledger.errors import LedgerError, LedgerRefusal
from ledger.ledger import Ledger
from ledger.records import Allocation
from ledger.store import SCHEMA_VERSION, schema_table
from msplus.records import CareContract

D = date.fromisoformat


@pytest.fixture(params=["sqlite", "postgresql"])
def ledger(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Ledger]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'ledger.db'}"
    else:
        if not os.environ.get(PG_ENV):
            pytest.skip(PG_SKIP)
        url = request.getfixturevalue("pg_url")
    with open_at(url) as opened:
        opened.register(customer())
        yield opened
    # the journal is consistent after every test, whatever it did
    with open_at(url) as again:
        check_invariants(again)


def refused(ledger: Ledger, match: str, call: Callable[..., object], *args: object, **kwargs: object) -> str:
    """Assert the call is refused and that the journal (and customer tables) did not change."""
    before = journal_snapshot(ledger)
    with pytest.raises(LedgerRefusal, match=match) as err:
        call(*args, **kwargs)
    assert journal_snapshot(ledger) == before
    assert "\n" not in err.value.reason
    return err.value.reason


def test_purchase_makes_a_lot_valid_twelve_months(ledger: Ledger) -> None:
    p = ledger.purchase("acme", 10, "2026-01-10", "PO-1")
    assert (p.credits, p.date, p.expires, p.reference) == (10, D("2026-01-10"), D("2027-01-09"), "PO-1")
    assert ledger.balance("acme", "2027-01-09").available == 10
    last_day = ledger.balance("acme", "2027-01-10")
    assert (last_day.available, last_day.expired) == (0, 10)
    before = ledger.balance("acme", "2026-01-09")
    assert (before.available, before.not_yet_valid, before.lots[0].status) == (0, 10, "not_yet_valid")
    r = ledger.redeem("acme", "PHC", 1, "2027-01-09", "edge-ok")
    assert r.credits == 5
    refused(ledger, "insufficient credits: PHC x1 request needs 5, acme has 0 usable on 2027-01-10 "
            r"\(5 more expired unused, last on 2027-01-09\)", ledger.redeem, "acme", "PHC", 1, "2027-01-10", "late")
    refused(ledger, "insufficient", ledger.redeem, "acme", "TG", 1, "2026-01-09", "before-purchase")


def test_leap_day_lot(ledger: Ledger) -> None:
    ledger.register(customer(care_contract=CareContract("JC-2", D("2024-01-01"), D("2026-12-31"), ("JN1",))))
    assert ledger.purchase("acme", 2, "2024-02-29").expires == D("2025-02-28")
    ledger.redeem("acme", "TG", 1, "2025-02-28", "last")
    refused(ledger, "insufficient", ledger.redeem, "acme", "TG", 1, "2025-03-01", "too-late")


def test_fifo_by_expiry_and_a_redemption_spanning_two_lots(ledger: Ledger) -> None:
    late = ledger.purchase("acme", 10, "2026-03-01").id   # expires 2027-02-28
    early = ledger.purchase("acme", 3, "2026-02-01").id  # recorded second, expires first: 2027-01-31
    r = ledger.redeem("acme", "PHC", 1, "2026-04-01", "span", note="spans")
    assert r.allocations == (Allocation(early, 3, D("2027-01-31")), Allocation(late, 2, D("2027-02-28")))
    lots = {lot.id: lot for lot in ledger.balance("acme", "2026-04-01").lots}
    assert (lots[early].remaining, lots[early].status) == (0, "used")
    assert lots[late].remaining == 8
    # the reversal gives each lot back what it gave
    rev = ledger.reverse("span", "device unreachable, review not delivered", "2026-04-02")
    assert rev.credits == 5 and rev.expired_credits == 0
    assert {(a.lot, a.credits) for a in rev.restored} == {(early, -3), (late, -2)}
    lots = {lot.id: lot for lot in ledger.balance("acme", "2026-04-02").lots}
    assert (lots[early].remaining, lots[late].remaining) == (3, 10)
    assert ledger.balance("acme", "2026-04-02").available == 13
    # and the next redemption takes from the lot that expires first again
    again = ledger.redeem("acme", "SRRA", 1, "2026-04-03", "next")
    assert again.allocations == (Allocation(early, 3, D("2027-01-31")),)


def test_units_multiply_the_table(ledger: Ledger) -> None:
    ledger.purchase("acme", 40, "2026-01-10")
    assert ledger.redeem("acme", "SMO", 3, "2026-02-01", "smo").credits == 12
    assert ledger.redeem("acme", "IMWS", 4, "2026-02-01", "imws").credits == 4
    assert ledger.redeem("acme", "PBNIR", 2, "2026-02-01", "pbnir").credits == 4
    assert ledger.redeem("acme", "piir", 1, "2026-02-01", "piir").service == "PIIR"
    assert ledger.balance("acme", "2026-02-01").available == 40 - 12 - 4 - 4 - 4
    assert ledger.quote("CACR", 2) == 10


def test_idempotent_redemption(ledger: Ledger) -> None:
    ledger.purchase("acme", 10, "2026-01-10")
    first = ledger.redeem("acme", "PHC", 1, "2026-03-01", "req-1", "for sg-core-1")
    snapshot = journal_snapshot(ledger)
    again = ledger.redeem("acme", "phc", "1", D("2026-03-01"), " req-1 ", " for sg-core-1 ")
    assert journal_snapshot(ledger) == snapshot  # nothing new written
    assert again.replayed and not first.replayed
    assert (again.id, again.credits, again.allocations) == (first.id, first.credits, first.allocations)
    assert ledger.balance("acme", "2026-03-01").available == 5
    for change in ({"service": "PBNIR"}, {"units": 2}, {"date": "2026-03-02"}, {"note": "other"},
                   {"customer_id": "other"}):
        args = {"customer_id": "acme", "service": "PHC", "units": 1, "date": "2026-03-01", "request_id": "req-1",
                "note": "for sg-core-1", **change}
        reason = refused(ledger, "request id 'req-1' was already used for another redemption", ledger.redeem,
                         **args)
        assert "PHC x1 for acme on 2026-03-01" in reason


def test_a_replay_is_honoured_even_after_the_customer_became_ineligible(ledger: Ledger) -> None:
    ledger.purchase("acme", 10, "2026-01-10")
    first = ledger.redeem("acme", "PHC", 1, "2026-03-01", "req-1")
    ledger.register(customer(prequalified=False))
    assert ledger.redeem("acme", "PHC", 1, "2026-03-01", "req-1").id == first.id
    refused(ledger, "not prequalified", ledger.redeem, "acme", "PHC", 1, "2026-03-01", "req-2")


def test_refusals_change_nothing(ledger: Ledger) -> None:
    ledger.purchase("acme", 4, "2026-01-10")
    refused(ledger, "insufficient credits: PHC x1 request needs 5, acme has 4 usable", ledger.redeem,
            "acme", "PHC", 1, "2026-03-01", "r")
    refused(ledger, "unknown service 'XYZ'", ledger.redeem, "acme", "XYZ", 1, "2026-03-01", "r")
    refused(ledger, "unknown customer 'nobody'", ledger.redeem, "nobody", "TG", 1, "2026-03-01", "r")
    refused(ledger, "unknown customer 'nobody'", ledger.purchase, "nobody", 5, "2026-03-01")
    refused(ledger, "unknown customer 'nobody'", ledger.balance, "nobody")
    refused(ledger, "bad date", ledger.redeem, "acme", "TG", 1, "2026-02-30", "r")
    refused(ledger, "bad date", ledger.purchase, "acme", 5, "1/2/2026")
    refused(ledger, "bad units", ledger.redeem, "acme", "TG", 0, "2026-03-01", "r")
    refused(ledger, "bad credits", ledger.purchase, "acme", 0, "2026-03-01")
    refused(ledger, "bad credits", ledger.purchase, "acme", "ten", "2026-03-01")
    refused(ledger, "request id is required", ledger.redeem, "acme", "TG", 1, "2026-03-01", "  ")
    refused(ledger, "request id is required", ledger.redeem, "acme", "TG", 1, "2026-03-01", "a\nb")
    refused(ledger, "no redemption with request id 'none'", ledger.reverse, "none", "why")
    refused(ledger, "needs a reason", ledger.reverse, "none", " ")
    ledger.register(customer(theater="EMEA", country="SY"))
    reason = refused(ledger, "acme is not eligible on 2026-03-01", ledger.redeem, "acme", "TG", 1, "2026-03-01",
                     "r")
    assert "theater EMEA" in reason and "country SY (Syria)" in reason
    ledger.register(customer())
    refused(ledger, "Juniper Care contract JC-1 ended 2027-12-31", ledger.redeem, "acme", "TG", 1, "2028-01-02",
            "r")
    assert ledger.redeem("acme", "TG", 4, "2026-03-01", "r").credits == 4  # every refused id is still free


def test_reversal_rules(ledger: Ledger) -> None:
    ledger.purchase("acme", 10, "2026-01-10")
    r = ledger.redeem("acme", "PHC", 1, "2026-03-01", "r1")
    refused(ledger, "reversal date 2026-02-28 is before the redemption", ledger.reverse, "r1", "x", "2026-02-28")
    rev = ledger.reverse("r1", "not delivered", "2026-03-05")
    assert (rev.redemption, rev.credits, rev.replayed) == (r.id, 5, False)
    snapshot = journal_snapshot(ledger)
    # the same reversal again returns the original and writes nothing; a different one is refused
    again = ledger.reverse("r1", "not   delivered", "2026-03-05")
    assert again.replayed and again.id == rev.id and journal_snapshot(ledger) == snapshot
    refused(ledger, r"redemption 'r1' was already reversed on 2026-03-05 \(not delivered\)", ledger.reverse,
            "r1", "another reason", "2026-03-05")
    refused(ledger, "already reversed", ledger.reverse, "r1", "not delivered", "2026-03-06")
    # a reversal id is not a redemption: it cannot be reversed, and the request id is not free again
    refused(ledger, "already used", ledger.redeem, "acme", "TG", 1, "2026-03-01", "r1")
    assert ledger.balance("acme", "2026-03-05").available == 10
    found, undone = ledger.find("r1")
    assert found is not None and undone is not None
    assert (found.id, found.service, found.credits, undone.id, undone.reason) == (r.id, "PHC", 5, rev.id,
                                                                                 "not delivered")
    assert ledger.find("never") == (None, None)
    ledger.redeem("acme", "TG", 1, "2026-03-01", "r2")
    assert ledger.find("r2")[1] is None


def test_reversal_after_the_lot_expired_restores_expired_credits(ledger: Ledger) -> None:
    early = ledger.purchase("acme", 5, "2026-01-10").id  # last usable day 2027-01-09
    late = ledger.purchase("acme", 5, "2026-06-01").id  # 2027-05-31
    ledger.redeem("acme", "CACR", 2, "2026-12-01", "r1")  # 5 from each lot
    rev = ledger.reverse("r1", "report never delivered", "2027-02-01")
    assert rev.expired_credits == 5
    assert {(a.lot, a.credits, a.expires < rev.date) for a in rev.restored} == {(early, -5, True), (late, -5, False)}
    b = ledger.balance("acme", "2027-02-01")
    assert (b.available, b.expired) == (5, 5)
    # the restored credits in the expired lot cannot be used, even by a redemption dated before the reversal
    refused(ledger, "insufficient", ledger.redeem, "acme", "CACR", 2, "2026-12-15", "backdated")
    lines = ledger.statement("acme", "2027-06-30")
    assert [(e.type, e.date.isoformat(), e.credits, e.lot) for e in lines] == [
        ("purchase", "2026-01-10", 5, early),
        ("purchase", "2026-06-01", 5, late),
        ("redemption", "2026-12-01", -10, None),
        ("reversal", "2027-02-01", 10, None),
        ("expiry", "2027-02-01", -5, early),  # given back after lot 1 expired: lapses at once
        ("expiry", "2027-06-01", -5, late),  # lot 2 lapses unused the day after its last day
    ]
    assert sum(e.credits for e in lines) == 0


def test_balance_and_statement_agree(ledger: Ledger) -> None:
    a = ledger.purchase("acme", 10, "2026-01-10", "PO-A").id
    b = ledger.purchase("acme", 7, "2026-05-01", "PO-B").id
    c = ledger.purchase("acme", 4, "2027-03-01", "PO-C").id  # bought later
    ledger.redeem("acme", "TG", 3, "2026-02-01", "t1")
    ledger.redeem("acme", "PHC", 2, "2026-06-01", "p1")  # 7 from a, 3 from b
    ledger.reverse("t1", "cancelled", "2026-02-02")
    on = D("2027-02-01")  # a expired 2027-01-09 holding 3 (the reversal gave them back)
    bal = ledger.balance("acme", on)
    assert (bal.available, bal.expired, bal.not_yet_valid) == (4, 3, 4)
    assert [(lot.id, lot.remaining, lot.status) for lot in bal.lots] == [
        (a, 3, "expired"), (b, 4, "usable"), (c, 4, "not_yet_valid")]
    lines = ledger.statement("acme", on)
    assert sum(e.credits for e in lines) == bal.available + bal.not_yet_valid
    assert sum(-e.credits for e in lines if e.type == "expiry") == bal.expired
    assert [e.type for e in lines] == ["purchase", "redemption", "reversal", "purchase", "redemption", "expiry",
                                       "purchase"]
    spend = next(e for e in lines if e.request_id == "p1")
    assert spend.lot is None and {(x.lot, x.credits) for x in spend.lots} == {(a, 7), (b, 3)}
    assert [e.reference for e in lines if e.type == "purchase"] == ["PO-A", "PO-B", "PO-C"]


def test_registration_updates_the_customer_not_the_journal(ledger: Ledger) -> None:
    first = ledger.register(customer())  # already registered by the fixture, same content
    assert (first.version, first.changed) == (1, False)
    second = ledger.register(customer(technical=(contact(1), contact(2, None))))
    assert (second.version, second.changed) == (2, True)
    assert second.eligibility.ok and "Eng 2" in second.eligibility.warnings[0]
    assert ledger.customer("acme").technical[1].certification is None
    bad = ledger.register(customer(prequalified=False), date="2026-06-01")
    assert bad.version == 3 and bad.eligibility.reasons == ("customer is not prequalified for MS Plus",)
    assert len(journal_snapshot(ledger)["ledger_customer_history"]) == 3
    assert ledger.check_eligibility("acme", "2026-06-01").reasons == ("customer is not prequalified for MS Plus",)


def test_journal_refuses_update_and_delete(ledger: Ledger) -> None:
    ledger.purchase("acme", 10, "2026-01-10")
    ledger.redeem("acme", "PHC", 1, "2026-03-01", "r1")
    before = journal_snapshot(ledger)
    for statement in ("UPDATE ledger_entries SET credits = 1000", "DELETE FROM ledger_entries",
                      "UPDATE ledger_allocations SET credits = 0", "DELETE FROM ledger_allocations",
                      "DELETE FROM ledger_customer_history"):
        with pytest.raises(sa.exc.DatabaseError, match="append-only"), ledger.store.engine.begin() as conn:
            conn.execute(sa.text(statement))
    assert journal_snapshot(ledger) == before


def test_schema_version_is_recorded_and_a_newer_one_refused(ledger: Ledger) -> None:
    with ledger.store.read() as conn:
        assert conn.execute(sa.select(schema_table.c.version)).scalars().all() == [SCHEMA_VERSION]
    with ledger.store.engine.begin() as conn:
        conn.execute(schema_table.insert().values(version=SCHEMA_VERSION + 1, applied_at="future"))
    with pytest.raises(LedgerError, match=f"schema version {SCHEMA_VERSION + 1}, newer than this tool"):
        open_at(ledger.store.url.render_as_string(hide_password=False))
    with ledger.store.engine.begin() as conn:
        conn.execute(schema_table.delete().where(schema_table.c.version == SCHEMA_VERSION + 1))


def test_an_older_ledger_is_migrated_once(ledger: Ledger, monkeypatch: pytest.MonkeyPatch) -> None:
    from ledger import store

    ledger.purchase("acme", 10, "2026-01-10")
    ran: list[int] = []

    def to_next(conn: sa.Connection, dialect: str) -> None:
        ran.append(1)
        conn.execute(sa.text("CREATE TABLE ledger_migration_probe (x INTEGER)"))

    monkeypatch.setattr(store, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    monkeypatch.setitem(store.MIGRATIONS, SCHEMA_VERSION + 1, to_next)
    url = ledger.store.url.render_as_string(hide_password=False)
    for _ in range(2):  # the second open finds the ledger current and runs nothing
        with open_at(url) as migrated:
            assert migrated.balance("acme", "2026-02-01").available == 10
    assert ran == [1]
    with ledger.store.read() as conn:
        assert conn.execute(sa.select(schema_table.c.version).order_by(schema_table.c.version)).scalars().all() \
            == [SCHEMA_VERSION, SCHEMA_VERSION + 1]
    with ledger.store.engine.begin() as conn:  # leave the ledger as this release knows it, for the fixture's check
        conn.execute(sa.text("DROP TABLE ledger_migration_probe"))
        conn.execute(schema_table.delete().where(schema_table.c.version == SCHEMA_VERSION + 1))
