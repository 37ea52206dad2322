"""NETCONF de-framing of replies (collectors.netconf.Framer): both framings, any split of the byte stream, linear
in the reply size, and broken framing refused."""

from __future__ import annotations

import random
import time
from collections.abc import Callable

import pytest
from ncclient.transport.errors import NetconfFramingError
from ncclient.transport.session import NetconfBase

from collectors.rawrpc import Framer, rpc_message


class _Session:
    """Only what Framer reads from an ncclient session: the framing negotiated in the hello."""

    def __init__(self, base: int) -> None:
        self._base = base


MESSAGES = [b'<rpc-reply message-id="1"><ok/></rpc-reply>', b"",
            b"<rpc-reply>" + "é€".encode() * 5000 + b"</rpc-reply>",
            b'<rpc-reply message-id="3"><output>]]&gt;]]&gt; #12 ##</output></rpc-reply>']


class _Collect:
    """A Message that keeps what it is given and appends it to ``got`` when the message ends (stripped, as the
    collector's own messages are: a 1.0 message carries the newline before its end marker)."""

    def __init__(self, got: list[bytes]) -> None:
        self.got = got
        self.data = bytearray()

    def write(self, data: bytes) -> None:
        self.data += data

    def finish(self) -> None:
        self.got.append(bytes(self.data).strip())


def collecting(got: list[bytes]) -> Callable[[], _Collect]:
    """The start function for a Framer."""
    return lambda: _Collect(got)


def frame11(msg: bytes, chunk: int) -> bytes:
    parts = [msg[i : i + chunk] for i in range(0, len(msg), chunk)] or []
    return b"".join(b"\n#%d\n%s" % (len(p), p) for p in parts) + b"\n##\n"


@pytest.mark.parametrize("base", [NetconfBase.BASE_10, NetconfBase.BASE_11])
def test_messages_survive_any_split(base: int) -> None:
    rng = random.Random(7)
    if base == NetconfBase.BASE_11:
        stream = b"".join(frame11(m, rng.choice([1, 7, 4096, 100000])) for m in MESSAGES)
        expected = [m.strip() for m in MESSAGES]
    else:
        stream = b"".join(m + b"\n]]>]]>" for m in MESSAGES if b"]]>]]>" not in m)
        expected = [m.strip() for m in MESSAGES]
    for _ in range(20):
        got: list[bytes] = []
        framer = Framer(_Session(base), collecting(got))  # type: ignore[arg-type]
        i = 0
        while i < len(stream):
            n = rng.choice([1, 2, 3, 5, 13, 4096, 65536])
            framer.parse(stream[i : i + n])
            i += n
        assert got == expected


def test_large_single_chunk_is_linear() -> None:
    body = b"<rpc-reply>" + b"<x>interface</x>" * (2 * 2**20) + b"</rpc-reply>"  # 32 MB in one chunk
    stream = frame11(body, len(body))
    got: list[bytes] = []
    framer = Framer(_Session(NetconfBase.BASE_11), collecting(got))  # type: ignore[arg-type]
    started = time.perf_counter()
    for i in range(0, len(stream), 4096):
        framer.parse(stream[i : i + 4096])
    assert got == [body]
    assert time.perf_counter() - started < 3  # ncclient's own de-framer takes ~40 s for this on the same machine


def test_broken_framing_refused() -> None:
    framer = Framer(_Session(NetconfBase.BASE_11), collecting([]))  # type: ignore[arg-type]
    with pytest.raises(NetconfFramingError):
        framer.parse(b"<rpc-reply>not chunked</rpc-reply>")


def test_rpc_message_attributes_and_escaping() -> None:
    msg = rpc_message(7, "get-configuration", (("format", "text"), ("database", 'a"b')))
    assert msg.startswith(b'<rpc message-id="7" ')
    assert b'<get-configuration format="text" database="a&quot;b"></get-configuration>' in msg
    other = rpc_message(8, "get-interface-information", (("extensive", True), ("interface-name", "ge-0/0/0<")))
    assert b"<extensive/><interface-name>ge-0/0/0&lt;</interface-name>" in other
