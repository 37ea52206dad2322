"""Collection across CPU cores: several processes, each with its own threads, against the lab over real SSH.

- a run in 3 processes writes the same replies (byte for byte) as a run in one;
- the command line chooses processes by itself (``--processes`` overrides), and its summary is the same;
- a collection process that dies fails only the devices it was collecting (``internal``); the others are collected;
- how many processes are chosen: one per CPU when each gets enough network devices, never more than asked.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from collectors.pool import MIN_DEVICES_PER_PROCESS, choose_processes, usable_cpus
from collectors.run import collect_inventory
from lab.server import LabServer, load_device_folder
from lab.testing import shipped_devices
from msplus.records import CollectionResult, Device, Inventory
from msplus.secrets import Secret

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "Proc-7d2e-pass"
COUNT = 12


@pytest.fixture(scope="module")
def lab(home: Path) -> Iterator[LabServer]:
    folders = [s.folder for s in shipped_devices() if s.folder is not None]
    sims = [load_device_folder(folders[i % len(folders)], name=f"p{i:02d}", host=f"127.0.7.{i + 1}", port=0,
                               password=PASSWORD) for i in range(COUNT)]
    with LabServer(sims) as server:
        yield server


def _inventory(lab: LabServer) -> Inventory:
    devices = tuple(Device(name=n, host=lab.address(n)[0], port=lab.address(n)[1], username="lab",
                           password=Secret(PASSWORD), timeout=20, connect_timeout=10)
                    for n in (f"p{i:02d}" for i in range(COUNT)))
    return Inventory(path=ROOT / "processes.yaml", customer=None, devices=devices)


def _replies(folder: Path) -> dict[str, bytes]:
    return {f"{d.name}/{f.name}": f.read_bytes() for d in sorted(folder.iterdir()) for f in sorted(d.iterdir())
            if f.name != "meta.json"}


def test_several_processes_write_what_one_process_writes(lab: LabServer, tmp_path: Path) -> None:
    inventory = _inventory(lab)
    seen: list[tuple[int, int, str]] = []
    one = collect_inventory(inventory, tmp_path / "one", workers=4, processes=1)
    three = collect_inventory(inventory, tmp_path / "three", workers=2, processes=3,
                              progress=lambda done, total, r: seen.append((done, total, r.device)))
    assert [r.device for r in three] == [r.device for r in one] == [d.name for d in inventory.devices]
    assert all(r.ok for r in three + one)
    assert _replies(tmp_path / "three") == _replies(tmp_path / "one")
    assert [d for d, _, _ in seen] == list(range(1, COUNT + 1)) and {t for _, t, _ in seen} == {COUNT}
    assert sorted(name for _, _, name in seen) == [d.name for d in inventory.devices]
    assert not [p for p in (tmp_path / "three").rglob("*") if p.is_file() and PASSWORD.encode() in p.read_bytes()]


def test_the_command_line_uses_processes(lab: LabServer, tmp_path: Path) -> None:
    lines = [f"  - {{name: {d.name}, host: {d.host}, port: {d.port}}}" for d in _inventory(lab).devices]
    path = tmp_path / "inventory.yaml"
    path.write_text("defaults: {driver: pyez, username: lab, password_env: PROC_PASSWORD, timeout: 20}\n"
                    "devices:\n" + "\n".join(lines) + "\n")
    (tmp_path / "home").mkdir()
    env = {**os.environ, "HOME": str(tmp_path / "home"), "PROC_PASSWORD": PASSWORD}
    done = subprocess.run([sys.executable, str(ROOT / "run_assessment.py"), "collect", "--inventory", str(path),
                           "--out", str(tmp_path / "out"), "--processes", "2", "--workers", "2"],
                          capture_output=True, text=True, env=env, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert f"collected {COUNT} of {COUNT} devices" in done.stdout and PASSWORD not in done.stdout + done.stderr
    profiles = [json.loads(p.read_text()) for p in (tmp_path / "out").glob("*/profile.json")]
    assert len(profiles) == COUNT and all(p["version"] for p in profiles)


def test_a_process_that_dies_fails_only_the_devices_it_held(lab: LabServer, tmp_path: Path) -> None:
    """One device answers slowly; the process collecting it is killed (SIGKILL) mid-collection."""
    inventory = _inventory(lab)
    slow = lab.device("p05")
    slow.latency = {"default": 0.5}
    results: list[CollectionResult] = []
    try:
        run = threading.Thread(target=lambda: results.extend(
            collect_inventory(inventory, tmp_path / "out", workers=1, processes=2)))
        run.start()
        victim = _process_collecting(lab, "p05", timeout=30)
        os.kill(victim, signal.SIGKILL)
        run.join(timeout=120)
        assert not run.is_alive()
    finally:
        slow.latency = {}
    by = {r.device: r for r in results}
    assert sorted(by) == [d.name for d in inventory.devices]  # every device has a result, once
    assert by["p05"].ok is False and by["p05"].error_kind == "internal"
    assert "collection process stopped" in str(by["p05"].error)
    assert sum(r.ok for r in results) >= COUNT - 2  # at most the other device that process held at that moment
    assert all(r.ok for r in results if r.error_kind != "internal")


def _process_collecting(lab: LabServer, device: str, timeout: float) -> int:
    """The child process with a TCP connection open to ``device`` (found through /proc: socket inodes)."""
    host, port = lab.address(device)
    wanted = "{:08X}:{:04X}".format(int.from_bytes(bytes(int(p) for p in host.split(".")), "little"), port)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        inodes = {line.split()[9] for line in Path("/proc/net/tcp").read_text().splitlines()[1:]
                  if line.split()[2] == wanted}
        for child in _children():
            try:
                links = {os.readlink(f"/proc/{child}/fd/{fd}") for fd in os.listdir(f"/proc/{child}/fd")}
            except OSError:
                continue
            if any(f"socket:[{inode}]" in links for inode in inodes):
                return child
        time.sleep(0.02)
    pytest.fail(f"no collection process connected to {device}")


def _children() -> list[int]:
    me = str(os.getpid())
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and entry.name != me:
            try:
                parent = (entry / "stat").read_text().rsplit(")", 1)[1].split()[1]
            except OSError:
                continue
            if parent == me or _parent_of(parent) == me:  # forked here, or by a forkserver started here
                found.append(int(entry.name))
    return found


def _parent_of(pid: str) -> str | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1]
    except OSError:
        return None


def test_how_many_processes() -> None:
    network = [Device(name=f"d{i}", host="127.0.0.1", port=830 + i) for i in range(4 * MIN_DEVICES_PER_PROCESS)]
    offline = [Device(name=f"o{i}", driver="offline") for i in range(100)]
    assert choose_processes(network, requested=3) == 3
    assert choose_processes(network[:2], requested=3) == 2  # never more than devices
    assert choose_processes(network[: MIN_DEVICES_PER_PROCESS - 1], requested=None) == 1
    assert choose_processes(offline, requested=None) == 1
    assert choose_processes(network, requested=None) == min(usable_cpus(), 4)
