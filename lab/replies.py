"""Replies as the simulator stores and sends them: parsed once at load time, serialized once, embedded per request.

Also the documents that faults send instead of a normal reply (malformed XML, entity declarations, a very large
reply) and the ``<rpc-error>`` a real device answers an RPC it does not know with.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from lxml import etree

from msplus import xmlsafe

NETCONF_NS = "urn:ietf:params:xml:ns:netconf:base:1.0"
_WRAPPED = re.compile(rb"^(<\?xml[^>]*\?>\s*)?(<!--.*?-->\s*)*<rpc-reply[\s>]", re.DOTALL)
_EOM = b"]]>]]>"


@dataclass(frozen=True, slots=True)
class Reply:
    """One canned reply: ``payload`` is the <rpc-reply> element (parsed), ``body`` its children serialized."""

    payload: etree._Element
    body: bytes
    source: str


def junos_ns(release: str) -> str:
    return f"http://xml.juniper.net/junos/{release}/junos"


def reply_from_xml(data: bytes | str, *, source: str, release: str) -> Reply:
    """Parse a reply as stored in a device folder: with or without the <rpc-reply> wrapper, maybe with a NETCONF
    1.0 end marker or CLI ``<cli><banner>`` element (both dropped). Raises MalformedReplyError."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    raw = raw.strip()
    if raw.endswith(_EOM):
        raw = raw[: -len(_EOM)].rstrip()
    if not _WRAPPED.match(raw):
        # Bodies copied without the wrapper use the junos: prefix the wrapper normally declares.
        # Same line as the body, so error positions keep the file's line numbers.
        raw = b'<rpc-reply xmlns:junos="%s">%s</rpc-reply>' % (junos_ns(release).encode(), raw)
    root = xmlsafe.parse(raw, source=source)
    for cli in [c for c in root if isinstance(c.tag, str) and xmlsafe.local(c.tag) == "cli"]:
        root.remove(cli)
    return reply_from_element(root, source=source)


def reply_from_element(root: etree._Element, *, source: str) -> Reply:
    parts = [etree.tostring(child, with_tail=False) for child in root if isinstance(child.tag, str)]
    text = (root.text or "").strip()
    body = b"\n".join(parts) if parts else escape(text).encode()
    return Reply(payload=root, body=body, source=source)


def reply_from_body(body: str, *, source: str, release: str) -> Reply:
    """A reply built by the simulator itself (payload text without wrapper)."""
    return reply_from_xml(body, source=source, release=release)


def document(attrs: dict[str, str], body: bytes, release: str) -> bytes:
    """A complete <rpc-reply> as a Junos device sends it, echoing the <rpc> element's attributes (message-id)."""
    echoed = "".join(f" {name}={quoteattr(value)}" for name, value in attrs.items() if "{" not in name)
    head = f'<rpc-reply xmlns="{NETCONF_NS}" xmlns:junos="{junos_ns(release)}"{echoed}>\n'
    return head.encode() + body + b"\n</rpc-reply>"


def rpc_error(message: str, *, bad_element: str | None = None, tag: str = "operation-failed",
              error_type: str = "protocol") -> bytes:
    """The <rpc-error> a Junos device answers with (PyEZ turns it into RpcError)."""
    info = f"<error-info>\n<bad-element>{escape(bad_element)}</bad-element>\n</error-info>\n" if bad_element else ""
    return (
        f"<rpc-error>\n<error-type>{error_type}</error-type>\n<error-tag>{tag}</error-tag>\n"
        f"<error-severity>error</error-severity>\n<error-message>{escape(message)}</error-message>\n{info}"
        f"</rpc-error>"
    ).encode()


def ok() -> bytes:
    return b"<ok/>"


# ---------------------------------------------------------------------------------------------------------------
# Fault documents. Each replaces the whole message, because a DTD must come before the root element.


def malformed_document(attrs: dict[str, str], reply: Reply | None, release: str) -> bytes:
    """A reply cut short: the payload's closing tags are missing, the document ends inside an element."""
    body = reply.body if reply is not None and reply.body else b"<output>partial"
    cut = body[: max(len(body) * 2 // 3, 1)]
    return document(attrs, cut, release)[: -len(b"\n</rpc-reply>")] + b"\n</rpc-reply"


def entity_expansion_document(attrs: dict[str, str], release: str) -> bytes:
    """The classic "billion laughs": ten nested entities, each ten times the previous (10^9 'lol' if expanded)."""
    decls = ['<!ENTITY lol0 "lol">']
    decls += [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    dtd = "<!DOCTYPE rpc-reply [\n" + "\n".join(decls) + "\n]>\n"
    body = b"<output>&lol9;</output>"
    return dtd.encode() + document(attrs, body, release)


def external_entity_document(attrs: dict[str, str], release: str) -> bytes:
    """A reply declaring an external entity that would read a local file if a parser resolved it."""
    dtd = '<!DOCTYPE rpc-reply [\n<!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>\n'
    return dtd.encode() + document(attrs, b"<output>&xxe;</output>", release)


def large_interfaces_body(megabytes: float) -> bytes:
    """An <interface-information> of about ``megabytes`` MB: many physical interfaces with counters, in the shape
    of a real ``show interfaces extensive`` reply, so a collector's size handling can be tested."""
    target = int(megabytes * 1024 * 1024)
    template = (
        "<physical-interface>\n<name>{name}</name>\n<admin-status junos:format=\"Enabled\">up</admin-status>\n"
        "<oper-status>up</oper-status>\n<local-index>{index}</local-index>\n<snmp-index>{snmp}</snmp-index>\n"
        "<description>lab generated interface {index}</description>\n<mtu>1514</mtu>\n<speed>10Gbps</speed>\n"
        "<traffic-statistics junos:style=\"verbose\">\n<input-bytes>{inb}</input-bytes>\n"
        "<output-bytes>{outb}</output-bytes>\n<input-packets>{inp}</input-packets>\n"
        "<output-packets>{outp}</output-packets>\n</traffic-statistics>\n"
        "<input-error-list>\n<input-errors>0</input-errors>\n<input-drops>0</input-drops>\n"
        "<framing-errors>0</framing-errors>\n<input-runts>0</input-runts>\n</input-error-list>\n"
        "</physical-interface>\n"
    )
    parts = ['<interface-information xmlns="http://xml.juniper.net/junos/lab/junos-interface" junos:style="normal">\n']
    size = len(parts[0])
    index = 0
    while size < target:
        fpc, rest = divmod(index, 48 * 4)
        pic, port = divmod(rest, 48)
        part = template.format(
            name=f"xe-{fpc}/{pic}/{port}", index=index + 150, snmp=index + 500,
            inb=index * 7919, outb=index * 6151, inp=index * 31, outp=index * 29,
        )
        parts.append(part)
        size += len(part)
        index += 1
    parts.append("</interface-information>")
    return "".join(parts).encode()
