"""Opening NETCONF sessions through PyEZ: our socket, bounded waits, host-key checks, ncclient's latency fixed.

PyEZ (``jnpr.junos.Device``) opens the session: SSH keys, the agent, ``ssh_config`` (ProxyCommand; a single-hop
ProxyJump becomes ``ssh -W``), the NETCONF subsystem and hello. The plan's RPCs are then sent by
collectors.rawrpc.RawRpc on that session.

Speed (docs/field-notes.md): paramiko never sets TCP_NODELAY, which costs ~80 ms per connection in key exchange and
authentication: we open the TCP socket ourselves, with TCP_NODELAY, and give PyEZ its fd (when no ssh_config
decides how to connect). ncclient's session loop looks at its send queue only every ``TICK`` (0.1 s), so each queued
message waited ~100 ms: RawRpc writes to the channel directly, and ``TICK`` is lowered for what ncclient still queues
itself (hello, close-session, napalm's getters). The whole of open() is bounded by the device's connect_timeout.

Host keys: with ``known_hosts`` set, ncclient's own check runs *before authentication* (the password is never sent
to an impostor) but against our file only, through a per-thread override of ``SSHSession.load_known_hosts``.
PyEZ reports a failed check as ConnectRefusedError; the cause (SSHUnknownHostError) is found on the exception's
context and reported as ``hostkey``.
"""

from __future__ import annotations

import base64
import hashlib
import shlex
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import paramiko
from jnpr.junos import Device as PyEZDevice
from jnpr.junos import exception as ez
from ncclient.transport import errors as nc_errors
from ncclient.transport import session as nc_session
from ncclient.transport import ssh as nc_ssh

from collectors.rawrpc import RawRpc
from msplus.errors import DeviceError
from msplus.kinds import FailureKind
from msplus.records import Device

TICK = 0.01  # ncclient's queue poll (default 0.1 s); only hello and close-session still go through the queue
READ_SIZE = 65536  # ncclient reads 4 KB per loop turn by default

_local = threading.local()
_installed = threading.Lock()
_original_load_known_hosts = nc_ssh.SSHSession.load_known_hosts


def tune_ncclient() -> None:
    """Apply the process-wide ncclient settings above (idempotent)."""
    with _installed:
        nc_session.TICK = TICK
        nc_ssh.BUF_SIZE = READ_SIZE
        nc_ssh.SSHSession.load_known_hosts = _load_known_hosts


def _load_known_hosts(self: nc_ssh.SSHSession, filename: str | None = None) -> None:
    _local.session = self  # so a failed check can still report the key the device offered
    override: Path | None = getattr(_local, "known_hosts", None)
    if override is None:
        _original_load_known_hosts(self, filename)
    elif override.is_file():
        self._host_keys.load(str(override))  # ncclient keeps its HostKeys here


@contextmanager
def verifying_against(known_hosts: Path | None) -> Iterator[None]:
    _local.known_hosts = known_hosts
    _local.session = None
    try:
        yield
    finally:
        _local.known_hosts = None


# ---------------------------------------------------------------------------------------------- opening

def open_device(device: Device, known_hosts: Path | None) -> tuple[PyEZDevice, socket.socket | None]:
    """An open PyEZ Device (facts not gathered) and the socket we opened for it (None when ssh_config decides how
    to connect). Raises DeviceError: unreachable, refused, auth, hostkey, timeout."""
    tune_ncclient()
    kwargs: dict[str, Any] = {
        "host": device.host, "port": device.port, "user": device.username, "gather_facts": False,
        "conn_open_timeout": int(max(1, device.connect_timeout)), "hostkey_verify": known_hosts is not None,
        "huge_tree": True,
    }
    if device.password is not None:
        kwargs["password"] = device.password.reveal()
    if device.key_file is not None:
        kwargs["ssh_private_key_file"] = str(device.key_file)
    config = ssh_config_for(device)
    sock = None
    if config is not None:
        kwargs["ssh_config"] = str(config)  # ProxyCommand, HostName, User, IdentityFile: PyEZ/ncclient connect
        jump = proxy_jump_command(config, device)
        if jump:
            kwargs["proxy_command"] = jump
    else:
        sock = connect_socket(device.host or "", device.port, device.connect_timeout)
        kwargs["sock_fd"] = sock.fileno()
    try:
        dev = PyEZDevice(**kwargs)
    except ValueError as exc:  # PyEZ refuses host names it cannot use
        _close_quietly(sock)
        raise DeviceError("unreachable", f"{device.host}: {exc}") from exc
    if sock is None:
        _open_waiting(dev, device, known_hosts)
    else:
        _open_watched(dev, device, known_hosts, sock)
    dev.timeout = int(max(1, device.timeout))
    return dev, sock


