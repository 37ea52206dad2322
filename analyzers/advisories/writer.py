"""Writing a catalog as YAML people can review: one range or config condition per line, long prose as blocks."""

from __future__ import annotations

from typing import Any

import yaml

from analyzers.advisories.catalog import SCHEMA_VERSION

_FLOW_KEYS = ("ranges", "cvss")


class _Flow(dict[str, Any]):
    """A mapping written on one line: {train: "21.4", fixed: [21.4R3-S7], ...}."""


class _Dumper(yaml.SafeDumper):
    pass


def _flow(dumper: yaml.SafeDumper, data: _Flow) -> yaml.Node:
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=True)


def _text(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    style = "|" if "\n" in data and all(ch == "\n" or ch.isprintable() for ch in data) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(_Flow, _flow)
_Dumper.add_representer(str, _text)


def dump_catalog(entries: list[dict[str, Any]], *, name: str, description: str,
                 generated: dict[str, Any] | None = None, header: str = "") -> str:
    doc: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "name": name, "description": description}
    if generated:
        doc["generated"] = generated
    doc["entries"] = [_shape(e) for e in entries]
    body = yaml.dump(doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=118, default_flow_style=False)
    return header + body


def _shape(entry: dict[str, Any]) -> dict[str, Any]:
    out = dict(entry)
    for key in _FLOW_KEYS:
        if key in out:
            out[key] = [_Flow(x) for x in out[key]]
    out["affects"] = [{**b, "ranges": [_Flow(r) for r in b.get("ranges", ())]} for b in entry.get("affects", ())]
    if "conditions" in out:
        out["conditions"] = _conditions(out["conditions"])
    return out


def _conditions(node: dict[str, Any]) -> dict[str, Any]:
    items = []
    for item in node.get("items", ()):
        if item.get("kind") == "group":
            items.append(_conditions(item))
        elif "\n" in item.get("text", ""):
            items.append(dict(item))
        else:
            items.append(_Flow(item))
    return {**node, "items": items}
