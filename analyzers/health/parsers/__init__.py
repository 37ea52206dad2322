"""One parser per RPC: reply XML in, a typed record (analyzers.health.records) out.

Parsers are registered by RPC name with ``@parser("get-...")``; a name is taken once. They read replies as
collected (with or without ``<rpc-reply>``, inside ``multi-routing-engine-results``, with namespaces on inner
elements, ``junos:`` attributes or plain ones) without stripping namespaces first: lookups use ``{*}`` so a large
interface reply is not walked twice. A value the reply does not carry is None, never 0.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import Any, TypeVar

from lxml import etree

from msplus import xmlsafe
from msplus.errors import MalformedReplyError

Parser = Callable[[etree._Element], Any]
P = TypeVar("P", bound=Parser)
PARSERS: dict[str, Parser] = {}
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def parser(rpc: str) -> Callable[[P], P]:
    """Register ``func`` as the parser of ``rpc``'s reply. Refuses a second parser for the same RPC."""

    def register(func: P) -> P:
        if rpc in PARSERS and PARSERS[rpc] is not func:
            raise ValueError(f"a parser for {rpc} is already registered ({PARSERS[rpc].__qualname__})")
        PARSERS[rpc] = func
        return func

    return register


def parse_reply(data: bytes, *, source: str) -> etree._Element:
    """The reply's root element, parsed safely. Replies saved from NETCONF parse strictly; files a customer pasted
    (prompt on top, undeclared ``junos:`` prefix) take the lenient path. Raises MalformedReplyError."""
    try:
        return xmlsafe.parse(data, source=source)
    except MalformedReplyError:
        return xmlsafe.parse_pasted(data, source=source)


# ---------------------------------------------------------------------------------------------- helpers

def text(el: etree._Element | None, path: str) -> str | None:
    """Stripped text at ``path`` (plain names, any namespace), None when absent or empty."""
    if el is None:
        return None
    value = el.findtext(_any_ns(path))
    if value is None:
        return None
    value = value.strip()
    return value or None


def first(el: etree._Element, path: str) -> etree._Element | None:
    return el.find(_any_ns(path))


def number(value: str | None) -> float | None:
    """The first number in ``value`` ("32719 MB" -> 32719.0, " 6" -> 6.0, "98%" -> 98.0); None without one."""
    if not value:
        return None
    match = _NUMBER.search(value)
    return float(match.group(0)) if match else None


def integer(value: str | None) -> int | None:
    found = number(value)
    return int(found) if found is not None else None


def attr(el: etree._Element | None, name: str) -> str | None:
    """An attribute by local name, whatever its namespace (``junos:seconds`` or plain ``seconds``)."""
    if el is None:
        return None
    value = el.get(name)
    if value is not None:
        return value
    suffix = "}" + name
    for key, found in el.attrib.items():
        if key.endswith(suffix):
            return found
    return None


def seconds(el: etree._Element | None) -> int | None:
    return integer(attr(el, "seconds"))


def celsius(el: etree._Element | None) -> float | None:
    """``<temperature junos:celsius="38">38 degrees C / 100 degrees F</temperature>`` -> 38.0."""
    if el is None:
        return None
    if el.text and el.text.strip() and not re.search(r"\d", el.text):
        return None  # "Testing", "Absent": the attribute then says 0, which is not a reading
    value = number(attr(el, "celsius"))
    if value is not None:
        return value
    match = re.search(r"(-?\d+(?:\.\d+)?)\s*degrees C", el.text or "")
    return float(match.group(1)) if match else None


def local(el: etree._Element) -> str:
    return xmlsafe.local(el.tag)


def nodes(root: etree._Element, tag: str) -> Iterator[tuple[str, etree._Element]]:
    """``(re-name, element)`` for every ``tag`` element: the re-name of the multi-routing-engine item around it
    (re0, node1, fpc0, member1) or "" in a plain reply."""
    items = list(root.iter("{*}multi-routing-engine-item"))
    if not items:
        for el in root.iter(f"{{*}}{tag}"):
            yield "", el
        return
    for item in items:
        name = text(item, "re-name") or ""
        for el in item.iter(f"{{*}}{tag}"):
            yield name, el


def output_text(root: etree._Element) -> str:
    """The text of every ``<output>`` element (answers Junos gives as text: "OSPF instance is not running")."""
    return "\n".join((el.text or "").strip() for el in root.iter("{*}output") if (el.text or "").strip())


@lru_cache(maxsize=512)
def _any_ns(path: str) -> str:
    return "/".join(part if part.startswith(("{", ".")) else f"{{*}}{part}" for part in path.split("/"))


def _load_builtin() -> None:
    # The parser modules register themselves; importing them here makes PARSERS complete on first import.
    from analyzers.health.parsers import chassis, network, system  # noqa: F401


_load_builtin()