def _open_watched(dev: PyEZDevice, device: Device, known_hosts: Path | None, sock: socket.socket) -> None:
    """open() on our own socket: the watchdog shuts the socket down at connect_timeout, which ends open()."""
    watchdog = _Watchdog(sock, device.connect_timeout)
    try:
        with watchdog, verifying_against(known_hosts):
            dev.open()
    except ez.ConnectError as exc:
        _close_quietly(sock)
        if watchdog.fired:
            raise DeviceError("timeout", f"no NETCONF session within {device.connect_timeout:g}s "
                                         f"(SSH or NETCONF hello did not complete)") from exc
        raise translate_connect_error(exc, device, known_hosts) from exc


def _open_waiting(dev: PyEZDevice, device: Device, known_hosts: Path | None) -> None:
    """open() when ssh_config decides how to connect (ncclient opens the socket or a ProxyCommand, which we cannot
    reach): it runs in a helper thread and we wait for it at most connect_timeout. paramiko's own waits (15 s for
    the banner) would otherwise decide. A session that comes up after we gave up is closed by the helper."""
    lock = threading.Lock()
    done = threading.Event()
    state: dict[str, Any] = {"abandoned": False, "error": None}

    def run() -> None:
        try:
            with verifying_against(known_hosts):
                dev.open()
        except ez.ConnectError as exc:
            state["error"] = translate_connect_error(exc, device, known_hosts)
            state["cause"] = exc
        except Exception as exc:  # anything else PyEZ lets out: translated below, in the caller's thread
            state["error"] = DeviceError("refused", f"{device.host}: {type(exc).__name__}: {exc}")
            state["cause"] = exc
        with lock:
            done.set()
            late = state["abandoned"] and state["error"] is None
        if late:
            close_device(dev, None)

    threading.Thread(target=run, name=f"open-{device.name}", daemon=True).start()
    done.wait(device.connect_timeout)
    with lock:
        if not done.is_set():
            state["abandoned"] = True
            raise DeviceError("timeout", f"no NETCONF session within {device.connect_timeout:g}s through "
                                         f"ssh_config {ssh_config_for(device)} (SSH or NETCONF hello did not "
                                         "complete)")
    if state["error"] is not None:
        raise state["error"] from state.get("cause")


def ssh_config_for(device: Device) -> Path | None:
    """The ssh_config file that should decide how to reach this device: the inventory's, or ~/.ssh/config when it
    has a matching Host block that changes anything (proxy, host name, port, user, key). Otherwise None: we
    connect the socket ourselves."""
    if device.ssh_config is not None:
        return device.ssh_config
    default = Path.home() / ".ssh" / "config"
    if not default.is_file():
        return None
    config = paramiko.SSHConfig.from_path(str(default))
    found = config.lookup(device.host or "")
    relevant = {"proxycommand", "proxyjump", "port", "user", "identityfile"}
    if relevant & set(found) or found.get("hostname", device.host) != device.host:
        return default
    return None


def proxy_jump_command(config: Path, device: Device) -> str | None:
    """ncclient 0.7 reads ProxyCommand but not ProxyJump; a single-hop ProxyJump becomes ``ssh -W`` through the
    same config file (what OpenSSH does for it, and what netmiko does too)."""
    found = paramiko.SSHConfig.from_path(str(config)).lookup(device.host or "")
    if "proxycommand" in found or "proxyjump" not in found:
        return None
    hops = found["proxyjump"].split(",")
    if len(hops) > 1:
        raise DeviceError("unreachable", f"{config}: ProxyJump through {len(hops)} hosts is not supported; use one")
    host, port = found.get("hostname", device.host), found.get("port", device.port)
    return f"ssh -F {shlex.quote(str(config))} -W {shlex.quote(str(host))}:{int(port)} {shlex.quote(hops[0])}"


def connect_socket(host: str, port: int, timeout: float) -> socket.socket:
    try:
        sock = socket.create_connection((host, port), timeout=timeout)
    except ConnectionRefusedError as exc:
        raise DeviceError("unreachable", f"{host}:{port} refused the connection (nothing listening)") from exc
    except TimeoutError as exc:
        raise DeviceError("unreachable", f"no answer from {host}:{port} within {timeout:g}s") from exc
    except socket.gaierror as exc:
        raise DeviceError("unreachable", f"cannot resolve {host}: {exc.strerror}") from exc
    except OSError as exc:
        raise DeviceError("unreachable", f"cannot connect to {host}:{port}: {exc.strerror or exc}") from exc
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


