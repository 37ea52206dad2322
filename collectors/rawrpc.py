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
from functools import lru_cache
from pathlib import Path
from typing import Any

import paramiko
import yaml
from jnpr.junos import Device as PyEZDevice
from ncclient.transport import errors as nc_errors
from ncclient.transport import session as nc_session
from ncclient.transport import ssh as nc_ssh

from msplus.errors import DeviceError, InputError

MAX_REPLY = 1024 * 2**20  # a reply above this is refused rather than exhausting memory
NETCONF_NS = "urn:ietf:params:xml:ns:netconf:base:1.0"
ATTRIBUTES_FILE = Path(__file__).with_name("data") / "rpc_attributes.yaml"


class Framer:
    """NETCONF de-framing (1.0 end marker or 1.1 chunks), linear in the message size. Installed as the session's
    parser: ncclient's loop calls ``parse(data)`` with each read."""

    _CHUNK = re.compile(rb"\n#([1-9][0-9]{0,9})\n")

    def __init__(self, session: nc_ssh.SSHSession, deliver: Callable[[bytes], None]) -> None:
        self.session = session
        self.deliver = deliver
        self.buf = bytearray()
        self.msg = bytearray()
        self.need = 0  # bytes still to come in the current 1.1 chunk
        self.scan = 0  # 1.0: where to resume looking for the end marker

    def parse(self, data: bytes) -> None:
        self.buf += data
        if self.session._base == nc_session.NetconfBase.BASE_11:
            self._parse11()
        else:
            self._parse10()
        if len(self.msg) + len(self.buf) > MAX_REPLY:
            raise nc_errors.NetconfFramingError(f"reply larger than {MAX_REPLY // 2**20} MB; refused")

    def _parse10(self) -> None:
        while True:
            end = self.buf.find(b"]]>]]>", self.scan)
            if end < 0:
                self.scan = max(0, len(self.buf) - 5)  # the marker may straddle two reads
                return
            message = bytes(self.buf[:end])
            del self.buf[: end + 6]
            self.scan = 0
            self.deliver(message.strip())

    def _parse11(self) -> None:
        while self.buf:
            if self.need:
                take = min(self.need, len(self.buf))
                self.msg += self.buf[:take]
                del self.buf[:take]
                self.need -= take
                continue
            if self.buf.startswith(b"\n##\n"):
                del self.buf[:4]
                message, self.msg = bytes(self.msg), bytearray()
                self.deliver(message)
                continue
            match = self._CHUNK.match(self.buf)
            if match:
                self.need = int(match.group(1))
                del self.buf[: match.end()]
                continue
            if len(self.buf) >= 13 or not (b"\n##\n".startswith(bytes(self.buf)) or self.buf.startswith(b"\n#")):
                raise nc_errors.NetconfFramingError(f"bad NETCONF 1.1 framing: {bytes(self.buf[:40])!r}")
            return  # a chunk header split across reads


class _Errors(nc_session.SessionListener):
    """Hears the session die (disconnect, framing error) and wakes whoever waits for a reply."""

    def __init__(self, inbox: queue.Queue[tuple[str, Any]]) -> None:
        self.inbox = inbox

    def callback(self, root: Any, raw: Any) -> None:  # replies reach RawRpc through the Framer instead
        return None

    def errback(self, ex: Exception) -> None:
        self.inbox.put(("error", ex))


class RawRpc:
    """Sends RPCs on an open PyEZ session and returns each reply as the bytes received.

    One RPC at a time: while one is outstanding, the next framed message is its reply, whatever it contains.
    Messages that arrive when none is outstanding (close-session's reply) go to ncclient as usual.
    """

    def __init__(self, dev: PyEZDevice, timeout: float) -> None:
        self.session: nc_ssh.SSHSession = dev._conn._session
        self.timeout = timeout
        self.inbox: queue.Queue[tuple[str, Any]] = queue.Queue()
        self.pending = False
        self.healthy = True
        self._ids = itertools.count(1)
        self.session.add_listener(_Errors(self.inbox))
        self._ncclient_dispatch = self.session._dispatch_message
        self.session.parser = Framer(self.session, self._deliver)

    def _deliver(self, message: bytes) -> None:
        if self.pending:
            self.pending = False
            self.inbox.put(("reply", message))
        else:
            self._ncclient_dispatch(message.decode("utf-8", errors="replace"))

    def call(self, rpc: str, args: tuple[tuple[str, str | bool], ...] = ()) -> bytes:
        """The reply to ``<rpc>`` as received. Raises DeviceError: timeout, disconnected."""
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
            raise DeviceError("timeout", f"no reply to {rpc} within {self.timeout:g}s") from None
        if kind == "error":
            raise _session_error(value, rpc)
        self.healthy = True
        data: bytes = value
        return data

    def close_session(self) -> None:
        """Polite end of the session; a device that does not answer within 2 s is simply disconnected."""
        self.timeout = min(self.timeout, 2.0)
        with suppress(DeviceError):
            self.call("close-session")

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
