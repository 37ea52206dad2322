"""The command line starts fast: heavy libraries are imported only by the commands that use them."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("jnpr.junos", "ncclient", "paramiko", "netmiko", "napalm", "asyncssh", "pandas", "lxml", "pydantic")


def test_help_starts_well_under_a_second() -> None:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, str(ROOT / "run_assessment.py"), "--help"], capture_output=True,
                          text=True, check=False)
    elapsed = time.perf_counter() - start
    assert proc.returncode == 0, proc.stderr
    assert "collect" in proc.stdout and "lab" in proc.stdout
    assert elapsed < 0.8, f"--help took {elapsed:.2f}s"


def test_cli_module_imports_no_heavy_library() -> None:
    code = (
        "import sys; import app.cli; app.cli.build_parser();"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert proc.stdout.strip() == ""


def test_bad_inventory_exits_2_before_connecting(tmp_path: Path) -> None:
    inv = tmp_path / "inv.yaml"
    inv.write_text("devices:\n  - {name: a, host: 127.0.0.1, driver: telnet}\n")
    proc = subprocess.run([sys.executable, str(ROOT / "run_assessment.py"), "collect", "--inventory", str(inv),
                           "--out", str(tmp_path / "snap")], capture_output=True, text=True, check=False)
    assert proc.returncode == 2
    assert f"{inv}:2:" in proc.stderr and "devices[0].driver" in proc.stderr
    assert not (tmp_path / "snap").exists()
