"""Typed results of ledger operations. Frozen: a caller never edits what the ledger returned.

``to_json(record)`` turns any of them into plain JSON values (dates as ``YYYY-MM-DD``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True, slots=True)
class Service:
    """One row of the MS Plus credit table (SDD section 4)."""

    code: str
    name: str
    credits_per_unit: int
    unit: str  # month | day | request
    note: str = ""


@dataclass(frozen=True, slots=True)
class Eligibility:
    """Whether a customer may redeem credits on a date. ``reasons`` refuse; ``warnings`` do not."""

    ok: bool
    reasons: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Lot:
    """A purchase of credits. ``expires`` is the last day the credits can be redeemed (inclusive).

    ``remaining`` is what no redemption holds, including credits a reversal gave back after ``expires`` (those are
    expired the moment they come back and are never usable). ``status`` on the balance date: usable, expired,
    not_yet_valid (bought after that date) or used (nothing usable left).
    """

    id: int
    purchased: dt.date
    expires: dt.date
    credits: int
    remaining: int
    reference: str | None = None
    status: str = "usable"


@dataclass(frozen=True, slots=True)
class Balance:
    """A customer's credits on ``date``: every entry recorded so far counts, whatever its own date.

    ``available`` is usable on ``date`` and not held; ``held`` is held by open reservations (not available, not yet
    charged); ``expired`` lapsed unused before ``date``; ``not_yet_valid`` belongs to lots bought after it.
    ``earliest_expiry`` is the last usable day of the lot that expires first among those with available credits.
    """

    customer: str
    date: dt.date
    available: int
    expired: int
    not_yet_valid: int
    lots: tuple[Lot, ...]
    held: int = 0
    earliest_expiry: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Allocation:
    """Credits one entry took from (positive) or gave back to (negative) one lot."""

    lot: int
    credits: int
    expires: dt.date


@dataclass(frozen=True, slots=True)
class Purchase:
    id: int
    customer: str
    credits: int
    date: dt.date
    expires: dt.date
    reference: str | None
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Redemption:
    """A redemption as recorded. ``replayed`` is True when the request id had been seen with the same content."""

    id: int
    customer: str
    service: str
    units: int
    credits: int
    date: dt.date
    request_id: str
    note: str | None
    allocations: tuple[Allocation, ...]
    replayed: bool = False
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Reservation:
    """Credits held for one request until it is captured (charged) or released.

    ``status``: held (credits set aside, nothing charged yet), captured (charged: ``redemption`` is its entry) or
    released (given back: ``released`` says why). ``replayed`` is True when the request had been reserved (or
    charged) already with the same content and nothing new was written. ``scope`` is the care-contract scope
    checked with the reservation, when devices were given. ``holder`` says who reserved it (for recovery).
    """

    id: int
    customer: str
    service: str
    units: int
    credits: int
    date: dt.date
    request_id: str
    status: str  # held | captured | released
    note: str | None
    holder: str | None
    created_at: str
    allocations: tuple[Allocation, ...]
    redemption: int | None = None
    released: str | None = None
    replayed: bool = False
    warnings: tuple[str, ...] = ()
    scope: Scope | None = None


@dataclass(frozen=True, slots=True)
class Reversal:
    """A refund of one redemption to the lots it came from. ``expired_credits`` came back to lots already expired
    on the reversal date, so they cannot be used again."""

    id: int
    customer: str
    request_id: str
    redemption: int
    credits: int
    date: dt.date
    reason: str
    restored: tuple[Allocation, ...]
    expired_credits: int
    replayed: bool = False


@dataclass(frozen=True, slots=True)
class Registration:
    customer: str
    name: str
    version: int  # 1 on first registration, +1 each time the record changes
    changed: bool
    eligibility: Eligibility  # as of the registration date


@dataclass(frozen=True, slots=True)
class StatementEntry:
    """One line of a statement. ``id`` is None for derived lines (expiry), which are computed, not stored."""

    id: int | None
    type: str  # purchase | reservation | release | redemption | reversal | expiry
    date: dt.date
    credits: int  # signed: what the line did to the customer's credits
    service: str | None
    units: int | None
    request_id: str | None
    lot: int | None  # the lot when the line touches exactly one
    lots: tuple[Allocation, ...]
    reference: str | None = None
    note: str | None = None
    reverses: int | None = None  # reversals: the redemption; releases: the reservation
    holder: str | None = None  # reservations: who held the credits


@dataclass(frozen=True, slots=True)
class ScopedDevice:
    name: str
    serial: str | None
    in_scope: bool
    reason: str
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Scope:
    """Which devices are Supported Juniper Products (on the care contract) and which are not, with reasons."""

    in_scope: tuple[ScopedDevice, ...]
    out_of_scope: tuple[ScopedDevice, ...]


def to_json(record: Any) -> Any:
    """Plain JSON values for a record (or a list/tuple of records): dates become ISO strings."""
    if dataclasses.is_dataclass(record) and not isinstance(record, type):
        return {f.name: to_json(getattr(record, f.name)) for f in dataclasses.fields(record)}
    if isinstance(record, list | tuple):
        return [to_json(item) for item in record]
    if isinstance(record, dict):
        return {k: to_json(v) for k, v in record.items()}
    if isinstance(record, date):
        return record.isoformat()
    return record
