"""The ledger's operations, each one transaction: register, purchase, redeem, reverse, balance, statement.

A refusal raises LedgerRefusal before anything is written (or inside the transaction, which then rolls back), so a
refused operation changes nothing. Balances are derived from the journal every time; nothing is kept up to date.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ledger import journal, limits, rules, services
from ledger.dates import parse_date
from ledger.errors import LedgerInputError, LedgerRefusal, OutOfScope
from ledger.location import resolve_url
from ledger.records import (
    Allocation,
    Balance,
    Eligibility,
    Lot,
    Purchase,
    Redemption,
    Registration,
    Reservation,
    Reversal,
    Scope,
    StatementEntry,
)
from ledger.store import Store, customers
from msplus.records import Customer, Device

T = TypeVar("T")
RETRIES = 3  # a unique-key clash between two first-time writers is retried; the second then sees the first


def open_ledger(url: str | None = None, *, environ: Mapping[str, str] | None = None,
                today: Callable[[], dt.date] = dt.date.today) -> Ledger:
    """Open (creating or migrating as needed) the ledger at ``url``, ``ASSESS_LEDGER`` or the default file."""
    return Ledger(Store(resolve_url(url, environ)), today=today)


class Ledger:
    """One open ledger. Dates default to ``today()``; every method is safe to call from many processes at once."""

    def __init__(self, store: Store, *, today: Callable[[], dt.date] = dt.date.today) -> None:
        self.store = store
        self.today = today

    @property
    def url(self) -> str:
        return self.store.display

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _date(self, value: str | dt.date | None) -> dt.date:
        return parse_date(value, today=self.today())

    # ------------------------------------------------------------------------------------------------ customers

    def register(self, customer: Customer, date: str | dt.date | None = None) -> Registration:
        """Store or update a customer (not journal data). Returns the eligibility on ``date`` as an early warning."""
        on = self._date(date)
        limits.identifier(customer.id, "customer_id", "customer id")
        limits.text(customer.name, "customer_name", what="customer name")

        def run(conn: Connection) -> tuple[int, bool]:
            return journal.save_customer(conn, customer, self.store.lock_customer(conn, customer.id))

        version, changed = self._write(run)
        return Registration(customer.id, customer.name, version, changed, rules.eligibility(customer, on))

    def register_inventory(self, path: str | Path, date: str | dt.date | None = None) -> Registration:
        """Register the ``customer:`` section of an inventory file."""
        customer = read_customer(path)
        return self.register(customer, date)

    def customer(self, customer_id: str) -> Customer:
        with self.store.read() as conn:
            return self._customer(conn, customer_id)

    def _customer(self, conn: Connection, customer_id: str, row: sa.Row | None = None) -> Customer:
        if row is None:
            row = conn.execute(sa.select(customers).where(customers.c.id == customer_id)).first()
        if row is None:
            raise LedgerRefusal(f"unknown customer {customer_id!r}: register it first (ledger register --inventory)")
        return journal.customer_from_json(row.data)

    def check_eligibility(self, customer_id: str, date: str | dt.date | None = None) -> Eligibility:
        return rules.eligibility(self.customer(customer_id), self._date(date))

    def scope(self, customer_id: str, devices: Iterable[Device], profiles: Mapping[str, Any] | None = None,
              date: str | dt.date | None = None) -> Scope:
        """Which devices the stored customer's care contract covers (see ledger.rules.scope)."""
        return rules.scope(self.customer(customer_id), devices, profiles, self._date(date))

    @staticmethod
    def quote(service: str, units: int = 1) -> int:
        return services.quote(service, units)

    # ------------------------------------------------------------------------------------------------ purchases

    def purchase(self, customer_id: str, credits: int | str, date: str | dt.date | None = None,
                 reference: str | None = None) -> Purchase:
        """Record a lot of credits bought on ``date``; usable until rules.lot_expires(date) inclusive."""
        on = self._date(date)
        amount = limits.whole(credits, "credits", limits.limits().purchase_credits_max)
        expires = rules.lot_expires(on)
        reference = limits.text(reference, "reference", what="purchase reference")

        def run(conn: Connection) -> tuple[int, Customer]:
            customer = self._customer(conn, customer_id, self.store.lock_customer(conn, customer_id))
            entry = journal.append(conn, customer_id=customer_id, type_="purchase", day=on, credits=amount,
                                   expires=expires, reference=reference)
            return entry, customer

        entry, customer = self._write(run)
        found = rules.eligibility(customer, on)
        return Purchase(entry, customer_id, amount, on, expires, reference,
                        tuple(f"not eligible on {on}: {reason}" for reason in found.reasons))

    # ---------------------------------------------------------------------------------------------- redemptions

    def redeem(self, customer_id: str, service: str, units: int | str = 1, date: str | dt.date | None = None,
               request_id: str = "", note: str | None = None) -> Redemption:
        """Charge ``units`` of ``service`` on ``date`` from the lots that expire first.

        Idempotent by ``request_id``: the same id with the same content returns the original redemption (with
        ``replayed`` True) and charges nothing; the same id with other content is refused.
        """
        svc = services.service(service)
        count = services.check_units(units)
        on = self._date(date)
        request_id = _request_id(request_id)
        note = limits.text(note, "note", one_line=False)
        cost = svc.credits_per_unit * count
        digest = _digest(customer=customer_id, service=svc.code, units=count, date=on.isoformat(), note=note)

        def run(conn: Connection) -> Redemption:
            row = self.store.lock_customer(conn, customer_id)
            previous = journal.find_request(conn, "redemption", request_id)
            if previous is not None:
                if previous.content_hash != digest:
                    raise LedgerRefusal(f"request id {request_id!r} was already used for another redemption "
                                        f"({previous.service} x{previous.units} for {previous.customer_id} on "
                                        f"{previous.day}); nothing charged")
                _refuse_if_reversed(conn, previous, request_id)
                return self._redemption(conn, previous, replayed=True)
            held = journal.open_hold(conn, request_id)
            if held is not None:
                raise LedgerRefusal(f"request id {request_id!r} has an open reservation ({held.service} "
                                    f"x{held.units} for {held.customer_id} on {held.day}): capture or release it; "
                                    "nothing charged")
            customer = self._customer(conn, customer_id, row)
            found = rules.eligibility(customer, on)
            if not found.ok:
                raise LedgerRefusal(f"{customer_id} is not eligible on {on}: {'; '.join(found.reasons)}")
            every = journal.lots(conn, customer_id)
            usable = [lot for lot in every if rules.lot_usable(lot.purchased, lot.expires, on)]
            taken = _take(usable, cost)
            if taken is None:
                raise LedgerRefusal(_shortfall(every, customer_id, services.describe(svc, count), cost, on))
            entry = journal.append(conn, customer_id=customer_id, type_="redemption", day=on, credits=-cost,
                                   service=svc.code, units=count, request_id=request_id, content_hash=digest,
                                   note=note, taken=taken)
            warnings = (*found.warnings, *rules.service_warnings(customer, svc, on, count))
            expiry = {lot.id: lot.expires for lot in usable}
            given = tuple(Allocation(lot, amount, expiry[lot]) for lot, amount in taken)
            return Redemption(entry, customer_id, svc.code, count, cost, on, request_id, note, given, False,
                              warnings)

        return self._write(run)

    def _redemption(self, conn: Connection, row: sa.Row, *, replayed: bool = False) -> Redemption:
        return Redemption(row.id, row.customer_id, row.service, row.units, -row.credits, row.day, row.request_id,
                          row.note, journal.entry_allocations(conn, row.id), replayed)

    def find(self, request_id: str) -> tuple[Redemption | None, Reversal | None]:
        """The redemption recorded under ``request_id`` and its reversal, if any (one indexed look-up each)."""
        request_id = _request_id(request_id)
        with self.store.read() as conn:
            row = journal.find_request(conn, "redemption", request_id)
            if row is None:
                return None, None
            done = journal.find_reversal_of(conn, row.id)
            return (self._redemption(conn, row, replayed=True),
                    None if done is None else self._reversal(conn, done, request_id, replayed=True))

    # ----------------------------------------------------------------------------------------------- reservations

    def reserve(self, customer_id: str, service: str, units: int | str = 1, date: str | dt.date | None = None,
                request_id: str = "", note: str | None = None, *, devices: Iterable[Device] | None = None,
                profiles: Mapping[str, Any] | None = None, required: Iterable[str] = (),
                holder: str | None = None) -> Reservation:
        """Hold the credits of ``units`` of ``service`` for ``request_id``, after checking once, in one transaction,
        the customer's eligibility on ``date``, the scope of ``devices`` (when given: OutOfScope when none of them
        can be on the care contract, or one named in ``required`` is known to be off it) and the funds. Nothing is
        charged until :meth:`capture`.

        Idempotent by request id: an open reservation with the same content is returned (``replayed``), and so is
        a request already charged (status ``captured``); other content under the same id, or a request charged
        and then reversed, is refused. A released request may be reserved again.
        """
        svc = services.service(service)
        count = services.check_units(units)
        on = self._date(date)
        request_id = _request_id(request_id)
        note = limits.text(note, "note", one_line=False)
        holder = limits.text(holder, "holder")
        cost = svc.credits_per_unit * count
        digest = _digest(customer=customer_id, service=svc.code, units=count, date=on.isoformat(), note=note)
        targets = None if devices is None else list(devices)
        needed = set(required)

        def run(conn: Connection) -> Reservation:
            row = self.store.lock_customer(conn, customer_id)
            self._lock_request(conn, request_id)
            charged = journal.find_request(conn, "redemption", request_id)
            if charged is not None:
                if (charged.customer_id, charged.service, charged.units, charged.day) != (customer_id, svc.code,
                                                                                           count, on):
                    raise LedgerRefusal(f"request id {request_id!r} was already used for {charged.service} on "
                                        f"{charged.day} ({charged.customer_id}, x{charged.units}); give another "
                                        "request id; nothing reserved")
                _refuse_if_reversed(conn, charged, request_id)
                return self._captured(conn, charged, request_id)
            held = journal.open_hold(conn, request_id)
            if held is not None:
                if held.content_hash != digest:
                    raise LedgerRefusal(f"request id {request_id!r} is reserved for {held.service} x{held.units} "
                                        f"for {held.customer_id} on {held.day} ({held.holder or 'holder unknown'})"
                                        "; give another request id; nothing reserved")
                return self._reservation(conn, held, replayed=True)
            customer = self._customer(conn, customer_id, row)
            found = rules.eligibility(customer, on)
            if not found.ok:
                raise LedgerRefusal(f"{customer_id} is not eligible on {on}: {'; '.join(found.reasons)}")
            scope = None
            if targets is not None:
                scope = rules.scope(customer, targets, profiles, on)
                if not scope.in_scope and all(d.serial is not None for d in scope.out_of_scope):
                    raise OutOfScope("no device of the inventory is on the care contract: "
                                     + "; ".join(f"{d.name}: {d.reason}" for d in scope.out_of_scope))
                for d in scope.out_of_scope:
                    if d.name in needed and d.serial is not None:
                        raise OutOfScope(f"{d.name} is not in scope ({d.reason})", device=d.name)
            every = journal.lots(conn, customer_id)
            usable = [lot for lot in every if rules.lot_usable(lot.purchased, lot.expires, on)]
            taken = _take(usable, cost)
            if taken is None:
                raise LedgerRefusal(_shortfall(every, customer_id, services.describe(svc, count), cost, on,
                                               "nothing reserved"))
            journal.append(conn, customer_id=customer_id, type_="reservation", day=on, credits=-cost,
                           service=svc.code, units=count, hold_for=request_id, content_hash=digest, note=note,
                           holder=holder, taken=taken)
            entry = journal.open_hold(conn, request_id)
            assert entry is not None
            warnings = (*found.warnings, *rules.service_warnings(customer, svc, on, count))
            return dataclasses.replace(self._reservation(conn, entry), warnings=warnings, scope=scope)

        return self._write(run)

    def capture(self, request_id: str) -> Redemption:
        """Charge the open reservation of ``request_id``: its release and a redemption of the same credits from the
        same lots, dated as the reservation, in one transaction. Idempotent: a request already charged returns its
        redemption (``replayed``). Refused when there is no open reservation (never made, or released)."""
        request_id = _request_id(request_id)

        def run(conn: Connection) -> Redemption:
            first = journal.open_hold(conn, request_id) or journal.find_request(conn, "redemption", request_id)
            if first is not None:
                self.store.lock_customer(conn, first.customer_id)
            charged = journal.find_request(conn, "redemption", request_id)
            if charged is not None:
                return self._redemption(conn, charged, replayed=True)
            held = journal.open_hold(conn, request_id)
            if held is None:
                raise LedgerRefusal(self._no_hold(conn, request_id, "nothing to capture"))
            given = journal.entry_allocations(conn, held.id)
            digest = _digest(customer=held.customer_id, service=held.service, units=held.units,
                             date=held.day.isoformat(), note=held.note)
            # the release that captures carries the redemption's content hash: that is how a reservation is known
            # to be captured (a plain release has none)
            journal.append(conn, customer_id=held.customer_id, type_="release", day=held.day, credits=-held.credits,
                           service=held.service, units=held.units, hold_for=request_id, reverses=held.id,
                           content_hash=digest, note=f"captured: reservation {held.id} charged",
                           taken=[(a.lot, -a.credits) for a in given])
            journal.append(conn, customer_id=held.customer_id, type_="redemption", day=held.day, credits=held.credits,
                           service=held.service, units=held.units, request_id=request_id, content_hash=digest,
                           note=held.note, taken=[(a.lot, a.credits) for a in given])
            row = journal.find_request(conn, "redemption", request_id)
            assert row is not None
            return self._redemption(conn, row)

        return self._write(run)

    def release(self, request_id: str, reason: str) -> Reservation:
        """Give back the credits held for ``request_id`` (nothing was charged). Idempotent: a request whose last
        reservation is already released returns it (``replayed``). Refused when the request was charged (use
        :meth:`reverse`) or never reserved."""
        request_id = _request_id(request_id)
        reason = limits.text(reason, "note", what="reason") or ""
        if not reason:
            raise LedgerInputError("a release needs a reason")

        def run(conn: Connection) -> Reservation:
            held = journal.open_hold(conn, request_id)
            if held is not None:
                self.store.lock_customer(conn, held.customer_id)
                held = journal.open_hold(conn, request_id)
            if held is None:
                if journal.find_request(conn, "redemption", request_id) is not None:
                    raise LedgerRefusal(f"request id {request_id!r} was captured (charged), not held: to refund it "
                                        "use ledger reverse; nothing released")
                last = journal.last_hold(conn, request_id)
                if last is None:
                    raise LedgerRefusal(f"no reservation with request id {request_id!r}; nothing released")
                return self._reservation(conn, last, replayed=True)
            given = journal.entry_allocations(conn, held.id)
            journal.append(conn, customer_id=held.customer_id, type_="release", day=held.day, credits=-held.credits,
                           service=held.service, units=held.units, hold_for=request_id, reverses=held.id,
                           note=reason, taken=[(a.lot, -a.credits) for a in given])
            return self._reservation(conn, held)

        return self._write(run)

    def reservation(self, request_id: str) -> Reservation | None:
        """The latest reservation of ``request_id`` with its status, or None when it was never reserved."""
        request_id = _request_id(request_id)
        with self.store.read() as conn:
            last = journal.last_hold(conn, request_id)
            return None if last is None else self._reservation(conn, last, replayed=True)

    def reservations(self, customer_id: str | None = None) -> list[Reservation]:
        """Open reservations (credits held, not charged), oldest first: what interrupted runs may have left."""
        with self.store.read() as conn:
            if customer_id is not None:
                self._customer(conn, customer_id)
            return [self._reservation(conn, row) for row in journal.open_holds(conn, customer_id)]

    def _reservation(self, conn: Connection, row: sa.Row, *, replayed: bool = False) -> Reservation:
        """A reservation entry with its status, read from its release (and the redemption that captured it)."""
        release = journal.find_reversal_of(conn, row.id)
        status, redemption, released = "held", None, None
        if release is not None:
            charged = journal.find_request(conn, "redemption", row.hold_for)
            if charged is not None and release.content_hash is not None and charged.content_hash == \
                    release.content_hash:
                status, redemption = "captured", charged.id
            else:
                status, released = "released", release.note
        return Reservation(row.id, row.customer_id, row.service, row.units, -row.credits, row.day, row.hold_for,
                           status, row.note, row.holder, row.created_at, journal.entry_allocations(conn, row.id),
                           redemption, released, replayed)

    def _captured(self, conn: Connection, charged: sa.Row, request_id: str) -> Reservation:
        """A request already charged, seen through reserve: its reservation when there was one, else the redemption
        (made by ``redeem`` directly)."""
        last = journal.last_hold(conn, request_id)
        if last is not None:
            found = self._reservation(conn, last, replayed=True)
            if found.status == "captured":
                return found
        return Reservation(charged.id, charged.customer_id, charged.service, charged.units, -charged.credits,
                           charged.day, request_id, "captured", charged.note, None, charged.created_at,
                           journal.entry_allocations(conn, charged.id), charged.id, None, True)

    def _no_hold(self, conn: Connection, request_id: str, what: str) -> str:
        last = journal.last_hold(conn, request_id)
        if last is None:
            return f"no reservation with request id {request_id!r}; {what}"
        release = journal.find_reversal_of(conn, last.id)
        why = f" ({release.note})" if release is not None and release.note else ""
        return f"the reservation of request id {request_id!r} was released{why}; {what}"

    def _lock_request(self, conn: Connection, request_id: str) -> None:
        """On PostgreSQL, serialise reservations of one request id across customers (the customer lock does not);
        SQLite's BEGIN IMMEDIATE already serialises every writer."""
        if self.store.dialect == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": "request:" + request_id})

    # ------------------------------------------------------------------------------------------------ reversals

    def reverse(self, request_id: str, reason: str, date: str | dt.date | None = None) -> Reversal:
        """Refund the redemption ``request_id`` to the lots it came from, each within its original validity.

        A redemption is reversed once: repeating the same reversal (same reason and date) returns the original;
        a different one is refused.
        """
        request_id = _request_id(request_id)
        reason = limits.text(reason, "note", what="reason") or ""
        if not reason:
            raise LedgerRefusal("a reversal needs a reason")
        on = self._date(date)
        digest = _digest(request_id=request_id, reason=reason, date=on.isoformat())

        def run(conn: Connection) -> Reversal:
            original = journal.find_request(conn, "redemption", request_id)
            if original is None:
                raise LedgerRefusal(f"no redemption with request id {request_id!r}")
            self.store.lock_customer(conn, original.customer_id)
            done = journal.find_reversal_of(conn, original.id)
            if done is not None:
                if done.content_hash != digest:
                    raise LedgerRefusal(f"redemption {request_id!r} was already reversed on {done.day} "
                                        f"({done.note}); nothing changed")
                return self._reversal(conn, done, request_id, replayed=True)
            if on < original.day:
                raise LedgerRefusal(f"reversal date {on} is before the redemption ({original.day})")
            given = journal.entry_allocations(conn, original.id)
            entry = journal.append(conn, customer_id=original.customer_id, type_="reversal", day=on,
                                   credits=-original.credits, service=original.service, units=original.units,
                                   request_id=request_id, content_hash=digest, note=reason, reverses=original.id,
                                   taken=[(a.lot, -a.credits) for a in given])
            row = journal.find_request(conn, "reversal", request_id)
            assert row is not None and row.id == entry
            return self._reversal(conn, row, request_id)

        return self._write(run)

    def _reversal(self, conn: Connection, row: sa.Row, request_id: str, *, replayed: bool = False) -> Reversal:
        restored = journal.entry_allocations(conn, row.id)
        expired = sum(-a.credits for a in restored if a.expires < row.day)
        return Reversal(row.id, row.customer_id, request_id, row.reverses, row.credits, row.day, row.note,
                        restored, expired, replayed)

    # ----------------------------------------------------------------------------------------- balance, statement

    def balance(self, customer_id: str, date: str | dt.date | None = None) -> Balance:
        """Credits on ``date``, derived from every entry recorded so far (see Balance)."""
        on = self._date(date)
        with self.store.read() as conn:
            self._customer(conn, customer_id)
            states = journal.lots(conn, customer_id)
            held = sum(-row.credits for row in journal.open_holds(conn, customer_id))
        lots = tuple(_lot(state, on) for state in states)
        usable = [s for s in states if rules.lot_usable(s.purchased, s.expires, on) and s.usable > 0]
        available = sum(s.usable for s in usable)
        expired = sum(s.remaining for s in states if s.expires < on)
        waiting = sum(s.usable for s in states if s.purchased > on)
        earliest = min((s.expires for s in usable), default=None)
        return Balance(customer_id, on, available, expired, waiting, lots, held, earliest)

    def statement(self, customer_id: str, date: str | dt.date | None = None) -> list[StatementEntry]:
        """Every entry of a customer in date order, with ``expiry`` lines derived for credits that lapsed by
        ``date`` (dated the first day they could no longer be used)."""
        from ledger.statement import build

        on = self._date(date)
        with self.store.read() as conn:
            self._customer(conn, customer_id)
            rows = journal.customer_entries(conn, customer_id)
            allocs = journal.customer_allocations(conn, customer_id)
        return build(rows, allocs, on)

    # -------------------------------------------------------------------------------------------------- helpers

    def _write(self, run: Callable[[Connection], T]) -> T:
        """Run ``run`` in one write transaction. A unique-key clash with a writer that got there first (the same
        request id or a new customer, on PostgreSQL) is retried; the retry sees the other's row."""
        for attempt in range(RETRIES):
            try:
                with self.store.write() as conn:
                    return run(conn)
            except sa.exc.IntegrityError as exc:
                if attempt == RETRIES - 1:
                    raise LedgerRefusal(f"conflicting write, try again: {' '.join(str(exc.orig).split())[:200]}"
                                        ) from exc
        raise AssertionError("unreachable")


