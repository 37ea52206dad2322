"""YAML loading that remembers where every value came from, for errors that name file, line and key.

``load_located(path)`` returns the plain Python data and a ``Locator``; validation code (pydantic models for the
inventory and the catalogs) reports a problem at a ``loc`` path and the locator turns it into ``file:line:column``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from msplus.errors import InputError

Loc = tuple[str | int, ...]
# libyaml's composer when PyYAML was built with it (the wheels are): marks are the same, about 5x faster than the
# pure-Python one on a large catalog.
_COMPOSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class Locator:
    path: str
    marks: dict[Loc, tuple[int, int]] = field(default_factory=dict)

    def where(self, loc: Sequence[str | int]) -> tuple[int | None, int | None]:
        """Line and column (1-based) of the value at ``loc``, or of its nearest located parent."""
        key = tuple(loc)
        while key:
            if key in self.marks:
                return self.marks[key]
            key = key[:-1]
        return self.marks.get((), (None, None))

    def error(self, problem: str, loc: Sequence[str | int], cls: type[InputError] = InputError) -> InputError:
        line, column = self.where(loc)
        return cls(problem, path=self.path, line=line, column=column, key=dotted(loc))


def dotted(loc: Sequence[str | int]) -> str:
    """``("devices", 2, "port")`` -> ``devices[2].port``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def load_located(path: str | Path, cls: type[InputError] = InputError) -> tuple[Any, Locator]:
    """Read a YAML file into plain data plus the location of every mapping value and sequence item."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise cls("file not found", path=str(path)) from exc
    except UnicodeDecodeError as exc:
        raise cls(f"not UTF-8 text (byte {exc.start})", path=str(path)) from exc
    except OSError as exc:
        raise cls(f"cannot read: {exc.strerror}", path=str(path)) from exc
    return loads_located(text, str(path), cls)


def loads_located(text: str, source: str, cls: type[InputError] = InputError) -> tuple[Any, Locator]:
    locator = Locator(source)
    try:
        node = yaml.compose(text, Loader=_COMPOSER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
        raise cls(f"invalid YAML: {exc.problem}", path=source, line=line, column=col) from exc
    except yaml.YAMLError as exc:
        raise cls(f"invalid YAML: {exc}", path=source) from exc
    if node is None:
        return None, locator
    data = _Builder(locator, source, cls).build(node, ())
    return data, locator


class _Builder:
    """Turns composed YAML nodes into plain data, recording each node's mark under its path."""

    def __init__(self, locator: Locator, source: str, cls: type[InputError]) -> None:
        self.locator = locator
        self.source = source
        self.cls = cls
        self.scalars = yaml.SafeLoader("")  # one constructor for every scalar: dates, ints and bools the safe way

    def build(self, node: yaml.Node, loc: Loc) -> Any:
        return _build(self, node, loc)


def _build(b: _Builder, node: yaml.Node, loc: Loc) -> Any:
    locator, source, cls = b.locator, b.source, b.cls
    locator.marks[loc] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = b.scalars.construct_object(key_node, deep=True)
            if key in out:
                line = key_node.start_mark.line + 1
                raise cls(f"duplicate key {key!r}", path=source, line=line,
                          column=key_node.start_mark.column + 1, key=dotted((*loc, str(key))))
            child_loc = (*loc, key)
            out[key] = _build(b, value_node, child_loc)
            # Point at the key, not its value: "unknown key" and "wrong type" both read best there.
            locator.marks[child_loc] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(b, item, (*loc, i)) for i, item in enumerate(node.value)]
    return b.scalars.construct_object(node, deep=True)


def pydantic_message(err: Any) -> str:
    """One pydantic error (from ``ValidationError.errors()``) in the words this project's errors use."""
    kind = err["type"]
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "required key is missing"
    message = str(err["msg"])
    return message.removeprefix("Value error, ")


def item_id(data: Any, loc: Sequence[str | int], list_key: str) -> Any:
    """The ``id`` of the list item a location points into (``entries[3]`` -> that entry's id), or None."""
    if len(loc) < 2 or loc[0] != list_key or not isinstance(loc[1], int) or not isinstance(data, dict):
        return None
    items = data.get(list_key)
    if isinstance(items, list) and loc[1] < len(items) and isinstance(items[loc[1]], dict):
        return items[loc[1]].get("id")
    return None


def check_header(data: Any, locator: Locator, *, version: int, shape: str) -> list[InputError]:
    """Problems with a data file's top level, checked before its schema: a mapping, with ``schema_version`` equal to
    ``version``. ``shape`` says what the mapping holds (``"schema_version and entries"``)."""
    if not isinstance(data, dict):
        return [InputError(f"expected a mapping with {shape}", path=locator.path, line=1)]
    if "schema_version" not in data:
        return [locator.error(f"schema_version is missing (this tool reads {version})", ())]
    if data["schema_version"] != version:
        return [locator.error(f"unsupported schema_version {data['schema_version']!r} (this tool reads {version})",
                              ("schema_version",))]
    return []


def load_data_file(path: str | Path, *, version: int = 1) -> dict[str, Any]:
    """A data file shipped with the code (platform knowledge, vocabularies): a YAML mapping with ``schema_version``.
    Fast (libyaml when present) because it is read on every run; problems are InputErrors naming the file."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        raw = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        raise InputError(f"invalid YAML: {exc}", path=str(path)) from exc
    if not isinstance(raw, dict) or raw.get("schema_version") != version:
        raise InputError(f"expected a mapping with schema_version: {version}", path=str(path))
    return raw
