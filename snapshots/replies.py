"""Checking a reply as received: safe parse, in-band errors, the configuration text.

Shared by every collector (and by the profile builder, which must skip replies that are errors), so that a reply
means the same thing whichever way it was collected.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lxml import etree

from msplus import xmlsafe
from msplus.errors import DeviceError, MalformedReplyError
from msplus.records import Request

if TYPE_CHECKING:
    from snapshots.writer import Sink


def parse_reply(body: bytes | str, *, source: str, pasted: bool = False) -> etree._Element:
    """Parse a reply with entity expansion off. A DTD, entities, truncation or an empty reply is
    ``DeviceError('malformed_reply')``."""
    try:
        return xmlsafe.parse_pasted(body, source=source) if pasted else xmlsafe.parse(body, source=source)
    except MalformedReplyError as exc:
        raise DeviceError("malformed_reply", str(exc)) from exc


def reply_errors(root: etree._Element) -> list[str]:
    """Error messages carried in a reply: ``<rpc-error>`` of severity error, and Junos' in-band ``<xnm:error>``
    (e.g. "Chassis cluster is not enabled"). Warnings are not errors."""
    messages = []
    for el in _error_elements(root):
        severity = _child_text(el, "error-severity")
        if severity and severity.lower() == "warning":
            continue
        message = _child_text(el, "error-message") or _child_text(el, "message") or "error"
        bad = _child_text(el, "bad-element")
        info = el.find("{*}error-info")
        if bad is None and info is not None:
            bad = _child_text(info, "bad-element")
        messages.append(f"{message.strip()}" + (f" (bad element: {bad.strip()})" if bad else ""))
    return messages


def _error_elements(root: etree._Element) -> list[etree._Element]:
    # lxml filters by tag in C: walking every element in Python cost more than parsing a large reply.
    return [el for el in root.iter("{*}rpc-error", "{*}error")
            if xmlsafe.local(el.tag) == "rpc-error" or "xnm" in el.tag or el.prefix == "xnm"]


def _child_text(el: etree._Element, name: str) -> str | None:
    for child in el:
        if isinstance(child.tag, str) and xmlsafe.local(child.tag) == name:
            return child.text
    return None


def check(request: Request, body: bytes, *, source: str, pasted: bool = False) -> tuple[bytes, str | None]:
    """What to save for ``request`` and the device's error message (None when the reply is good).

    The configuration is saved as plain text (the ``<configuration-text>`` of the reply); everything else as the
    XML received. Raises DeviceError('malformed_reply') when the reply cannot be read safely.
    """
    root = parse_reply(body, source=source, pasted=pasted)
    errors = reply_errors(root)
    if errors:
        return body, "; ".join(errors)
    if is_empty(root):
        if not request.optional:
            raise DeviceError("malformed_reply", f"{source}: empty reply (an <rpc-reply> with no content)")
        return body, "empty reply"
    if request.rpc == "get-configuration" and dict(request.args).get("format") == "text":
        text = configuration_text(root)
        if text is None:
            raise DeviceError("malformed_reply", f"{source}: no <configuration-text> in the configuration reply")
        return text.encode("utf-8"), None
    return body, None


def save(sink: Sink, request: Request, raw: bytes, *, seconds: float, source: str, pasted: bool = False) -> str | None:
    """Check a reply (``check``) and hand it to the sink; returns the device's error message, None when good.

    A reply that cannot be read safely is kept, for the post-mortem, under a name that says it is not a usable
    reply (``<file>.malformed``) and the DeviceError('malformed_reply') goes on to the caller."""
    try:
        body, error = check(request, raw, source=source, pasted=pasted)
    except DeviceError:
        sink.reply(request, raw, seconds=seconds, error="malformed reply", file=request.file + ".malformed")
        raise
    sink.reply(request, body, seconds=seconds, error=error)
    return error


def is_empty(root: etree._Element) -> bool:
    """An ``<rpc-reply>`` with neither elements nor text: the device answered nothing."""
    if xmlsafe.local(root.tag) != "rpc-reply":
        return False
    return not any(isinstance(c.tag, str) for c in root) and not (root.text or "").strip()


def configuration_text(root: etree._Element) -> str | None:
    """The text of ``<configuration-text>`` (RPC) or ``<configuration-output>`` (CLI through RPC)."""
    for el in root.iter():
        if isinstance(el.tag, str) and xmlsafe.local(el.tag) in ("configuration-text", "configuration-output"):
            return el.text or ""
    return None