def _take(lots: list[journal.LotState], cost: int) -> list[tuple[int, int]] | None:
    """Credits to take from each lot, first to expire first; None when the lots do not hold enough."""
    taken, left = [], cost
    for lot in lots:
        if left == 0:
            break
        amount = min(lot.usable, left)
        if amount > 0:
            taken.append((lot.id, amount))
            left -= amount
    return None if left else taken


def _refuse_if_reversed(conn: Connection, charged: sa.Row, request_id: str) -> None:
    """A request charged and then reversed stays refunded: its id cannot be charged (nor replayed) again."""
    done = journal.find_reversal_of(conn, charged.id)
    if done is not None:
        raise LedgerRefusal(f"request id {request_id!r} was charged on {charged.day} and reversed on {done.day} "
                            f"({done.note}); give a new request id; nothing charged")


def _shortfall(lots: list[journal.LotState], customer_id: str, what: str, cost: int, on: dt.date,
               outcome: str = "nothing charged") -> str:
    """The refusal for too few credits, saying what expired or is bought for later, since that is the usual why."""
    usable = sum(lot.usable for lot in lots if rules.lot_usable(lot.purchased, lot.expires, on))
    expired = [lot for lot in lots if lot.expires < on and lot.remaining > 0]
    text = f"insufficient credits: {what} needs {cost}, {customer_id} has {usable} usable on {on}"
    if expired:
        lapsed = sum(lot.remaining for lot in expired)
        text += f" ({lapsed} more expired unused, last on {max(lot.expires for lot in expired)})"
    later = sum(lot.usable for lot in lots if lot.purchased > on)
    if later:
        text += f" ({later} more bought after {on})"
    return f"{text}; {outcome}"


def _lot(state: journal.LotState, on: dt.date) -> Lot:
    if state.purchased > on:
        status = "not_yet_valid"
    elif state.expires < on:
        status = "expired" if state.remaining > 0 else "used"
    else:
        status = "usable" if state.usable > 0 else "used"
    return Lot(state.id, state.purchased, state.expires, state.credits, state.remaining, state.reference, status)


def _digest(**content: object) -> str:
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def _request_id(value: str) -> str:
    return limits.identifier(value, "request_id", "request id")


def read_customer(path: str | Path) -> Customer:
    """The ``customer:`` section of an inventory, validated by the inventory loader.

    Registration needs no device credentials, so password prompts and password environment variables are
    answered with blanks here (and thrown away) instead of asking or failing.
    """
    from msplus.inventory import load_inventory

    inventory = load_inventory(path, prompt=lambda _question: "", environ=_NoSecrets())
    if inventory.customer is None:
        raise LedgerRefusal(f"{path}: the inventory has no customer: section")
    return inventory.customer


class _NoSecrets(dict[str, str]):
    def get(self, key: object, default: object = None) -> str:
        return ""
