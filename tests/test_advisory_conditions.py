"""Configuration conditions: prose of real records turned into patterns, and checked on real configurations
(suzieq's vQFX captures and juniper_display_set examples under tests/data/config, see PROVENANCE.md there) on the
effective configuration - groups inherited, inactive statements left out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from advisory_helpers import entry, verdict

from analyzers.advisories.conditions import read_prose
from analyzers.advisories.platforms import platforms_in_title, resolve

CONFIGS = Path(__file__).parent / "data" / "config"


def _suzieq(hostname: str) -> str:
    """The ``show configuration`` text of one device in suzieq's capture (concatenated JSON arrays)."""
    raw = (CONFIGS / "suzieq" / "junos-input" / "devconfig.output").read_text()
    decoder, i = json.JSONDecoder(), 0
    while i < len(raw):
        if raw[i].isspace():
            i += 1
            continue
        items, i = decoder.raw_decode(raw, i)
        for item in items:
            if item["hostname"] == hostname:
                return str(item["data"])
    raise KeyError(hostname)


def _record_prose(cve: str) -> list[str]:
    record = json.loads((Path(__file__).parent / "data" / "advisories" / "juniper-cve" / f"{cve}.json").read_text())
    return [c["value"] for c in record["containers"]["cna"]["configurations"]]


def _patterns(node: dict) -> list[str]:  # type: ignore[type-arg]
    out = []
    for item in node["items"]:
        out.extend(_patterns(item) if item["kind"] == "group" else [item.get("pattern") or item["kind"]])
    return out


# Each expected pattern list is read off the record's configurations[] text (quoted in the comment).
@pytest.mark.parametrize(("cve", "require", "patterns"), [
    # "either of the following statements: [ vlans <vlan> vxlan ] [ routing-instances <routing-instance> vxlan ]"
    ("CVE-2023-36835", "any", ["vlans <*> vxlan", "routing-instances <*> vxlan"]),
    # "[protocols bgp ... multipath]"
    ("CVE-2022-22225", "any", ["protocols bgp ... multipath"]),
    # "[services icap-redirect profile <ICAP_PROFILE_NAME>] in combination with: [security policies from-zone ...]"
    ("CVE-2020-1654", "all", ["services icap-redirect profile <*>",
                              "security policies from-zone <*> to-zone <*> policy <*> then permit "
                              "application-services <*>"]),
    # "[ protocols (stp | mstp | rstp | vstp) interface <interface> ]"
    ("CVE-2024-21605", "any", [f"protocols {p} interface <*>" for p in ("stp", "mstp", "rstp", "vstp")]),
    # "[interfaces unit family mpls]": the names the example left out
    ("CVE-2023-44196", "any", ["interfaces <*> unit <*> family mpls"]),
    # "set vlans private-vlan isolated" (inside brackets)
    ("CVE-2023-44203", "any", ["vlans <*> private-vlan isolated"]),
    # "[edit chassis redundancy] graceful-switchover; [edit routing-options] nonstop-routing;"
    ("CVE-2023-44186", "any", ["chassis redundancy graceful-switchover", "routing-options nonstop-routing"]),
    # "[ protocols source-packet-routing traffic-engineering database ] and either OSPF or ISIS TE per: [...] or [...]"
    ("CVE-2024-39541", "all", ["protocols source-packet-routing traffic-engineering database",
                               "protocols ospf traffic-engineering", "protocols isis traffic-engineering"]),
    # "[ ldp interface <interface1> ]" is written without its parent; the rest of the list follows
    ("CVE-2023-44193", "any", ["protocols ldp interface <*>", "interfaces <*> flexible-vlan-tagging",
                               "interfaces <*> encapsulation vlan-vpls",
                               "protocols oam ethernet connectivity-fault-management maintenance-domain <*> "
                               "interface <*>", "routing-instances <*> instance-type vpls",
                               "routing-instances <*> interface <*>"]),
    # "One of the following traceoptions configurations, either at the top level, under [logical-systems], or
    # [routing-instances], is required": the one-word brackets name places, not conditions
    ("CVE-2024-39525", "any", ["protocols bgp traceoptions", "protocols bgp group <*> traceoptions",
                               "protocols bgp group <*> neighbor <*> traceoptions"]),
])
def test_prose_becomes_patterns(cve: str, require: str, patterns: list[str]) -> None:
    result = read_prose(_record_prose(cve))
    assert result.conditions is not None
    assert result.conditions["require"] == require
    assert _patterns(result.conditions) == patterns
    assert all(status == "parsed" for status, _, _ in result.accounts)


