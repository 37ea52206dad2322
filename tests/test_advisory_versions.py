"""Version ranges read from real Juniper CVE records (tests/data/advisories/juniper-cve, see PROVENANCE.md), one
test per shape SOURCES.md lists, checked through verdicts on releases around each boundary.

The expected verdicts are read off the record named in each test (its versions[] entry is quoted), not produced by
the code under test.
"""

from __future__ import annotations

import pytest
from advisory_helpers import entry, verdict

from analyzers.advisories.ranges import Range, line_of
from msplus.junos_release import parse_release


def _v(cve: str, model: str, version: str) -> str:
    return verdict(cve, model, version).verdict


# CVE-2024-47496 "MX Series: The PFE will crash on running specific command" has no configurations[]:
# {version: "0", lessThan: "21.4R3-S9"}, {version: "22.2", lessThan: "22.2R3-S5"}, ... (semver, defaultStatus
# unaffected).
@pytest.mark.parametrize(("version", "expected"), [
    ("21.4R3-S8.5", "affected"),      # just below the 21.4 fix
    ("21.4R3-S9", "not_affected"),    # the fix
    ("21.4R3-S9.3", "not_affected"),  # a build of the fix
    ("20.4R3-S10", "affected"),       # "0 < 21.4R3-S9": older trains too
    ("19.1R1", "affected"),
    ("22.2R3-S4", "affected"),
    ("22.2R3-S5", "not_affected"),
    ("22.1R3-S6", "not_affected"),    # 22.1 is not listed: past "0 < 21.4R3-S9", in no 22.x range
    ("23.4R1-S2", "affected"),        # {version: 23.4, lessThan: 23.4R2}
    ("23.4R2", "not_affected"),
    ("24.2R1", "not_affected"),
])
def test_open_start_and_train_ranges(version: str, expected: str) -> None:
    assert _v("CVE-2024-47496", "mx480", version) == expected


# CVE-2023-36841 (MX Series): {version: "22.3", lessThan: "22.3R2-S2, 22.3R3"}: two fixed points in one train.
# Its configurations[] prose names PPPoE and tcp-mss, so with no configuration the verdict below a fix is
# indeterminate; at or past a fix it is not_affected whatever the configuration.
@pytest.mark.parametrize(("version", "release_affected"), [
    ("22.3R1", True),
    ("22.3R2", True),
    ("22.3R2-S1", True),
    ("22.3R2-S2", False),
    ("22.3R2-S4", False),   # past the fix on the R2 line
    ("22.3R3", False),
    ("22.3R3-S1", False),
])
def test_comma_list_in_less_than(version: str, release_affected: bool) -> None:
    got = verdict("CVE-2023-36841", "mx960", version)
    assert got.verdict == ("indeterminate" if release_affected else "not_affected")
    assert any(e.startswith(f"release {version} ") for e in got.evidence)


def test_respins_are_ordered_by_build() -> None:
    # CVE-2024-21586 SRX Series: {version: "21.4", lessThan: "21.4R3-S7.9"}; solutions: "21.4R3-S7.9 ... respins of
    # previously released versions, so special attention needs to be paid to the last digits".
    assert _v("CVE-2024-21586", "srx1500", "21.4R3-S7.4") == "affected"
    assert _v("CVE-2024-21586", "srx1500", "21.4R3-S7.8") == "affected"
    assert _v("CVE-2024-21586", "srx1500", "21.4R3-S7.9") == "not_affected"
    assert _v("CVE-2024-21586", "srx1500", "21.4R3-S8") == "not_affected"
    # the NFX block of the same record has its own fix: {version: "21.4", lessThan: "21.4R3-S8"}
    assert _v("CVE-2024-21586", "nfx350", "21.4R3-S7.9") == "affected"
    assert _v("CVE-2024-21586", "nfx350", "21.4R3-S8") == "not_affected"


