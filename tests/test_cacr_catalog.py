"""Every rule of catalogs/cacr-rules.yaml on real configurations: a case where it fires (with the evidence line
expected) and a clean case where it is evaluated and passes. Bases are the lab devices' real configurations, the
suzieq captures and two hardened fixtures (tests/data/cacr/PROVENANCE.md); edits are set/delete lines applied here,
so each derived case says exactly how it differs from the real file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from cacr_helpers import FACTS, LAB, LAB_FACTS, ROOT, check, rules, snapshot_device, tree_of

from analyzers.cacr.context import facts_from_profile
from msplus.junosconf import parse
from snapshots.plan import load_plan
from snapshots.profile import profile_from_files

HMX_SNMP = "firewall family inet filter PROTECT-RE term SNMP"

# rule, base, edits, facts, evidence expected in a finding (None: the rule is evaluated and passes)
CASES: list[tuple[str, str, list[str], str, str | None]] = [
    ("SEC-TELNET", "ptx", [], "ptx", "line 43: set system services telnet"),
    ("SEC-TELNET", "hmx", [], "mx2", None),
    ("SEC-FTP", "mx960", ["set system services ftp"], "mx1", "edit line 1: set system services ftp"),
    ("SEC-FTP", "hmx", [], "mx2", None),
    ("SEC-JWEB-HTTP", "vsrx", [], "vsrx", "line 24: set system services web-management http interface ge-0/0/0.0"),
    ("SEC-JWEB-HTTP", "hsrx", [], "srxc", None),
    ("SEC-REST-HTTP", "leaf", [], "vqfx", "line 24: set system services rest http port 8080"),
    ("SEC-REST-HTTP", "leaf", ["delete system services rest http",
                               "set system services rest https server-certificate leaf01"], "vqfx", None),
    ("SEC-XNM-CLEARTEXT", "mx960", ["set system services xnm-clear-text"], "mx1", "set system services xnm-clear-text"),
    ("SEC-XNM-CLEARTEXT", "hmx", [], "mx2", None),
    ("SEC-SSH-ROOT-LOGIN", "mx480", [], "mx2", "line 29: set system services ssh root-login allow"),
    ("SEC-SSH-ROOT-LOGIN", "vsrx", [], "vsrx", "line 18: set system services ssh"),
    ("SEC-SSH-ROOT-LOGIN", "hmx", [], "mx2", None),
    ("SEC-SSH-V1", "ex", ["set system services ssh protocol-version v1"], "exvc",
     "set system services ssh protocol-version v1"),
    ("SEC-SSH-V1", "ex", [], "exvc", None),
    ("SEC-SSH-RATE-LIMIT", "ex", [], "exvc", "set system services ssh protocol-version v2"),
    ("SEC-SSH-RATE-LIMIT", "hmx", [], "mx2", None),
    ("RES-NTP", "mx480", [], "mx2", "(no statement matches [system ntp server <*>])"),
    ("RES-NTP", "ex", [], "exvc", None),
    ("RES-NTP-REDUNDANT", "ex", [], "exvc", "line 35: set system ntp server 10.17.0.1"),
    ("RES-NTP-REDUNDANT", "hmx", [], "mx2", None),
    ("SEC-NTP-AUTH", "ex", [], "exvc", "line 35: set system ntp server 10.17.0.1"),
    ("SEC-NTP-AUTH", "hmx", [], "mx2", None),
    ("SEC-NTP-TRUSTED-KEY", "hmx", ["delete system ntp trusted-key"], "mx2", "set system ntp server 192.0.2.123 key 1"),
    ("SEC-NTP-TRUSTED-KEY", "hmx", [], "mx2", None),
    ("RES-REMOTE-SYSLOG", "mx960", [], "mx1", "set system syslog file messages any notice"),
    ("RES-REMOTE-SYSLOG", "hmx", [], "mx2", None),
    ("SEC-SYSLOG-AUDIT", "ex", [], "exvc", "(no statement matches [system syslog file <*> interactive-commands])"),
    ("SEC-SYSLOG-AUDIT", "mx960", [], "mx1", None),
    ("RES-DNS-REDUNDANT", "ptx", [], "ptx", "set system name-server 192.168.1.1"),
    ("RES-DNS-REDUNDANT", "hmx", [], "mx2", None),
    ("SEC-SNMP-DEFAULT-COMMUNITY", "ptx", [], "ptx", "set snmp community public authorization read-only"),
    ("SEC-SNMP-DEFAULT-COMMUNITY", "ex", [], "exvc", None),
    ("SEC-SNMP-CLIENTS", "ex", [], "exvc", "line 42: set snmp community secure authorization read-only"),
    ("SEC-SNMP-CLIENTS", "hmx", [], "mx2", None),
    ("SEC-SNMP-READ-WRITE", "ex", ["set snmp community secure authorization read-write"], "exvc",
     "set snmp community secure authorization read-write"),
    ("SEC-SNMP-READ-WRITE", "ex", [], "exvc", None),
    ("SEC-LO0-FILTER", "leaf", [], "vqfx", "line 3758: set interfaces lo0 unit 0 family inet address 10.0.0.11/32"),
    ("SEC-LO0-FILTER", "mx960", [], "mx1",
     "(no statement matches [interfaces lo0 unit <*> family inet filter input])"),
    ("SEC-LO0-FILTER", "hmx", [], "mx2", None),
    ("SEC-LO0-FILTER-V6", "hmx", ["delete interfaces lo0 unit 0 family inet6 filter"], "mx2",
     "set interfaces lo0 unit 0 family inet6 address 2001:db8:ff::1/128"),
    ("SEC-LO0-FILTER-V6", "hmx", [], "mx2", None),
    ("SEC-RE-FILTER-OPEN", "hmx", [f"set {HMX_SNMP} from protocol udp", f"set {HMX_SNMP} from destination-port snmp",
                                   f"set {HMX_SNMP} then accept"], "mx2",
     f"set {HMX_SNMP} from destination-port snmp"),
    ("SEC-RE-FILTER-OPEN", "hmx", ["set firewall family inet filter PROTECT-RE term ANY then accept"], "mx2",
     "set firewall family inet filter PROTECT-RE term ANY then accept"),
    ("SEC-RE-FILTER-OPEN", "hmx", [], "mx2", None),
    ("SEC-LOGIN-BANNER", "mx960", [], "mx1", "set system login user admin uid 2000"),
    ("SEC-LOGIN-BANNER", "hmx", [], "mx2", None),
    ("SEC-AAA-SERVERS", "mx960", [], "mx1", "(no statement matches [system tacplus-server <*>])"),
    ("SEC-AAA-SERVERS", "ex", [], "exvc", None),
    ("SEC-AAA-ORDER", "ex", ["delete system authentication-order"], "exvc",
     "set system radius-server 10.0.0.1 timeout 3"),
    ("SEC-AAA-ORDER", "ex", [], "exvc", None),
    ("SEC-AAA-LOCAL-FALLBACK", "hmx", ["delete system authentication-order password"], "mx2",
     "set system tacplus-server 192.0.2.10 source-address 10.255.0.1"),
    ("SEC-AAA-LOCAL-FALLBACK", "hmx", [], "mx2", None),
    ("SEC-LOGIN-IDLE-TIMEOUT", "ptx", [], "ptx", "set system login class super-user-local permissions all"),
    ("SEC-LOGIN-IDLE-TIMEOUT", "hmx", [], "mx2", None),
    ("SEC-NO-REDIRECTS", "mx960", [], "mx1", "(no statement matches [system no-redirects])"),
    ("SEC-NO-REDIRECTS", "hmx", [], "mx2", None),
    ("SEC-CONSOLE-LOGOUT", "mx960", [], "mx1", "(no statement matches [system ports console log-out-on-disconnect])"),
    ("SEC-CONSOLE-LOGOUT", "hmx", [], "mx2", None),
    ("SEC-DDOS-DISABLED", "mx960", ["set system ddos-protection global disable-routing-engine"], "mx1",
     "set system ddos-protection global disable-routing-engine"),
    ("SEC-DDOS-DISABLED", "mx960", [], "mx1", None),
    ("SEC-BGP-AUTH", "mx480", [], "mx2",
     "line 88: set protocols bgp group CRP-SEC-FW neighbor 10.0.100.1 description TOR1CRP-SEC-FW01"),
    ("SEC-BGP-AUTH", "vmx", [], "vmx", "set routing-instances VRF-B protocols bgp group CRP-CORE neighbor 10.0.20.3"),
    ("SEC-BGP-AUTH", "hmx", [], "mx2", None),  # the key is on the group
    ("SEC-BGP-AUTH", "mx480", ["set protocols bgp authentication-key secret-key"], "mx2", None),  # two levels up
    ("SEC-BGP-IMPORT-POLICY", "suzieq:dcedge01", [], "none",
     "set protocols bgp group ISL neighbor 169.254.127.1 peer-as 64520"),
    ("SEC-BGP-IMPORT-POLICY", "hmx", [], "mx2", None),
    ("SEC-BGP-EXPORT-POLICY", "mx480", [], "mx2", "set protocols bgp group CRP-SEC-FW neighbor 10.0.100.1"),
    ("SEC-BGP-EXPORT-POLICY", "suzieq:dcedge01", [], "none", None),  # export DEF-ADV on the group
    ("SCA-BGP-PREFIX-LIMIT", "mx480", [], "mx2", "set protocols bgp group CRP-SEC-FW neighbor 10.0.100.1"),
    ("SCA-BGP-PREFIX-LIMIT", "hmx", [], "mx2", None),
    ("RES-BGP-BFD", "leaf", [], "vqfx", "set protocols bgp group evpn_overlay neighbor 10.0.0.21"),
    ("RES-BGP-BFD", "mx480", [], "mx2", None),  # bfd-liveness-detection under protocols bgp, inherited
    ("SEC-OSPF-AUTH", "leaf", [], "vqfx", "set protocols ospf area 0.0.0.0 interface xe-0/0/0.0 interface-type p2p"),
    ("SEC-OSPF-AUTH", "hmx", [], "mx2", None),
    ("RES-OSPF-BFD", "suzieq:leaf4-qfx", [], "none", "set protocols ospf area 0.0.0.0 interface xe-0/0/0.0"),
    ("RES-OSPF-BFD", "leaf", [], "vqfx", None),
    ("SEC-ISIS-AUTH", "hmx", ["delete protocols isis level 2 authentication-key"], "mx2",
     "set protocols isis interface ae0.0 point-to-point"),
    ("SEC-ISIS-AUTH", "hmx", [], "mx2", None),
    ("SCA-ISIS-WIDE-METRICS", "hmx", ["delete protocols isis level 2 wide-metrics-only"], "mx2",
     "set protocols isis interface ae0.0 point-to-point"),
    ("SCA-ISIS-WIDE-METRICS", "hmx", [], "mx2", None),
    ("EFF-OSPF-REFERENCE-BANDWIDTH", "leaf", [], "vqfx", "set protocols ospf area 0.0.0.0 interface xe-0/0/0.0"),
    ("EFF-OSPF-REFERENCE-BANDWIDTH", "leaf", ["set protocols ospf reference-bandwidth 100g"], "vqfx", None),
    ("RES-ROUTER-ID", "mx480", [], "mx2", "set protocols bgp group CRP-SEC-FW type external"),
    ("RES-ROUTER-ID", "leaf", [], "vqfx", None),
    ("EFF-LOAD-BALANCE", "hmx", ["delete routing-options forwarding-table export"], "mx2",
     "set protocols bgp group CRP-SEC-FW multipath"),
    ("EFF-LOAD-BALANCE", "hmx", [], "mx2", None),
    ("EFF-UNUSED-POLICY", "hmx", ["set policy-options policy-statement OLD-EXPORT then reject"], "mx2",
     "edit line 1: set policy-options policy-statement OLD-EXPORT then reject"),
    ("EFF-UNUSED-POLICY", "hmx", [], "mx2", None),
    ("EFF-UNUSED-PREFIX-LIST", "hmx", ["set policy-options prefix-list OLD-NMS 198.51.100.0/24"], "mx2",
     "set policy-options prefix-list OLD-NMS 198.51.100.0/24"),
    ("EFF-UNUSED-PREFIX-LIST", "hmx", [], "mx2", None),
    ("EFF-UNUSED-FILTER", "hmx", ["set firewall family inet filter OLD-RE term ALL then accept"], "mx2",
     "set firewall family inet filter OLD-RE term ALL then accept"),
    ("EFF-UNUSED-FILTER", "hmx", [], "mx2", None),
    ("RES-UNDEFINED-POLICY", "hmx", ["set protocols bgp group CRP-SEC-FW export TO-FW-V2"], "mx2",
     "set protocols bgp group CRP-SEC-FW export TO-FW-V2"),
    ("RES-UNDEFINED-POLICY", "hmx", [], "mx2", None),
    ("RES-UNDEFINED-PREFIX-LIST", "hmx",
     ["set firewall family inet filter PROTECT-RE term MGMT from source-prefix-list MGMT-HOST"], "mx2",
     "set firewall family inet filter PROTECT-RE term MGMT from source-prefix-list MGMT-HOST"),
    ("RES-UNDEFINED-PREFIX-LIST", "hmx", [], "mx2", None),
    ("RES-UNDEFINED-FILTER", "hmx", ["set interfaces ge-0/0/2 unit 0 family inet filter input EDGE-IN"], "mx2",
     "set interfaces ge-0/0/2 unit 0 family inet filter input EDGE-IN"),
    ("RES-UNDEFINED-FILTER", "hmx", [], "mx2", None),
    ("EFF-INTERFACE-DESCRIPTION", "mx480", [], "mx2",
     "line 60: set interfaces ge-0/0/3 unit 0 family inet address 10.0.100.0/31"),
    ("EFF-INTERFACE-DESCRIPTION", "mx960", [], "mx1", None),
    ("RES-MTU-CONSISTENCY", "suzieq:exit01", [], "none", "line 170: set interfaces xe-0/0/2 mtu 9216"),
    ("RES-MTU-CONSISTENCY", "suzieq:spine01", [], "none", None),
    ("RES-DUPLICATE-ADDRESS", "mx480", [], "mx2",
     "line 60: set interfaces ge-0/0/3 unit 0 family inet address 10.0.100.0/31"),
    ("RES-DUPLICATE-ADDRESS", "leaf", [], "vqfx", None),  # lo0.999 and the irb units are in evpn-vrf
    ("RES-LACP", "vmx", [], "vmx", "set interfaces ae0 description CRP-ACC-SW01:ae0"),
    ("RES-LACP", "hmx", [], "mx2", None),
    ("RES-AE-DEVICE-COUNT", "vmx", ["delete chassis aggregated-devices"], "vmx",
     "set interfaces ae0 description CRP-ACC-SW01:ae0"),
    ("RES-AE-DEVICE-COUNT", "vmx", [], "vmx", None),
    ("RES-STORM-CONTROL", "suzieq:leaf01", [], "vqfx",
     "set interfaces xe-0/0/2 unit 0 family ethernet-switching interface-mode access"),
    ("RES-STORM-CONTROL", "suzieq:leaf01",
     ["set interfaces xe-0/0/2 unit 0 family ethernet-switching storm-control default",
      "set interfaces xe-0/0/3 unit 0 family ethernet-switching storm-control default"], "vqfx", None),
    ("SEC-EDGE-URPF", "mx480", [], "mx2", "(no statement matches [interfaces <*> unit <*> family <inet*> rpf-check])"),
    ("SEC-EDGE-URPF", "hmx", [], "mx2", None),
    ("SCA-VRF-PREFIX-LIMIT", "leaf", [], "vqfx", "set routing-instances evpn-vrf"),
    ("SCA-VRF-PREFIX-LIMIT", "hmx", [], "mx2", None),
    ("SCA-VRF-TABLE-LABEL", "suzieq:exit01", [], "none",
     "set routing-instances internet-vrf routing-options router-id 169.254.254.9"),
    ("SCA-VRF-TABLE-LABEL", "leaf", [], "vqfx", None),
    ("RES-COMMIT-SYNC", "mx480", [], "mx2", "(no statement matches [system commit synchronize])"),
    ("RES-COMMIT-SYNC", "hmx", [], "mx2", None),
    ("RES-GRES", "mx480", [], "mx2", "(no statement matches [chassis redundancy graceful-switchover])"),
    ("RES-GRES", "hmx", [], "mx2", None),
    ("RES-NSR", "mx480", [], "mx2", "(no statement matches [routing-options nonstop-routing])"),
    ("RES-NSR", "hmx", [], "mx2", None),
    ("SEC-SRX-ANY-ANY-PERMIT", "vsrx", [], "vsrx",
     "line 99: set security policies from-zone trust to-zone trust policy default-permit then permit"),
    ("SEC-SRX-ANY-ANY-PERMIT", "hsrx", [], "srxc", None),
    ("SEC-SRX-POLICY-LOG", "vsrx", [], "vsrx",
     "set security policies from-zone trust to-zone untrust policy default-permit match source-address any"),
    ("SEC-SRX-POLICY-LOG", "hsrx", [], "srxc", None),
    ("SEC-SRX-DEFAULT-PERMIT", "vsrx", ["set security policies default-policy permit-all"], "vsrx",
     "set security policies default-policy permit-all"),
    ("SEC-SRX-DEFAULT-PERMIT", "hsrx", [], "srxc", None),
    ("SEC-SRX-HOST-INBOUND-TELNET", "vsrx", [], "vsrx",
     "line 141: set security zones security-zone untrust interfaces ge-0/0/0.0 host-inbound-traffic "
     "system-services telnet"),
    ("SEC-SRX-HOST-INBOUND-TELNET", "hsrx", [], "srxc", None),
    ("SEC-SRX-SCREEN", "hsrx", ["delete security zones security-zone untrust screen"], "srxc",
     "set security zones security-zone trust interfaces reth0.0"),
    ("SEC-SRX-SCREEN", "vsrx", [], "vsrx", None),
    ("RES-CLUSTER-INTERFACE-MONITOR", "srx", [], "srxc", "set chassis cluster redundancy-group 1 node 0 priority 100"),
    ("RES-CLUSTER-INTERFACE-MONITOR", "hsrx", [], "srxc", None),
    ("RES-CLUSTER-FABRIC", "srx", [], "srxc",
     "(no statement matches [interfaces fab0 fabric-options member-interfaces])"),
    ("RES-CLUSTER-FABRIC", "hsrx", [], "srxc", None),
    ("RES-CLUSTER-RG0-PREEMPT", "hsrx", ["set chassis cluster redundancy-group 0 preempt"], "srxc",
     "set chassis cluster redundancy-group 0 preempt"),
    ("RES-CLUSTER-RG0-PREEMPT", "hsrx", [], "srxc", None),
    ("RES-VC-PREPROVISIONED", "ex", [], "exvc", "(no statement matches [virtual-chassis preprovisioned])"),
    ("RES-VC-PREPROVISIONED", "ex", ["set virtual-chassis preprovisioned"], "exvc", None),
    ("EFF-TRACEOPTIONS-ALL", "ptx", [], "ptx", "line 71: set system processes dhcp-service traceoptions flag all"),
    ("EFF-TRACEOPTIONS-ALL", "mx960", [], "mx1", None),  # flag packet
    ("EFF-INACTIVE", "ptx", [], "ptx", "line 10: deactivate system scripts commit"),
    ("EFF-INACTIVE", "hmx", [], "mx2", None),
]
ELSEWHERE = {"RES-RESCUE": "test_rescue_configuration_from_the_snapshot_alarms"}


def _case_id(case: tuple[str, str, list[str], str, str | None]) -> str:
    rule, base, edits, _, expect = case
    return f"{rule}-{'fires' if expect else 'clean'}-{base}{'+edits' if edits else ''}"


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_rule_case(case: tuple[str, str, list[str], str, str | None]) -> None:
    rule, base, edits, facts, expect = case
    report = check(tree_of(base, edits), FACTS[facts], only=[rule])
    result = report.results[0]
    if expect is None:
        assert result.status == "pass", (result, [f.message for f in report.findings])
        return
    assert result.status == "fail", result
    evidence = [e for f in report.findings for e in f.evidence]
    assert any(expect in e for e in evidence), evidence
    for f in report.findings:
        assert f.rule == rule and f.message and f.remediation and f.rationale
        assert "{" not in f.message and all("{" not in r for r in f.remediation)


def test_every_rule_has_a_firing_and_a_clean_case() -> None:
    firing = {c[0] for c in CASES if c[4]} | set(ELSEWHERE)
    clean = {c[0] for c in CASES if c[4] is None} | set(ELSEWHERE)
    assert set(rules()) - firing == set()
    assert set(rules()) - clean == set()
    assert {c[0] for c in CASES} <= set(rules())


def test_the_facts_used_are_the_lab_profiles() -> None:
    """FACTS mirrors what snapshots.profile makes of each lab device's real facts replies."""
    for lab_name, key in LAB_FACTS.items():
        files = {r.file: (LAB / lab_name / f"get-{r.file}").read_bytes() for r in load_plan(("facts",))
                 if (LAB / lab_name / f"get-{r.file}").is_file()}
        profiled = facts_from_profile(profile_from_files(files), lab_name)
        expected = FACTS[key]
        for attr in ("family", "evolved", "routing_engines", "cluster", "virtual_chassis"):
            assert getattr(profiled, attr) == getattr(expected, attr), (lab_name, attr)


