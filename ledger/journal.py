"""Reads and appends on the journal tables. No rules here: the operations in ledger.py decide; this module only
says how an entry, a lot or an allocation is stored and read back. Rows are only ever inserted."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ledger.records import Allocation
from ledger.store import allocations, customer_history, customers, entries, now
from msplus.records import CareContract, Contact, Customer


@dataclass(frozen=True, slots=True)
class LotState:
    """A lot with what is left of it. ``late`` credits were given back after the lot's last usable day."""

    id: int
    purchased: date
    expires: date
    credits: int
    used: int  # net credits taken (allocations, reversals counted back)
    late: int
    reference: str | None

    @property
    def remaining(self) -> int:
        return self.credits - self.used

    @property
    def usable(self) -> int:
        return self.remaining - self.late


def lots(conn: Connection, customer_id: str) -> list[LotState]:
    """A customer's lots with their sums, first to expire first.

    All of them, always: the callers pick the usable ones with rules.lot_usable. (Filtering on dates in SQL made
    PostgreSQL misjudge the row count and pick a plan three times slower at 100,000 entries.)
    """
    lot = entries.alias("lot")
    alloc = allocations.alias("a")
    late = sa.case((alloc.c.day > lot.c.expires, -alloc.c.credits), else_=0)
    query = (
        sa.select(lot.c.id, lot.c.day, lot.c.expires, lot.c.credits, lot.c.reference,
                  sa.func.coalesce(sa.func.sum(alloc.c.credits), 0).label("used"),
                  sa.func.coalesce(sa.func.sum(late), 0).label("late"))
        .select_from(lot.outerjoin(alloc, alloc.c.lot_id == lot.c.id))
        .where(lot.c.customer_id == customer_id, lot.c.type == "purchase")
        .group_by(lot.c.id, lot.c.day, lot.c.expires, lot.c.credits, lot.c.reference)
        .order_by(lot.c.expires, lot.c.day, lot.c.id)
    )
    return [LotState(r.id, r.day, r.expires, r.credits, int(r.used), int(r.late), r.reference)
            for r in conn.execute(query)]


def find_request(conn: Connection, type_: str, request_id: str) -> sa.Row | None:
    return conn.execute(sa.select(entries).where(entries.c.type == type_, entries.c.request_id == request_id)).first()


def find_reversal_of(conn: Connection, entry_id: int) -> sa.Row | None:
    return conn.execute(sa.select(entries).where(entries.c.reverses == entry_id)).first()


def open_hold(conn: Connection, request_id: str) -> sa.Row | None:
    """The reservation held for ``request_id`` that no release has given back yet (at most one)."""
    release = entries.alias("rel")
    query = (sa.select(entries)
             .outerjoin(release, release.c.reverses == entries.c.id)
             .where(entries.c.type == "reservation", entries.c.hold_for == request_id, release.c.id.is_(None)))
    return conn.execute(query).first()


def last_hold(conn: Connection, request_id: str) -> sa.Row | None:
    """The latest reservation ever made for ``request_id`` (open or released)."""
    query = (sa.select(entries).where(entries.c.type == "reservation", entries.c.hold_for == request_id)
             .order_by(entries.c.id.desc()).limit(1))
    return conn.execute(query).first()


def open_holds(conn: Connection, customer_id: str | None = None) -> list[sa.Row]:
    """Every reservation not yet released (nor captured), oldest first; one customer's when given."""
    release = entries.alias("rel")
    query = (sa.select(entries)
             .outerjoin(release, release.c.reverses == entries.c.id)
             .where(entries.c.type == "reservation", release.c.id.is_(None))
             .order_by(entries.c.id))
    if customer_id is not None:
        query = query.where(entries.c.customer_id == customer_id)
    return list(conn.execute(query))


def entry_allocations(conn: Connection, entry_id: int) -> tuple[Allocation, ...]:
    query = (sa.select(allocations.c.lot_id, allocations.c.credits, entries.c.expires)
             .join(entries, entries.c.id == allocations.c.lot_id)
             .where(allocations.c.entry_id == entry_id).order_by(entries.c.expires, allocations.c.lot_id))
    return tuple(Allocation(r.lot_id, r.credits, r.expires) for r in conn.execute(query))