def test_rest_of_train_wildcards() -> None:
    # CVE-2022-22208 Junos OS: {version: "19.2R1", lessThan: "19.2*"}: from 19.2R1 to the end of 19.2
    assert _v("CVE-2022-22208", "mx960", "19.2R3-S7") == "indeterminate"  # BGP prose: config unknown
    assert _v("CVE-2022-22208", "mx960", "19.2B1") == "not_affected"  # a beta is before 19.2R1
    # CVE-2023-44185 Junos OS Evolved: {version: "21.1R1-EVO", lessThan: "21.1*-EVO"}
    assert _v("CVE-2023-44185", "ptx10008", "21.1R3-S4-EVO") == "indeterminate"
    # CVE-2022-22225 Junos OS Evolved: {version: "21.1R1-EVO", lessThan: "21.1-EVO*"}
    assert _v("CVE-2022-22225", "ptx10008", "21.1R2-EVO") == "indeterminate"
    assert _v("CVE-2022-22225", "ptx10008", "21.2R2-EVO") == "not_affected"  # {21.2-EVO < 21.2R2-EVO}


def test_major_wildcard_with_less_than_or_equal_and_default_affected() -> None:
    # CVE-2023-4481 Junos OS: defaultStatus "affected"; {version: "21.1R1", lessThanOrEqual: "21.*"}, and
    # {version: "22.2", lessThan: "22.2R3-S3"}. Every 21.x release from 21.1R1 is affected (release part), a 22.2
    # release at its fix is not; a train no range names keeps the default.
    assert verdict("CVE-2023-4481", "mx960", "21.4R3-S7").evidence[0].startswith(
        "release 21.4R3-S7 is in 21.1R1 and later 21.* releases")
    assert _v("CVE-2023-4481", "mx960", "22.2R3-S3") == "not_affected"
    got = verdict("CVE-2023-4481", "mx960", "24.2R1")
    assert got.verdict == "indeterminate"  # release affected by default; [protocols bgp] not checked
    assert "default status is affected" in got.evidence[0]


def test_changes_windows() -> None:
    # CVE-2018-0049, block without platforms: {version: "16.1R3-S8", lessThan: "16.1*", changes: [
    #   16.1R4-S9 affected, 16.1R4-S12 unaffected, 16.1R5-S4 affected, 16.1R6-S3 affected, 16.1R6-S6 unaffected,
    #   16.1R7 affected, 16.1R7-S2 unaffected]}; [protocols mpls interface] is required (not collected here).
    expected = {"16.1R3-S7": "not_affected", "16.1R3-S8": "indeterminate", "16.1R4-S11": "indeterminate",
                "16.1R4-S12": "not_affected", "16.1R5-S3": "not_affected", "16.1R5-S4": "indeterminate",
                "16.1R6-S5": "indeterminate", "16.1R6-S6": "not_affected", "16.1R7-S1": "indeterminate",
                "16.1R7-S2": "not_affected"}
    assert {v: _v("CVE-2018-0049", "mx960", v) for v in expected} == expected


def test_unaffected_entries_carve_out() -> None:
    # CVE-2021-0217 (EX/QFX): {version: "unspecified", lessThan: "17.4R3", status: "unaffected"} and
    # {version: "17.4", lessThan: "17.4R3-S3"}: 17.4R2 is carved out, 17.4R3 to 17.4R3-S3 is affected.
    got = verdict("CVE-2021-0217", "ex4300-48t", "17.4R2-S1")
    assert got.verdict == "not_affected"
    assert "unaffected range" in got.evidence[0]
    assert _v("CVE-2021-0217", "ex4300-48t", "17.4R3-S2") == "indeterminate"  # [forwarding-options dhcp-relay]
    # CVE-2024-21605 (SRX 300 Series): {version: "21.4", lessThan: "21.4*", status: "unaffected"}
    assert _v("CVE-2024-21605", "srx345", "21.4R3-S5") == "not_affected"
    assert _v("CVE-2024-21605", "srx345", "22.1R3-S3") == "indeterminate"  # {22.1R3 < 22.1R3-S4}, STP prose


