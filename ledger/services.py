"""The MS Plus credit table (``services.yaml``): the one place that says what a service costs."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

import yaml

from ledger import limits
from ledger.dates import last_day
from ledger.errors import LedgerError, LedgerRefusal
from ledger.records import Service

TABLE_FILE = Path(__file__).with_name("services.yaml")
UNITS = ("month", "day", "request")


@lru_cache(maxsize=1)
def table() -> Mapping[str, Service]:
    """Service code -> Service, read once from services.yaml and checked."""
    data = yaml.safe_load(TABLE_FILE.read_text(encoding="utf-8"))
    rows: dict[str, Service] = {}
    for row in data["services"]:
        service = Service(code=str(row["code"]).upper(), name=str(row["name"]), credits_per_unit=row["credits"],
                          unit=row["unit"], note=str(row.get("note") or ""))
        if service.unit not in UNITS or not isinstance(service.credits_per_unit, int) \
                or service.credits_per_unit <= 0 or service.code in rows:
            raise LedgerError(f"{TABLE_FILE}: bad credit table row {row!r}")
        rows[service.code] = service
    return MappingProxyType(rows)


def service(code: str) -> Service:
    """The service for a code (case-insensitive); an unknown code is refused, naming the known ones."""
    found = table().get(str(code).strip().upper())
    if found is None:
        raise LedgerRefusal(f"unknown service {code!r}: expected one of {' '.join(table())}")
    return found


def check_units(units: int | str) -> int:
    """Units of a redemption: a whole number in ASCII digits, 1 to limits.yaml's ``units_max``."""
    return limits.whole(units, "units", limits.limits().units_max)


def quote(code: str, units: int | str = 1) -> int:
    """Credits that ``units`` of a service cost: months for SMO, days for TG and IMWS, requests for the rest."""
    return service(code).credits_per_unit * check_units(units)


def period_end(svc: Service, start: date, units: int) -> date:
    """The last day of the service period a redemption buys (the start day itself for a request)."""
    if svc.unit == "month":
        return last_day(start, units)
    if svc.unit == "day":
        return start + timedelta(days=units - 1)
    return start


def describe(svc: Service, units: int) -> str:
    word = svc.unit if units == 1 else svc.unit + "s"
    return f"{svc.code} x{units} {word}"