def test_catalog_size_and_categories() -> None:
    catalog = list(rules().values())
    assert len(catalog) >= 40
    by_category = {c: sum(1 for r in catalog if r.category == c) for c in
                   ("security", "resilience", "scalability", "efficiency")}
    assert all(n >= 3 for n in by_category.values()), by_category


@pytest.mark.parametrize("base,facts", [("hmx", "mx2"), ("hsrx", "srxc")])
def test_hardened_fixtures_have_no_findings(base: str, facts: str) -> None:
    report = check(tree_of(base), FACTS[facts])
    assert report.findings == [], [(f.rule, f.message) for f in report.findings]
    statuses = {r.rule: r.status for r in report.results}
    assert statuses["RES-RESCUE"] == "skipped"  # a plain file has no alarms: not passed silently
    assert sum(1 for s in statuses.values() if s == "pass") >= 40


def test_rescue_configuration_from_the_snapshot_alarms(tmp_path: Path) -> None:
    """vsrx-firefly's real system alarms say "Rescue configuration is not set"; the lab's no-alarm reply passes."""
    folder = snapshot_device("vsrx-firefly", tmp_path)
    report = check(tree_of("vsrx"), FACTS["vsrx"], only=["RES-RESCUE"], folder=folder)
    assert report.results[0].status == "fail"
    assert report.findings[0].evidence == (
        "system-alarm-information.xml: Rescue configuration is not set",)
    assert report.findings[0].remediation == ("request system configuration rescue save",)
    shutil.copy(ROOT / "lab" / "defaults" / "get-system-alarm-information.xml",
                folder / "system-alarm-information.xml")
    clean = check(tree_of("vsrx"), FACTS["vsrx"], only=["RES-RESCUE"], folder=folder)
    assert clean.results[0].status == "pass"
    (folder / "system-alarm-information.xml").unlink()
    unknown = check(tree_of("vsrx"), FACTS["vsrx"], only=["RES-RESCUE"], folder=folder)
    assert unknown.results[0].status == "skipped" and "system-alarm-information.xml" in unknown.results[0].reason


