"""Issue 14: numbers and names in an inventory are checked against the ranges in msplus/data/limits.yaml when the
inventory is read, so nothing out of range reaches a collector (``timeout: .inf`` was an OverflowError there, and a
device name ending in a newline became a folder name)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hostile_helpers import assert_clean_failure, run_cli

from msplus.errors import InventoryError
from msplus.inventory import load_inventory


def _inventory(tmp_path: Path, device: str, defaults: str = "{driver: pyez, port: 830}") -> Path:
    path = tmp_path / "inventory.yaml"
    path.write_text(f"defaults: {defaults}\ndevices:\n  - {device}\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(("device", "key", "problem"), [
    ("{name: r1, host: 127.0.0.1, timeout: .inf}", "devices[0].timeout", "finite number"),
    ("{name: r1, host: 127.0.0.1, timeout: 1e300}", "devices[0].timeout", "less than or equal to 86400"),
    ("{name: r1, host: 127.0.0.1, timeout: .nan}", "devices[0].timeout", "finite number"),
    ("{name: r1, host: 127.0.0.1, connect_timeout: 0}", "devices[0].connect_timeout", "greater than or equal"),
    ("{name: r1, host: 127.0.0.1, port: 70000}", "devices[0].port", "less than or equal to 65535"),
    ("{name: r1, host: 127.0.0.1, port: 0}", "devices[0].port", "greater than or equal to 1"),
    ('{name: "sg-edge-1\\n", host: 127.0.0.1}', "devices[0].name", "it names a folder"),
    ('{name: "r\\e[31m1", host: 127.0.0.1}', "devices[0].name", "it names a folder"),
    ("{name: " + "r" * 129 + ", host: 127.0.0.1}", "devices[0].name", "it names a folder"),
    ('{name: r1, host: "127.0.0.1\\nevil"}', "devices[0].host", "control character"),
    ('{name: r1, host: 127.0.0.1, site: "' + "s" * 2000 + '"}', "devices[0].site", "at most 1024 characters"),
])
def test_out_of_range_values_are_refused_with_the_place(tmp_path: Path, device: str, key: str, problem: str) -> None:
    path = _inventory(tmp_path, device)
    with pytest.raises(InventoryError) as err:
        load_inventory(path)
    assert err.value.key == key and err.value.line == 3
    assert problem in err.value.problem


def test_infinite_timeout_collect_is_bad_input_not_an_overflow(tmp_path: Path) -> None:
    path = _inventory(tmp_path, "{name: r1, host: 127.0.0.1}", defaults="{driver: pyez, timeout: .inf}")
    proc = run_cli("collect", "--inventory", path, "--out", tmp_path / "out")
    assert_clean_failure(proc, 2, f"{path}:1:", "defaults.timeout")
    assert not (tmp_path / "out").exists()


def test_device_name_with_a_newline_never_becomes_a_folder(tmp_path: Path) -> None:
    path = _inventory(tmp_path, '{name: "sg-edge-1\\n", driver: offline, files: .}')
    proc = run_cli("collect", "--inventory", path, "--out", tmp_path / "out")
    assert_clean_failure(proc, 2, f"{path}:3:", "devices[0].name")
    assert not (tmp_path / "out").exists()


def test_contract_dates_outside_the_calendar_range(tmp_path: Path) -> None:
    path = tmp_path / "inventory.yaml"
    path.write_text("customer: {id: c1, name: C, theater: APAC, country: SG,\n"
                    "  care_contract: {id: J1, start: 2026-01-01, end: 9999-12-31}}\n"
                    "devices:\n  - {name: r1, host: 127.0.0.1}\n", encoding="utf-8")
    with pytest.raises(InventoryError) as err:
        load_inventory(path)
    assert err.value.key == "customer.care_contract.end" and "outside 1990-01-01 to 2200-12-31" in err.value.problem


def test_ordinary_values_still_pass(tmp_path: Path) -> None:
    path = _inventory(tmp_path, "{name: sg-edge-1.lab_2, host: 127.0.0.1, timeout: 0.5, connect_timeout: 3600}")
    device = load_inventory(path).devices[0]
    assert (device.name, device.timeout, device.connect_timeout) == ("sg-edge-1.lab_2", 0.5, 3600)