def test_swapped_trains_use_the_fix_train() -> None:
    # CVE-2023-0026 lists {version: "22.2", lessThan: "22.3R2-S2, 22.3R3-S1"} and {version: "22.3",
    # lessThan: "22.2R3-S2"}: the fixes name the other train. A BGP advisory: with no configuration to show BGP,
    # a release in range is indeterminate (the BGP condition the title names cannot be checked).
    assert _v("CVE-2023-0026", "mx960", "22.2R3-S1") == "indeterminate"
    assert _v("CVE-2023-0026", "mx960", "22.2R3-S2") == "not_affected"
    assert _v("CVE-2023-0026", "mx960", "22.3R2-S1") == "indeterminate"
    assert _v("CVE-2023-0026", "mx960", "22.3R2-S2") == "not_affected"
    assert _v("CVE-2023-0026", "mx960", "22.3R3") == "indeterminate"
    assert _v("CVE-2023-0026", "mx960", "22.3R3-S1") == "not_affected"


def test_range_across_trains() -> None:
    # CVE-2024-39521 (Evolved): {version: "21.1-EVO", lessThan: "21.2R3-S8-EVO"}: from 21.1 up to the 21.2 fix
    assert _v("CVE-2024-39521", "ptx10008", "21.1R3-S4-EVO") == "affected"
    assert _v("CVE-2024-39521", "ptx10008", "21.2R3-S7-EVO") == "affected"
    assert _v("CVE-2024-39521", "ptx10008", "21.2R3-S8-EVO") == "not_affected"
    # CVE-2024-39526 Evolved (PTX Series): {version: "19.3R1-EVO", lessThan: "21.2R3-S8-EVO"}
    assert _v("CVE-2024-39526", "ptx10003-80c", "20.4R3-S9-EVO") == "indeterminate"  # DHCP prose
    assert _v("CVE-2024-39526", "ptx10003-80c", "19.2R1-EVO") == "not_affected"


def test_evolved_release_written_without_suffix() -> None:
    # CVE-2024-21615 (Evolved block): {version: "23.2-EVO", lessThan: "23.2R1-S2"} - the fix lacks -EVO
    assert _v("CVE-2024-21615", "ptx10008", "23.2R1-S1-EVO") == "indeterminate"  # netconf traceoptions prose
    assert _v("CVE-2024-21615", "ptx10008", "23.2R1-S2-EVO") == "not_affected"
    record = next(r for r in entry("CVE-2024-21615").blocks if r.product == "junos-evolved")
    assert any(str(f) == "23.2R1-S2-EVO" for rng in record.ranges for f in rng.fixed)


def test_os_and_evolved_never_mix() -> None:
    # CVE-2023-44187 is Junos OS Evolved only: a Junos OS device is not affected, whatever its release
    got = verdict("CVE-2023-44187", "mx960", "21.2R3-S4")
    assert got.verdict == "not_affected"
    assert got.evidence == ("product: the entry concerns Junos OS Evolved; the device runs Junos OS",)
    assert _v("CVE-2023-44187", "ptx10008", "21.2R3-S4-EVO") == "affected"


def test_free_text_and_exact_releases() -> None:
    # CVE-2016-4921: version "15.1 prior to 15.1F2-S5, 15.1F5-S2, 15.1F6, 15.1R3" (free text, two trains)
    assert _v("CVE-2016-4921", "mx960", "15.1R2") == "indeterminate"  # IPv6 prose: not checkable
    assert _v("CVE-2016-4921", "mx960", "15.1R3") == "not_affected"
    assert _v("CVE-2016-4921", "mx960", "15.1F5-S1") == "indeterminate"
    assert _v("CVE-2016-4921", "mx960", "15.1F5-S2") == "not_affected"
    # CVE-2018-0026: version "15.1R4, 15.1R5, 15.1R6" (exact releases, any build)
    assert _v("CVE-2018-0026", "mx960", "15.1R5.5") == "affected"
    assert _v("CVE-2018-0026", "mx960", "15.1R7") == "not_affected"


def test_unreadable_ranges_make_their_train_indeterminate_only() -> None:
    # CVE-2018-0026 also has {version: "15.1X8", lessThan: "15.1X8.3"}: not a Junos release shape; kept as text
    # for "train" 15.1X8, which no real device runs: other devices are not made indeterminate by it.
    assert _v("CVE-2018-0026", "mx960", "21.4R3") == "not_affected"
    # CVE-2023-28985 (SRX, MX): {version: "unspecified", lessThan: "SigPack 3598"}: concerns every release
    got = verdict("CVE-2023-28985", "srx1500", "22.4R3")
    assert got.verdict == "indeterminate"
    assert "could not be read" in got.evidence[0]
    assert _v("CVE-2023-28985", "ex4300-48t", "22.4R3") == "not_affected"  # not an SRX/MX


