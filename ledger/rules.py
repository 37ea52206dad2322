"""The MS Plus rules as pure functions over msplus.records: eligibility, credit validity, scope.

Nothing here touches the database; the ledger calls these inside its transactions. The terms themselves (theater,
Group E countries, contact counts, validity) are data in ``eligibility.yaml``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from ledger.dates import last_day
from ledger.records import Eligibility, Scope, ScopedDevice, Service
from ledger.services import period_end
from msplus.records import Customer, Device, Inventory

TERMS_FILE = Path(__file__).with_name("eligibility.yaml")


@dataclass(frozen=True, slots=True)
class Terms:
    validity_months: int
    theaters: frozenset[str]
    excluded_countries: Mapping[str, str]
    lead: int
    technical_min: int
    technical_max: int
    certifications: tuple[str, ...]


@lru_cache(maxsize=1)
def terms() -> Terms:
    data = yaml.safe_load(TERMS_FILE.read_text(encoding="utf-8"))
    contacts = data["contacts"]
    return Terms(
        validity_months=int(data["validity_months"]),
        theaters=frozenset(str(t).upper() for t in data["theaters"]),
        excluded_countries={str(k).upper(): str(v) for k, v in data["excluded_countries"].items()},
        lead=int(contacts["lead"]),
        technical_min=int(contacts["technical_min"]),
        technical_max=int(contacts["technical_max"]),
        certifications=tuple(str(c).upper() for c in data["recommended_certifications"]),
    )


# ------------------------------------------------------------------------------------------------ credit validity

def lot_expires(purchased: date) -> date:
    """The last day a lot bought on ``purchased`` can be redeemed: 2026-01-10 -> 2027-01-09."""
    return last_day(purchased, terms().validity_months)


def lot_usable(purchased: date, expires: date, on: date) -> bool:
    """Credits exist from their purchase date and can start a service up to and including ``expires``."""
    return purchased <= on <= expires


# ---------------------------------------------------------------------------------------------------- eligibility

def eligibility(customer: Customer, on: date) -> Eligibility:
    """Every reason ``customer`` may not redeem on ``on`` (SDD sections 2, 5, 6), and the warnings."""
    reasons = [*_contract_reasons(customer, on), *_place_reasons(customer)]
    if not customer.prequalified:
        reasons.append("customer is not prequalified for MS Plus")
    contact_reasons, warnings = _contacts(customer)
    reasons.extend(contact_reasons)
    if customer.care_contract is not None and not customer.care_contract.serials:
        warnings.append(f"care contract {customer.care_contract.id} lists no serial numbers: no device is in scope")
    return Eligibility(ok=not reasons, reasons=tuple(reasons), warnings=tuple(warnings))


def _contract_reasons(customer: Customer, on: date) -> list[str]:
    contract = customer.care_contract
    if contract is None:
        return ["no Juniper Care contract"]
    if on < contract.start:
        return [f"Juniper Care contract {contract.id} starts {contract.start}, after {on}"]
    if on > contract.end:
        return [f"Juniper Care contract {contract.id} ended {contract.end}, before {on}"]
    return []


def _place_reasons(customer: Customer) -> list[str]:
    t = terms()
    reasons = []
    if customer.theater.strip().upper() not in t.theaters:
        reasons.append(f"theater {customer.theater}: MS Plus is available only in {', '.join(sorted(t.theaters))}")
    country = customer.country.strip().upper()
    if country in t.excluded_countries:
        reasons.append(f"country {country} ({t.excluded_countries[country]}) is in U.S. EAR Country Group E")
    return reasons


def _contacts(customer: Customer) -> tuple[list[str], list[str]]:
    t = terms()
    reasons: list[str] = []
    warnings: list[str] = []
    if customer.lead is None:
        reasons.append("no lead contact")
    distinct = {c.email.strip().lower(): c for c in customer.technical}
    if len(distinct) < len(customer.technical):
        warnings.append(f"{len(customer.technical) - len(distinct)} senior technical representative(s) listed twice"
                        " (same e-mail) count once")
    count = len(distinct)
    if count < t.technical_min:
        reasons.append(f"{count} senior technical representative(s): at least {t.technical_min} are required")
    elif count > t.technical_max:
        reasons.append(f"{count} senior technical representatives: at most {t.technical_max} are allowed")
    for contact in distinct.values():
        cert = (contact.certification or "").strip().upper()
        if not cert.startswith(t.certifications):
            have = f" (has {contact.certification})" if contact.certification else ""
            warnings.append(f"{contact.name} <{contact.email}> has no JNCIS-level certification{have}: recommended")
    return reasons, warnings


def service_warnings(customer: Customer, svc: Service, start: date, units: int) -> list[str]:
    """Warnings about one redemption that do not refuse it: a service period outlasting the care contract."""
    contract = customer.care_contract
    end = period_end(svc, start, units)
    if contract is not None and start <= contract.end < end:
        return [f"the service period runs to {end}, past the end of Juniper Care contract {contract.id} "
                f"({contract.end}); it must be renewed for the whole engagement"]
    return []


# ---------------------------------------------------------------------------------------------------------- scope

def scope(subject: Inventory | Customer, devices: Iterable[Device] | None = None,
          profiles: Mapping[str, Any] | None = None, on: date | None = None) -> Scope:
    """Split devices into Supported Juniper Products (serial on the care contract) and the rest, with reasons.

    ``subject`` is an inventory (its customer and, unless ``devices`` is given, its devices) or a customer.
    ``profiles`` maps device names to a DeviceProfile or a profile.json mapping; the serial collected from the
    device wins over the inventory's ``serial:``. With ``on``, a contract not current that day covers nothing.
    Serials compare trimmed and case-insensitively.
    """
    if isinstance(subject, Inventory):
        customer = subject.customer
        devices = subject.devices if devices is None else devices
    else:
        customer = subject
    profiles = profiles or {}
    contract = customer.care_contract if customer else None
    covered = {_serial_key(s) for s in contract.serials} if contract else set()
    current = contract is not None and (on is None or contract.start <= on <= contract.end)
    inside: list[ScopedDevice] = []
    outside: list[ScopedDevice] = []
    for device in devices or ():
        serial, notes = _device_serial(device, profiles.get(device.name))
        if contract is None:
            reason, ok = "no Juniper Care contract: no device is a Supported Juniper Product", False
        elif not current:
            reason, ok = f"Juniper Care contract {contract.id} is not current on {on}", False
        elif serial is None:
            reason, ok = "serial number unknown (no serial: in the inventory and none collected)", False
        elif _serial_key(serial) in covered:
            reason, ok = f"serial {serial} is on Juniper Care contract {contract.id}", True
            notes.extend(_member_notes(profiles.get(device.name), covered, contract.id))
        else:
            reason, ok = f"serial {serial} is not on Juniper Care contract {contract.id}", False
        (inside if ok else outside).append(ScopedDevice(device.name, serial, ok, reason, tuple(notes)))
    return Scope(in_scope=tuple(inside), out_of_scope=tuple(outside))


def _serial_key(serial: str) -> str:
    return serial.strip().upper()


def _field(profile: Any, name: str) -> Any:
    if profile is None:
        return None
    return profile.get(name) if isinstance(profile, Mapping) else getattr(profile, name, None)


def _device_serial(device: Device, profile: Any) -> tuple[str | None, list[str]]:
    listed = (device.serial or "").strip() or None
    collected = str(_field(profile, "serial_number") or "").strip() or None
    if collected and listed and _serial_key(collected) != _serial_key(listed):
        return collected, [f"inventory says serial {listed}, the device reports {collected} (the device's is used)"]
    return collected or listed, []


def _member_notes(profile: Any, covered: set[str], contract_id: str) -> list[str]:
    """Virtual chassis members and cluster nodes have serials of their own; say which the contract does not list."""
    notes = []
    for member in _field(profile, "members") or ():
        serial = str(_field(member, "serial_number") or "").strip()
        if serial and _serial_key(serial) not in covered:
            notes.append(f"member {_field(member, 'id')} (serial {serial}) is not on contract {contract_id}")
    return notes
