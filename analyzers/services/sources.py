"""Provenance of the data files a review read: path, name, version and SHA-256 (so a report can be reproduced)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import yaml

from reports.model import CatalogSource


def describe(path: Path, role: str, entries: int | None = None) -> CatalogSource:
    """Name and version from the file's top-level keys (``name``, ``schema_version``, ``generated.at``)."""
    data = path.read_bytes()
    head = _head(data)
    version = None
    if head.get("schema_version") is not None:
        version = f"schema {head['schema_version']}"
        generated = head.get("generated")
        if isinstance(generated, dict) and generated.get("at"):
            version += f", generated {generated['at']}"
    name = head.get("name") or head.get("description")
    # the file name only: customer documents carry no local paths (the SHA-256 identifies the content)
    return CatalogSource(role=role, path=Path(path).name, name=str(name) if name else None, version=version,
                         sha256=hashlib.sha256(data).hexdigest(), entries=entries)


_NULLS = ("", "~", "null", "Null", "NULL")  # a plain scalar YAML reads as no value


def _head(data: bytes) -> dict[str, Any]:
    """The file's top-level scalar keys, and those of its top-level mappings (``generated.at``), as text. The file
    was read and validated already (a catalog's data may even have come from the cache): only its header is needed
    here, so the parser's events are walked instead of building the whole document again (measured on the shipped
    CVE catalog: 0.02 s against 0.08 s)."""
    head: dict[str, Any] = {}
    stack: list[_Frame] = []
    try:
        for event in yaml.parse(data, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                parent = stack[-1] if stack else None
                name = parent.take() if parent else None
                stack.append(_Frame(isinstance(event, yaml.MappingStartEvent), name))
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                stack.pop()
            elif isinstance(event, yaml.ScalarEvent) and stack and stack[-1].mapping:
                frame = stack[-1]
                if frame.key is None:
                    frame.key = event.value
                    continue
                key = frame.take()
                assert key is not None  # set just above on the event before
                value = None if event.implicit[0] and event.value in _NULLS else event.value
                if len(stack) == 1:
                    head[key] = value
                elif len(stack) == 2 and stack[0].mapping and frame.name is not None:
                    head.setdefault(frame.name, {})[key] = value
    except yaml.YAMLError:
        return {}
    return head


class _Frame:
    """An open mapping or sequence while walking the events: its key in the parent, and its pending key."""

    __slots__ = ("key", "mapping", "name")

    def __init__(self, mapping: bool, name: str | None) -> None:
        self.mapping, self.name = mapping, name
        self.key: str | None = None

    def take(self) -> str | None:
        """The pending key, now given its value."""
        key, self.key = self.key, None
        return key


def change_source(path: Path) -> CatalogSource:
    data = path.read_bytes()
    return CatalogSource(role="change", path=path.name, name=path.name, version=None,
                         sha256=hashlib.sha256(data).hexdigest(), entries=None)
