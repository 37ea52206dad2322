"""Upgrade targets from real records: the lowest release of the device's own train (and of the next trains) that
clears every matched entry, and what it still leaves open.

Entries used (MX Series, ranges read off the records): CVE-2024-47496 "releases before 21.4R3-S9", 22.2 before
22.2R3-S5, 22.3 before 22.3R3-S4, ...; CVE-2024-47493 21.4 before 21.4R3-S6, 22.1 before 22.1R3-S5, 22.2 before
22.2R3-S3, 22.3 before 22.3R3-S2; CVE-2023-36848 21.4 before 21.4R3-S4, 22.1 before 22.1R3-S3, 22.2 before
22.2R3-S1, the whole 20.1 and 20.3 trains; CVE-2024-39526 the whole 22.3 train (and a DHCP condition).
"""

from __future__ import annotations

from advisory_helpers import entry

from analyzers.advisories.catalog import Catalog
from analyzers.advisories.devices import Target
from analyzers.advisories.match import Matcher
from analyzers.advisories.upgrade import plan

BASE = ("CVE-2024-47496", "CVE-2024-47493", "CVE-2023-36848")


def _plan(release: str, ids: tuple[str, ...] = BASE):  # type: ignore[no-untyped-def]
    catalog = Catalog(tuple(entry(i) for i in ids))
    assessment = Matcher(catalog).assess([Target("mx", "mx960", release, False)])[0]
    return plan(assessment)


def test_own_train_target_clears_everything() -> None:
    p = _plan("21.4R3-S3")
    assert sorted(p.matched) == sorted(BASE)
    assert p.own is not None and (p.own.release, p.own.still_open) == ("21.4R3-S9", ())
    assert p.recommended == "21.4R3-S9"
    nxt = {t.train: (t.release, t.still_open) for t in p.next}
    assert nxt["22.1"] == ("22.1R3-S5", ())   # 22.1 is past "before 21.4R3-S9"; S5 is the 47493 fix
    assert nxt["22.2"] == ("22.2R3-S5", ())


def test_the_lowest_release_that_clears_what_can_be_cleared() -> None:
    # at 21.4R3-S5 only 47496 and 47493 are left (36848 is fixed at 21.4R3-S4)
    p = _plan("21.4R3-S5")
    assert sorted(p.matched) == ["CVE-2024-47493", "CVE-2024-47496"]
    assert p.own is not None and p.own.release == "21.4R3-S9"


def test_what_a_train_leaves_open() -> None:
    p = _plan("21.4R3-S3", (*BASE, "CVE-2024-39526"))
    assert p.recommended == "21.4R3-S9"  # 39526: 21.4 before 21.4R3-S6
    nxt = {t.train: t for t in p.next}
    assert nxt["22.3"].still_open == ("CVE-2024-39526",)  # the whole 22.3 train is affected by 39526


def test_a_train_without_fixes_recommends_the_first_train_that_clears_everything() -> None:
    # 20.3: 36848 affects the whole train (no fix in it), 47496 every release before 21.4R3-S9 and 47493 every
    # release before 21.2R3-S7: the first train that clears everything is 21.4, the fifth one after 20.3
    p = _plan("20.3R3-S2")
    assert p.own is None
    assert p.recommended == "21.4R3-S9"
    assert {t.train: t.still_open for t in p.next} == {
        "20.4": ("CVE-2024-47496", "CVE-2024-47493"), "21.1": ("CVE-2024-47496", "CVE-2024-47493"),
        "21.2": ("CVE-2024-47496",), "21.3": ("CVE-2024-47496",), "21.4": ()}
    assert [t.release for t in p.next][-1] == "21.4R3-S9"


def test_entries_no_release_settles_do_not_block_a_recommendation() -> None:
    # CVE-2023-28985 (SRX, MX): fixed in "SigPack 3598", not in a Junos release
    p = _plan("21.4R3-S3", (*BASE, "CVE-2023-28985"))
    assert p.not_by_release == ("CVE-2023-28985",)
    assert p.recommended == "21.4R3-S9"


def test_nothing_matched_nothing_to_recommend() -> None:
    p = _plan("23.4R2-S3")
    assert p.matched == () and p.recommended is None and p.own is None
