"""Text renderings of replies, for the CLI and for ``<command format="text">``.

``show version`` is rendered as a device prints it (Hostname/Model/Junos lines, then one line per package, per
routing engine). Other replies get a plain indented "name: value" rendering: plausible, not byte-exact CLI text.
"""

from __future__ import annotations

import copy

from lxml import etree

from msplus.xmlsafe import local

_RULE = "-" * 74


def render_text(payload: etree._Element) -> str:
    """Render the children of an <rpc-reply> (or one element) as CLI text."""
    parts = [_render(el) for el in _elements(payload)] if local(payload.tag) == "rpc-reply" else [_render(payload)]
    text = "\n".join(p for p in parts if p)
    if not text and payload.text and payload.text.strip():
        text = payload.text.strip()
    return text


def display_xml(payload: etree._Element, release: str, banner: str | None) -> str:
    """``| display xml``: the reply in its <rpc-reply> wrapper with the <cli> banner a device appends."""
    root = etree.Element("rpc-reply", nsmap={"junos": f"http://xml.juniper.net/junos/{release}/junos"})
    for el in _elements(payload):
        dup = copy.deepcopy(el)
        dup.tail = None
        root.append(dup)
    cli = etree.SubElement(root, "cli")
    etree.SubElement(cli, "banner").text = banner or ""
    etree.indent(root, space="    ")
    return etree.tostring(root, encoding="unicode")


def _elements(payload: etree._Element) -> list[etree._Element]:
    return [c for c in payload if isinstance(c.tag, str)]


def _render(el: etree._Element) -> str:
    tag = local(el.tag)
    if tag == "software-information":
        return _software(el)
    if tag == "multi-routing-engine-results":
        items = []
        for item in _elements(el):
            name = item.findtext("{*}re-name") or item.findtext("re-name") or ""
            body = "\n".join(_render(c) for c in _elements(item) if local(c.tag) != "re-name")
            items.append(f"{name}:\n{_RULE}\n{body}\n")
        return "\n".join(items).rstrip("\n")
    if tag in {"output", "configuration-text", "configuration-set", "configuration-output"}:
        return (el.text or "").strip("\n")
    if tag == "configuration-information":
        return "\n".join(_render(c) for c in _elements(el))
    if tag == "rpc-error":
        return f"error: {(el.findtext('{*}error-message') or el.findtext('error-message') or '').strip()}"
    # The top element (route-engine-information, ...) is not printed: a CLI shows its contents.
    lines = [line for child in _elements(el) for line in _generic(child, 0)] or _generic(el, 0)
    return "\n".join(lines)


def _software(sw: etree._Element) -> str:
    lines = [f"Hostname: {_t(sw, 'host-name')}", f"Model: {_t(sw, 'product-model')}"]
    version = _t(sw, "junos-version")
    if version:
        lines.append(f"Junos: {version}")
    for pkg in sw.iterfind("{*}package-information"):
        comment = (pkg.findtext("{*}comment") or "").strip()
        if comment:
            lines.append(comment)
    return "\n".join(lines)


def _generic(el: etree._Element, depth: int) -> list[str]:
    pad = "  " * depth
    children = _elements(el)
    name = local(el.tag)
    text = (el.text or "").strip()
    if not children:
        return [f"{pad}{name}: {text}" if text else f"{pad}{name}"]
    lines = [f"{pad}{name}:"]
    for child in children:
        lines.extend(_generic(child, depth + 1))
    return lines


def _t(el: etree._Element, tag: str) -> str:
    return (el.findtext(f"{{*}}{tag}") or "").strip()
