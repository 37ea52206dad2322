"""Collecting the whole simulated lab (inventories/lab.yaml) with the pyez collector over real SSH: every device's
profile checked against its source replies in lab/devices/<name>/, the full plan saved with correct hashes, and
the ways in: SSH keys and an ssh_config ProxyCommand."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat
from lxml import etree

from collectors.run import collect_inventory
from lab.server import LabServer, load_device_folder
from msplus.inventory import load_inventory
from msplus.records import Device, Inventory
from snapshots.layout import read_meta

ROOT = Path(__file__).resolve().parents[1]
LAB_INVENTORY = ROOT / "inventories" / "lab.yaml"


@pytest.fixture(scope="module")
def lab_run(home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Inventory, Path, LabServer]]:
    """The lab inventory served on its loopback addresses (ports chosen by the OS: 830 needs privileges) and
    collected once with every purpose."""
    inventory = load_inventory(LAB_INVENTORY)
    sims = [load_device_folder(d.simulate, name=d.name, host=d.host or "127.0.0.1", port=0, username=d.username,
                               password=d.password) for d in inventory.devices if d.simulate]
    with LabServer(sims) as lab:
        devices = tuple(dataclasses.replace(d, port=lab.address(d.name)[1]) for d in inventory.devices)
        served = dataclasses.replace(inventory, devices=devices)
        out = tmp_path_factory.mktemp("lab-snap")
        results = collect_inventory(served, out, workers=4)
        assert [r.error for r in results if not r.ok] == []
        yield served, out, lab


def first_text(path: Path, tag: str) -> str | None:
    """An independent reading of a source reply: the first element named ``tag``, namespaces ignored."""
    if not path.is_file():
        return None
    root = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True)).getroot()
    el = next(root.iter(f"{{*}}{tag}"), None)
    return el.text.strip() if el is not None and el.text else None


def source_release(folder: Path) -> str | None:
    release = first_text(folder / "get-software-information.xml", "junos-version")
    if release:
        return release
    root = etree.parse(str(folder / "get-software-information.xml")).getroot()
    for pkg in root.iter("{*}package-information"):
        if pkg.findtext("{*}name") == "junos":
            comment = pkg.findtext("{*}comment") or ""
            return comment[comment.index("[") + 1 : comment.index("]")]
    return None


def test_every_lab_device_profile_matches_its_source_replies(lab_run: tuple[Inventory, Path, LabServer]) -> None:
    inventory, out, _ = lab_run
    assert len(inventory.devices) >= 7
    for dev in inventory.devices:
        assert dev.simulate is not None
        src = dev.simulate
        profile = json.loads((out / dev.name / "profile.json").read_text())
        expected_res = 0
        if (src / "get-route-engine-information.xml").is_file():
            root = etree.parse(str(src / "get-route-engine-information.xml")).getroot()
            expected_res = len(list(root.iter("{*}route-engine")))
        got = (profile["hostname"], profile["model"], profile["version"], profile["serial_number"],
               profile["routing_engines"])
        want = (first_text(src / "get-software-information.xml", "host-name"),
                first_text(src / "get-software-information.xml", "product-model"), source_release(src),
                dev.serial, expected_res or 1)
        assert got == want, dev.name
        # the chassis serial in the source reply is the serial the inventory (and the care contract) lists
        assert first_text(src / "get-chassis-inventory.xml", "serial-number") == dev.serial, dev.name
        assert profile["family"] is not None, dev.name


def test_lab_shapes(lab_run: tuple[Inventory, Path, LabServer]) -> None:
    _, out, _ = lab_run
    profiles = {p.parent.name: json.loads(p.read_text()) for p in out.glob("*/profile.json")}
    assert profiles["sg-fw-1"]["cluster"] is True
    assert profiles["sg-acc-1"]["virtual_chassis"] is True and len(profiles["sg-acc-1"]["members"]) == 2
    assert profiles["sg-core-1"]["routing_engines"] == 2
    assert profiles["sg-edge-1"]["family"] == "vmx"
    assert profiles["sg-fw-2"]["family"] == "vsrx"
    # the lab's Junos OS Evolved device (constructed, see its PROVENANCE.md): -EVO release
    assert [n for n, p in profiles.items() if p["evolved"]] == ["sg-p-1"]


def test_full_plan_saved_with_hashes(lab_run: tuple[Inventory, Path, LabServer]) -> None:
    inventory, out, _ = lab_run
    for dev in inventory.devices:
        meta = read_meta(out / dev.name)
        assert meta["ok"] and len(meta["replies"]) == 19
        for reply in meta["replies"]:
            body = (out / dev.name / reply["file"]).read_bytes()
            assert hashlib.sha256(body).hexdigest() == reply["sha256"]
            assert len(body) == reply["size"]
        config = (out / dev.name / "configuration.conf").read_text()
        assert "<configuration-text>" not in config
        assert "version " in config  # Junos text, as "show configuration" prints it
        assert all(r["seconds"] >= 0 for r in meta["replies"]) and meta["seconds"] > 0


# ---------------------------------------------------------------------------------------------- ways in

def _key_pair(folder: Path) -> tuple[Path, str]:
    key = Ed25519PrivateKey.generate()
    private = folder / "id_lab"
    private.write_bytes(key.private_bytes(Encoding.PEM, PrivateFormat.OpenSSH, NoEncryption()))
    private.chmod(0o600)
    public = key.public_key().public_bytes(Encoding.OpenSSH, PublicFormat.OpenSSH).decode()
    return private, public


@pytest.mark.parametrize("driver", ["pyez", "netmiko"])
def test_ssh_key_authentication(home: Path, tmp_path: Path, driver: str) -> None:
    private, public = _key_pair(tmp_path)
    sim = load_device_folder(ROOT / "lab" / "devices" / "vsrx-firefly", name="keyonly", host="127.0.5.1", port=0,
                             username="lab", authorized_keys=[public])
    assert sim.password is None  # only the key gets in
    with LabServer([sim]) as lab:
        dev = Device(name="keyonly", host="127.0.5.1", port=lab.address("keyonly")[1], driver=driver,
                     username="lab", key_file=private, timeout=5, connect_timeout=3)
        [result] = collect_inventory(Inventory(path=tmp_path / "i", customer=None, devices=(dev,)),
                                     tmp_path / "snap", purposes=("facts",))
    assert result.ok, result.error


RELAY = """\
import socket, sys, threading
# A ProxyCommand: relays stdin/stdout to host:port, and leaves a mark that it was used.
host, port, mark = sys.argv[1], int(sys.argv[2]), sys.argv[3]
open(mark, "a").write(f"{host}:{port}\\n")
s = socket.create_connection((host, port))
def up():
    while data := sys.stdin.buffer.read1(65536):
        s.sendall(data)
    s.shutdown(socket.SHUT_WR)
