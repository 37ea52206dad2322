"""Change review on real configurations: the diff, commands that do not apply (with line, column and reason),
findings introduced and resolved, lock-out and routing risks with the change lines behind them."""

from __future__ import annotations

from pathlib import Path

from cacr_helpers import BASES, FACTS, rules

from analyzers.cacr.review import review

MX480 = BASES["mx480"]
HMX = BASES["hmx"]
LEAF = BASES["leaf"]

CHANGE = """\
# harden SSH and BGP on baku
set system services ssh root-login deny
delete system services telnet
set protocols bgp group CRP-SEC-FW neighbor 10.0.100.1 authentication-key "$9$kPfz6Ct0Ic1Rh7"
set protocols bgp group CRP-SEC-FW import FROM-FW
set interfaces lo0 unit 0 family inet filter input PROTECT-RE
set interfaces ge-0/0/2 description "to TOR1CRP-SEC-FW01 eth1/3"
set system services ssh "root-login
deactivate protocols lldp
activate protocols bgp
commit confirmed 5
"""


def _review(tmp_path: Path, running: Path, change: str, facts: str = "mx2"):
    path = tmp_path / "change.set"
    path.write_text(change, encoding="utf-8")
    return review(running, path, list(rules().values()), FACTS[facts])


def test_commands_diff_errors_and_unchanged_lines(tmp_path: Path) -> None:
    report = _review(tmp_path, MX480, CHANGE)
    assert report.mode == "commands"
    assert [str(d) for d in report.diff] == [
        "- set system services ssh root-login allow",
        "- set interfaces ge-0/0/2 description TOR1CRP-SEC-FW01:eth1/3",
        "+ set system services ssh root-login deny",
        '+ set interfaces ge-0/0/2 description "to TOR1CRP-SEC-FW01 eth1/3"',
        "+ set interfaces lo0 unit 0 family inet filter input PROTECT-RE",
        '+ set protocols bgp group CRP-SEC-FW neighbor 10.0.100.1 authentication-key "$9$kPfz6Ct0Ic1Rh7"',
        "+ set protocols bgp group CRP-SEC-FW import FROM-FW",
        "+ deactivate protocols lldp",
    ]
    errors = {e.line: (e.column, e.reason) for e in report.errors}
    assert errors == {
        3: (None, "delete of 'system services telnet': no such statement in the configuration"),
        8: (25, "unterminated quoted string"),
        11: (1, "not a configuration command: 'commit'"),
    }
    assert [(u.line, u.reason) for u in report.unchanged] == [
        (10, "changes nothing: 'protocols bgp' is already activated")]


def test_findings_introduced_and_resolved(tmp_path: Path) -> None:
    report = _review(tmp_path, MX480, CHANGE)
    introduced = {(f.rule, f.subject) for f in report.introduced}
    assert ("RES-UNDEFINED-POLICY", "protocols bgp group CRP-SEC-FW import -> FROM-FW") in introduced
    assert ("RES-UNDEFINED-FILTER", "interfaces lo0 unit 0 family inet filter input -> PROTECT-RE") in introduced
    assert ("EFF-INACTIVE", "protocols lldp") in introduced
    undefined = next(f for f in report.introduced if f.rule == "RES-UNDEFINED-POLICY")
    assert undefined.evidence == ("change.set line 5: set protocols bgp group CRP-SEC-FW import FROM-FW",)
    resolved = {f.rule for f in report.resolved}
    assert {"SEC-SSH-ROOT-LOGIN", "SEC-LO0-FILTER", "SEC-BGP-AUTH", "SEC-BGP-IMPORT-POLICY"} <= resolved
    assert "SEC-BGP-EXPORT-POLICY" not in resolved


def test_lockout_and_routing_risks_name_the_change_lines(tmp_path: Path) -> None:
    report = _review(tmp_path, MX480, CHANGE)
    risks = {(r.kind, r.message.split(":")[0]): sorted(r.lines) for r in report.risks}
    assert risks == {
        ("lockout", "changes SSH access"): [2],
        ("lockout", "changes the routing-engine filter on lo0"): [6],
        ("routing", "changes BGP neighbour 10.0.100.1 (group CRP-SEC-FW)"): [4],
        ("routing", "changes BGP group CRP-SEC-FW (all its neighbours)"): [5],
    }
    assert report.risks[0].kind == "lockout"
    assert "commit confirmed" in (report.recommendation or "")
    data = report.to_json()
    assert set(data) >= {"diff", "introduced", "resolved", "risks", "errors"}
    assert all(set(r) >= {"kind", "message", "lines"} for r in data["risks"])


