"""`run_assessment.py lab serve` as a user runs it (a subprocess until SIGINT), and the SSH exec forms."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import asyncssh
import pytest
from jnpr.junos import Device

from lab.server import LabServer, load_device_folder
from lab.testing import DEVICES, client_environment

ROOT = Path(__file__).resolve().parent.parent


def free_port(host: str) -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def test_lab_serve_until_interrupted(tmp_path: Path) -> None:
    ports = [free_port("127.0.8.1"), free_port("127.0.8.2")]
    inventory = tmp_path / "lab.yaml"
    inventory.write_text(
        "defaults: {driver: pyez, username: lab, password: lab123}\n"
        "devices:\n"
        f"  - {{name: edge, host: 127.0.8.1, port: {ports[0]}, simulate: {DEVICES / 'vmx'}}}\n"
        f"  - {{name: fw, host: 127.0.8.2, port: {ports[1]}, simulate: {DEVICES / 'srx345-cluster'}}}\n"
    )
    env = {**os.environ, "HOME": str(tmp_path)}
    proc = subprocess.Popen([sys.executable, "run_assessment.py", "lab", "serve", "--inventory", str(inventory)],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = [proc.stdout.readline() for _ in range(3)]  # type: ignore[union-attr]
        assert lines[0].split()[:4] == ["edge", f"127.0.8.1:{ports[0]}", "vmx", "18.2R1.9"]
        assert lines[1].split()[:4] == ["fw", f"127.0.8.2:{ports[1]}", "srx345", "19.4R3-S1.3"]
        assert lines[0].split()[4:5] == ["ssh-ed25519"] and lines[0].split()[5].startswith("SHA256:")
        assert lines[2].startswith("serving 2 simulated devices")
        with client_environment(tmp_path):
            dev = Device("127.0.8.2", port=ports[1], user="lab", passwd="lab123", gather_facts=False,
                         hostkey_verify=False)
            dev.open()
            assert dev.facts["srx_cluster"] is True
            dev.close()
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=10)
    assert proc.returncode == 0, err
    assert out.strip().endswith("stopped")
    with socket.socket() as s:  # the listener is gone: the address can be bound again at once
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.8.1", ports[0]))


def test_lab_serve_refuses_a_bad_inventory(tmp_path: Path) -> None:
    bad = tmp_path / "dev"
    bad.mkdir()
    (bad / "device.yaml").write_text("faults: {hang_on: [Not_An_Rpc]}\n")
    (bad / "get-software-information.xml").write_bytes((DEVICES / "vmx" / "get-software-information.xml").read_bytes())
    inventory = tmp_path / "lab.yaml"
    inventory.write_text(f"devices:\n  - {{name: x, host: 127.0.8.3, simulate: {bad}}}\n")
    done = subprocess.run([sys.executable, "run_assessment.py", "lab", "serve", "--inventory", str(inventory)],
                          cwd=ROOT, env={**os.environ, "HOME": str(tmp_path)}, capture_output=True, text=True,
                          timeout=30, check=False)
    assert done.returncode == 2
    assert f"{bad / 'device.yaml'}:1:" in done.stderr and "faults.hang_on[0]" in done.stderr


@pytest.mark.parametrize("command", ["show version", "xml-mode netconf need-trailer"])
def test_exec_channel(command: str) -> None:
    sim = load_device_folder(DEVICES / "vqfx-leaf01", name="leaf", host="127.0.8.4", port=0)

    async def run(host: str, port: int) -> str:
        async with asyncssh.connect(host, port=port, username="lab", password="lab123", known_hosts=None,
                                    client_keys=None, agent_path=None, config=None) as conn:
            if command.startswith("xml-mode"):
                writer, reader, _ = await conn.open_session(command=command)
                hello = await reader.readuntil("]]>]]>")
                writer.write_eof()
                return str(hello)
            result = await conn.run(command, check=True, timeout=10)
            return str(result.stdout)

    with LabServer([sim]) as lab:
        out = asyncio.run(run(*lab.address("leaf")))
    if command == "show version":
        assert "Hostname: leaf01" in out and out.startswith("fpc0:")
    else:
        assert "urn:ietf:params:netconf:base:1.0" in out and "base:1.1" not in out
