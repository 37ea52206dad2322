"""Health sweeps of the simulated lab (inventories/lab.yaml) over real SSH/NETCONF: every status shows, two sweeps
with the devices' state changed through the simulator in between give the expected changes.json, and the command
line's exit codes (0 nothing critical or worse, 1 something is, 2 the sweep could not run)."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from health_helpers import DATA, LAB, lab_reply

from app.sweep import run_sweep
from lab.configuration import DeviceConfig
from lab.server import LabServer, load_device_folder
from lab.testing import client_environment
from msplus.inventory import load_inventory
from msplus.records import Inventory

ROOT = Path(__file__).resolve().parents[1]
LAB_INVENTORY = ROOT / "inventories" / "lab.yaml"


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[tuple[LabServer, Inventory]]:
    """The lab inventory served on its loopback addresses (ports chosen by the OS), clients with a scratch HOME."""
    inventory = load_inventory(LAB_INVENTORY)
    sims = [load_device_folder(d.simulate, name=d.name, host=d.host or "127.0.0.1", port=0, username=d.username,
                               password=d.password) for d in inventory.devices if d.simulate]
    with client_environment(tmp_path / "home"), LabServer(sims) as server:
        devices = tuple(dataclasses.replace(d, port=server.address(d.name)[1], timeout=10, connect_timeout=5)
                        for d in inventory.devices)
        yield server, dataclasses.replace(inventory, devices=devices)


def by(results: list[dict[str, object]]) -> dict[tuple[str, str], dict[str, object]]:
    return {(str(r["device"]), str(r["check"])): r for r in results}


def test_a_sweep_of_the_lab_shows_every_status(lab: tuple[LabServer, Inventory], tmp_path: Path) -> None:
    _, inventory = lab
    outcome = run_sweep(inventory, history=tmp_path / "history", out=tmp_path / "out", workers=8)
    health = json.loads((tmp_path / "out" / "health.json").read_text())
    assert {k for r in health for k in r} >= {"device", "check", "status", "value", "threshold", "action"}
    devices = {d.name for d in inventory.devices}
    assert {r["device"] for r in health} == devices and len(health) == len(devices) * 32
    assert {r["status"] for r in health} == {"ok", "warning", "critical", "unknown"}
    got = by(health)
    expected = {
        ("sg-core-3", "chassis-alarms-major"): "critical", ("sg-core-3", "chassis-alarms-minor"): "warning",
        ("sg-core-3", "fans"): "critical", ("sg-core-3", "power-supplies"): "critical",
        ("sg-core-3", "core-dumps"): "warning", ("sg-core-3", "re-cpu"): "critical",
        ("sg-core-3", "system-alarms-minor"): "warning", ("sg-core-3", "fpc-state"): "ok",
        ("sg-edge-2", "storage"): "critical", ("sg-edge-2", "bgp-peers-down"): "critical",
        ("sg-edge-2", "bgp-flaps"): "warning", ("sg-edge-1", "bgp-peers-down"): "ok",
        ("sg-acc-1", "re-cpu"): "critical", ("sg-acc-1", "virtual-chassis"): "ok",
        ("sg-fw-1", "chassis-cluster"): "critical", ("sg-fw-2", "system-alarms-minor"): "warning",
        ("sg-fw-2", "ntp"): "ok", ("sg-leaf-1", "ospf-neighbours"): "ok", ("sg-leaf-1", "interface-flaps"): "ok",
        ("sg-core-1", "re-redundancy"): "ok", ("sg-p-1", "re-reboot-reason"): "ok",
    }
    assert {k: got[k]["status"] for k in expected} == expected
    assert "/var 97%" in str(got[("sg-edge-2", "storage")]["detail"])
    assert got[("sg-edge-2", "storage")]["threshold"] == {"direction": ">=", "warning": 80.0, "critical": 90.0,
                                                          "unit": "%"}
    assert got[("sg-acc-1", "re-cpu")]["threshold"]["override"] == "family ex"  # type: ignore[index]
    virtual = got[("sg-edge-1", "fans")]  # a vMX has no fans: not applicable, with the reason
    assert virtual["status"] == "ok" and "not applicable on vmx" in str(virtual["detail"])
    unknown = got[("sg-edge-1", "license-usage")]  # no licence reply in the lab: unknown, saying what is missing
    assert unknown["status"] == "unknown" and "request for license summary information" in str(unknown["detail"])
    assert all(r["action"] for r in health if r["status"] in ("warning", "critical"))
    assert not any(r["action"] for r in health if r["status"] == "unknown")
    assert sum(r["status"] == "unknown" for r in health) < 0.1 * len(health)  # the lab has its health replies
    assert json.loads((tmp_path / "out" / "changes.json").read_text()) == []  # no previous sweep
    assert outcome.exit_code == 1 and outcome.unreachable == []
    assert (outcome.snapshot / "sg-core-3" / "alarm-information.xml").is_file()
    assert json.loads((outcome.snapshot / "health.json").read_text()) == health


def test_two_sweeps_report_what_changed_in_between(lab: tuple[LabServer, Inventory], tmp_path: Path) -> None:
    server, inventory = lab
    history, out = tmp_path / "history", tmp_path / "out"
    core2 = server.device("sg-core-2")
    # The MX960 folder has no core-dump reply (unknown: no comparison); give it the real "no core file" answer.
    core2.set_reply("get-system-core-dumps", (DATA / "cores-none.xml").read_text())
    run_sweep(inventory, history=history, out=out, workers=8)

    # Between the sweeps, through the simulator: sg-core-2 raises alarms and writes a core dump
    core2.set_reply("get-alarm-information", lab_reply("mx960-degraded", "get-alarm-information"))
    core2.set_reply("get-system-core-dumps", lab_reply("mx960-degraded", "get-system-core-dumps"))
    edge1 = server.device("sg-edge-1")  # rebooted 10 minutes ago, with a changed configuration
    edge1.set_reply("get-route-engine-information", lab_reply("vmx", "get-route-engine-information").replace(
        'junos:seconds="1826589"', 'junos:seconds="600"'))
    edge1.set_reply("get-system-uptime-information", lab_reply("vmx", "get-system-uptime-information").replace(
        'junos:seconds="1826589"', 'junos:seconds="600"').replace('junos:seconds="1826580"', 'junos:seconds="600"'))
    edge1.config = DeviceConfig(text=edge1.config.text.replace("host-name TOR1CRP-DGW-RT01;",
                                                               "host-name TOR1CRP-DGW-RT01;\n    location TEST;"),
                                source="edited in the test")
    leaf = server.device("sg-leaf-1")  # a BGP peer goes down
    leaf.set_reply("get-bgp-summary-information", lab_reply("vqfx-leaf01", "get-bgp-summary-information").replace(
        '<peer-state junos:format="Establ">Established</peer-state>', "<peer-state>Active</peer-state>", 1))
    server.set_listening("sg-fw-2", False)  # unreachable

    second = run_sweep(inventory, history=history, out=out, workers=8)
    changes = json.loads((out / "changes.json").read_text())
    assert {k for c in changes for k in c} >= {"device", "kind", "before", "after", "detail"}
    found = {(c["device"], c["kind"]) for c in changes}
    assert found >= {("sg-core-2", "new_alarm"), ("sg-core-2", "new_core_dump"), ("sg-edge-1", "reboot"),
                     ("sg-edge-1", "config_changed"), ("sg-leaf-1", "neighbour_lost"), ("sg-fw-2", "unreachable")}
    untouched = {d.name for d in inventory.devices} - {"sg-core-2", "sg-edge-1", "sg-leaf-1", "sg-fw-2"}
    assert not [c for c in changes if c["device"] in untouched]  # nothing else moved
    assert sorted(c["after"] for c in changes if c["kind"] == "new_alarm") == [
        "chassis: Major Fan Tray 0 Fan 1 Failed", "chassis: Major PEM 3 Not OK", "chassis: Minor Plane 0 not online"]
    config = next(c for c in changes if c["kind"] == "config_changed")
    assert config["diff"] == ["+ set system location TEST"]
    report = (out / "sweep-report.html").read_text(encoding="utf-8")
    assert "+ set system location TEST" in report  # the sweep report shows what changed
    reboot = next(c for c in changes if c["kind"] == "reboot")
    assert (reboot["before"], reboot["after"]) == (1826589, 600)
    lost = next(c for c in changes if c["kind"] == "neighbour_lost")
    assert lost["before"] == "Established" and lost["after"] == "Active"
    reach = by(json.loads((out / "health.json").read_text()))[("sg-fw-2", "reachability")]
    assert reach["status"] == "critical" and "refused" in str(reach["detail"]).lower()
    assert second.exit_code == 1 and second.unreachable == ["sg-fw-2"]

    server.set_listening("sg-fw-2", True)
    core2.set_reply("get-alarm-information", (LAB.parent / "defaults" / "get-alarm-information.xml").read_text())
    run_sweep(inventory, history=history, out=out, workers=8)
    third = {(c["device"], c["kind"]) for c in json.loads((out / "changes.json").read_text())}
    assert ("sg-fw-2", "reachable_again") in third and ("sg-core-2", "alarm_cleared") in third
    assert ("sg-fw-2", "new_alarm") not in third  # compared with its last reached sweep: nothing new


def write_inventory(path: Path, inventory: Inventory, names: list[str] | None = None) -> Path:
    lines = ["defaults: {driver: pyez, username: lab, password: lab123, timeout: 10, connect_timeout: 5}",
             "devices:"]
    for d in inventory.devices:
        if names is None or d.name in names:
            lines.append(f"  - {{name: {d.name}, host: {d.host}, port: {d.port}, role: {d.role}}}")
    path.write_text("\n".join(lines) + "\n")
    return path


def cli(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOME": str(home)}
    return subprocess.run([sys.executable, str(ROOT / "run_assessment.py"), *args], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120, check=False)


def test_command_line_exit_codes_and_history_table(lab: tuple[LabServer, Inventory], tmp_path: Path) -> None:
    _, inventory = lab
    home = tmp_path / "home"
    history, out = tmp_path / "history", tmp_path / "out"

    healthy = write_inventory(tmp_path / "healthy.yaml", inventory, ["sg-edge-1"])  # warnings only
    proc = cli("sweep", "--inventory", str(healthy), "--history", str(history), "--out", str(out), home=home)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "sg-edge-1" in proc.stdout and (out / "health.json").is_file()

    everything = write_inventory(tmp_path / "lab.yaml", inventory)
    proc = cli("sweep", "--inventory", str(everything), "--history", str(history), "--out", str(out),
               "--keep-snapshots", "1", home=home)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "critical" in proc.stdout and "exit 1" in proc.stdout
    assert len([p for p in (out / "snapshots").iterdir() if p.is_dir()]) == 1  # the older sweep's removed

    table = cli("sweep", "history", "--history", str(history), "--device", "sg-edge-2", "--check", "storage",
                home=home)
    assert table.returncode == 0, table.stderr
    header, row = table.stdout.splitlines()
    assert header.split()[:2] == ["device", "check"] and header.count("#") == 2
    assert row.split()[:2] == ["sg-edge-2", "storage"] and row.split()[2:] == ["-", "CRIT", "97"]
    csv = cli("sweep", "history", "--history", str(history), "--check", "re-cpu", "--format", "csv", home=home)
    assert csv.stdout.splitlines()[0] == "sweep,started,device,check,status,value"
    assert ",sg-core-3,re-cpu,critical,95.0" in csv.stdout


def test_command_line_cannot_run_exits_2(tmp_path: Path) -> None:
    home = tmp_path / "home"
    bad_inventory = tmp_path / "bad.yaml"
    bad_inventory.write_text("devices:\n  - {name: a, host: 127.0.0.1, prot: 830}\n")
    proc = cli("sweep", "--inventory", str(bad_inventory), "--history", str(tmp_path / "h"), "--out",
               str(tmp_path / "o"), home=home)
    assert proc.returncode == 2 and "devices[0].prot: unknown key" in proc.stderr
    assert not (tmp_path / "h").exists()  # nothing was created for a sweep that could not run

    good = tmp_path / "good.yaml"
    good.write_text("devices:\n  - {name: a, host: 127.0.0.1, port: 1}\n")
    bad_checks = tmp_path / "checks.yaml"
    bad_checks.write_text((ROOT / "catalogs" / "health-checks.yaml").read_text().replace(
        "reads: re.cpu_used_percent", "reads: re.cpu"))
    proc = cli("sweep", "--inventory", str(good), "--history", str(tmp_path / "h"), "--checks", str(bad_checks),
               home=home)
    assert proc.returncode == 2 and f"{bad_checks}:" in proc.stderr and "unknown indicator 're.cpu'" in proc.stderr

    proc = cli("sweep", "--inventory", str(good), "--history", "nosuchdialect://db", "--out", str(tmp_path / "o"),
               home=home)
    assert proc.returncode == 2 and "cannot open the history" in proc.stderr

    proc = cli("sweep", "--history", str(tmp_path / "h"), home=home)
    assert proc.returncode == 2 and "sweep needs --inventory" in proc.stderr
