"""Parsing device XML safely and leniently.

Safe: no entity expansion, no external entities, no network, no DTD loading; a reply that declares a DTD is refused
(NETCONF replies never carry one, so one that does is hostile or broken). Huge text nodes are allowed because a large
configuration can exceed libxml2's 10 MB default.

Lenient where customers paste: leading prompt lines or blank lines before the first ``<``, undeclared namespace
prefixes (``junos:seconds``), NETCONF 1.0 end-of-message markers, with or without the ``<rpc-reply>`` wrapper.
"""

from __future__ import annotations

import re

from lxml import etree

from msplus.errors import MalformedReplyError

_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    dtd_validation=False,
    huge_tree=True,
    remove_blank_text=False,
)

_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
_EOM = b"]]>]]>"
_PREFIX_DECL = re.compile(rb"xmlns:([A-Za-z_][\w.-]*)=")
_PREFIX_USE = re.compile(rb"</?([A-Za-z_][\w.-]*):[A-Za-z_]|\s([A-Za-z_][\w.-]*):[A-Za-z_][\w.-]*=")


def parse(data: bytes | str, *, source: str = "reply") -> etree._Element:
    """Parse one XML document strictly (no repairs). Raises MalformedReplyError naming ``source`` and the place."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    raw = raw.lstrip()
    if not raw:
        raise MalformedReplyError(f"{source}: empty reply")
    if _DTD.search(raw[:4096]) or _DTD.search(raw):
        raise MalformedReplyError(f"{source}: reply declares a DTD or entities; refused (entity expansion is off)")
    try:
        root = etree.fromstring(raw, _PARSER)
    except etree.XMLSyntaxError as exc:
        line, col = exc.position if exc.position else (None, None)
        raise MalformedReplyError(f"{source}:{line}:{col}: malformed XML: {exc.msg}") from exc
    if root is None:
        raise MalformedReplyError(f"{source}: empty reply")
    return root


def parse_pasted(data: bytes | str, *, source: str = "file") -> etree._Element:
    """Parse XML as a customer pastes it: a CLI prompt or blank lines on top, ]]>]]> at the end,
    namespace prefixes used but not declared. Declares the missing prefixes on the root and parses strictly."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    start = raw.find(b"<")
    if start < 0:
        raise MalformedReplyError(f"{source}: no XML found")
    body = raw[start:]
    if body.startswith(b"<?xml"):
        end = body.find(b"?>")
        body = body[end + 2 :].lstrip() if end >= 0 else body
    eom = body.rfind(_EOM)
    if eom >= 0:
        body = body[:eom]
    body = _cut_after_root(body.rstrip())
    declared = set(_PREFIX_DECL.findall(body))
    used = {p for pair in _PREFIX_USE.findall(body) for p in pair if p}
    missing = sorted(used - declared - {b"xml", b"xmlns"})
    if missing:
        tag_end = _first_tag_end(body)
        decls = b"".join(b' xmlns:%s="urn:msplus:undeclared:%s"' % (p, p) for p in missing)
        body = body[:tag_end] + decls + body[tag_end:]
    return parse(body, source=source)


def _cut_after_root(body: bytes) -> bytes:
    """Drop what follows the root element (a trailing prompt such as ``{master:0}`` or ``user@host>``)."""
    match = re.match(rb"<([A-Za-z_][\w.:-]*)", body)
    if not match:
        return body
    closing = body.rfind(b"</" + match.group(1))
    if closing >= 0:
        end = body.find(b">", closing)
        return body[: end + 1] if end >= 0 else body
    return body


def _first_tag_end(body: bytes) -> int:
    """Index just after the root element's name, where attributes can be inserted."""
    match = re.match(rb"\s*<[A-Za-z_][\w.:-]*", body)
    if not match:
        raise MalformedReplyError("no root element")
    return match.end()


def local(tag: object) -> str:
    """The local name of an element tag, without namespace."""
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def unwrap_reply(root: etree._Element) -> etree._Element:
    """Return the payload of an ``<rpc-reply>`` (its first element child), or the element itself if unwrapped."""
    if local(root.tag) == "rpc-reply":
        for child in root:
            if isinstance(child.tag, str):
                return child
    return root


def strip_namespaces(root: etree._Element) -> etree._Element:
    """Remove namespaces from every tag and attribute in place, so lookups can use plain names."""
    for el in root.iter():
        if isinstance(el.tag, str) and "}" in el.tag:
            el.tag = local(el.tag)
        for name in list(el.attrib):
            if "}" in name:
                el.attrib[local(name)] = el.attrib.pop(name)
    etree.cleanup_namespaces(root)
    return root
