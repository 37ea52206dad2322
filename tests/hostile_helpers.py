"""Running a command of run_assessment.py the way a user does, and checking it ends the way hostile input must:
in time, with the documented exit code, one clear line on stderr and no traceback."""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUDGET = 5.0  # seconds: each reproduction of issue 14 must end within this, start-up included
# On a quiet machine the commands take 0.5-2 s of wall time. The machine the suite runs on is shared (load 10+ on
# 2 cores is common), so the budget is checked on the command's own CPU time, which load does not inflate and which
# an alias bomb or a runaway parser would blow; wall time is bounded by the subprocess timeout (4 x BUDGET).


def run_cli(*args: str | Path, cwd: Path | None = None, stdin: str | None = None,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run([sys.executable, str(ROOT / "run_assessment.py"), *map(str, args)], capture_output=True,
                          text=True, cwd=cwd or ROOT, timeout=BUDGET * 4, input=stdin, env=env, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc.wall = time.perf_counter() - started  # type: ignore[attr-defined]
    proc.seconds = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)  # type: ignore[attr-defined]
    return proc


def assert_clean_failure(proc: subprocess.CompletedProcess[str], code: int, *needles: str) -> str:
    """Exit ``code`` within the budget, no traceback, one line on stderr containing every needle; returns it."""
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == code, (proc.returncode, proc.stderr)
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    assert proc.seconds < BUDGET, f"used {proc.seconds:.1f}s of CPU ({proc.wall:.1f}s wall)"  # type: ignore[attr-defined]
    return lines[0]
