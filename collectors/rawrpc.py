"""Sending RPCs on an open NETCONF session and getting each reply back exactly as received.

Why not ``dev.rpc.*``:
  * we must save each reply as received; PyEZ returns a re-parsed, XSLT-transformed copy;
  * ncclient parses replies itself (entities resolved) and silently drops one it cannot parse (empty, garbage),
    which became a wait until the RPC timeout; here every framed message comes back unparsed and msplus.xmlsafe
    decides (DTDs and entities refused);
  * ncclient's NETCONF 1.1 de-framer re-decodes the whole pending chunk on every 4 KB read: quadratic, 38 s for a
    32 MB reply in one chunk on the test machine; ``Framer`` is linear (0.03 s);
  * an RPC queued through ncclient waits for its session loop's next TICK; RawRpc writes the channel directly.
"""

from __future__ import annotations

import itertools
import queue
import re
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO, Protocol

import paramiko
import yaml
from jnpr.junos import Device as PyEZDevice
from ncclient.transport import errors as nc_errors
from ncclient.transport import session as nc_session
from ncclient.transport import ssh as nc_ssh

from msplus.errors import DeviceError, InputError
from msplus.limits import limits

_spools = itertools.count(1)  # spool file names, unique in the process (itertools.count is thread-safe in CPython)

NETCONF_NS = "urn:ietf:params:xml:ns:netconf:base:1.0"
ATTRIBUTES_FILE = Path(__file__).with_name("data") / "rpc_attributes.yaml"
MAX_OTHER_MESSAGE = 16 * 2**20  # a message nobody asked for (close-session's reply) is kept in memory, up to this


class Message(Protocol):
    """Where the bytes of one framed message go while it arrives."""

    def write(self, data: bytes) -> None: ...
    def finish(self) -> None: ...


class Framer:
    """NETCONF de-framing (1.0 end marker or 1.1 chunks), linear in the message size and streaming: each piece
    of a message goes to the Message ``start()`` returned for it as soon as it is read, so a reply is never held
    whole in memory. Installed as the session's parser: ncclient's loop calls ``parse(data)`` with each read; an
    exception here (framing error, reply over the limit) ends the session and reaches RawRpc as an error."""

    _CHUNK = re.compile(rb"\n#([1-9][0-9]{0,9})\n")

    def __init__(self, session: nc_ssh.SSHSession, start: Callable[[], Message]) -> None:
        self.session = session
        self.start = start
        self.current: Message | None = None
        self.buf = bytearray()
        self.need = 0  # bytes still to come in the current 1.1 chunk

    def parse(self, data: bytes) -> None:
        self.buf += data
        if self.session._base == nc_session.NetconfBase.BASE_11:
            self._parse11()
        else:
            self._parse10()

    def _emit(self, data: bytes | bytearray) -> None:
        if data:
            if self.current is None:
                self.current = self.start()
            self.current.write(bytes(data))

    def _end(self) -> None:
        if self.current is None:
            self.current = self.start()
        message, self.current = self.current, None
        message.finish()

    def _parse10(self) -> None:
        while True:
            end = self.buf.find(b"]]>]]>")
            if end < 0:
                keep = 5  # the marker may straddle two reads: hold back what could be its start
                if len(self.buf) > keep:
                    self._emit(self.buf[:-keep])
                    del self.buf[:-keep]
                return
            self._emit(self.buf[:end])
            del self.buf[: end + 6]
            self._end()

    def _parse11(self) -> None:
        while self.buf:
            if self.need:
                take = min(self.need, len(self.buf))
                self._emit(self.buf[:take])
                del self.buf[:take]
                self.need -= take
                continue
            if self.buf.startswith(b"\n##\n"):
                del self.buf[:4]
                self._end()
                continue
            match = self._CHUNK.match(self.buf)
            if match:
                self.need = int(match.group(1))
                del self.buf[: match.end()]
                continue
            if len(self.buf) >= 13 or not (b"\n##\n".startswith(bytes(self.buf)) or self.buf.startswith(b"\n#")):
                raise nc_errors.NetconfFramingError(f"bad NETCONF 1.1 framing: {bytes(self.buf[:40])!r}")
            return  # a chunk header split across reads


