"""SSH behaviour of the lab: password and key authentication, rejected credentials, host keys that survive a
restart, immediate rebinding, and devices that refuse connections. Real clients (PyEZ, paramiko), real sockets."""

from __future__ import annotations

import socket
from pathlib import Path

import asyncssh
import paramiko
import pytest
from jnpr.junos import Device
from jnpr.junos.exception import ConnectAuthError, ConnectRefusedError

from lab import hostkey
from lab.server import LabServer, load_device_folder
from lab.testing import DEVICES, client_environment

FOLDER = DEVICES / "vmx"


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("home")
    with client_environment(path):
        yield path


def free_port(host: str) -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def open_pyez(host: str, port: int, **kw: object) -> Device:
    dev = Device(host, port=port, gather_facts=False, **kw)
    dev.open()
    return dev


def server_key(host: str, port: int) -> paramiko.PKey:
    """The host key a paramiko client is shown (no authentication needed)."""
    with socket.create_connection((host, port), timeout=5) as sock:
        transport = paramiko.Transport(sock)
        try:
            transport.start_client(timeout=5)
            return transport.get_remote_server_key()
        finally:
            transport.close()


def test_password_auth_and_wrong_credentials(home: Path) -> None:
    sim = load_device_folder(FOLDER, name="r1", host="127.0.3.1", port=0, username="ops", password="s3cret")
    with LabServer([sim]) as lab:
        host, port = lab.address("r1")
        dev = open_pyez(host, port, user="ops", passwd="s3cret", hostkey_verify=False)
        assert dev.rpc.get_software_information().findtext("host-name") == "TOR1CRP-DGW-RT01"
        dev.close()
        with pytest.raises(ConnectAuthError):
            open_pyez(host, port, user="ops", passwd="wrong", hostkey_verify=False)
        with pytest.raises(ConnectAuthError):
            open_pyez(host, port, user="lab", passwd="s3cret", hostkey_verify=False)
        sim.faults.reject_auth = True  # the fault: even the right password is refused
        with pytest.raises(ConnectAuthError):
            open_pyez(host, port, user="ops", passwd="s3cret", hostkey_verify=False)


def test_public_key_auth(home: Path, tmp_path: Path) -> None:
    good, other = tmp_path / "good", tmp_path / "other"
    for path in (good, other):
        asyncssh.generate_private_key("ssh-ed25519").write_private_key(path)
    good.with_suffix(".pub").write_bytes(asyncssh.read_private_key(good).export_public_key())
    sim = load_device_folder(FOLDER, name="r2", host="127.0.3.2", port=0, username="ops",
                             authorized_keys=[good.with_suffix(".pub")])
    assert sim.password is None  # key-only: no fallback password
    with LabServer([sim]) as lab:
        host, port = lab.address("r2")
        dev = open_pyez(host, port, user="ops", ssh_private_key_file=str(good), hostkey_verify=False)
        assert dev.facts["hostname"] == "TOR1CRP-DGW-RT01"
        dev.close()
        with pytest.raises(ConnectAuthError):
            open_pyez(host, port, user="ops", ssh_private_key_file=str(other), hostkey_verify=False)
        with pytest.raises(ConnectAuthError):
            open_pyez(host, port, user="ops", passwd="lab123", hostkey_verify=False)


def test_host_key_is_stable_and_rebind_is_immediate(home: Path) -> None:
    host = "127.0.3.3"
    port = free_port(host)
    first = LabServer([load_device_folder(FOLDER, name="r3", host=host, port=port)]).start()
    try:
        key1 = server_key(host, port)
        assert first.fingerprint("r3") == hostkey.fingerprint(first.host_key("r3"))
        (home / ".ssh" / "known_hosts").write_text(first.known_hosts())
        dev = open_pyez(host, port, user="lab", passwd="lab123", hostkey_verify=True)  # verifies against known_hosts
        dev.rpc.get_system_uptime_information()
        # leave the session open: the restart below must cope with a live connection (TIME_WAIT on the server side)
    finally:
        first.stop()
    with LabServer([load_device_folder(FOLDER, name="r3", host=host, port=port)]) as second:  # same port, no wait
        key2 = server_key(host, port)
        assert key2.get_base64() == key1.get_base64()
        assert second.fingerprint("r3") == first.fingerprint("r3")
        dev2 = open_pyez(host, port, user="lab", passwd="lab123", hostkey_verify=True)
        assert dev2.facts["serialnumber"] == "VM611B595318"
        dev2.close()
    # Another device identity (name, host or port) gets another key.
    assert hostkey.fingerprint(hostkey.host_key("r4", host, port)) != first.fingerprint("r3")


def test_refused_connections(home: Path) -> None:
    refusing = load_device_folder(FOLDER, name="down", host="127.0.3.4", port=free_port("127.0.3.4"))
    refusing.faults.refuse_connection = True
    serving = load_device_folder(FOLDER, name="up", host="127.0.3.5", port=0)
    with LabServer([refusing, serving]) as lab:
        host, port = lab.address("down")
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection((host, port), timeout=2).close()
        with pytest.raises(ConnectRefusedError):
            open_pyez(host, port, user="lab", passwd="lab123", hostkey_verify=False)
        # Stopping and resuming one device while the others keep serving.
        up_host, up_port = lab.address("up")
        lab.set_listening("up", False)
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection((up_host, up_port), timeout=2).close()
        lab.set_listening("up", True)
        dev = open_pyez(up_host, up_port, user="lab", passwd="lab123", hostkey_verify=False)
        dev.close()


def test_inventory_credentials(home: Path, tmp_path: Path) -> None:
    from msplus.inventory import load_inventory

    inventory = tmp_path / "inv.yaml"
    inventory.write_text(
        "defaults: {driver: pyez, port: 830, username: lab, password: lab123}\n"
        "devices:\n"
        f"  - {{name: edge, host: 127.0.3.6, port: {free_port('127.0.3.6')}, simulate: {FOLDER}}}\n"
        f"  - {{name: core, host: 127.0.3.7, port: {free_port('127.0.3.7')}, simulate: {DEVICES / 'mx960'},"
        " username: netops, password: other-pass}\n"
        "  - {name: real, host: 127.0.3.8}\n"
    )
    with LabServer.from_inventory(load_inventory(inventory)) as lab:
        assert sorted(lab.names()) == ["core", "edge"]  # only devices with simulate:
        host, port = lab.address("core")
        dev = open_pyez(host, port, user="netops", passwd="other-pass", hostkey_verify=False)
        assert dev.facts["model"] == "MX960"
        dev.close()
        with pytest.raises(ConnectAuthError):
            open_pyez(host, port, user="lab", passwd="lab123", hostkey_verify=False)