threading.Thread(target=up, daemon=True).start()
while data := s.recv(65536):
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()
"""


def test_ssh_config_proxy_command(home: Path, tmp_path: Path) -> None:
    relay = tmp_path / "relay.py"
    relay.write_text(RELAY)
    mark = tmp_path / "used"
    sim = load_device_folder(ROOT / "lab" / "devices" / "vsrx-firefly", name="behind", host="127.0.5.2", port=0,
                             username="lab", password="behind-the-jump")
    with LabServer([sim]) as lab:
        port = lab.address("behind")[1]
        config = tmp_path / "ssh_config"
        config.write_text(textwrap.dedent(f"""\
            Host behind-jump
                HostName 127.0.5.2
                Port {port}
                ProxyCommand {sys.executable} {relay} %h %p {mark}
            """))
        from msplus.secrets import Secret

        dev = Device(name="behind", host="behind-jump", port=port, username="lab", password=Secret("behind-the-jump"),
                     ssh_config=config, timeout=5, connect_timeout=5)
        [result] = collect_inventory(Inventory(path=tmp_path / "i", customer=None, devices=(dev,)),
                                     tmp_path / "snap", purposes=("facts",))
    assert result.ok, result.error
    assert mark.read_text().strip() == f"127.0.5.2:{port}"


PROFILE_KEYS = ("hostname", "model", "family", "version", "evolved", "serial_number", "routing_engines",
                "virtual_chassis", "cluster")


def _profiles(out: Path) -> dict[str, tuple[object, ...]]:
    found = {}
    for path in out.glob("*/profile.json"):
        profile = json.loads(path.read_text())
        found[path.parent.name] = (*(profile[k] for k in PROFILE_KEYS), len(profile["members"]))
    return found


def test_netmiko_collects_the_same_profiles_as_pyez(lab_run: tuple[Inventory, Path, LabServer],
                                                   tmp_path: Path) -> None:
    served, out, _ = lab_run
    cli = dataclasses.replace(served, devices=tuple(dataclasses.replace(d, driver="netmiko") for d in served.devices))
    results = collect_inventory(cli, tmp_path, workers=4)
    assert [(r.device, r.error) for r in results if not r.ok] == []
    assert {read_meta(tmp_path / d.name)["collector"] for d in served.devices} == {"netmiko"}
    assert _profiles(tmp_path) == _profiles(out)


def test_offline_reads_each_lab_device_folder_as_customer_files(lab_run: tuple[Inventory, Path, LabServer],
                                                               tmp_path: Path) -> None:
    """The simulated device folders are real replies under RPC names, plus device.yaml and PROVENANCE.md: the
    offline collector must recognise the replies by content and come to the same profile as the live run."""
    served, out, _ = lab_run
    offline = dataclasses.replace(served, devices=tuple(
        dataclasses.replace(d, driver="offline", files=d.simulate, host=None) for d in served.devices))
    results = collect_inventory(offline, tmp_path, workers=4)
    assert [(r.device, r.error) for r in results if not r.ok] == []
    live, files = _profiles(out), _profiles(tmp_path)
    for name in live:
        # uptime and the like may differ in source; the identity of the device must not
        assert files[name] == live[name], name