def test_prose_without_patterns_is_kept_as_text_or_hardware() -> None:
    # CVE-2016-4921: "This issue only affects devices with IPv6 enabled and configured."
    result = read_prose(_record_prose("CVE-2016-4921"))
    assert result.conditions == {"require": "all", "items": [{"kind": "text", "text": _record_prose(
        "CVE-2016-4921")[0]}]}
    # CVE-2020-1689: "To check if virtual chassis is configured ... show virtual-chassis status"
    fact = read_prose(_record_prose("CVE-2020-1689")).conditions
    assert fact is not None and fact["items"][0]["fact"] == "virtual_chassis"
    # CVE-2024-47504: "the device must not be configured for clustering"
    fact = read_prose(_record_prose("CVE-2024-47504")).conditions
    assert fact is not None and (fact["items"][0]["fact"], fact["items"][0]["equals"]) == ("cluster", False)
    # CVE-2023-44189: "No specific configuration is required." - nothing gates exposure
    result = read_prose(_record_prose("CVE-2023-44189"))
    assert result.conditions is None and result.accounts[0][0] == "not_gating"


def test_feature_on_by_default_cannot_clear_a_device() -> None:
    # CVE-2024-30390: "... please note that these options are also in effect by default"
    result = read_prose(_record_prose("CVE-2024-30390"))
    assert result.conditions is not None
    assert result.conditions["items"][-1]["kind"] == "text"
    assert any(status == "text" and "by default" in detail for status, _, detail in result.accounts)


# ---------------------------------------------------------------------------------------------- real configs

def test_vxlan_condition_on_real_configurations(tmp_path: Path) -> None:
    # CVE-2023-36835 (QFX10000, 21.4 before 21.4R3-S1) on suzieq's leaf01 (EVPN-VXLAN) and spine01 (no VXLAN)
    leaf = tmp_path / "leaf01.conf"
    leaf.write_text(_suzieq("leaf01"))
    spine = tmp_path / "spine01.conf"
    spine.write_text(_suzieq("spine01"))
    got = verdict("CVE-2023-36835", "qfx10002-72q", "21.4R2-S1", config=leaf)
    assert got.verdict == "affected"
    lines = [e for e in got.evidence if e.startswith("config line")]
    assert lines and all("(matches [ vlans <*> vxlan ])" in e for e in lines)
    assert any(e.endswith("set vlans Vlan10 vxlan vni 10 (matches [ vlans <*> vxlan ])") for e in lines)
    none = verdict("CVE-2023-36835", "qfx10002-72q", "21.4R2-S1", config=spine)
    assert none.verdict == "not_affected"
    assert "config: no statement matches [ vlans <*> vxlan ]" in none.evidence
    assert "config: no statement matches [ routing-instances <*> vxlan ]" in none.evidence
    # same configuration, release at the fix: not affected whatever the configuration
    assert verdict("CVE-2023-36835", "qfx10002-72q", "21.4R3-S1", config=leaf).verdict == "not_affected"


def test_inactive_statements_do_not_count(tmp_path: Path) -> None:
    from msplus.junosconf import parse

    text = parse(_suzieq("leaf01"), "leaf01").to_set()
    config = tmp_path / "leaf01.set"
    config.write_text(text + "deactivate vlans Vlan10 vxlan\ndeactivate vlans Vlan30 vxlan\n")
    got = verdict("CVE-2023-36835", "qfx10002-72q", "21.4R2-S1", config=config)
    assert got.verdict == "not_affected"
    assert "config: no statement matches [ vlans <*> vxlan ]" in got.evidence


def test_conditions_inherited_from_groups(tmp_path: Path) -> None:
    config = tmp_path / "qfx.conf"
    config.write_text("groups {\n    VXLAN {\n        vlans {\n            <*> {\n                vxlan {\n"
                      "                    ingress-node-replication;\n                }\n            }\n        }\n"
                      "    }\n}\napply-groups VXLAN;\nvlans {\n    v100 {\n        vlan-id 100;\n    }\n}\n")
    got = verdict("CVE-2023-36835", "qfx10008", "21.3R3-S3", config=config)
    assert got.verdict == "affected"
    assert any("inherited from group VXLAN" in e and "set vlans v100 vxlan" in e for e in got.evidence)


def test_combined_conditions(tmp_path: Path) -> None:
    # CVE-2020-1654 (SRX): ICAP profile "in combination with" a policy using it
    profile_only = tmp_path / "a.set"
    profile_only.write_text("set services icap-redirect profile ICAP1 server S1 host 192.0.2.10\n")
    both = tmp_path / "b.set"
    both.write_text(profile_only.read_text() + "set security policies from-zone trust to-zone untrust policy p1 "
                    "then permit application-services icap-redirect ICAP1\n")
    assert verdict("CVE-2020-1654", "srx1500", "19.1R1-S4", config=profile_only).verdict == "not_affected"
    assert verdict("CVE-2020-1654", "srx1500", "19.1R1-S4", config=both).verdict == "affected"
    # CVE-2024-39541: SR-TE database and (OSPF TE or IS-IS TE)
    te = tmp_path / "te.set"
    te.write_text("set protocols source-packet-routing traffic-engineering database\n")
    isis = tmp_path / "isis.set"
    isis.write_text(te.read_text() + "set protocols isis traffic-engineering\n")
    assert verdict("CVE-2024-39541", "mx960", "22.4R3", config=te).verdict == "not_affected"
    assert verdict("CVE-2024-39541", "mx960", "22.4R3", config=isis).verdict == "affected"