def append(conn: Connection, *, customer_id: str, type_: str, day: date, credits: int,
           taken: Iterable[tuple[int, int]] = (), **fields: object) -> int:
    """Insert one entry and its allocations ((lot id, credits) pairs); returns the entry id."""
    values = {"customer_id": customer_id, "type": type_, "day": day, "credits": credits, "created_at": now(),
              **fields}
    entry_id = int(conn.execute(entries.insert().values(**values).returning(entries.c.id)).scalar_one())
    rows = [{"entry_id": entry_id, "lot_id": lot, "credits": amount, "day": day} for lot, amount in taken]
    if rows:
        conn.execute(allocations.insert(), rows)
    return entry_id


def customer_entries(conn: Connection, customer_id: str) -> list[sa.Row]:
    return list(conn.execute(sa.select(entries).where(entries.c.customer_id == customer_id)
                             .order_by(entries.c.day, entries.c.id)))


def customer_allocations(conn: Connection, customer_id: str) -> dict[int, list[sa.Row]]:
    """Entry id -> its allocations (with the lot's expiry and the entry's date), for a whole customer at once."""
    lot = entries.alias("lot")
    query = (sa.select(allocations.c.entry_id, allocations.c.lot_id, allocations.c.credits, allocations.c.day,
                       lot.c.expires)
             .join(lot, lot.c.id == allocations.c.lot_id)
             .where(lot.c.customer_id == customer_id)
             .order_by(allocations.c.entry_id, lot.c.expires, allocations.c.lot_id))
    found: dict[int, list[sa.Row]] = {}
    for row in conn.execute(query):
        found.setdefault(row.entry_id, []).append(row)
    return found


# ---------------------------------------------------------------------------------------------------- customers

def customer_to_json(customer: Customer) -> str:
    def contact(c: Contact | None) -> dict[str, str | None] | None:
        return None if c is None else {"name": c.name, "email": c.email, "certification": c.certification}

    cc = customer.care_contract
    data = {
        "id": customer.id, "name": customer.name, "theater": customer.theater, "country": customer.country,
        "prequalified": customer.prequalified,
        "care_contract": None if cc is None else {"id": cc.id, "start": cc.start.isoformat(),
                                                   "end": cc.end.isoformat(), "serials": list(cc.serials)},
        "lead": contact(customer.lead), "technical": [contact(c) for c in customer.technical],
    }
    return json.dumps(data, sort_keys=True)


def customer_from_json(text: str) -> Customer:
    data = json.loads(text)
    cc = data["care_contract"]
    return Customer(
        id=data["id"], name=data["name"], theater=data["theater"], country=data["country"],
        prequalified=data["prequalified"],
        care_contract=None if cc is None else CareContract(cc["id"], date.fromisoformat(cc["start"]),
                                                           date.fromisoformat(cc["end"]), tuple(cc["serials"])),
        lead=None if data["lead"] is None else Contact(**data["lead"]),
        technical=tuple(Contact(**c) for c in data["technical"]),
    )


def save_customer(conn: Connection, customer: Customer, existing: sa.Row | None) -> tuple[int, bool]:
    """Insert or update the customer record (it is not the journal) and add a history row when it changed."""
    data = customer_to_json(customer)
    stamp = now()
    if existing is not None and existing.data == data:
        return existing.version, False
    if existing is None:
        version = 1
        conn.execute(customers.insert().values(id=customer.id, name=customer.name, version=1, data=data,
                                               registered_at=stamp, updated_at=stamp))
    else:
        version = existing.version + 1
        conn.execute(customers.update().where(customers.c.id == customer.id)
                     .values(name=customer.name, version=version, data=data, updated_at=stamp))
    conn.execute(customer_history.insert().values(customer_id=customer.id, version=version, data=data,
                                                  recorded_at=stamp))
    return version, True
