"""Shared by the ledger tests: customers, ledgers on a temporary SQLite file or a throw-away PostgreSQL schema,
journal snapshots (to prove a refusal changed nothing) and the journal's invariants (to prove a crash left no
partial entry)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from ledger import open_ledger
from ledger.ledger import Ledger
from ledger.store import allocations, customer_history, customers, entries
from msplus.records import CareContract, Contact, Customer

PG_ENV = "ASSESS_TEST_POSTGRES_URL"
PG_SKIP = f"{PG_ENV} is not set: PostgreSQL ledger tests need a real server (.ci/run sets it)"


def contact(n: int, cert: str | None = "JNCIS-ENT") -> Contact:
    return Contact(name=f"Eng {n}", email=f"eng{n}@example.com", certification=cert)


def customer(cid: str = "acme", **changes: Any) -> Customer:
    """An eligible APAC customer with a contract for 2026-2027 and two certified technical contacts."""
    values: dict[str, Any] = {
        "id": cid, "name": f"{cid} Pte Ltd", "theater": "APAC", "country": "SG", "prequalified": True,
        "care_contract": CareContract("JC-1", date(2026, 1, 1), date(2027, 12, 31), ("JN1234", "JN5678")),
        "lead": Contact("Lead", "lead@example.com"),
        "technical": (contact(1), contact(2)),
    }
    values.update(changes)
    return Customer(**values)


def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'ledger.db'}"


def open_at(url: str) -> Ledger:
    return open_ledger(url, today=lambda: date(2026, 6, 1))


def journal_snapshot(ledger: Ledger) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every ledger table, to compare before and after an operation."""
    with ledger.store.read() as conn:
        return {t.name: [tuple(r) for r in conn.execute(sa.select(t).order_by(*t.primary_key.columns))]
                for t in (customers, customer_history, entries, allocations)}


def check_invariants(ledger: Ledger) -> dict[str, int]:
    """Fail on any partial or inconsistent entry; return counts by entry type."""
    with ledger.store.read() as conn:
        rows = list(conn.execute(sa.select(entries)))
        allocs: dict[int, list[Any]] = {}
        for a in conn.execute(sa.select(allocations)):
            allocs.setdefault(a.entry_id, []).append(a)
    by_id = {r.id: r for r in rows}
    counts: dict[str, int] = {}
    used: dict[int, int] = {}
    for r in rows:
        counts[r.type] = counts.get(r.type, 0) + 1
        mine = allocs.get(r.id, [])
        if r.type == "purchase":
            assert not mine, f"purchase {r.id} has allocations"
            continue
        assert mine, f"{r.type} {r.id} ({r.request_id}) has no allocations: a partial entry"
        assert sum(a.credits for a in mine) == -r.credits, f"entry {r.id}: allocations do not sum to its credits"
        for a in mine:
            assert by_id[a.lot_id].type == "purchase" and by_id[a.lot_id].customer_id == r.customer_id
            assert (a.credits > 0) == (r.type in ("redemption", "reservation"))
            used[a.lot_id] = used.get(a.lot_id, 0) + a.credits
        if r.type in ("reversal", "release"):
            original = {a.lot_id: a.credits for a in allocs[r.reverses]}
            assert {a.lot_id: -a.credits for a in mine} == original, f"{r.type} {r.id} restores other lots"
            assert by_id[r.reverses].type == ("redemption" if r.type == "reversal" else "reservation")
    for lot_id, amount in used.items():
        assert 0 <= amount <= by_id[lot_id].credits, f"lot {lot_id} overdrawn or negative: used {amount}"
    return counts


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A PostgreSQL ledger URL in a schema of its own, dropped afterwards."""
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(PG_SKIP)
    import psycopg

    schema = f"ledger_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
