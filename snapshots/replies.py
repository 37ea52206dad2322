"""Checking a reply as received: safe parse, in-band errors, the configuration text.

Shared by every collector (and by the profile builder, which must skip replies that are errors), so that a reply
means the same thing whichever way it was collected.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

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


# ---------------------------------------------------------------------------------------------- streamed replies

_READ = 1 << 20  # bytes fed to the parser at a time
_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
_FIELD_LIMIT = 4096  # characters kept of an error's message, severity or bad element
_ERROR_FIELDS = ("error-severity", "error-message", "message", "bad-element")


class _Scan:
    """An lxml parser target: reads a reply as it is fed, keeping only what ``check`` needs (the in-band errors,
    whether the reply is empty) and writing the configuration text to ``text_out`` as it comes, so a reply of any
    size is checked in constant memory."""

    def __init__(self, text_out: BinaryIO | None) -> None:
        self.text_out = text_out
        self.depth = 0
        self.root: str | None = None
        self.root_content = False  # an element or text directly under the root
        self.errors: list[str] = []
        self.error_depth: int | None = None  # depth of the error element being read
        self.fields: dict[str, str] = {}
        self.field: str | None = None
        self.config_depth: int | None = None
        self.config_found = False

    def start(self, tag: str, attrib: Any, nsmap: Any = None) -> None:
        self.depth += 1
        name = xmlsafe.local(tag)
        if self.depth == 1:
            self.root = name
        elif self.depth == 2:
            self.root_content = True
        if self.error_depth is None and (name == "rpc-error" or (name == "error" and "xnm" in tag)):
            self.error_depth, self.fields = self.depth, {}
        elif self.error_depth is not None and name in _ERROR_FIELDS and name not in self.fields:
            self.field = name
            self.fields[name] = ""
        if self.text_out is not None and name in ("configuration-text", "configuration-output"):
            self.config_depth, self.config_found = self.depth, True

    def end(self, tag: str) -> None:
        if self.error_depth == self.depth:
            self._error_done()
        if self.config_depth == self.depth:
            self.config_depth = None
        self.field = None
        self.depth -= 1

    def data(self, text: str) -> None:
        if self.depth == 1 and text.strip():
            self.root_content = True
        if self.field is not None and len(self.fields[self.field]) < _FIELD_LIMIT:
            self.fields[self.field] += text[:_FIELD_LIMIT]
        if self.config_depth is not None and self.config_depth == self.depth and self.text_out is not None:
            self.text_out.write(text.encode("utf-8"))

    def comment(self, text: str) -> None:
        return None

    def close(self) -> _Scan:
        return self

    def _error_done(self) -> None:
        self.error_depth = None
        severity = self.fields.get("error-severity", "").strip()
        if severity.lower() == "warning":
            return
        message = (self.fields.get("error-message") or self.fields.get("message") or "error").strip()
        bad = self.fields.get("bad-element", "").strip()
        self.errors.append(message + (f" (bad element: {bad})" if bad else ""))


def check_file(request: Request, reply: Path, text_out: Path, *, source: str) -> tuple[bool, str | None]:
    """``check`` for a reply in a file, streamed: (configuration text written to ``text_out``, error message).

    The first is True when ``text_out`` now holds the configuration as plain text (what is saved instead of the
    reply); otherwise ``text_out`` does not exist. Raises DeviceError('malformed_reply') like ``check``."""
    want_text = request.rpc == "get-configuration" and dict(request.args).get("format") == "text"
    keep_text = False
    try:
        with reply.open("rb") as raw, (text_out.open("wb") if want_text else _Null()) as out:
            scan = _scan(raw, out if want_text else None, source)
        if scan.errors:
            return False, "; ".join(scan.errors)
        if scan.root == "rpc-reply" and not scan.root_content:
            if not request.optional:
                raise DeviceError("malformed_reply", f"{source}: empty reply (an <rpc-reply> with no content)")
            return False, "empty reply"
        if want_text and not scan.config_found:
            raise DeviceError("malformed_reply", f"{source}: no <configuration-text> in the configuration reply")
        keep_text = want_text
        return want_text, None
    finally:
        if want_text and not keep_text:
            text_out.unlink(missing_ok=True)


def _scan(raw: BinaryIO, out: BinaryIO | None, source: str) -> _Scan:
    target = _Scan(out)
    parser = etree.XMLParser(target=target, resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=True)
    tail = b""
    fed = False
    while chunk := raw.read(_READ):
        if not fed:
            chunk = chunk.lstrip()
            if not chunk:
                continue
        if _DTD.search(tail + chunk):
            raise DeviceError("malformed_reply", f"{source}: reply declares a DTD or entities; refused (entity "
                                                 "expansion is off)")
        tail = chunk[-9:]
        try:
            parser.feed(chunk)
        except etree.XMLSyntaxError as exc:
            raise DeviceError("malformed_reply", f"{source}: malformed XML: {exc.msg}") from exc
        fed = True
    if not fed:
        raise DeviceError("malformed_reply", f"{source}: empty reply")
    try:
        result: _Scan = parser.close()
    except etree.XMLSyntaxError as exc:
        raise DeviceError("malformed_reply", f"{source}: malformed XML: {exc.msg}") from exc
    return result


class _Null:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


_PASTED_IN_MEMORY = 16 * 2**20  # a CLI reply the streamed check refuses is re-read leniently up to this size


def save_file(sink: Sink, request: Request, reply: Path, *, seconds: float, source: str,
              pasted: bool = False) -> str | None:
    """``save`` for a reply spooled to a file: checked as it is streamed, and the file (or the configuration text
    taken from it) handed to the sink, which moves it into place. Returns the device's error message.

    ``pasted``: CLI output (``| display xml``), which may carry what ``xmlsafe.parse_pasted`` forgives (a prompt
    line, undeclared prefixes): a reply the streamed check refuses is checked again that lenient way, in memory,
    when it is no larger than 16 MB; the bytes saved are the ones received either way."""
    text = reply.with_name(reply.name + ".text")
    try:
        as_text, error = check_file(request, reply, text, source=source)
    except DeviceError:
        if pasted and reply.stat().st_size <= _PASTED_IN_MEMORY:
            raw = reply.read_bytes()
            reply.unlink()
            return save(sink, request, raw, seconds=seconds, source=source, pasted=True)
        sink.reply_file(request, reply, seconds=seconds, error="malformed reply", file=request.file + ".malformed")
        raise
    if as_text:
        reply.unlink()
        sink.reply_file(request, text, seconds=seconds, error=error)
    else:
        sink.reply_file(request, reply, seconds=seconds, error=error)
    return error
