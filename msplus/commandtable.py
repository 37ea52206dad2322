"""The CLI <-> RPC table (``msplus/data/commands.yaml``): the one loader, shared by the collection plan, the
collectors that speak CLI, the recogniser of customer files and the lab simulator, so a command means the same RPC
everywhere."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from msplus.errors import InputError
from msplus.yamlsource import Locator, load_located

COMMANDS_FILE = Path(__file__).with_name("data") / "commands.yaml"
_RPC = re.compile(r"^[a-z][a-z0-9-]*$")


def check_version(data: dict[str, Any], loc: Locator) -> None:
    if data.get("schema_version") != 1:
        raise loc.error("schema_version must be 1", ("schema_version",))


def rpc_args(raw: dict[str, Any], loc: Locator, where: Sequence[str | int]) -> tuple[tuple[str, str | bool], ...]:
    out: list[tuple[str, str | bool]] = []
    for name, value in raw.items():
        if not isinstance(name, str) or not _RPC.match(name):
            raise loc.error("argument names are RPC element names", (*where, str(name)))
        if value is True or isinstance(value, str):
            out.append((name, value))
        else:
            raise loc.error("an argument is a string or true (an empty element)", (*where, name))
    return tuple(out)


class CommandTable:
    """CLI command <-> (RPC, args), from msplus/data/commands.yaml."""

    def __init__(self, entries: Sequence[tuple[str, str, tuple[tuple[str, str | bool], ...]]]) -> None:
        self.entries = tuple(entries)

    def cli_for(self, rpc: str, args: tuple[tuple[str, str | bool], ...] = ()) -> str | None:
        """The first CLI command whose RPC and arguments are exactly these."""
        for cli, name, entry_args in self.entries:
            if name == rpc and dict(entry_args) == dict(args):
                return cli
        return None

    def rpc_for(self, cli: str) -> tuple[str, tuple[tuple[str, str | bool], ...]] | None:
        """The RPC for a CLI command as typed (extra spaces and pipes such as ``| display xml`` ignored)."""
        wanted = normalise_cli(cli)
        for entry_cli, rpc, args in self.entries:
            if entry_cli == wanted:
                return rpc, args
        return None


def normalise_cli(cli: str) -> str:
    """``show  version | display xml | no-more`` -> ``show version``."""
    return " ".join(cli.split("|", 1)[0].split())


def load_commands(path: Path = COMMANDS_FILE) -> CommandTable:
    return _load_commands_cached(str(path))


@lru_cache(maxsize=4)
def _load_commands_cached(path: str) -> CommandTable:
    data, loc = load_located(Path(path), InputError)
    if not isinstance(data, dict) or set(data) - {"schema_version", "commands"}:
        raise InputError("expected schema_version and commands", path=path, line=1)
    check_version(data, loc)
    commands = data.get("commands")
    if not isinstance(commands, list):
        raise loc.error("must be a list", ("commands",))
    entries = []
    for index, item in enumerate(commands):
        where: tuple[str | int, ...] = ("commands", index)
        if not isinstance(item, dict) or not isinstance(item.get("cli"), str) or not isinstance(item.get("rpc"), str):
            raise loc.error("an entry is a mapping with cli and rpc strings", where)
        unknown = set(item) - {"cli", "rpc", "args"}
        if unknown:
            raise loc.error("unknown key", (*where, sorted(unknown)[0]))
        args = rpc_args(item.get("args") or {}, loc, (*where, "args"))
        entries.append((normalise_cli(item["cli"]), item["rpc"], args))
    return CommandTable(entries)
