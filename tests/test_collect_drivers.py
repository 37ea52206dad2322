"""The netmiko (CLI) and napalm collectors through the lab simulator over real SSH: the same snapshot files and the
same profile as the pyez collector, and their device failures recorded like the pyez collector's."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from collectors.run import collect_inventory
from lab.server import LabServer, load_device_folder
from msplus.records import CollectionResult, Device, Inventory
from msplus.secrets import Secret
from snapshots.layout import read_meta

ROOT = Path(__file__).resolve().parents[1]
DEVICES = ROOT / "lab" / "devices"
PASSWORD = "Drv-71f3-unusual-pass"
# name: lab folder
SIMS = {"mx": "mx480-dual-re", "srx": "srx345-cluster", "ex": "ex4200-vc", "hang": "vsrx-firefly",
        "noauth": "vsrx-firefly", "drop": "vsrx-firefly", "keyed": "vsrx-firefly"}


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    home = tmp_path_factory.mktemp("home")
    old = os.environ.get("HOME")
    os.environ["HOME"] = str(home)  # no ~/.ssh of the person running the tests
    sims = [load_device_folder(DEVICES / folder, name=name, host=f"127.0.4.{i + 1}", port=0, username="lab",
                               password=PASSWORD) for i, (name, folder) in enumerate(SIMS.items())]
    by_name = {s.name: s for s in sims}
    by_name["hang"].faults.hang_on.add("get-route-engine-information")
    by_name["noauth"].faults.reject_auth = True
    by_name["drop"].faults.disconnect_on.add("get-system-uptime-information")
    with LabServer(sims) as server:
        yield server
    if old is None:
        del os.environ["HOME"]
    else:
        os.environ["HOME"] = old


def device(lab: LabServer, sim: str, driver: str, *, name: str | None = None, timeout: float = 5) -> Device:
    host, port = lab.address(sim)
    return Device(name=name or f"{sim}-{driver}", host=host, port=port, driver=driver, username="lab",
                  password=Secret(PASSWORD), timeout=timeout, connect_timeout=3)


def run(tmp_path: Path, *devices: Device, purposes: tuple[str, ...] = ("facts",),
        known_hosts: Path | None = None) -> dict[str, CollectionResult]:
    inventory = Inventory(path=tmp_path / "i.yaml", customer=None, devices=devices, known_hosts=known_hosts)
    results = collect_inventory(inventory, tmp_path / "snap", workers=4, purposes=purposes)
    for path in (tmp_path / "snap").rglob("*"):
        if path.is_file():
            assert PASSWORD.encode() not in path.read_bytes(), path
    return {r.device: r for r in results}


def profile(tmp_path: Path, name: str) -> dict:
    data: dict = json.loads((tmp_path / "snap" / name / "profile.json").read_text())
    return data


def kind(tmp_path: Path, name: str) -> str:
    meta = read_meta(tmp_path / "snap" / name)
    assert meta["status"] == "failed"
    return str(meta["error"]["kind"])


# ---------------------------------------------------------------------------------------------- netmiko

def test_netmiko_same_profile_and_configuration_as_pyez(lab: LabServer, tmp_path: Path) -> None:
    results = run(tmp_path, device(lab, "mx", "netmiko"), device(lab, "mx", "pyez"),
                  purposes=("facts", "configuration"))
    assert results["mx-netmiko"].ok, results["mx-netmiko"].error
    assert results["mx-pyez"].ok, results["mx-pyez"].error
    assert profile(tmp_path, "mx-netmiko") == profile(tmp_path, "mx-pyez")
    assert profile(tmp_path, "mx-netmiko")["serial_number"] == lab.device("mx").identity.serial
    cli_conf = (tmp_path / "snap" / "mx-netmiko" / "configuration.conf").read_text()
    nc_conf = (tmp_path / "snap" / "mx-pyez" / "configuration.conf").read_text()
    assert cli_conf.strip() == nc_conf.strip()
    meta = read_meta(tmp_path / "snap" / "mx-netmiko")
    assert meta["collector"] == "netmiko" and meta["host_key"] == lab.fingerprint("mx")
    sent = lab.rpc_log("mx")
    assert "get-chassis-inventory" in sent  # answered through the CLI's show chassis hardware | display xml


def test_netmiko_cli_error_on_optional_command_is_recorded(lab: LabServer, tmp_path: Path) -> None:
    results = run(tmp_path, device(lab, "mx", "netmiko"))
    assert results["mx-netmiko"].ok
    meta = read_meta(tmp_path / "snap" / "mx-netmiko")
    vc = next(r for r in meta["replies"] if r["rpc"] == "get-virtual-chassis-information")
    assert vc["ok"] is False and vc["error"].startswith("error:")
    assert vc["file"] == "virtual-chassis-information.txt"


def test_netmiko_cluster_profile(lab: LabServer, tmp_path: Path) -> None:
    results = run(tmp_path, device(lab, "srx", "netmiko"), device(lab, "srx", "pyez"))
    assert results["srx-netmiko"].ok, results["srx-netmiko"].error
    got = profile(tmp_path, "srx-netmiko")
    assert got == profile(tmp_path, "srx-pyez")
    assert got["cluster"] is True


def test_netmiko_hung_command_times_out_and_keeps_earlier_replies(lab: LabServer, tmp_path: Path) -> None:
    started = time.perf_counter()
    results = run(tmp_path, device(lab, "hang", "netmiko", timeout=2), device(lab, "mx", "netmiko"))
    assert time.perf_counter() - started < 6  # netmiko's own 10 s "exit" wait is skipped on a hung session
    assert results["mx-netmiko"].ok
    assert kind(tmp_path, "hang-netmiko") == "timeout"
    files = [r["file"] for r in read_meta(tmp_path / "snap" / "hang-netmiko")["replies"]]
    assert files == ["software-information.xml", "chassis-inventory.xml"]


def test_netmiko_disconnect_mid_session(lab: LabServer, tmp_path: Path) -> None:
    results = run(tmp_path, device(lab, "drop", "netmiko", timeout=2), device(lab, "mx", "netmiko"))
    assert results["mx-netmiko"].ok
    assert kind(tmp_path, "drop-netmiko") == "disconnected"
    assert len(read_meta(tmp_path / "snap" / "drop-netmiko")["replies"]) == 3


def test_netmiko_authentication_failure(lab: LabServer, tmp_path: Path) -> None:
    results = run(tmp_path, device(lab, "noauth", "netmiko"), device(lab, "mx", "netmiko"))
    assert results["mx-netmiko"].ok
    assert kind(tmp_path, "noauth-netmiko") == "auth"


def test_netmiko_host_keys(lab: LabServer, tmp_path: Path) -> None:
    known = tmp_path / "known_hosts"
    host, port = lab.address("mx")
    known.write_text("".join(line + "\n" for line in lab.known_hosts().splitlines()
                             if line.startswith(f"[{host}]:{port} ")))
    results = run(tmp_path, device(lab, "keyed", "netmiko"), device(lab, "mx", "netmiko"), known_hosts=known)
    assert results["mx-netmiko"].ok and results["mx-netmiko"].host_key_verified
    assert kind(tmp_path, "keyed-netmiko") == "hostkey"
    assert "not in known_hosts" in (results["keyed-netmiko"].error or "")


# ---------------------------------------------------------------------------------------------- napalm

def test_napalm_getters_saved_and_plan_replies_like_pyez(lab: LabServer, tmp_path: Path) -> None:
    results = run(tmp_path, device(lab, "ex", "napalm"), device(lab, "ex", "pyez"),
                  purposes=("facts", "configuration"))
    assert results["ex-napalm"].ok, results["ex-napalm"].error
    assert profile(tmp_path, "ex-napalm") == profile(tmp_path, "ex-pyez")
    folder = tmp_path / "snap" / "ex-napalm"
    facts = json.loads((folder / "napalm-get_facts.json").read_text())
    got = profile(tmp_path, "ex-napalm")
    assert facts["hostname"] == got["hostname"]
    assert facts["os_version"] == got["version"]
    config = json.loads((folder / "napalm-get_config.json").read_text())
    assert config["running"].strip() == (folder / "configuration.conf").read_text().strip()
    meta = read_meta(folder)
    assert {e["file"] for e in meta["extras"]} >= {"napalm-get_facts.json", "napalm-get_config.json"}
    for extra in meta["extras"]:
        assert (folder / extra["file"]).stat().st_size == extra["size"]


def test_napalm_authentication_failure(lab: LabServer, tmp_path: Path) -> None:
    results = run(tmp_path, device(lab, "noauth", "napalm"), device(lab, "ex", "napalm"))
    assert results["ex-napalm"].ok
    assert kind(tmp_path, "noauth-napalm") == "auth"


def test_napalm_unknown_host_key(lab: LabServer, tmp_path: Path) -> None:
    known = tmp_path / "known_hosts"
    known.write_text("")
    run(tmp_path, device(lab, "keyed", "napalm"), known_hosts=known)
    assert kind(tmp_path, "keyed-napalm") == "hostkey"
