"""YAML loading that remembers where every value came from, for errors that name file, line and key.

``load_located(path)`` returns the plain Python data and a ``Locator``; validation code (pydantic models for the
inventory and the catalogs) reports a problem at a ``loc`` path and the locator turns it into ``file:line:column``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from msplus.errors import InputError
from msplus.limits import YamlLimits
from msplus.limits import limits as _limits
from msplus.textfile import read_text_within

Loc = tuple[str | int, ...]
# libyaml's parser when PyYAML was built with it (the wheels are): same events and marks, several times faster than
# the pure-Python one on a large catalog. Its parser keeps its own stack (no C recursion on deep nesting).
_PARSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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


def load_located(path: str | Path, cls: type[InputError] = InputError,
                 limits: YamlLimits | None = None) -> tuple[Any, Locator]:
    """Read a YAML file into plain data plus the location of every mapping value and sequence item."""
    path = Path(path)
    lim = limits or _limits().yaml
    text = read_text_within(path, lim.max_bytes, "YAML", cls)
    return loads_located(text, str(path), cls, lim)


def loads_located(text: str, source: str, cls: type[InputError] = InputError,
                  limits: YamlLimits | None = None) -> tuple[Any, Locator]:
    """Like ``load_located`` for text already read. Refuses (``cls``, with line and column) more than one document,
    nesting deeper than the limit, aliases that expand to more values than the limit (a "billion laughs" file),
    merge keys, collections as keys and unknown tags."""
    lim = limits or _limits().yaml
    if len(text) > lim.max_bytes:
        raise cls(f"text is {len(text):,} characters; the limit for YAML is {lim.max_bytes:,}", path=source)
    builder = _Builder(Locator(source), source, cls, lim)
    try:
        data = builder.run(yaml.parse(text, Loader=_PARSER))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
        raise cls(f"invalid YAML: {exc.problem}", path=source, line=line, column=col) from exc
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow: located by its offset
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        raise cls(f"invalid YAML: character U+{ord(char):04X} is not allowed ({exc.reason})", path=source,
                  line=line, column=column) from exc
    except yaml.YAMLError as exc:
        raise cls(f"invalid YAML: {' '.join(str(exc).split())}", path=source) from exc
    return data, builder.locator


def _at(mark: Any) -> tuple[int, int]:
    """A parser mark as 1-based (line, column)."""
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


_NO_KEY = object()  # a mapping waiting for its next key
_COLLECTION_TAGS = {None, "!", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}


@dataclass
class _Open:
    """A mapping or sequence being built: where it is, what it holds so far and how many values it counts
    (aliases counted expanded, for the alias limit)."""

    value: dict[Any, Any] | list[Any]
    loc: Loc
    anchor: str | None
    count: int = 1
    key: Any = _NO_KEY


class _Builder:
    """Builds plain data straight from the parser's events, with an explicit stack (no recursion, so no input can
    exhaust Python's stack), recording each value's mark under its path. An alias reuses the anchored value (no
    copy) and counts its size against ``max_alias_nodes``."""

    def __init__(self, locator: Locator, source: str, cls: type[InputError], limits: YamlLimits) -> None:
        self.locator = locator
        self.source = source
        self.cls = cls
        self.limits = limits
        self.scalars = yaml.SafeLoader("")  # one resolver/constructor for every scalar: dates, ints, bools safely
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.expanded = 0

    def error(self, problem: str, mark: Any, loc: Loc | None = None) -> InputError:
        line, column = _at(mark)
        return self.cls(problem, path=self.source, line=line, column=column, key=dotted(loc) if loc else None)

    def run(self, events: Iterator[yaml.Event]) -> Any:
        stack: list[_Open] = []
        root: list[Any] = [None]
        documents = 0
        for event in events:
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise self.error("expected a single document, found another", event.start_mark)
            elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
                stack.append(self._open(event, stack))
            elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                done = stack.pop()
                if done.anchor is not None:
                    self.anchors[done.anchor] = (done.value, done.count)
                self._place(stack, root, done.value, done.count, event, done.loc)
            elif isinstance(event, yaml.ScalarEvent | yaml.AliasEvent):
                value, size = self._alias(event) if isinstance(event, yaml.AliasEvent) else (self._scalar(event), 1)
                if isinstance(event, yaml.ScalarEvent) and event.anchor is not None:
                    self.anchors[event.anchor] = (value, 1)
                if not stack:
                    self.locator.marks[()] = _at(event.start_mark)
                self._place(stack, root, value, size, event, None)
        return root[0]

    def _place(self, stack: list[_Open], root: list[Any], value: Any, size: int, event: yaml.Event,
               loc: Loc | None) -> None:
        if stack:
            self._add(stack[-1], value, size, event, loc)
        else:
            root[0] = value

    def _open(self, event: yaml.CollectionStartEvent, stack: list[_Open]) -> _Open:
        if len(stack) >= self.limits.max_depth:
            raise self.error(f"nested deeper than {self.limits.max_depth} levels; refused", event.start_mark)
        if event.tag not in _COLLECTION_TAGS:
            raise self.error(f"unsupported tag {event.tag}", event.start_mark)
        if stack:
            parent = stack[-1]
            if isinstance(parent.value, dict):
                if parent.key is _NO_KEY:
                    raise self.error("a mapping key must be a plain value, not a list or mapping", event.start_mark,
                                     parent.loc)
                loc: Loc = (*parent.loc, parent.key)
            else:
                loc = (*parent.loc, len(parent.value))
        else:
            loc = ()
        self.locator.marks.setdefault(loc, _at(event.start_mark))
        value: dict[Any, Any] | list[Any] = {} if isinstance(event, yaml.MappingStartEvent) else []
        return _Open(value, loc, event.anchor)

    def _add(self, parent: _Open, value: Any, size: int, event: yaml.Event, loc: Loc | None) -> None:
        """Put a finished value into its parent: the next item of a list, or a mapping's key, then its value."""
        parent.count += size
        if isinstance(parent.value, list):
            if loc is None:  # a scalar or alias item (a collection item recorded its own mark when it opened)
                here = _at(event.start_mark)
                self.locator.marks[(*parent.loc, len(parent.value))] = here
            parent.value.append(value)
            return
        if parent.key is _NO_KEY:
            self._key(parent, value, event)
            return
        key, parent.key = parent.key, _NO_KEY
        parent.value[key] = value

    def _key(self, parent: _Open, key: Any, event: yaml.Event) -> None:
        assert isinstance(parent.value, dict)
        try:
            hash(key)
        except TypeError:
            raise self.error("a mapping key must be a plain value, not a list or mapping", event.start_mark,
                             parent.loc) from None
        if key in parent.value:
            raise self.error(f"duplicate key {key!r}", event.start_mark, (*parent.loc, str(key)))
        parent.key = key
        # Point at the key, not its value: "unknown key" and "wrong type" both read best there.
        self.locator.marks[(*parent.loc, key)] = _at(event.start_mark)

    def _scalar(self, event: yaml.ScalarEvent) -> Any:
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.scalars.resolve(yaml.ScalarNode, event.value, event.implicit)
        if tag == "tag:yaml.org,2002:merge":
            raise self.error("merge keys (<<) are not supported; write the keys out", event.start_mark)
        constructor = yaml.SafeLoader.yaml_constructors.get(tag)
        if constructor is None or tag in ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq",
                                          "tag:yaml.org,2002:omap", "tag:yaml.org,2002:pairs",
                                          "tag:yaml.org,2002:set"):
            raise self.error(f"unsupported tag {tag}", event.start_mark)
        node = yaml.ScalarNode(tag, event.value, None, None, event.style)
        try:
            return constructor(self.scalars, node)
        except (yaml.YAMLError, ValueError, OverflowError) as exc:
            raise self.error(f"cannot read {event.value[:40]!r} as {tag.rsplit(':', 1)[-1]}: "
                             f"{getattr(exc, 'problem', None) or exc}", event.start_mark) from exc

    def _alias(self, event: yaml.AliasEvent) -> tuple[Any, int]:
        if event.anchor not in self.anchors:
            raise self.error(f"alias *{event.anchor} names no anchor defined before it (or its own parent)",
                             event.start_mark)
        value, size = self.anchors[event.anchor]
        self.expanded += size
        if self.expanded > self.limits.max_alias_nodes:
            raise self.error(f"aliases expand to more than {self.limits.max_alias_nodes:,} values; refused "
                             "(an alias bomb?)", event.start_mark)
        return value, size


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