def test_a_harmless_change_has_no_risk_and_no_recommendation(tmp_path: Path) -> None:
    report = _review(tmp_path, MX480, 'set interfaces ge-0/0/3 description "to TOR1CRP-SEC-FW02"\n')
    assert report.risks == [] and report.recommendation is None and report.errors == []
    assert [f.rule for f in report.resolved] == ["EFF-INTERFACE-DESCRIPTION"]
    assert report.introduced == []


def test_filters_applied_to_lo0_are_lockout_risks(tmp_path: Path) -> None:
    change = ("delete firewall family inet filter PROTECT-RE term MGMT from source-prefix-list\n"
              "set policy-options policy-statement TO-FW term DEFAULT then community add NO-EXPORT\n")
    report = _review(tmp_path, HMX, change)
    messages = {r.kind: r.message for r in report.risks}
    assert messages["lockout"].startswith("changes firewall filter PROTECT-RE, applied to lo0")
    assert messages["routing"].startswith(
        "changes routing policy TO-FW (used at protocols bgp group CRP-SEC-FW export)")
    assert {r.kind: sorted(r.lines) for r in report.risks} == {"lockout": [1], "routing": [2]}
    # the opened term is a finding the change introduces, and so is the prefix list nothing uses any more
    assert [(f.rule, f.subject) for f in report.introduced] == [
        ("SEC-RE-FILTER-OPEN", "filter PROTECT-RE term MGMT"), ("EFF-UNUSED-PREFIX-LIST", "prefix-list MGMT-HOSTS")]


def test_interfaces_running_an_igp_and_management_in_groups(tmp_path: Path) -> None:
    report = _review(tmp_path, LEAF, "set interfaces xe-0/0/0 disable\n", "vqfx")
    assert [r.message.split(":")[0] for r in report.risks] == ["changes interface xe-0/0/0.0 (OSPF)"]
    report = _review(tmp_path, MX480, "set groups re0 system services ssh root-login deny\n")
    assert report.risks[0].kind == "lockout" and "SSH access (in group re0)" in report.risks[0].message


def test_a_full_candidate_configuration(tmp_path: Path) -> None:
    """The hardened MX fixture as the candidate for the real MX480 it was derived from."""
    candidate = tmp_path / "candidate.conf"
    candidate.write_text(HMX.read_text(encoding="utf-8"), encoding="utf-8")
    report = review(MX480, candidate, list(rules().values()), FACTS["mx2"])
    assert report.mode == "candidate"
    assert "- set system services ssh root-login allow" in [str(d) for d in report.diff]
    assert "+ set system services ssh root-login deny" in [str(d) for d in report.diff]
    assert report.introduced == []
    assert {"SEC-SSH-ROOT-LOGIN", "RES-COMMIT-SYNC", "RES-GRES", "RES-NSR", "SEC-LO0-FILTER",
            "RES-DUPLICATE-ADDRESS"} <= {f.rule for f in report.resolved}
    ssh = next(r for r in report.risks if r.what == "SSH access")
    candidate_lines = candidate.read_text().splitlines()
    added = {candidate_lines[n - 1].split()[0] for n in ssh.lines}
    assert added == {"root-login", "protocol-version", "connection-limit", "rate-limit"}, ssh.lines
    running_lines = MX480.read_text().splitlines()
    assert ssh.running_lines and all("root-login allow" in running_lines[n - 1] for n in ssh.running_lines)


def test_display_set_of_a_whole_configuration_is_a_candidate(tmp_path: Path) -> None:
    """``show configuration | display set`` output (it starts with ``set version``) replaces the configuration."""
    from msplus.junosconf import load

    text = load(MX480).to_set().replace("root-login allow", "root-login deny")
    text = "\n".join(line for line in text.splitlines() if "lldp" not in line) + "\n"
    report = _review(tmp_path, MX480, text)
    assert report.mode == "candidate"
    assert [str(d) for d in report.diff] == ["- set system services ssh root-login allow",
                                             "- set protocols lldp interface all",
                                             "+ set system services ssh root-login deny"]


def test_an_empty_change_changes_nothing(tmp_path: Path) -> None:
    report = _review(tmp_path, MX480, "# nothing yet\n\n")
    assert report.mode == "commands" and report.diff == [] and report.risks == [] and report.errors == []