@dataclass(frozen=True, slots=True)
class Spooled:
    """A reply as received, in a file (``path``) of ``size`` bytes; the caller moves or deletes the file."""

    path: Path
    size: int


class _SpoolMessage:
    """The reply to the outstanding RPC, written to a file as it arrives; cut at ``limit`` bytes."""

    def __init__(self, path: Path, limit: int, deliver: Callable[[Spooled], None]) -> None:
        self.path = path
        self.limit = limit
        self.deliver = deliver
        self.size = 0
        self.file: BinaryIO = path.open("wb")
        self.started = False

    def write(self, data: bytes) -> None:
        if not self.started:  # 1.0 messages begin with the newline after the previous marker
            data = data.lstrip()
            self.started = bool(data)
        self.size += len(data)
        if self.size > self.limit:
            self.file.close()
            raise nc_errors.NetconfFramingError(too_large(self.limit))
        self.file.write(data)

    def finish(self) -> None:
        self.file.close()
        self.deliver(Spooled(self.path, self.size))

    def discard(self) -> None:
        self.file.close()
        with suppress(OSError):
            self.path.unlink()


def too_large(limit: int) -> str:
    """The device error of a reply cut at ``limit`` bytes (every collector says it the same way)."""
    return (f"reply larger than {limit / 2**20:g} MB, cut there (the limit is the inventory's max_reply_megabytes, "
            "else collect.max_reply_bytes in msplus/data/limits.yaml)")


def spool_path(folder: Path) -> Path:
    """A new spool file name in ``folder`` (hidden, so never taken for a reply)."""
    return folder / f".reply-{next(_spools)}.part"


class _MemoryMessage:
    """A message no RPC of ours waits for (close-session's reply, ncclient's own): handed to ncclient whole."""

    def __init__(self, dispatch: Callable[[str], None]) -> None:
        self.dispatch = dispatch
        self.data = bytearray()

    def write(self, data: bytes) -> None:
        self.data += data
        if len(self.data) > MAX_OTHER_MESSAGE:
            raise nc_errors.NetconfFramingError(f"unsolicited message larger than {MAX_OTHER_MESSAGE:,} bytes")

    def finish(self) -> None:
        self.dispatch(bytes(self.data).strip().decode("utf-8", errors="replace"))


class _Errors(nc_session.SessionListener):
    """Hears the session die (disconnect, framing error) and wakes whoever waits for a reply."""

    def __init__(self, inbox: queue.Queue[tuple[str, Any]]) -> None:
        self.inbox = inbox

    def callback(self, root: Any, raw: Any) -> None:  # replies reach RawRpc through the Framer instead
        return None

    def errback(self, ex: Exception) -> None:
        self.inbox.put(("error", ex))