def test_typo_replaced_by_solutions() -> None:
    # CVE-2021-0211 SRX block: {version: "15.1X49", lessThan: "15.1X490-D240"} (typo); solutions: "15.1X49-D240"
    assert _v("CVE-2021-0211", "srx1500", "15.1X49-D230") == "indeterminate"  # flowspec prose
    assert _v("CVE-2021-0211", "srx1500", "15.1X49-D240") == "not_affected"


def test_description_only_record() -> None:
    # CVE-2016-1263 has no structured data: "Juniper Junos OS before 12.1X46-D45, 12.1X46-D50, 12.1X47 before
    # 12.1X47-D35, ... 15.1X49 before 15.1X49-D40 allow remote attackers to cause a denial of service"
    assert _v("CVE-2016-1263", "srx1500", "15.1X49-D35") == "affected"
    assert _v("CVE-2016-1263", "srx1500", "15.1X49-D40") == "not_affected"
    assert _v("CVE-2016-1263", "srx1500", "12.1X46-D47") == "not_affected"  # past D45 on the same hundred
    assert _v("CVE-2016-1263", "srx1500", "12.1X46-D44") == "affected"


def test_other_products_never_apply_to_junos_devices() -> None:
    # CVE-2024-2973: Session Smart Router / Conductor / WAN Assurance Router
    got = verdict("CVE-2024-2973", "mx960", "21.4R3")
    assert got.verdict == "not_affected"
    assert "Session Smart Router" in got.evidence[0]


def test_daily_build_is_decided_only_when_the_whole_train_agrees() -> None:
    # CVE-2024-47496 (MX): {version: "0", lessThan: "21.4R3-S9"}: every 19.4 release is affected, so a 19.4 daily
    # build is too; 21.4 is split at 21.4R3-S9, and a daily build's place in the train is unknown.
    assert _v("CVE-2024-47496", "mx960", "19.4-20191010.0") == "affected"
    got = verdict("CVE-2024-47496", "mx960", "21.4-20220301.0")
    assert got.verdict == "indeterminate"
    assert "daily build" in got.evidence[0]
    assert _v("CVE-2024-47496", "mx960", "23.1-20230301.0") == "not_affected"  # no 23.1 range


def test_lines_of_x_train_d_releases() -> None:
    # CVE-2019-0066: {version: "15.1X53", lessThan: "15.1X53-D68, 15.1X53-D235, 15.1X53-D495, 15.1X53-D590"}
    rng = next(r for b in entry("CVE-2019-0066").blocks for r in b.ranges
               if r.fixed and r.fixed[0].train == "15.1X53")
    assert [rng.contains(parse_release(f"15.1X53-D{d}")) for d in (67, 68, 70, 234, 236, 480, 495, 591)] == \
        [True, False, False, True, False, True, False, False]
    assert line_of(parse_release("15.1X53-D236")) == line_of(parse_release("15.1X53-D235"))


def test_ranges_describe_themselves() -> None:
    r = Range(fixed=(parse_release("21.4R3-S7"),), train="21.4")
    assert r.describe() == "21.4 before 21.4R3-S7"
    assert Range(fixed=(parse_release("20.4R3-S7"),)).describe() == "releases before 20.4R3-S7"
    assert Range(introduced=parse_release("21.1R1"), train="21.1").describe() == "21.1R1 and later 21.1 releases"


def test_j_special_release_orders_after_its_base() -> None:
    # CVE-2024-39545 solutions name "22.1R3-J1" beside "22.1R3-S2"
    ordered = [parse_release(t) for t in ("22.1R3", "22.1R3-C1", "22.1R3-J1", "22.1R3-J1.2", "22.1R3-S1")]
    assert sorted(reversed(ordered)) == ordered
    assert parse_release("22.1R3-J1").base == "22.1R3"
    assert parse_release("22.1R3-J1") != parse_release("22.1R3-C1")
