"""``run_assessment.py config show``: the set form of a real configuration, other forms, errors as exit 2."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from app.commands.config_show import show
from msplus.errors import ConfigSyntaxError, InputError

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "config"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "run_assessment.py"), "config", "show", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )


def test_show_as_set_prints_exactly_the_display_set_sample() -> None:
    proc = run(str(DATA / "juniper_display_set" / "example2.conf"), "--as", "set")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == (DATA / "juniper_display_set" / "example2.set").read_text(encoding="utf-8")


def test_malformed_configuration_exits_2_with_file_line_and_column() -> None:
    path = DATA / "napalm" / "get_config__database_committed__format_text.xml"
    proc = run(str(path), "--as", "text")
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.strip() == f"error: {path}:39:1: unbalanced '}}': nothing to close"


def args(file: Path, form: str, effective: bool = False) -> argparse.Namespace:
    return argparse.Namespace(file=str(file), as_format=form, effective=effective)


def test_snapshot_folder_and_every_form(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "configuration.conf").write_text(
        "groups {\n    g {\n        system {\n            location lab;\n        }\n    }\n}\n"
        "apply-groups g;\nsystem {\n    host-name r1;\n    inactive: domain-name x.net;\n}\n"
    )
    assert show(args(tmp_path, "set")) == 0
    assert "set groups g system location lab\n" in capsys.readouterr().out
    assert show(args(tmp_path, "text", effective=True)) == 0
    assert capsys.readouterr().out == "system {\n    host-name r1;\n    location lab;\n}\n"
    assert show(args(tmp_path, "xml", effective=True)) == 0
    out = capsys.readouterr().out
    assert out.startswith("<configuration") and "<location>lab</location>" in out and "domain-name" not in out


def test_snapshot_folder_with_xml_or_set_form(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "configuration.set").write_text("set system host-name r1\n")
    assert show(args(tmp_path, "text")) == 0
    assert capsys.readouterr().out == "system {\n    host-name r1;\n}\n"


def test_missing_file_and_empty_folder_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        show(args(tmp_path / "nope.conf", "set"))
    with pytest.raises(InputError, match=r"no configuration\.conf"):
        show(args(tmp_path, "set"))


def test_binary_file_is_a_config_syntax_error(tmp_path: Path) -> None:
    path = tmp_path / "image.conf"
    path.write_bytes(b"\x7fELF\x02\x01\x01\x00\x00")
    with pytest.raises(ConfigSyntaxError, match="binary content"):
        show(args(path, "set"))
