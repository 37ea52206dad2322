"""The NETCONF side of a simulated device: hello exchange, 1.0 and 1.1 framing, one RPC at a time.

Framing: the hellos always use the 1.0 end-of-message marker ``]]>]]>``; afterwards chunked framing (RFC 6242) is
used when both hellos list ``urn:ietf:params:netconf:base:1.1``. The device's ``netconf.versions`` decides what the
server offers, so a test can force 1.0 with an unmodified ncclient.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable

import asyncssh

from lab import replies
from lab.device import SimDevice
from lab.rpc import Outcome, dispatch
from msplus import xmlsafe
from msplus.errors import MalformedReplyError

log = logging.getLogger(__name__)

EOM = b"]]>]]>"
BASE_10 = "urn:ietf:params:netconf:base:1.0"
BASE_11 = "urn:ietf:params:netconf:base:1.1"
_CAPABILITIES = (
    "urn:ietf:params:netconf:capability:candidate:1.0",
    "urn:ietf:params:netconf:capability:confirmed-commit:1.0",
    "urn:ietf:params:netconf:capability:validate:1.0",
    "urn:ietf:params:netconf:capability:url:1.0?scheme=http,ftp,file",
    "urn:ietf:params:xml:ns:netconf:base:1.0",
    "urn:ietf:params:xml:ns:netconf:capability:candidate:1.0",
    "urn:ietf:params:xml:ns:netconf:capability:confirmed-commit:1.0",
    "urn:ietf:params:xml:ns:netconf:capability:validate:1.0",
    "urn:ietf:params:xml:ns:netconf:capability:url:1.0?scheme=http,ftp,file",
    "urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring",
    "http://xml.juniper.net/netconf/junos/1.0",
    "http://xml.juniper.net/dmi/system/1.0",
)
_MAX_CHUNK = 4294967295


class FramingError(Exception):
    """The client broke NETCONF framing; the session is dropped, as a device would."""


class Framer:
    """Splits the incoming byte stream into NETCONF messages; ``chunked`` may change between messages."""

    def __init__(self) -> None:
        self.chunked = False
        self._buf = bytearray()
        self._partial = bytearray()

    def add(self, data: bytes) -> None:
        self._buf += data

    def next(self) -> bytes | None:
        return self._next_chunked() if self.chunked else self._next_eom()

    def _next_eom(self) -> bytes | None:
        end = self._buf.find(EOM)
        if end < 0:
            return None
        msg = bytes(self._buf[:end])
        del self._buf[: end + len(EOM)]
        return msg

    def _next_chunked(self) -> bytes | None:
        buf = self._buf
        while True:
            while buf[:1] in (b"\r", b" ", b"\t") or (buf[:1] == b"\n" and buf[1:2] == b"\n"):
                del buf[:1]  # stray whitespace some clients put between messages
            if len(buf) < 4:
                return None
            if buf[:4] == b"\n##\n":
                del buf[:4]
                msg = bytes(self._partial)
                self._partial.clear()
                return msg
            if buf[:2] != b"\n#":
                raise FramingError(f"expected a chunk header, got {bytes(buf[:16])!r}")
            eol = buf.find(b"\n", 2)
            if eol < 0:
                if len(buf) > 14:
                    raise FramingError("chunk header too long")
                return None
            digits = bytes(buf[2:eol])
            if not digits.isdigit() or not 0 < int(digits) <= _MAX_CHUNK:
                raise FramingError(f"bad chunk size {digits!r}")
            size = int(digits)
            if len(buf) < eol + 1 + size:
                return None
            self._partial += buf[eol + 1 : eol + 1 + size]
            del buf[: eol + 1 + size]


def frame(msg: bytes, chunked: bool) -> bytes:
    if chunked:
        return b"\n#%d\n%s\n##\n" % (len(msg), msg)
    return msg + b"\n" + EOM


class NetconfSession(asyncssh.SSHServerSession):
    """One NETCONF session. ``on_rpc`` is told each RPC name (the lab's rpc_log); ``force_10`` is for the legacy
    ``xml-mode netconf need-trailer`` exec form, which never negotiates chunked framing."""

    def __init__(self, device: SimDevice, on_rpc: Callable[[str], None], *, force_10: bool = False) -> None:
        self._device = device
        self._on_rpc = on_rpc
        self._force_10 = force_10
        self._framer = Framer()
        self._hello_done = False
        self._queue: asyncio.Queue[bytes] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self._chan: asyncssh.SSHServerChannel | None = None
        self._answered = 0
        self._offered = [BASE_10]

    def connection_made(self, chan: asyncssh.SSHServerChannel) -> None:
        self._chan = chan

    def session_started(self) -> None:
        assert self._chan is not None
        versions = ("1.0",) if self._force_10 else self._device.netconf_versions
        self._offered = [base for v, base in (("1.0", BASE_10), ("1.1", BASE_11)) if v in versions]
        caps = "".join(f"<capability>{c}</capability>" for c in (*self._offered, *_CAPABILITIES))
        hello = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<hello xmlns="{replies.NETCONF_NS}"><capabilities>{caps}</capabilities>'
            f"<session-id>{random.randint(1000, 65000)}</session-id></hello>"  # a session id, not a secret
        )
        self._chan.write(frame(hello.encode(), chunked=False))
        self._task = asyncio.get_running_loop().create_task(self._worker())

    def data_received(self, data: bytes, datatype: int | None) -> None:
        self._framer.add(data)
        try:
            while (msg := self._framer.next()) is not None:
                if self._hello_done:
                    self._queue.put_nowait(msg)
                else:
                    self._client_hello(msg)
        except (FramingError, MalformedReplyError) as exc:
            log.info("%s: dropping NETCONF session: %s", self._device.name, exc)
            self._abort()

    def eof_received(self) -> bool:
        self._close()
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        if self._task is not None:
            self._task.cancel()

    # -----------------------------------------------------------------------------------------------------------

    def _client_hello(self, msg: bytes) -> None:
        # Clients may send blank lines before <?xml; xmlsafe.parse strips leading whitespace.
        hello = xmlsafe.parse(msg, source=f"{self._device.name}: client hello")
        if xmlsafe.local(hello.tag) != "hello":
            raise MalformedReplyError(f"expected <hello>, got <{xmlsafe.local(hello.tag)}>")
        caps = {(c.text or "").strip() for c in hello.iter("{*}capability")}
        self._framer.chunked = BASE_11 in caps and BASE_11 in self._offered
        self._hello_done = True

    async def _worker(self) -> None:
        while True:
            msg = await self._queue.get()
            if not await self._handle(msg):
                return

    async def _handle(self, msg: bytes) -> bool:
        """Answer one message; False when the session has ended."""
        device = self._device
        try:
            rpc = xmlsafe.parse(msg, source=f"{device.name}: rpc")
        except MalformedReplyError:
            self._send(replies.document({}, replies.rpc_error("syntax error", tag="malformed-message",
                                                               error_type="rpc"), device.release_ns))
            return True
        attrs = {str(k): str(v) for k, v in rpc.attrib.items()}
        op = next((c for c in rpc if isinstance(c.tag, str)), None)
        if xmlsafe.local(rpc.tag) != "rpc" or op is None:
            bad = xmlsafe.local(rpc.tag)  # not an <rpc>, or an <rpc> without an operation
            self._send(replies.document(attrs, replies.rpc_error("syntax error", bad_element=bad), device.release_ns))
            return True
        name = xmlsafe.local(op.tag)
        self._on_rpc(name)
        limit = device.faults.disconnect_after_rpcs
        if limit is not None and self._answered >= limit:
            self._abort()
            return False
        try:
            outcome: Outcome = dispatch(device, op, attrs)
        except Exception:  # a simulator bug must answer (and show in the log), not leave the client waiting
            log.exception("%s: cannot answer <%s>", device.name, name)
            outcome = Outcome(body=replies.rpc_error("lab simulator internal error", tag="operation-failed",
                                                     error_type="application"))
        delay = device.latency_for(name)
        if delay:
            await asyncio.sleep(delay)
        if outcome.action == "hang":
            await asyncio.Event().wait()  # never set: the client's timeout is what ends this
        if outcome.action == "disconnect":
            self._abort()
            return False
        self._send(outcome.document or replies.document(attrs, outcome.body, device.release_ns))
        self._answered += 1
        if outcome.action == "close":
            self._close()
            return False
        return True

    def _send(self, message: bytes) -> None:
        if self._chan is not None:
            self._chan.write(frame(message, self._framer.chunked))

    def _close(self) -> None:
        if self._chan is not None:
            self._chan.exit(0)

    def _abort(self) -> None:
        if self._chan is not None:
            self._chan.get_connection().abort()
