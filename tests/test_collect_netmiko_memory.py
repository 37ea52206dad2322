"""Issue 14, bounded memory per device, for the netmiko (CLI) collector: a reply is read from the SSH channel in
chunks into a spool file, never whole in memory; one past the device's limit is cut and the device's error recorded.

The lab runs in a subprocess so that the memory measured (tracemalloc, this process) is the collector's alone: the
simulator builds the whole large reply in memory before it sends it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest
from netmiko import ConnectHandler

from collectors.netmiko_collector import _run
from collectors.run import collect_inventory
from msplus.records import CollectionResult, Device, Inventory
from msplus.secrets import Secret
from snapshots.layout import read_meta
from snapshots.plan import load_plan

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "Mem-5e2a-unusual-pass"
BIG_MB = 24.0  # get-software-information as `show version | display xml`: about 24 MB of CLI output

SERVER = """
import sys
from lab.server import LabServer, load_device_folder
folder, password, megabytes = sys.argv[1], sys.argv[2], float(sys.argv[3])
big = load_device_folder(folder, name="big", host="127.0.0.1", port=0, username="lab", password=password)
big.faults.large_reply = ("get-software-information", megabytes)
big.large_body(megabytes)
with LabServer([big]) as lab:
    print(lab.address("big")[1], flush=True)
    sys.stdin.read()
"""


@pytest.fixture(scope="module")
def big_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    home = tmp_path_factory.mktemp("home")
    lab = subprocess.Popen([sys.executable, "-c", SERVER, str(ROOT / "lab" / "devices" / "vsrx-firefly"), PASSWORD,
                            str(BIG_MB)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT,
                           env={**os.environ, "PYTHONPATH": str(ROOT), "HOME": str(home)})
    assert lab.stdout is not None and lab.stdin is not None
    try:
        yield int(lab.stdout.readline())
    finally:
        lab.stdin.close()
        lab.wait(timeout=60)


def device(port: int, **kw: object) -> Device:
    fields: dict = {"name": "big", "host": "127.0.0.1", "port": port, "driver": "netmiko", "username": "lab",
                    "password": Secret(PASSWORD), "timeout": 120, "connect_timeout": 10}
    fields.update(kw)
    return Device(**fields)


def collect(tmp_path: Path, dev: Device) -> tuple[CollectionResult, int]:
    """Collect the facts of ``dev``; the result and the peak of memory allocated while collecting (bytes)."""
    inventory = Inventory(path=tmp_path / "i.yaml", customer=None, devices=(dev,), known_hosts=None)
    load_plan(("facts",))  # loaded (and cached) before measuring
    tracemalloc.start()
    try:
        [result] = collect_inventory(inventory, tmp_path / "snap", workers=1, purposes=("facts",))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak


def test_reply_over_the_limit_is_cut_recorded_and_memory_stays_bounded(big_port: int, tmp_path: Path) -> None:
    started = time.perf_counter()
    result, peak = collect(tmp_path, device(big_port, max_reply_bytes=2**20))
    took = time.perf_counter() - started
    assert (result.ok, result.error_kind) == (False, "malformed_reply"), result.error
    assert result.error is not None and "reply larger than 1 MB, cut there" in result.error
    assert "show version | display xml" in result.error
    meta = read_meta(tmp_path / "snap" / "big")
    assert meta["status"] == "failed" and meta["error"]["message"] == result.error
    # software-information is the plan's first facts Request: nothing collected, the rest recorded as not collected
    plan_files = [r.file for r in load_plan(("facts",))]
    assert meta["notes"]["not_collected"] == plan_files[1:]
    left = sorted(p.name for p in (tmp_path / "snap" / "big").iterdir())
    assert left == ["meta.json"], left  # no spool file, no part of the cut reply
    assert peak < 8 * 2**20, f"peak {peak / 2**20:.1f} MB while cutting a {BIG_MB:g} MB reply at 1 MB"
    assert took < 60, f"took {took:.1f}s"  # the session is closed, not drained to the end of the reply


def test_reply_under_the_limit_is_streamed_to_disk_whole(big_port: int, tmp_path: Path) -> None:
    result, peak = collect(tmp_path, device(big_port, max_reply_bytes=64 * 2**20))
    assert result.ok, result.error
    saved = tmp_path / "snap" / "big" / "software-information.xml"
    size = saved.stat().st_size
    assert size > BIG_MB * 2**20
    sw = next(r for r in read_meta(tmp_path / "snap" / "big")["replies"] if r["file"] == saved.name)
    assert (sw["ok"], sw["size"]) == (True, size)
    with saved.open("rb") as handle:
        assert handle.read(10) == b"<rpc-reply"
        handle.seek(-200, os.SEEK_END)
        tail = handle.read()
    assert tail.rstrip().endswith(b"</rpc-reply>") and b"lab@" not in tail and b"{master" not in tail
    assert not any(p.name.startswith(".") for p in (tmp_path / "snap" / "big").iterdir())
    assert peak < 8 * 2**20, f"peak {peak / 2**20:.1f} MB while saving a {size / 2**20:.0f} MB reply"


def test_streamed_output_equals_send_command_on_the_large_reply(big_port: int, tmp_path: Path) -> None:
    """The spooled file holds exactly what netmiko's send_command returns for the same command."""
    conn = ConnectHandler(device_type="juniper_junos", host="127.0.0.1", port=big_port, username="lab",
                          password=PASSWORD)
    try:
        command = "show version | display xml | no-more"
        expected = conn.send_command(command, read_timeout=120, auto_find_prompt=False).encode("utf-8")
        path, _ = _run(conn, device(big_port), command, tmp_path)
        assert path.stat().st_size == len(expected)
        assert path.read_bytes() == expected
    finally:
        conn.disconnect()