class _Watchdog:
    """Bounds the whole of open() by connect_timeout: shutting the socket down unblocks paramiko wherever it
    waits (banner, key exchange, auth, hello), which otherwise have their own, longer, timeouts."""

    def __init__(self, sock: socket.socket | None, seconds: float) -> None:
        self.sock = sock
        self.fired = False
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True

    def _fire(self) -> None:
        self.fired = True
        if self.sock is not None:
            with suppress(OSError):
                self.sock.shutdown(socket.SHUT_RDWR)

    def __enter__(self) -> _Watchdog:
        if self.sock is not None:
            self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()


def translate_connect_error(exc: ez.ConnectError, device: Device, known_hosts: Path | None) -> DeviceError:
    """PyEZ's connect exceptions, with the ncclient/paramiko cause (kept on ``__context__`` or ``_orig``)."""
    where = f"{device.host}:{device.port}"
    cause = getattr(exc, "_orig", None) or exc.__context__
    text = str(cause or exc)
    kind: FailureKind
    if isinstance(cause, nc_errors.SSHUnknownHostError):
        kind, message = "hostkey", host_key_problem(device, known_hosts)
    elif isinstance(exc, ez.ConnectAuthError):
        kind, message = "auth", f"authentication failed for user {device.username or '(default)'} at {where}"
    elif isinstance(exc, ez.ConnectUnknownHostError) or "Could not open socket" in text:
        kind, message = "unreachable", f"cannot connect to {where}"
    elif isinstance(exc, ez.ConnectTimeoutError) or "timed out" in text.lower():
        kind, message = "timeout", f"{where}: {text}"
    elif isinstance(cause, nc_errors.SessionCloseError | EOFError) or "closed" in text.lower():
        kind, message = "refused", f"{where} closed the connection before a NETCONF session was up ({text})"
    else:
        kind, message = "refused", f"{where} refused SSH/NETCONF: {type(cause or exc).__name__}: {text}"
    return DeviceError(kind, message)


def host_key_problem(device: Device, known_hosts: Path | None) -> str:
    offered = None
    session = getattr(_local, "session", None)
    key = getattr(getattr(session, "_transport", None), "host_key", None)  # get_remote_server_key() refuses
    if key is not None:  # once the transport is closed; the key it saw is still there
        offered = fingerprint(key)
    known = paramiko.HostKeys(str(known_hosts)) if known_hosts and known_hosts.is_file() else paramiko.HostKeys()
    names = [device.host or "", f"[{device.host}]:{device.port}"]
    listed = [k for name in names for k in (known.lookup(name) or {}).values()]
    offered_text = f" (device offered {offered})" if offered else ""
    if listed:
        return (f"host key of {device.host}:{device.port} CHANGED{offered_text}; known_hosts {known_hosts} has "
                + ", ".join(fingerprint(k) for k in listed))
    return f"host key of {device.host}:{device.port} is not in known_hosts {known_hosts}{offered_text}"


def fingerprint(key: paramiko.PKey) -> str:
    """``ssh-ed25519 SHA256:...`` as ``ssh-keygen -l`` prints it."""
    digest = base64.b64encode(hashlib.sha256(key.asbytes()).digest()).decode().rstrip("=")
    return f"{key.get_name()} SHA256:{digest}"


def session_fingerprint(dev: PyEZDevice) -> str | None:
    with suppress(AttributeError):
        return fingerprint(dev._conn._session._transport.get_remote_server_key())
    return None


def close_device(dev: PyEZDevice, sock: socket.socket | None, rpc: RawRpc | None = None) -> None:
    """close-session when the session is healthy (through RawRpc when there is one: no wait for ncclient's
    TICK); the transport is closed in any case."""
    with suppress(Exception):
        if rpc is not None:
            if rpc.healthy:  # after a timeout or a bad reply, close-session would only wait again
                rpc.close_session()
        elif dev._conn is not None and dev._conn._session.connected:
            dev.close()
    dev.connected = False
    with suppress(Exception):
        dev._conn._session.close()
    _close_quietly(sock)


def _close_quietly(sock: socket.socket | None) -> None:
    if sock is not None:
        with suppress(OSError):
            sock.close()
