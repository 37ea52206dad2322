"""Issue 14, devices and files: an offline folder's links that leave the folder are not followed; a device that
accepts TCP and stays silent is a quiet ``timeout`` after connect_timeout, with or without ssh_config."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from hostile_helpers import run_cli

from collectors.run import collect_inventory
from msplus.records import Device, Inventory

DATA = Path(__file__).parent / "data" / "offline"


def test_offline_link_out_of_the_folder_is_not_read(tmp_path: Path) -> None:
    secret = tmp_path / "shadow"
    secret.write_text("root:$6$SECRET-HASH-LINE:19000:0:99999:7:::\n", encoding="utf-8")
    folder = tmp_path / "customer"
    shutil.copytree(DATA / "cli-text", folder)
    os.symlink(secret, folder / "show-version.txt")
    os.symlink("/etc/shadow", folder / "etc-shadow.txt")
    os.symlink(folder / "a.txt", folder / "inside-link.txt")  # a link within the folder is fine
    inventory = Inventory(path=tmp_path / "inventory.yaml", customer=None,
                          devices=(Device(name="r1", driver="offline", files=folder),))
    out = tmp_path / "snap"
    [result] = collect_inventory(inventory, out, workers=1, purposes=("facts", "configuration"))
    assert result.ok, result.error
    written = b"".join(p.read_bytes() for p in (out / "r1").iterdir())
    assert b"SECRET-HASH-LINE" not in written and b"root:" not in written
    meta = json.loads((out / "r1" / "meta.json").read_text(encoding="utf-8"))
    why = {i["file"]: i["reason"] for i in meta["notes"]["ignored"]}
    assert why["show-version.txt"] == why["etc-shadow.txt"] == "a link to a file outside the folder; not read"
    assert "inside-link.txt" in why and "outside" not in why["inside-link.txt"]


@pytest.fixture
def silent_device() -> Iterator[int]:
    """A TCP port that accepts connections and never says a word (no SSH banner)."""
    server = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            with contextlib.suppress(TimeoutError, OSError):
                held.append(server.accept()[0])

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1]
    finally:
        stop.set()
        thread.join()
        for conn in held:
            conn.close()
        server.close()


@pytest.mark.parametrize("through_ssh_config", [False, True])
def test_silent_device_is_a_timeout_within_connect_timeout_and_quiet(tmp_path: Path, silent_device: int,
                                                                      through_ssh_config: bool) -> None:
    """It ends as ``timeout`` after connect_timeout (through ssh_config it took paramiko's 15 s banner wait and was
    reported as refused), and paramiko's twenty-line traceback never reaches stderr."""
    if through_ssh_config:
        (tmp_path / "ssh_config").write_text(f"Host silent\n  HostName 127.0.0.1\n  Port {silent_device}\n",
                                             encoding="utf-8")
        device = "{name: r1, host: silent, ssh_config: ssh_config, connect_timeout: 2}"
    else:
        device = f"{{name: r1, host: 127.0.0.1, port: {silent_device}, connect_timeout: 2}}"
    inventory = tmp_path / "inventory.yaml"
    inventory.write_text(f"defaults: {{driver: pyez, username: lab, password: x}}\ndevices:\n  - {device}\n",
                         encoding="utf-8")
    env = {**os.environ, "HOME": str(tmp_path)}
    proc = run_cli("collect", "--inventory", inventory, "--out", tmp_path / "out", "--no-progress", env=env)
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr == "", proc.stderr  # no paramiko/ncclient log lines, no traceback
    assert "FAILED" in proc.stdout and "timeout: no NETCONF session within 2s" in proc.stdout
    meta = json.loads((tmp_path / "out" / "r1" / "meta.json").read_text(encoding="utf-8"))
    assert meta["error"]["kind"] == "timeout" and meta["seconds"] < 3.5
    assert proc.seconds < 5  # type: ignore[attr-defined]