# --- the effective configuration ------------------------------------------------------------------------------------
TELNET_IN_GROUP = """\
groups {
    mgmt {
        system {
            services {
                telnet;
            }
        }
    }
}
apply-groups mgmt;
system {
    host-name r1;
}
"""


def test_statements_inherited_from_a_group_fire_with_the_group_named() -> None:
    report = check(parse(TELNET_IN_GROUP, "r1.conf"), FACTS["none"], only=["SEC-TELNET"])
    assert report.findings[0].evidence == ("line 5 (group mgmt): set system services telnet",)


def test_inactive_and_unapplied_statements_are_left_out() -> None:
    inactive = TELNET_IN_GROUP.replace("apply-groups mgmt;", "inactive: apply-groups mgmt;")
    assert check(parse(inactive, "r1.conf"), FACTS["none"], only=["SEC-TELNET"]).results[0].status == "pass"
    unapplied = TELNET_IN_GROUP.replace("apply-groups mgmt;\n", "")
    assert check(parse(unapplied, "r1.conf"), FACTS["none"], only=["SEC-TELNET"]).results[0].status == "pass"
    deactivated = tree_of("ptx", ["deactivate system services telnet"])
    assert check(deactivated, FACTS["ptx"], only=["SEC-TELNET"]).results[0].status == "pass"


