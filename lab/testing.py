"""Helpers for tests and demos that drive the lab with real clients.

``client_environment`` gives clients a clean, fast environment: HOME in a scratch folder (PyEZ and paramiko read
``~/.ssh``) and ncclient's session loop tick lowered (it otherwise adds ~100 ms per RPC, see the field notes).
``shipped_devices`` loads every folder under lab/devices. ``raw_netconf`` is a minimal NETCONF client on asyncssh
that returns replies as bytes, unparsed: for looking at what a device sent (framing, DTDs) without trusting a parser.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import asyncssh

from lab.device import SimDevice, load_device_folder
from lab.netconf import BASE_10, BASE_11, EOM, Framer, frame

DEVICES = Path(__file__).with_name("devices")


def shipped_devices(host_prefix: str = "127.0.1.", first: int = 1, port: int = 0) -> list[SimDevice]:
    """Every device folder under lab/devices, named after its folder, each on its own loopback address."""
    folders = sorted(p for p in DEVICES.iterdir() if p.is_dir() and (p / "get-software-information.xml").exists())
    return [
        load_device_folder(f, name=f.name, host=f"{host_prefix}{first + i}", port=port) for i, f in enumerate(folders)
    ]


@contextmanager
def client_environment(home: Path, tick: float | None = 0.002) -> Iterator[None]:
    """Run clients with HOME=``home`` (an empty ~/.ssh) and ncclient's TICK lowered (``tick=None`` leaves it as it
    is); both restored afterwards."""
    import ncclient.transport.session as nc_session

    (home / ".ssh").mkdir(parents=True, exist_ok=True)
    saved_home, saved_tick = os.environ.get("HOME"), nc_session.TICK
    os.environ["HOME"] = str(home)
    if tick is not None:
        nc_session.TICK = tick
    try:
        yield
    finally:
        nc_session.TICK = saved_tick
        if saved_home is None:
            os.environ.pop("HOME", None)
        else:
            os.environ["HOME"] = saved_home


_CLIENT_HELLO = (
    '<?xml version="1.0" encoding="UTF-8"?><hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">'
    "<capabilities>{caps}</capabilities></hello>"
)


@dataclass(frozen=True)
class RawSession:
    hello: bytes  # the server's hello
    replies: list[bytes]  # one complete message per RPC sent, de-framed but not parsed
    chunked: bool  # True when the session switched to RFC 6242 chunked framing after the hellos


def raw_netconf(host: str, port: int, username: str, password: str, rpcs: Sequence[str], *,
                versions: Sequence[str] = ("1.0", "1.1"), hello_prefix: bytes = b"",
                timeout: float = 10.0) -> RawSession:
    """Exchange hellos (offering ``versions``; ``hello_prefix`` is sent first, as clients that put blank lines
    before ``<?xml`` do), send each RPC body wrapped in <rpc message-id=N>, collect the replies."""
    return asyncio.run(asyncio.wait_for(
        _raw_netconf(host, port, username, password, rpcs=rpcs, versions=versions, hello_prefix=hello_prefix),
        timeout))


async def _raw_netconf(host: str, port: int, username: str, password: str, *, rpcs: Sequence[str],
                       versions: Sequence[str], hello_prefix: bytes) -> RawSession:
    async with asyncssh.connect(host, port=port, username=username, password=password, known_hosts=None,
                                client_keys=None, agent_path=None, config=None) as conn:
        writer, reader, _ = await conn.open_session(subsystem="netconf", encoding=None)
        framer = Framer()
        server_hello = await _read_message(reader, framer)
        caps = [c for v, c in (("1.0", BASE_10), ("1.1", BASE_11)) if v in versions]
        hello = _CLIENT_HELLO.format(caps="".join(f"<capability>{c}</capability>" for c in caps))
        writer.write(hello_prefix + hello.encode() + EOM)
        framer.chunked = BASE_11 in caps and BASE_11.encode() in server_hello
        replies = []
        for i, body in enumerate(rpcs, 1):
            msg = f'<rpc message-id="{i}" xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">{body}</rpc>'
            writer.write(frame(msg.encode(), framer.chunked))
            replies.append(await _read_message(reader, framer))
        writer.close()
        return RawSession(server_hello, replies, framer.chunked)


async def _read_message(reader: asyncssh.SSHReader[bytes], framer: Framer) -> bytes:
    while (msg := framer.next()) is None:
        data = await reader.read(65536)
        if not data:
            raise ConnectionError("the device closed the session")
        framer.add(data)
    return msg
