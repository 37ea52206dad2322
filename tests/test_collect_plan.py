"""The collection plan and the collector registry: validated data, a registry that refuses duplicates."""

from __future__ import annotations

from pathlib import Path

import pytest

from collectors import base
from collectors.base import Collector, get, register
from msplus.commandtable import COMMANDS_FILE, load_commands
from msplus.errors import InputError
from snapshots.plan import load_plan


def test_plan_from_file_with_cli_commands() -> None:
    plan = load_plan()
    assert [r.purpose for r in plan][:2] == ["facts", "facts"]
    by_rpc = {r.rpc: r for r in plan}
    assert by_rpc["get-software-information"].cli == "show version"
    assert by_rpc["get-software-information"].optional is False
    assert by_rpc["get-configuration"].args == (("format", "text"),)
    assert by_rpc["get-configuration"].cli == "show configuration"
    assert by_rpc["get-interface-information"].cli == "show interfaces extensive"
    assert all(r.cli for r in plan), "every plan RPC has a CLI command for the netmiko collector"
    assert [r.rpc for r in load_plan(("configuration",))] == ["get-configuration"]


@pytest.mark.parametrize(("text", "where", "problem"), [
    ("schema_version: 1\nfacts:\n  - {rpc: get-x, file: x.xml, optonal: true}\n", ":3:",
     "facts[0].optonal: unknown key"),
    ("schema_version: 1\nfacts:\n  - {rpc: get-x, file: x.xml, optional: yes-please}\n", ":3:",
     "facts[0].optional: must be a bool"),
    ("schema_version: 1\nfacts:\n  - {rpc: get-x, file: ../x.xml}\n", ":3:",
     "facts[0].file: must be a plain file name"),
    ("schema_version: 1\nfacts:\n  - {rpc: get-x, file: x.xml}\nhealth:\n  - {rpc: get-y, file: x.xml}\n", ":5:",
     "health[0].file: file 'x.xml' is also used by facts[0]"),
    ("schema_version: 1\nhealthy:\n  - {rpc: get-y, file: y.xml}\n", ":2:1:", "healthy: unknown key"),  # the key
    ("schema_version: 2\nfacts: []\n", ":1:", "schema_version: schema_version must be 1"),
    ("schema_version: 1\nfacts:\n  - {rpc: get-x, file: x.xml, args: {detail: 3}}\n", ":3:",
     "facts[0].args.detail: an argument is a string or true"),
])
def test_bad_plan_refused_with_file_line_and_key(tmp_path: Path, text: str, where: str, problem: str) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(text)
    with pytest.raises(InputError) as err:
        load_plan(path=plan)
    assert f"{plan}{where}" in str(err.value)
    assert problem in str(err.value)


def test_unknown_purpose_refused() -> None:
    with pytest.raises(InputError, match="unknown purpose 'helth'"):
        load_plan(("helth",))


def test_command_table_both_ways() -> None:
    table = load_commands(COMMANDS_FILE)
    assert table.rpc_for("show  chassis hardware | display xml | no-more") == ("get-chassis-inventory", ())
    assert table.cli_for("get-fpc-information", (("pic-status", True),)) == "show chassis fpc pic-status"
    assert table.rpc_for("show running-config") is None


def test_registry_refuses_a_taken_name() -> None:
    pyez = get("pyez")
    assert pyez.name == "pyez"

    class Impostor(Collector):
        def collect(self, device, plan, sink):  # type: ignore[no-untyped-def]
            raise AssertionError

    with pytest.raises(ValueError, match="already registered"):
        register("pyez")(Impostor)
    assert get("pyez") is pyez
    assert register("pyez")(pyez) is pyez  # the same class again is not a duplicate


def test_registry_unknown_name_lists_known_ones() -> None:
    with pytest.raises(KeyError, match="known: napalm, netmiko, offline, pyez"):
        get("telnet")
    assert base.names() == ["napalm", "netmiko", "offline", "pyez"]


def test_device_error_kinds_are_checked() -> None:
    assert base.fail("auth", "x").kind == "auth"
    with pytest.raises(ValueError):
        base.fail("autH", "x")