def test_ibgp_neighbours_are_not_judged_by_ebgp_rules() -> None:
    report = check(tree_of("leaf"), FACTS["vqfx"], only=["SEC-BGP-IMPORT-POLICY", "SCA-BGP-PREFIX-LIMIT"])
    assert [r.status for r in report.results] == ["not_applicable", "not_applicable"]
    assert "meets the rule's conditions" in (report.results[0].reason or "")


def test_unused_is_conservative_about_names_used_in_unknown_places() -> None:
    """A policy whose name appears elsewhere (here an event policy of the same name) is not called unused."""
    tree = tree_of("hmx", ["set policy-options policy-statement AUDIT then reject",
                           "set event-options policy AUDIT events ui_commit"])
    assert check(tree, FACTS["mx2"], only=["EFF-UNUSED-POLICY"]).results[0].status == "pass"


# --- applicability --------------------------------------------------------------------------------------------------
def test_rules_needing_unknown_facts_are_skipped_with_the_reason() -> None:
    report = check(tree_of("mx480"), FACTS["none"])
    skipped = {r.rule: r.reason for r in report.results if r.status == "skipped"}
    assert {"RES-COMMIT-SYNC", "RES-GRES", "RES-NSR", "RES-STORM-CONTROL", "SEC-EDGE-URPF", "RES-RESCUE",
            "RES-CLUSTER-FABRIC", "RES-VC-PREPROVISIONED"} <= set(skipped)
    assert "dual routing engines" in skipped["RES-COMMIT-SYNC"] and "--profile" in skipped["RES-COMMIT-SYNC"]
    assert "--role" in skipped["SEC-EDGE-URPF"]
    assert "--family" in skipped["RES-STORM-CONTROL"]