def test_unreadable_config_condition_is_indeterminate(tmp_path: Path) -> None:
    # CVE-2023-36841: PPPoE pattern or "[ tcp-mss mss-value; ]" (no hierarchy: kept as text)
    config = tmp_path / "mx.set"
    config.write_text("set system host-name mx1\n")
    got = verdict("CVE-2023-36841", "mx480", "22.3R2-S1", config=config)
    assert got.verdict == "indeterminate"
    assert any(e.startswith('condition not checkable: "[ tcp-mss mss-value; ]"') for e in got.evidence)


@pytest.mark.parametrize(("routing_engines", "expected"), [(2, "affected"), (1, "not_affected"),
                                                           (None, "indeterminate")])
def test_profile_facts(routing_engines: int | None, expected: str) -> None:
    # CVE-2024-47495 (Evolved): "To determine if the system is running a dual routing engine ..."
    got = verdict("CVE-2024-47495", "ptx10008", "22.4R3-S2-EVO", routing_engines=routing_engines)
    assert got.verdict == expected
    assert any(e.startswith("hardware: needs dual routing engines") for e in got.evidence)


def test_line_cards_and_software_components_make_it_indeterminate() -> None:
    # CVE-2024-39518: platforms "MX240 using MPC10E", ...; {21.4R3-S4 < 21.4R3-S6}
    got = verdict("CVE-2024-39518", "mx240", "21.4R3-S5")
    assert got.verdict == "indeterminate"
    assert 'hardware: needs MPC10E; the chassis inventory was not collected, so the cards are unknown' in got.evidence
    assert verdict("CVE-2024-39518", "mx10003", "21.4R3-S5").verdict == "not_affected"
    # CVE-2024-30406: platforms "Paragon Active Assurance Test Agent", "ACX Series" (Evolved, 23.1R1..23.2R2)
    got = verdict("CVE-2024-30406", "acx7100-48l", "23.2R1-EVO")
    assert got.verdict == "indeterminate"


# ---------------------------------------------------------------------------------------------- platforms

@pytest.mark.parametrize(("name", "model", "covered"), [
    ("PTX10001", "ptx10001-36mr", True),
    ("PTX10001-36MR", "ptx10001-36mr", True),
    ("QFX5000 Series", "qfx5120-48y-8c", True),
    ("QFX5000 Series", "qfx10002-36q", False),
    ("QFX10000 Series", "qfx10002-36q", True),
    ("MX Series", "mx960", True),
    ("MX Series", "MX10003", True),
    ("MX480", "mx480", True),
    ("MX480", "mx4800", False),
    ("SRX 300 Series", "srx345", True),
    ("SRX 300 Series", "srx3400", False),
    ("EX4600Series", "ex4650-48y", True),
    ("QFX5K", "qfx5110-48s", True),
    ("vSRX or SRX Series", "firefly-perimeter", True),
    ("All non-SRX Series and SRX100", "mx960", True),
    ("All non-SRX Series and SRX100", "srx1500", False),
    ("All non-SRX Series and SRX100", "srx100", True),
    ("EX2200/VC, EX3200", "ex2200-24t", True),
    ("EX4300-MP Series", "ex4300-48mp", True),
])
def test_platform_names_cover_models_by_series(name: str, model: str, covered: bool) -> None:
    platform = resolve(name)
    assert platform.readable
    assert (platform.match(model.lower(), None) is not None) is covered


def test_platform_qualifiers_and_titles() -> None:
    assert resolve("SRX 5000 Series with SPC2").hardware == ("SPC2",)
    assert resolve("MX Series with SPC3 and MS-MPC").hardware == ("SPC3", "MS-MPC")
    assert resolve("vMX and MX150").match("mx960", "vmx") is not None
    assert platforms_in_title("Junos OS: SRX 300 Series: Specific link local traffic") == ["SRX 300 Series"]
    assert platforms_in_title("Junos OS: J-Web can be compromised through reflected XSS attacks") == []
    # CVE-2023-44203 has platforms[] in the record; CVE-2024-30384 only in its title "Junos OS: EX4300 Series: ..."
    assert [p.text for b in entry("CVE-2024-30384").blocks for p in b.platforms] == ["EX4300 Series"]
