"""Issue 14: hostile YAML (alias bombs, deep nesting, huge files) is refused at the boundary with file, line and
column, quickly and without a traceback, by every command that reads YAML."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hostile_helpers import assert_clean_failure, run_cli

from msplus.errors import InputError
from msplus.limits import YamlLimits, limits
from msplus.yamlsource import load_located, loads_located

# An alias bomb like the 339-byte reproduction: nine levels of nine aliases (9**9 values when expanded).
BOMB = "".join(
    [ 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' ]
    + [f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True)]
)


def _inventory_bomb(tmp_path: Path) -> Path:
    """An inventory whose device tags expand an alias bomb (the issue's 860-byte inventory)."""
    path = tmp_path / "bomb.yaml"
    body = "".join(f"  {line}" for line in BOMB.splitlines(keepends=True))
    path.write_text(f"x-bomb:\n{body}defaults: {{driver: pyez}}\ndevices:\n"
                    "  - {name: r1, host: 127.0.0.1, tags: *i}\n", encoding="utf-8")
    return path


def test_alias_bomb_is_refused_at_the_alias(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(BOMB, encoding="utf-8")
    started = time.perf_counter()
    with pytest.raises(InputError) as err:
        load_located(path)
    assert time.perf_counter() - started < 0.5
    assert err.value.line is not None and err.value.line > 1 and err.value.column is not None
    assert "alias" in err.value.problem


@pytest.mark.parametrize("command", [
    ("collect", "--inventory", "{inv}", "--out", "{out}"),
    ("assess", "phc", "--inventory", "{inv}", "--out", "{out}", "--ledger", "{tmp}/ledger.db"),
    ("sweep", "--inventory", "{inv}", "--history", "{tmp}/history", "--out", "{out}"),
    ("ledger", "--ledger", "{tmp}/ledger.db", "register", "--inventory", "{inv}"),
    ("lab", "serve", "--inventory", "{inv}"),
])
def test_alias_bomb_inventory_every_command_ends_quickly(tmp_path: Path, command: tuple[str, ...]) -> None:
    path = _inventory_bomb(tmp_path)
    args = [a.format(inv=path, out=tmp_path / "out", tmp=tmp_path) for a in command]
    proc = run_cli(*args)
    assert_clean_failure(proc, 2, f"{path}:", "alias")
    created = sorted(p.name for p in tmp_path.iterdir() if p.name != "bomb.yaml")
    # `ledger register` opens (creates) the ledger before it reads the inventory: empty, left to the ledger's owner
    assert created == (["ledger.db"] if command[0] == "ledger" else [])  # no output, history or half file


def test_alias_bomb_catalog_validate(tmp_path: Path) -> None:
    path = tmp_path / "cat.yaml"
    path.write_text(BOMB, encoding="utf-8")
    proc = run_cli("catalog", "validate", path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert f"{path}:" in proc.stderr and "alias" in proc.stderr
    assert proc.seconds < 5  # type: ignore[attr-defined]


@pytest.mark.parametrize("depth", [5_000, 100_000])
def test_deep_nesting_inventory(tmp_path: Path, depth: int) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("devices: " + "[" * depth + "]" * depth + "\n", encoding="utf-8")
    proc = run_cli("collect", "--inventory", path, "--out", tmp_path / "out")
    line = assert_clean_failure(proc, 2, f"{path}:1:", "nested deeper than")
    assert proc.returncode != -11, line  # the 100,000-deep file used to kill the process with SIGSEGV


def test_deep_block_nesting_refused() -> None:
    text = "".join(f"{'  ' * i}k{i}:\n" for i in range(200)) + "  " * 200 + "v\n"
    with pytest.raises(InputError, match="nested deeper"):
        loads_located(text, "deep.yaml")


def test_aliases_within_the_limit_are_shared_and_located() -> None:
    data, locator = loads_located("base: &b {port: 830}\nother: *b\nlist: [*b, *b]\n", "ok.yaml")
    assert data == {"base": {"port": 830}, "other": {"port": 830}, "list": [{"port": 830}, {"port": 830}]}
    assert locator.where(("list", 1)) == (3, 12)
    assert locator.where(("other", "port")) == (2, 1)  # inside an alias: the alias's key


def test_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("a: " + "x" * 2000 + "\n", encoding="utf-8")
    small = YamlLimits(max_bytes=1000, max_depth=64, max_alias_nodes=10)
    with pytest.raises(InputError, match="limit for a YAML file is 1,000"):
        load_located(path, limits=small)
    assert limits().yaml.max_bytes > 1_000_000  # the shipped catalogs fit


@pytest.mark.parametrize(("text", "problem"), [
    ("a: &x {b: 1}\nc:\n  <<: *x\n", "merge keys"),
    ("? [1, 2]\n: 3\n", "mapping key must be a plain value"),
    ("a: !foo 1\n", "unsupported tag"),
    ("x: &a [1, *a]\n", "alias *a"),
    ("a: 1\n---\nb: 2\n", "single document"),
    ("a: 9999-99-99\n", "cannot read"),
    ("a: 1\na: 2\n", "duplicate key"),
    ("a: 1\nb: \x1f\n", "character U+001F is not allowed"),  # found by the property test: was two lines
])
def test_odd_yaml_is_a_located_error(text: str, problem: str) -> None:
    with pytest.raises(InputError) as err:
        loads_located(text, "odd.yaml")
    assert problem in err.value.problem and err.value.line is not None


def test_csv_files_have_a_size_limit_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Devices CSVs go through the same size-limited reader as YAML and JSON (limits.yaml csv.max_bytes)."""
    import dataclasses

    from analyzers.advisories import devices

    path = tmp_path / "devices.csv"
    path.write_text("\ufeffname,model,version\n" + "".join(f"r{n},mx960,21.4R3-S5\n" for n in range(100)),
                    encoding="utf-8")
    assert [t.name for t in devices.from_csv(path)][:2] == ["r0", "r1"]  # the byte-order mark is dropped
    small = dataclasses.replace(limits(), csv_max_bytes=1000)
    monkeypatch.setattr(devices, "limits", lambda: small)
    with pytest.raises(InputError, match="limit for a CSV file is 1,000"):
        devices.from_csv(path)
    assert limits().csv_max_bytes > 10_000_000  # 100,000 devices fit
