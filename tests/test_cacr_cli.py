"""``run_assessment.py config check`` and ``config review``: the JSON contract, text output, exit statuses
(0 ran, 1 --fail-on, 2 bad input with file, line and column), snapshot folders, and the benchmark's rule step."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from cacr_helpers import BASES, ROOT, snapshot_device

FINDING_FIELDS = {"rule", "title", "category", "severity", "message", "evidence", "remediation", "rationale"}


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "run_assessment.py"), "config", *args], capture_output=True,
                          text=True, check=False, cwd=ROOT)


def test_check_json_contract_and_fail_on() -> None:
    proc = run("check", str(BASES["vsrx"]), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["device"] == "firefly" and data["errors"] == []
    assert data["findings"] and all(set(f) >= FINDING_FIELDS for f in data["findings"])
    telnet = next(f for f in data["findings"] if f["rule"] == "SEC-SRX-HOST-INBOUND-TELNET")
    assert telnet["evidence"] == ["line 141: set security zones security-zone untrust interfaces ge-0/0/0.0 "
                                  "host-inbound-traffic system-services telnet"]
    assert telnet["remediation"] == ["delete security zones security-zone untrust interfaces ge-0/0/0.0 "
                                     "host-inbound-traffic system-services telnet"]
    skipped = {s["rule"]: s["reason"] for s in data["skipped"]}
    assert "dual routing engines, which is not known here" in skipped["RES-COMMIT-SYNC"]
    assert data["facts"]["dual_re"] is None and data["facts"]["evolved"] is False
    assert data["summary"]["rules"] == len(data["rules"]) >= 40
    assert run("check", str(BASES["vsrx"]), "--fail-on", "high").returncode == 1
    assert run("check", str(BASES["vsrx"]), "--fail-on", "critical").returncode == 0


def test_check_text_output() -> None:
    proc = run("check", str(BASES["ptx"]), "--family", "ptx")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert out.startswith("lab-ptx-evo (")
    assert "HIGH     SEC-TELNET  Telnet service is enabled" in out
    assert "         | line 43: set system services telnet" in out
    assert "         > delete system services telnet" in out
    assert "skipped (cannot be evaluated here):" in out and "RES-RESCUE:" in out
    assert "facts: family ptx, Junos OS Evolved" in out  # Evolved read from the version statement


@pytest.mark.parametrize("text,where", [
    (b"system {\n    host-name r1;\n", ":2:18: unexpected end of input: '{' at line 1, column 8"),  # truncated
    (b"system {\n    host-name r1;\n}\n}\n", ":4:1: unbalanced '}'"),
    (b"system {\n    host-name r1;\n}\nhello world\n", ":4:12: unexpected end of input: statement 'hello world'"),
    (b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00>\x00\x01\x00\x00\x00\xff\xfe",
     ":1:25: binary content: not UTF-8 text"),  # the first byte that is not UTF-8
])
def test_malformed_configurations_exit_2_with_line_and_column(tmp_path: Path, text: bytes, where: str) -> None:
    path = tmp_path / "bad.conf"
    path.write_bytes(text)
    for args in (("check", str(path)), ("review", "--config", str(path), "--change", str(path))):
        proc = run(*args)
        assert proc.returncode == 2, proc.stderr
        assert proc.stderr.startswith(f"error: {path}{where}"), proc.stderr
        assert "Traceback" not in proc.stderr


def test_a_bad_rule_file_exits_2_naming_file_rule_and_key(tmp_path: Path) -> None:
    rules = tmp_path / "mine.yaml"
    rules.write_text("schema_version: 1\nrules:\n  - id: MY-RULE\n    title: t\n    category: security\n"
                     "    severity: loud\n    check: {kind: named, name: nothing-like-this}\n    message: m\n"
                     "    rationale: r\n", encoding="utf-8")
    proc = run("check", str(BASES["vsrx"]), "--rules", str(rules))
    assert proc.returncode == 2
    assert f"error: {rules}:6:5: rules[0].severity: Input should be 'critical'," in proc.stderr
    assert "(rule MY-RULE)" in proc.stderr
    assert proc.stdout == ""


def test_own_rule_file_replaces_the_catalog(tmp_path: Path) -> None:
    rules = tmp_path / "mine.yaml"
    rules.write_text("schema_version: 1\nrules:\n  - id: MY-TELNET\n    title: t\n    category: security\n"
                     "    severity: low\n    check: {kind: forbid, forbid: [\"system services telnet\"]}\n"
                     "    message: \"{path}\"\n    rationale: r\n", encoding="utf-8")
    data = json.loads(run("check", str(BASES["ptx"]), "--rules", str(rules), "--format", "json").stdout)
    assert [(f["rule"], f["message"]) for f in data["findings"]] == [("MY-TELNET", "system services telnet")]
    assert data["rule_files"] == [str(rules)]


def test_snapshot_device_folder_uses_its_profile(tmp_path: Path) -> None:
    folder = snapshot_device("mx480-dual-re", tmp_path)
    data = json.loads(run("check", str(folder), "--format", "json").stdout)
    assert data["device"] == "mx480-dual-re"
    assert data["facts"]["family"] == "mx" and data["facts"]["dual_re"] is True
    fired = {f["rule"] for f in data["findings"]}
    assert {"RES-COMMIT-SYNC", "RES-GRES", "RES-NSR"} <= fired
    assert "RES-COMMIT-SYNC" not in {s["rule"] for s in data["skipped"]}


def test_snapshot_with_several_devices_and_a_broken_one(tmp_path: Path) -> None:
    snapshot = tmp_path / "snap"
    snapshot_device("vsrx-firefly", snapshot)
    snapshot_device("srx345-cluster", snapshot)
    broken = snapshot / "broken"
    broken.mkdir()
    (broken / "configuration.conf").write_text("system {\n    host-name x;\n", encoding="utf-8")
    proc = run("check", str(snapshot), "--format", "json")
    assert proc.returncode == 2  # one configuration could not be read: bad input, the others still checked
    data = json.loads(proc.stdout)
    assert [d["device"] for d in data["devices"]] == ["srx345-cluster", "vsrx-firefly"]
    assert {f["device"] for f in data["findings"]} == {"srx345-cluster", "vsrx-firefly"}
    assert data["errors"][0]["device"] == "broken" and ":2:" in data["errors"][0]["error"]
    rescue = [f for f in data["findings"] if f["rule"] == "RES-RESCUE"]
    assert [f["device"] for f in rescue] == ["vsrx-firefly"]  # only the firefly's real alarms say so
    cluster = {f["rule"] for f in data["findings"] if f["device"] == "srx345-cluster"}
    assert {"RES-CLUSTER-FABRIC", "RES-CLUSTER-INTERFACE-MONITOR"} <= cluster


def test_review_json_and_text(tmp_path: Path) -> None:
    change = tmp_path / "change.set"
    change.write_text("set system services ssh root-login deny\ndelete system services telnet\n"
                      "set protocols bgp group CRP-SEC-FW import NO-SUCH-POLICY\n", encoding="utf-8")
    proc = run("review", "--config", str(BASES["mx480"]), "--change", str(change), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["diff"] == ["- set system services ssh root-login allow", "+ set system services ssh root-login deny",
                            "+ set protocols bgp group CRP-SEC-FW import NO-SUCH-POLICY"]
    assert data["errors"] == [{"line": 2, "column": None, "text": "delete system services telnet",
                               "reason": "delete of 'system services telnet': no such statement in the configuration"}]
    assert [(r["kind"], r["lines"]) for r in data["risks"]] == [("lockout", [1]), ("routing", [3])]
    assert "commit confirmed" in data["recommendation"]
    assert [f["rule"] for f in data["introduced"]] == ["RES-UNDEFINED-POLICY"]
    assert all(set(f) >= FINDING_FIELDS for f in data["introduced"] + data["resolved"])
    proc = run("review", "--config", str(BASES["mx480"]), "--change", str(change), "--fail-on", "high")
    assert proc.returncode == 1  # the undefined policy is a high finding the change introduces
    assert f"{change}:2: delete of 'system services telnet'" in proc.stdout
    assert "LOCKOUT: changes SSH access" in proc.stdout and "(change lines 1)" in proc.stdout


def test_review_accepts_a_snapshot_device_folder(tmp_path: Path) -> None:
    folder = snapshot_device("mx480-dual-re", tmp_path)
    change = tmp_path / "change.set"
    change.write_text("set system commit synchronize\nset chassis redundancy graceful-switchover\n", encoding="utf-8")
    data = json.loads(run("review", "--config", str(folder), "--change", str(change), "--format", "json").stdout)
    assert {f["rule"] for f in data["resolved"]} == {"RES-COMMIT-SYNC", "RES-GRES"}
    assert data["facts"]["dual_re"] is True


def test_benchmark_has_the_rule_check_step() -> None:
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_config.py"), "--sizes", "3000",
                           "--repeat", "1"], capture_output=True, text=True, check=False, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("rules: ") and "loaded and validated" in lines[0]
    header, row = lines[2], lines[3]
    assert header.endswith("effective     rules  check adds  findings"), header
    values = row.split()
    effective, check, added = (float(v.rstrip("s")) for v in values[-4:-1])
    assert abs(effective + check - added) < 0.002
    assert int(values[-1].replace(",", "")) > 0  # the generated configuration has findings


def test_plain_file_with_a_profile_and_a_role(tmp_path: Path) -> None:
    profile = snapshot_device("mx480-dual-re", tmp_path) / "profile.json"
    data = json.loads(run("check", str(BASES["mx480"]), "--profile", str(profile), "--role", "edge",
                          "--format", "json").stdout)
    assert data["device"] == "baku"  # the host name the groups give
    assert data["facts"]["dual_re"] is True and data["facts"]["role"] == "edge"
    assert {"RES-COMMIT-SYNC", "SEC-EDGE-URPF"} <= {f["rule"] for f in data["findings"]}
    assert {s["rule"] for s in data["skipped"]} == {"RES-RESCUE"}  # a plain file has no alarms
