"""msplus.atomicfile: a file is replaced whole or not at all, whatever happens while it is written."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from msplus import atomicfile


def test_an_exception_while_writing_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "catalog.yaml"
    target.write_text("good\n", encoding="utf-8")
    with pytest.raises(RuntimeError), atomicfile.replacing(target) as handle:
        handle.write("half of a bad ")
        raise RuntimeError("refused")
    assert target.read_text(encoding="utf-8") == "good\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["catalog.yaml"]


def test_a_killed_writer_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text('{"ok": true}\n', encoding="utf-8")
    code = ("import sys, time\nfrom msplus import atomicfile\n"
            "with atomicfile.replacing(sys.argv[1]) as f:\n"
            "    f.write('{\"half\": '); f.flush(); print('writing', flush=True); time.sleep(60)\n")
    proc = subprocess.Popen([sys.executable, "-c", code, str(target)], stdout=subprocess.PIPE, text=True,
                            cwd=Path(__file__).resolve().parents[1])
    assert proc.stdout is not None and proc.stdout.readline() == "writing\n"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    assert target.read_text(encoding="utf-8") == '{"ok": true}\n'


def test_replacement_keeps_the_mode_and_new_files_get_the_umask(tmp_path: Path) -> None:
    target = tmp_path / "shared.csv"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    atomicfile.write_text(target, "new")
    assert target.read_text(encoding="utf-8") == "new" and target.stat().st_mode & 0o777 == 0o640
    fresh = tmp_path / "sub" / "fresh.bin"
    atomicfile.write_bytes(fresh, b"\x00\x01")
    umask = os.umask(0)
    os.umask(umask)
    assert fresh.read_bytes() == b"\x00\x01" and fresh.stat().st_mode & 0o777 == 0o666 & ~umask
