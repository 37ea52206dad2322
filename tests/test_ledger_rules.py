"""The MS Plus rules as pure functions: the credit table, credit validity at the edges, every eligibility reason,
the warnings, and which devices are Supported Juniper Products."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from ledger_helpers import contact, customer

from ledger import rules, services
from ledger.dates import anniversary, last_day, parse_date
from ledger.errors import LedgerRefusal
from msplus.inventory import load_inventory
from msplus.records import CareContract, Device, DeviceProfile, Member

ROOT = Path(__file__).resolve().parents[1]
D = date.fromisoformat


def test_credit_table_is_the_service_description() -> None:
    table = {code: (s.credits_per_unit, s.unit) for code, s in services.table().items()}
    assert table == {"SMO": (4, "month"), "TG": (1, "day"), "IMWS": (1, "day"), "SRRA": (3, "request"),
                     "PBNIR": (2, "request"), "PIIR": (4, "request"), "CACR": (5, "request"), "PHC": (5, "request")}
    assert services.quote("SMO", 3) == 12
    assert services.quote("tg", 5) == 5  # codes are case-insensitive
    assert services.quote("SRRA") == 3
    for bad in ("XYZ", ""):
        with pytest.raises(LedgerRefusal, match="unknown service"):
            services.quote(bad)
    for units in (0, -1, "two", 10_001):
        with pytest.raises(LedgerRefusal, match="bad units"):
            services.quote("PHC", units)


@pytest.mark.parametrize(("bought", "last"), [
    ("2026-01-10", "2027-01-09"),  # the issue's example
    ("2024-02-29", "2025-02-28"),  # leap day: no 2025-02-29, the anniversary is 2025-03-01
    ("2023-03-01", "2024-02-29"),  # the day before the anniversary falls on a leap day
    ("2026-01-01", "2026-12-31"),
    ("2025-12-31", "2026-12-30"),
])
def test_lot_last_usable_day(bought: str, last: str) -> None:
    assert rules.lot_expires(D(bought)) == D(last)
    assert rules.lot_usable(D(bought), D(last), D(last))
    assert not rules.lot_usable(D(bought), D(last), date.fromordinal(D(last).toordinal() + 1))
    assert rules.lot_usable(D(bought), D(last), D(bought))
    assert not rules.lot_usable(D(bought), D(last), date.fromordinal(D(bought).toordinal() - 1))


def test_month_arithmetic() -> None:
    assert anniversary(D("2026-01-31"), 1) == D("2026-03-01")  # no 31 February
    assert last_day(D("2026-01-31"), 1) == D("2026-02-28")
    assert last_day(D("2026-11-15"), 3) == D("2027-02-14")  # across a year end
    assert anniversary(D("2026-12-31"), 2) == D("2027-03-01")


@pytest.mark.parametrize("text", ["2026-13-01", "2026-02-30", "26-01-10", "2026/01/10", "today", "2026-1-5", ""])
def test_bad_dates_are_refused_in_one_line(text: str) -> None:
    with pytest.raises(LedgerRefusal, match="bad date") as err:
        parse_date(text)
    assert "\n" not in str(err.value)


def test_eligible_customer_has_no_reasons() -> None:
    found = rules.eligibility(customer(), D("2026-06-01"))
    assert found.ok and found.reasons == () and found.warnings == ()


def _reasons(on: str = "2026-06-01", **changes: Any) -> tuple[str, ...]:
    found = rules.eligibility(customer(**changes), D(on))
    assert found.ok is (not found.reasons)
    return found.reasons


def test_contract_must_be_current_on_the_redemption_date() -> None:
    assert _reasons(care_contract=None) == ("no Juniper Care contract",)
    assert _reasons("2026-01-01") == ()  # first day of the contract
    assert _reasons("2027-12-31") == ()  # last day
    assert _reasons("2028-01-01") == ("Juniper Care contract JC-1 ended 2027-12-31, before 2028-01-01",)
    assert _reasons("2025-12-31") == ("Juniper Care contract JC-1 starts 2026-01-01, after 2025-12-31",)


def test_theater_must_be_apac() -> None:
    assert _reasons(theater="apac") == ()
    assert _reasons(theater="EMEA") == ("theater EMEA: MS Plus is available only in APAC",)


@pytest.mark.parametrize(("country", "name"), [("CU", "Cuba"), ("IR", "Iran"), ("KP", "North Korea"),
                                               ("SD", "Sudan"), ("SY", "Syria")])
def test_group_e_countries_are_refused(country: str, name: str) -> None:
    assert _reasons(country=country) == (f"country {country} ({name}) is in U.S. EAR Country Group E",)
    assert _reasons(country=country.lower()) == (f"country {country} ({name}) is in U.S. EAR Country Group E",)


def test_customer_must_be_prequalified() -> None:
    assert _reasons(prequalified=False) == ("customer is not prequalified for MS Plus",)


def test_contacts_one_lead_and_two_to_six_technical() -> None:
    assert _reasons(lead=None) == ("no lead contact",)
    assert _reasons(technical=(contact(1),)) == ("1 senior technical representative(s): at least 2 are required",)
    assert _reasons(technical=()) == ("0 senior technical representative(s): at least 2 are required",)
    assert _reasons(technical=tuple(contact(n) for n in range(6))) == ()
    assert _reasons(technical=tuple(contact(n) for n in range(7))) == (
        "7 senior technical representatives: at most 6 are allowed",)
    # the same person twice counts once, and says so
    found = rules.eligibility(customer(technical=(contact(1), contact(1))), D("2026-06-01"))
    assert found.reasons == ("1 senior technical representative(s): at least 2 are required",)
    assert any("listed twice" in w for w in found.warnings)


def test_every_reason_at_once() -> None:
    reasons = _reasons("2030-01-01", theater="EMEA", country="IR", prequalified=False, lead=None, technical=())
    assert len(reasons) == 6


def test_missing_jncis_is_a_warning_not_a_refusal() -> None:
    techs = (contact(1, None), contact(2, "JNCIA-Junos"), contact(3, "JNCIP-SP"), contact(4, "jncie-ent"))
    found = rules.eligibility(customer(technical=techs), D("2026-06-01"))
    assert found.ok
    assert found.warnings == (
        "Eng 1 <eng1@example.com> has no JNCIS-level certification: recommended",
        "Eng 2 <eng2@example.com> has no JNCIS-level certification (has JNCIA-Junos): recommended",
    )


def test_contract_without_serials_warns() -> None:
    empty = CareContract("JC-9", D("2026-01-01"), D("2026-12-31"))
    found = rules.eligibility(customer(care_contract=empty), D("2026-06-01"))
    assert found.ok and found.warnings == ("care contract JC-9 lists no serial numbers: no device is in scope",)


def test_service_period_past_the_contract_warns() -> None:
    smo = services.service("SMO")
    c = customer()  # contract ends 2027-12-31
    assert rules.service_warnings(c, smo, D("2027-10-01"), 3) == []  # to 2027-12-31
    warned = rules.service_warnings(c, smo, D("2027-10-02"), 3)
    assert warned and "2028-01-01" in warned[0] and "JC-1" in warned[0]
    assert rules.service_warnings(c, services.service("TG"), D("2027-12-30"), 2) == []
    assert rules.service_warnings(c, services.service("TG"), D("2027-12-30"), 3) != []
    assert rules.service_warnings(c, services.service("PHC"), D("2027-12-31"), 9) == []  # requests have no period


def test_scope_of_the_lab_inventory() -> None:
    inventory = load_inventory(ROOT / "inventories" / "lab.yaml")
    found = rules.scope(inventory)
    # sg-leaf-1 is left off the contract on purpose (see the inventory); every other lab device is on it
    assert [d.name for d in found.out_of_scope] == ["sg-leaf-1"]
    assert found.out_of_scope[0].reason == "serial 66124662877 is not on Juniper Care contract JC-1001"
    assert [d.name for d in found.in_scope] == [d.name for d in inventory.devices if d.name != "sg-leaf-1"]
    assert all(d.in_scope and d.reason.endswith("is on Juniper Care contract JC-1001") for d in found.in_scope)
    # outside the contract's term nothing is covered
    later = rules.scope(inventory, on=D("2028-01-01"))
    assert later.in_scope == () and len(later.out_of_scope) == len(inventory.devices)
    assert later.out_of_scope[0].reason == "Juniper Care contract JC-1001 is not current on 2028-01-01"


def test_scope_serials_from_inventory_and_profiles() -> None:
    devices = [
        Device("a", serial=" jn1234 "),  # trimmed, case-insensitive
        Device("b", serial="JN9999"),
        Device("c"),  # no serial anywhere
        Device("d"),  # serial only in the collected profile
        Device("e", serial="JN5678"),  # inventory says covered, the device says otherwise: the device wins
        Device("f", serial="JN1234"),
    ]
    vc = DeviceProfile(hostname="f", model="ex4200", family="ex", version="12.3R12", evolved=False,
                       serial_number="JN1234", routing_engines=2, uptime_seconds=1, virtual_chassis=True,
                       members=(Member("0", serial_number="JN1234"), Member("1", serial_number="XX000")))
    profiles = {"d": {"serial_number": "JN5678"}, "e": {"serial_number": "JN0000"}, "f": vc}
    found = rules.scope(customer(), devices, profiles)
    inside = {d.name: d for d in found.in_scope}
    outside = {d.name: d for d in found.out_of_scope}
    assert set(inside) == {"a", "d", "f"} and set(outside) == {"b", "c", "e"}
    assert inside["a"].serial == "jn1234"
    assert outside["c"].reason.startswith("serial number unknown")
    assert outside["e"].serial == "JN0000"
    assert outside["e"].notes == ("inventory says serial JN5678, the device reports JN0000 (the device's is used)",)
    assert inside["f"].notes == ("member 1 (serial XX000) is not on contract JC-1",)
    none = rules.scope(customer(care_contract=None), devices)
    assert none.in_scope == () and all("no Juniper Care contract" in d.reason for d in none.out_of_scope)
