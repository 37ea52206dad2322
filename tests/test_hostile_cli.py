"""Issue 14, at the command line: a closed output pipe ends any command quietly (exit 141, nothing on stderr), flags
outside their range are bad input (one line, exit 2), and reading a sweep history never creates one."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hostile_helpers import ROOT, assert_clean_failure, run_cli
from test_health_history import result
from test_health_history import sweep as record_sweep

from analyzers.health.history import History
from msplus.exitcodes import ExitCode

BIG_CONFIG = ROOT / "tests" / "data" / "config"


def _closed_pipe(*args: str | Path) -> tuple[int, str]:
    """Run a command, read one line of its output, close the pipe (what ``| head -1`` does); its exit code and
    stderr."""
    # As a user runs it: buffered stdout (with PYTHONUNBUFFERED one large write to a closed pipe is cut short
    # silently, and there is nothing to test).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    proc = subprocess.Popen([sys.executable, str(ROOT / "run_assessment.py"), *map(str, args)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    assert first, "the command printed nothing"
    proc.stdout.close()
    started = time.perf_counter()
    err = proc.stderr.read()
    code = proc.wait(timeout=20)
    assert time.perf_counter() - started < 5
    return code, err


@pytest.fixture
def history(tmp_path: Path) -> Path:
    """A sweep history with many rows (so the table is larger than a pipe's buffer)."""
    folder = tmp_path / "history"
    with History.open(folder) as store:
        for n in range(1, 6):
            record_sweep(store, n, 50.0 + n)
    return folder


def test_sweep_history_into_a_closed_pipe(tmp_path: Path) -> None:
    folder = tmp_path / "history"
    with History.open(folder) as store:  # 3,000 devices: a table far larger than a pipe's buffer
        store.record(started="2026-01-01T00:00:00+00:00", finished="2026-01-01T00:01:00+00:00", inventory="i.yaml",
                     snapshot="s", collect_seconds=1.0, evaluate_seconds=0.1, device_states=[], found=[],
                     checks=[result(f"device-{n:04d}", "re-cpu", "ok", 3.0) for n in range(3000)])
    for form in ("table", "csv"):
        code, err = _closed_pipe("sweep", "history", "--history", folder, "--format", form)
        assert err == "" and code == ExitCode.CLOSED_PIPE, err


def test_large_output_into_a_closed_pipe(tmp_path: Path) -> None:
    config = tmp_path / "big.conf"
    config.write_text("".join(f"set interfaces ge-0/0/{i} description port-{i}\n" for i in range(20_000)),
                      encoding="utf-8")
    code, err = _closed_pipe("config", "show", config, "--as", "set")
    assert err == "" and code == ExitCode.CLOSED_PIPE


@pytest.mark.parametrize(("args", "needle"), [
    (("sweep", "--history", "h", "--keep-snapshots", "-1"), "--keep-snapshots: expected a whole number from 0"),
    (("sweep", "history", "--history", "h", "--last", "0"), "--last: expected a whole number from 1"),
    (("sweep", "history", "--history", "h", "--last", "1_0"), "--last: expected a whole number"),
    (("collect", "--inventory", "x", "--out", "o", "--workers", "0"), "--workers: expected a whole number from 1"),
    (("assess", "phc", "--inventory", "x", "--workers", "٣"), "--workers: expected a whole number"),
])
def test_flags_out_of_range_are_bad_input(tmp_path: Path, args: tuple[str, ...], needle: str) -> None:
    proc = run_cli(*args, cwd=tmp_path)
    assert_clean_failure(proc, 2, needle)
    assert list(tmp_path.iterdir()) == []


def test_sweep_history_never_creates_a_missing_history(tmp_path: Path) -> None:
    missing = tmp_path / "no" / "history"
    proc = run_cli("sweep", "history", "--history", missing)
    assert_clean_failure(proc, 2, "no sweep history in", "nothing was created")
    assert not (tmp_path / "no").exists()


def test_sweep_history_reads_an_existing_one(history: Path) -> None:
    proc = run_cli("sweep", "history", "--history", history, "--last", "2")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0].split()[:2] == ["device", "check"] and "#4" in proc.stdout