class RawRpc:
    """Sends RPCs on an open PyEZ session and returns each reply as received, spooled to a file in ``spool_dir``
    while it arrives (memory stays small whatever the reply's size; one over ``max_reply`` bytes ends the session).

    One RPC at a time: while one is outstanding, the next framed message is its reply, whatever it contains.
    Messages that arrive when none is outstanding (close-session's reply) go to ncclient as usual.
    """

    def __init__(self, dev: PyEZDevice, timeout: float, spool_dir: Path, *, max_reply: int | None = None) -> None:
        self.session: nc_ssh.SSHSession = dev._conn._session
        self.timeout = timeout
        self.spool_dir = spool_dir
        self.max_reply = max_reply if max_reply is not None else limits().max_reply_bytes
        self.inbox: queue.Queue[tuple[str, Any]] = queue.Queue()
        self.pending = False
        self.healthy = True
        self._ids = itertools.count(1)
        self._spool: _SpoolMessage | None = None
        self.session.add_listener(_Errors(self.inbox))
        self._ncclient_dispatch = self.session._dispatch_message
        self.session.parser = Framer(self.session, self._start_message)

    def _start_message(self) -> Message:
        if self.pending:
            self.pending = False
            self._spool = _SpoolMessage(spool_path(self.spool_dir), self.max_reply,
                                        lambda spooled: self.inbox.put(("reply", spooled)))
            return self._spool
        return _MemoryMessage(self._ncclient_dispatch)

    def call(self, rpc: str, args: tuple[tuple[str, str | bool], ...] = ()) -> Spooled:
        """The reply to ``<rpc>`` as received, in a file. Raises DeviceError: timeout, disconnected,
        malformed_reply (bad framing, or a reply over the limit, cut there and deleted)."""
        xml = rpc_message(next(self._ids), rpc, args)
        if self.session._base == nc_session.NetconfBase.BASE_11:
            framed = b"\n#%d\n%s\n##\n" % (len(xml), xml)
        else:
            framed = xml + b"]]>]]>"
        self._drain_errors()
        self.healthy = False  # until the reply is in: a timeout or disconnect leaves the session unusable
        self.pending = True
        try:
            # Written here rather than queued: ncclient's loop would pick it up only at its next TICK.
            self.session._channel.sendall(framed)
        except (OSError, EOFError, paramiko.SSHException) as exc:
            raise DeviceError("disconnected", f"session closed before {rpc} could be sent ({exc})") from exc
        try:
            kind, value = self.inbox.get(timeout=self.timeout)
        except queue.Empty:
            self._discard_spool()
            raise DeviceError("timeout", f"no reply to {rpc} within {self.timeout:g}s") from None
        if kind == "error":
            self._discard_spool()
            raise _session_error(value, rpc)
        self._spool = None
        self.healthy = True
        spooled: Spooled = value
        return spooled

    def _discard_spool(self) -> None:
        """A reply that never completed leaves no file behind (ncclient's thread may still hold it: best effort)."""
        spool, self._spool = self._spool, None
        if spool is not None:
            spool.discard()

    def close_session(self) -> None:
        """Polite end of the session; a device that does not answer within 2 s is simply disconnected."""
        self.timeout = min(self.timeout, 2.0)
        with suppress(DeviceError):
            reply = self.call("close-session")
            reply.path.unlink(missing_ok=True)

    def _drain_errors(self) -> None:
        with suppress(queue.Empty):
            kind, value = self.inbox.get_nowait()
            if kind == "error":
                raise _session_error(value, "the next RPC")


def rpc_message(message_id: int, rpc: str, args: tuple[tuple[str, str | bool], ...] = ()) -> bytes:
    """``<rpc message-id=...><NAME>args</NAME></rpc>``; arguments Junos wants as attributes become attributes."""
    as_attribute = _attribute_args().get(rpc, frozenset())
    attrs = "".join(f' {k}="{_escape(str(v))}"' for k, v in args if k in as_attribute)
    body = "".join(f"<{k}/>" if v is True else f"<{k}>{_escape(str(v))}</{k}>"
                   for k, v in args if k not in as_attribute)
    return f'<rpc message-id="{message_id}" xmlns="{NETCONF_NS}"><{rpc}{attrs}>{body}</{rpc}></rpc>'.encode()


@lru_cache(maxsize=1)
def _attribute_args() -> dict[str, frozenset[str]]:
    data = yaml.safe_load(ATTRIBUTES_FILE.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or data.get("schema_version") != 1 or not isinstance(data.get("attributes"), dict):
        raise InputError("expected schema_version: 1 and attributes: {rpc: [argument, ...]}", path=str(ATTRIBUTES_FILE))
    return {str(rpc): frozenset(map(str, names)) for rpc, names in data["attributes"].items()}


def _session_error(exc: Exception, rpc: str) -> DeviceError:
    if isinstance(exc, nc_errors.NetconfFramingError):
        return DeviceError("malformed_reply", f"{rpc}: {exc}")
    return DeviceError("disconnected", f"session closed while waiting for {rpc} ({type(exc).__name__})")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
