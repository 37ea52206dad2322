"""LabServer: serves many simulated devices over real SSH, each on its own host:port, from one process.

An asyncio loop runs in a background thread; ``start()`` (or ``with LabServer(...)``) returns when every device
listens. Per connection: password or public-key authentication against the device's credentials, TCP_NODELAY (a
key exchange must not wait on Nagle), then the ``netconf`` subsystem (lab.netconf) or a CLI shell (lab.shell).
Listening sockets use SO_REUSEADDR, so a restarted lab binds the same addresses at once; host keys are derived
from each device's identity (lab.hostkey), so they stay the same across restarts.

    sim = load_device_folder("lab/devices/vmx", name="r1", host="127.0.1.1", port=830)
    with LabServer([sim]) as lab:
        host, port = lab.address("r1")
        lab.device("r1").faults.hang_on.add("get-bgp-summary-information")
        lab.rpc_log("r1")
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import asyncssh

from lab import hostkey
from lab.device import SimDevice, load_device_folder
from lab.netconf import NetconfSession
from lab.shell import ShellSession
from msplus.errors import AssessError, DeviceFolderError
from msplus.records import Inventory

__all__ = ["LabServer", "SimDevice", "load_device_folder"]

log = logging.getLogger(__name__)
_START_TIMEOUT = 30.0


class _Served:
    """A device as served: its listener, host key, open connections and RPC log."""

    def __init__(self, sim: SimDevice) -> None:
        self.sim = sim
        self.key = hostkey.host_key(sim.name, sim.host, sim.port)
        self.acceptor: asyncssh.SSHAcceptor | None = None
        self.port = sim.port
        self.connections: set[asyncssh.SSHServerConnection] = set()
        self.log: list[str] = []
        self.lock = threading.Lock()

    def record(self, rpc: str) -> None:
        with self.lock:
            self.log.append(rpc)


class _DeviceSSH(asyncssh.SSHServer):
    def __init__(self, served: _Served) -> None:
        self._served = served
        self._conn: asyncssh.SSHServerConnection | None = None
        self._user = ""

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self._conn = conn
        sock = conn.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._served.connections.add(conn)
        if self._served.sim.faults.refuse_connection:
            conn.abort()  # set while running; at start-up a refusing device does not listen at all

    def connection_lost(self, exc: Exception | None) -> None:
        if self._conn is not None:
            self._served.connections.discard(self._conn)

    def begin_auth(self, username: str) -> bool:
        self._user = username
        return True

    def password_auth_supported(self) -> bool:
        return True

    def validate_password(self, username: str, password: str) -> bool:
        return self._served.sim.check_password(username, password)

    def public_key_auth_supported(self) -> bool:
        return True

    def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        return self._served.sim.check_key(username, key)

    def kbdint_auth_supported(self) -> bool:
        return False

    def session_requested(self) -> _Session:
        return _Session(self._served, self._user)


class _Session(asyncssh.SSHServerSession):
    """Routes a session channel to NETCONF (subsystem ``netconf`` or the legacy ``xml-mode`` exec) or the CLI."""

    def __init__(self, served: _Served, user: str) -> None:
        self._served = served
        self._user = user
        self._chan: asyncssh.SSHServerChannel | None = None
        self._inner: asyncssh.SSHServerSession | None = None
        self._pty = False

    def connection_made(self, chan: asyncssh.SSHServerChannel) -> None:
        self._chan = chan

    def pty_requested(self, term_type: str, term_size: Any, term_modes: Any) -> bool:
        self._pty = True
        return True

    def subsystem_requested(self, subsystem: str) -> bool:
        if subsystem != "netconf":
            return False
        self._attach(NetconfSession(self._served.sim, self._served.record))
        return True

    def shell_requested(self) -> bool:
        self._attach(ShellSession(self._served.sim, self._user, self._served.record))
        return True

    def exec_requested(self, command: str) -> bool:
        if command.strip().startswith("xml-mode netconf"):
            self._attach(NetconfSession(self._served.sim, self._served.record, force_10=True))
        else:
            self._attach(ShellSession(self._served.sim, self._user, self._served.record, command=command))
        return True

    def _attach(self, inner: Any) -> None:
        self._inner = inner
        inner.connection_made(self._chan)
        if self._pty and isinstance(inner, ShellSession):
            inner.pty_requested("vt100", (80, 24, 0, 0), {})

    def session_started(self) -> None:
        if self._inner is not None:
            self._inner.session_started()

    def data_received(self, data: bytes, datatype: int | None) -> None:
        if self._inner is not None:
            self._inner.data_received(data, datatype)

    def eof_received(self) -> bool:
        return bool(self._inner.eof_received()) if self._inner is not None else False

    def connection_lost(self, exc: Exception | None) -> None:
        if self._inner is not None:
            self._inner.connection_lost(exc)


class LabServer:
    """Serves simulated devices; see the module docstring. Device names and addresses must be unique."""

    def __init__(self, devices: Iterable[SimDevice]) -> None:
        self._served: dict[str, _Served] = {}
        seen: set[tuple[str, int]] = set()
        for sim in devices:
            if sim.name in self._served:
                raise DeviceFolderError(f"device name {sim.name!r} is used twice", key="name")
            if sim.port and (sim.host, sim.port) in seen:
                raise DeviceFolderError(f"{sim.name}: address {sim.host}:{sim.port} is used twice", key="host")
            seen.add((sim.host, sim.port))
            self._served[sim.name] = _Served(sim)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    @classmethod
    def from_inventory(cls, inventory: Inventory) -> LabServer:
        """Every inventory device with ``simulate:``, served at its host:port with its credentials."""
        devices = []
        for dev in inventory.devices:
            if dev.simulate is None:
                continue
            keys: list[str | Path] = []
            if dev.key_file is not None:  # the client's key: accept its public half (id_x.pub, else derived)
                public = dev.key_file.with_name(dev.key_file.name + ".pub")
                keys.append(public if public.is_file() else dev.key_file)
            devices.append(load_device_folder(
                dev.simulate, name=dev.name, host=dev.host or "127.0.0.1", port=dev.port,
                username=dev.username, password=dev.password, authorized_keys=keys,
            ))
        return cls(devices)

    # -- lifecycle ----------------------------------------------------------------------------------------------

    def start(self) -> LabServer:
        if self._thread is not None:
            return self
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._thread = threading.Thread(target=loop.run_forever, name="msplus-lab", daemon=True)
        self._thread.start()
        try:
            asyncio.run_coroutine_threadsafe(self._listen_all(), loop).result(_START_TIMEOUT)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Close every listener and connection, then the loop. The addresses can be bound again at once."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        if loop.is_running():
            asyncio.run_coroutine_threadsafe(self._close_all(), loop).result(_START_TIMEOUT)
            loop.call_soon_threadsafe(loop.stop)
        thread.join(_START_TIMEOUT)
        loop.close()
        self._loop = None
        self._thread = None

    def __enter__(self) -> LabServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- queries and control ------------------------------------------------------------------------------------

    def names(self) -> list[str]:
        return list(self._served)

    def address(self, name: str) -> tuple[str, int]:
        served = self._served[name]
        return served.sim.host, served.port

    def device(self, name: str) -> SimDevice:
        return self._served[name].sim

    def rpc_log(self, name: str) -> list[str]:
        served = self._served[name]
        with served.lock:
            return list(served.log)

    def clear_rpc_log(self, name: str) -> None:
        served = self._served[name]
        with served.lock:
            served.log.clear()

    def host_key(self, name: str) -> asyncssh.SSHKey:
        return self._served[name].key

    def fingerprint(self, name: str) -> str:
        return hostkey.fingerprint(self._served[name].key)

    def known_hosts(self) -> str:
        """known_hosts lines for every listening device (for host key verification tests and demos)."""
        lines = []
        for name, served in self._served.items():
            if served.acceptor is not None:
                host, port = self.address(name)
                lines.append(hostkey.known_hosts_line(served.key, host, port))
        return "\n".join(lines) + "\n"

    def set_listening(self, name: str, listening: bool) -> None:
        """Stop (clients then get "connection refused") or resume serving one device while the lab runs."""
        if self._loop is None:
            raise AssessError("the lab is not running")
        served = self._served[name]
        coro = self._listen(served) if listening else self._unlisten(served, drop_connections=True)
        asyncio.run_coroutine_threadsafe(coro, self._loop).result(_START_TIMEOUT)

    # -- inside the loop ----------------------------------------------------------------------------------------

    async def _listen_all(self) -> None:
        await asyncio.gather(*(self._listen(s) for s in self._served.values() if not s.sim.faults.refuse_connection))

    async def _listen(self, served: _Served) -> None:
        if served.acceptor is not None:
            return
        sim = served.sim
        try:
            acceptor = await asyncssh.create_server(
                lambda: _DeviceSSH(served), sim.host, served.port or sim.port,
                server_host_keys=[served.key], reuse_address=True, encoding=None, line_editor=False,
                allow_scp=False, agent_forwarding=False, x11_forwarding=False, login_timeout=30,
            )
        except OSError as exc:
            raise AssessError(f"{sim.name}: cannot listen on {sim.host}:{sim.port}: {exc.strerror or exc}") from exc
        served.acceptor = acceptor
        served.port = acceptor.sockets[0].getsockname()[1]

    async def _unlisten(self, served: _Served, *, drop_connections: bool) -> None:
        if served.acceptor is not None:
            served.acceptor.close()
            await served.acceptor.wait_closed()
            served.acceptor = None
        if drop_connections:
            for conn in list(served.connections):
                conn.abort()
            served.connections.clear()

    async def _close_all(self) -> None:
        await asyncio.gather(*(self._unlisten(s, drop_connections=True) for s in self._served.values()))
        await asyncio.sleep(0)  # let aborted transports run their close callbacks before the loop stops
