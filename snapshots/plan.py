"""The collection plan (snapshots/plan.yaml) and the CLI<->RPC table (msplus/data/commands.yaml), validated.

Both are data every collector reads: the plan says which RPCs to send for which purpose and under which file name
each reply is saved; the table says which CLI command yields the same reply (netmiko, pasted CLI text offline).
Mistakes are refused with file, line and key before any device is contacted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from msplus.commandtable import COMMANDS_FILE, CommandTable, check_version, load_commands, rpc_args
from msplus.errors import InputError
from msplus.records import Request
from msplus.yamlsource import Locator, load_located

PLAN_FILE = Path(__file__).with_name("plan.yaml")
PURPOSES = ("facts", "configuration", "health")
DEFAULT_PURPOSES = PURPOSES

_SAFE_FILE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")  # a plain file name inside the device folder
_RPC = re.compile(r"^[a-z][a-z0-9-]*$")
_ITEM_KEYS = {"rpc": str, "file": str, "args": dict, "optional": bool}


def load_plan(purposes: Iterable[str] = DEFAULT_PURPOSES, path: Path = PLAN_FILE,
              commands_path: Path = COMMANDS_FILE) -> list[Request]:
    """The plan's Requests for ``purposes``, in plan order, each with its CLI command filled in from the table.

    Raises InputError (file, line, column, key) on unknown keys, wrong types, unsafe or duplicate file names.
    """
    wanted = list(purposes)
    for purpose in wanted:
        if purpose not in PURPOSES:
            raise InputError(f"unknown purpose {purpose!r}; expected one of {', '.join(PURPOSES)}")
    plan = _load_plan_cached(str(path), str(commands_path))
    return [r for purpose in wanted for r in plan if r.purpose == purpose]


@lru_cache(maxsize=8)
def _load_plan_cached(path: str, commands_path: str) -> tuple[Request, ...]:
    data, loc = load_located(Path(path), InputError)
    if not isinstance(data, dict):
        raise InputError("a plan is a mapping of purpose -> list of RPCs", path=path, line=1)
    check_version(data, loc)
    table = load_commands(Path(commands_path))
    requests: list[Request] = []
    files: dict[str, tuple[str, int]] = {}
    for key, items in data.items():
        if key == "schema_version":
            continue
        if key not in PURPOSES:
            raise loc.error(f"unknown key; expected schema_version or one of {', '.join(PURPOSES)}", (key,))
        if not isinstance(items, list):
            raise loc.error("must be a list of RPCs", (key,))
        for index, item in enumerate(items):
            request = _request(key, index, item, loc, table)
            if request.file in files:
                first = files[request.file]
                raise loc.error(f"file {request.file!r} is also used by {first[0]}[{first[1]}]", (key, index, "file"))
            files[request.file] = (key, index)
            requests.append(request)
    return tuple(requests)


def _request(purpose: str, index: int, item: Any, loc: Locator, table: CommandTable) -> Request:
    where: tuple[str | int, ...] = (purpose, index)
    if not isinstance(item, dict):
        raise loc.error("an RPC entry is a mapping with rpc and file", where)
    for key, value in item.items():
        expected = _ITEM_KEYS.get(key)
        if expected is None:
            raise loc.error(f"unknown key; expected one of {', '.join(_ITEM_KEYS)}", (*where, key))
        if not isinstance(value, expected):
            raise loc.error(f"must be a {expected.__name__}", (*where, key))
    for required in ("rpc", "file"):
        if required not in item:
            raise loc.error(f"required key {required!r} is missing", where)
    if not _RPC.match(item["rpc"]):
        raise loc.error("not an RPC name (lowercase letters, digits and '-')", (*where, "rpc"))
    if not _SAFE_FILE.match(item["file"]):
        raise loc.error("must be a plain file name (no folders)", (*where, "file"))
    args = rpc_args(item.get("args", {}), loc, (*where, "args"))
    return Request(purpose=purpose, rpc=item["rpc"], args=args, cli=table.cli_for(item["rpc"], args),
                   file=item["file"], optional=bool(item.get("optional", False)))