def test_known_facts_rule_out_rules_with_the_reason() -> None:
    report = check(tree_of("ptx"), FACTS["ptx"])
    status = {r.rule: (r.status, r.reason) for r in report.results}
    assert status["RES-GRES"] == ("not_applicable",
                                  "applies to devices without Junos OS Evolved; this device: Junos OS Evolved")
    assert status["RES-COMMIT-SYNC"][0] == "fail"  # dual RE, Evolved: commit synchronize still needed
    assert status["RES-CLUSTER-FABRIC"][0] == "not_applicable"


def test_remediation_resolves_each_finding_on_the_real_configurations() -> None:
    """Apply each finding's remediation (its configuration commands) to the configuration it was found in: the
    finding is gone. Covers every rule that fires on the lab devices and the suzieq captures (the first three
    findings of each rule per configuration: a vQFX has hundreds of ports without description)."""
    from cacr_helpers import SUZIEQ

    from analyzers.cacr.context import Facts

    everything = Facts(family="mx", evolved=False, role="edge", routing_engines=2, cluster=True,
                       virtual_chassis=True)
    texts = [(str(p), p.read_text(encoding="utf-8")) for p in sorted(LAB.glob("*/config.conf"))]
    texts += list(SUZIEQ.items())
    seen_rules = set()
    for source, text in texts:
        per_rule: dict[str, int] = {}
        for finding in check(parse(text, source), everything).findings:
            per_rule[finding.rule] = per_rule.get(finding.rule, 0) + 1
            if per_rule[finding.rule] > 3:
                continue
            commands = [c for c in finding.remediation if not c.startswith("request ")]
            tree = parse(text, source)
            for number, command in enumerate(commands, 1):
                tree.apply_set_line(command, number, "remediation")
            after = check(tree, everything, only=[finding.rule])
            assert finding.key not in {f.key for f in after.findings}, (source, finding.rule, commands)
            seen_rules.add(finding.rule)
    assert len(seen_rules) >= 35


def test_findings_become_the_pipelines_finding_records() -> None:
    finding = check(tree_of("ptx"), FACTS["ptx"], only=["SEC-TELNET"]).findings[0]
    record = finding.to_record()
    assert (record.check, record.severity, record.category, record.title) == (
        "SEC-TELNET", "high", "security", "Telnet service is enabled")
    assert record.evidence == ("line 43: set system services telnet",)
    assert record.recommendation == "delete system services telnet"
