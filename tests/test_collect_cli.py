"""``run_assessment.py collect`` as a user runs it (a subprocess, against the lab served by this test over real SSH):
exit codes 0 / 1 / 2, the per-device summary, progress, and the password never shown or written."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from collectors.run import print_summary, progress_printer
from lab.server import LabServer, load_device_folder
from msplus.records import CollectionResult

ROOT = Path(__file__).resolve().parents[1]
DEVICES = ROOT / "lab" / "devices"
PASSWORD = "Cli-5e0b-unusual-pass"


@pytest.fixture(scope="module")
def lab() -> Iterator[LabServer]:
    sims = [load_device_folder(DEVICES / "mx960", name="core", host="127.0.6.1", port=0, password=PASSWORD),
            load_device_folder(DEVICES / "vqfx-leaf01", name="leaf", host="127.0.6.2", port=0, password=PASSWORD),
            load_device_folder(DEVICES / "vsrx-firefly", name="locked", host="127.0.6.3", port=0, password=PASSWORD)]
    sims[2].faults.reject_auth = True
    with LabServer(sims) as server:
        yield server


def inventory(tmp_path: Path, lab: LabServer, names: list[str]) -> Path:
    lines = [f"  - {{name: {n}, host: {lab.address(n)[0]}, port: {lab.address(n)[1]}}}" for n in names]
    path = tmp_path / "inventory.yaml"
    path.write_text(textwrap.dedent("""\
        defaults: {driver: pyez, username: lab, password_env: LAB_PASSWORD, timeout: 10, connect_timeout: 5}
        devices:
        """) + "\n".join(lines) + "\n")
    return path


def collect(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    env = {**os.environ, "HOME": str(home), "LAB_PASSWORD": PASSWORD}
    return subprocess.run([sys.executable, str(ROOT / "run_assessment.py"), "collect", *args], capture_output=True,
                          text=True, env=env, cwd=tmp_path, timeout=120, check=False)


def assert_password_nowhere(tmp_path: Path, proc: subprocess.CompletedProcess[str]) -> None:
    assert PASSWORD not in proc.stdout and PASSWORD not in proc.stderr
    for path in tmp_path.rglob("*"):
        if path.is_file() and path.name != "inventory.yaml":
            assert PASSWORD.encode() not in path.read_bytes(), path


def test_all_collected_exit_0(lab: LabServer, tmp_path: Path) -> None:
    inv = inventory(tmp_path, lab, ["core", "leaf"])
    proc = collect(tmp_path, "--inventory", str(inv), "--out", "snap", "--workers", "2")
    assert proc.returncode == 0, proc.stderr
    assert "collected 2 of 2 devices" in proc.stdout
    assert "core" in proc.stdout and "mx960 19.4R3.11" in proc.stdout
    # not a terminal: plain progress lines on stderr (no bar), never mixed into the summary on stdout
    assert "[1/2] " in proc.stderr and "[2/2] " in proc.stderr and "\r" not in proc.stderr
    assert "[1/2]" not in proc.stdout
    for name in ("core", "leaf"):
        assert (tmp_path / "snap" / name / "profile.json").is_file()
        assert (tmp_path / "snap" / name / "configuration.conf").is_file()
    assert_password_nowhere(tmp_path, proc)


def test_some_failed_exit_1_with_reason(lab: LabServer, tmp_path: Path) -> None:
    inv = inventory(tmp_path, lab, ["locked", "core"])
    proc = collect(tmp_path, "--inventory", str(inv), "--out", "snap", "--no-progress")
    assert proc.returncode == 1, proc.stderr
    failed = next(line for line in proc.stdout.splitlines() if line.strip().startswith("locked"))
    assert "FAILED" in failed and "auth: authentication failed for user lab" in failed
    assert "collected 1 of 2 devices" in proc.stdout and "1 failed" in proc.stdout
    assert (tmp_path / "snap" / "locked" / "meta.json").is_file()
    assert (tmp_path / "snap" / "core" / "profile.json").is_file()
    assert_password_nowhere(tmp_path, proc)


def test_device_option_selects(lab: LabServer, tmp_path: Path) -> None:
    inv = inventory(tmp_path, lab, ["core", "leaf", "locked"])
    proc = collect(tmp_path, "--inventory", str(inv), "--out", "snap", "--device", "leaf")
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in (tmp_path / "snap").iterdir()) == ["leaf"]


@pytest.mark.parametrize(("extra", "message"), [
    (["--device", "nosuch"], "no device named nosuch"),
    (["--workers", "0"], "--workers: expected a whole number from 1"),
])
def test_cannot_start_exit_2_before_any_connection(lab: LabServer, tmp_path: Path, extra: list[str],
                                                   message: str) -> None:
    inv = inventory(tmp_path, lab, ["core"])
    lab.clear_rpc_log("core")
    proc = collect(tmp_path, "--inventory", str(inv), "--out", "snap", *extra)
    assert proc.returncode == 2
    assert message in proc.stderr
    assert not (tmp_path / "snap").exists()
    assert lab.rpc_log("core") == []


def test_bad_inventory_exit_2_names_file_and_line(tmp_path: Path) -> None:
    inv = tmp_path / "inventory.yaml"
    inv.write_text("devices:\n  - {name: a, host: 127.0.6.9, pasword: x}\n")
    proc = collect(tmp_path, "--inventory", str(inv), "--out", "snap")
    assert proc.returncode == 2
    assert f"{inv}:2:" in proc.stderr and "pasword" in proc.stderr
    assert not (tmp_path / "snap").exists()


def test_progress_and_summary_lines() -> None:
    out = io.StringIO()
    show = progress_printer(out)
    show(1, 2, CollectionResult(device="sg-core-1", collector="pyez", ok=True, seconds=0.41))
    show(2, 2, CollectionResult(device="sg-fw-1", collector="pyez", ok=False, error_kind="timeout", seconds=30.0))
    assert out.getvalue().splitlines() == ["[1/2] sg-core-1 ok 0.4s", "[2/2] sg-fw-1 FAILED timeout 30.0s"]
    summary = io.StringIO()
    print_summary([CollectionResult(device="sg-fw-1", collector="pyez", ok=False, error_kind="timeout",
                                    error="no reply to get-configuration within 30s", seconds=30.0)],
                  Path("snap"), file=summary)
    assert "sg-fw-1  FAILED  pyez" in summary.getvalue()
    assert "timeout: no reply to get-configuration within 30s" in summary.getvalue()
    assert summary.getvalue().splitlines()[-1] == "collected 0 of 1 devices; snapshots in snap; 1 failed"


def test_summary_says_when_host_keys_were_not_verified() -> None:
    key = "ssh-ed25519 SHA256:IVLDapuHl8xRtW5FkSyRlKCwHt5q2q9waRYNk1/mmy0"
    unverified = CollectionResult(device="a", collector="pyez", ok=True, host_key=key, host_key_verified=False)
    verified = CollectionResult(device="b", collector="pyez", ok=True, host_key=key, host_key_verified=True)
    out = io.StringIO()
    print_summary([unverified, verified], Path("snap"), file=out)
    assert out.getvalue().splitlines()[-1].startswith("host keys NOT verified for 1 device(s)")
    out = io.StringIO()
    print_summary([verified], Path("snap"), file=out)
    assert "NOT verified" not in out.getvalue()
