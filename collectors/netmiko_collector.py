"""The CLI collector: netmiko's ``juniper_junos`` driver, for devices where NETCONF is not enabled.

Each plan RPC is sent as its CLI command (msplus/data/commands.yaml) with ``| display xml | no-more``, so the reply
is the same XML the RPC returns and the same parsers serve; the configuration as ``show configuration | no-more``
text. An ``error: ...`` or ``unknown command.`` answer to an optional Request is recorded, not failed.

The channel is read here rather than through ``send_command``, which holds the whole output in memory: each read
goes to a spool file as it arrives (collectors.clistream strips the echoed command, the prompt and the context line
as netmiko does), a reply past the device's limit (``max_reply_megabytes``) ends the device's collection with the
error recorded, and the file is checked as it is streamed (snapshots.replies.save_file), as the NETCONF collectors
do. A reply cut that way leaves the session mid-output: it is closed, not reused.
"""

from __future__ import annotations

import re
import socket
import time
from collections.abc import Sequence
from contextlib import suppress
from pathlib import Path
from typing import Any

import paramiko
from netmiko import ConnectHandler
from netmiko.exceptions import NetmikoAuthenticationException, NetmikoTimeoutException

from collectors.base import Collector, Sink, fail, register
from collectors.clistream import CliOutput, ReplyTooLarge
from collectors.netconf import connect_socket, fingerprint, ssh_config_for
from collectors.rawrpc import spool_path, too_large
from msplus.errors import DeviceError
from msplus.limits import limits
from msplus.records import Device, Request
from snapshots import replies

_READ = 1 << 16  # bytes asked of the channel at a time
_POLL = 1.0  # seconds one channel read may block; the reply's deadline is checked between reads
_CLI_ERROR = re.compile(r"^\s*(error:.*|.*unknown command\.?|syntax error.*)$", re.IGNORECASE | re.MULTILINE)


@register("netmiko")
class NetmikoCollector(Collector):
    def collect(self, device: Device, plan: Sequence[Request], sink: Sink) -> None:
        conn = self._connect(device)
        try:
            with suppress(Exception):
                sink.note("host_key", fingerprint(conn.remote_conn_pre.get_transport().get_remote_server_key()))
            sink.note("host_key_verified", self.known_hosts is not None)
            for done, request in enumerate(plan):
                try:
                    _one(conn, device, request, sink)
                except DeviceError:
                    sink.note("not_collected", [r.file for r in plan[done + 1:]])
                    raise
        except DeviceError:
            # netmiko's polite disconnect sends "exit" and waits up to 10 s for a prompt that a hung or closed
            # session never shows: drop the connection instead.
            with suppress(Exception):
                conn.paramiko_cleanup()
            raise
        else:
            with suppress(Exception):
                conn.disconnect()

    def _connect(self, device: Device) -> Any:
        params: dict[str, Any] = {
            "device_type": "juniper_junos", "host": device.host, "port": device.port,
            "username": device.username or "", "password": device.password.reveal() if device.password else "",
            "conn_timeout": device.connect_timeout, "auth_timeout": device.connect_timeout,
            "banner_timeout": device.connect_timeout,
            "use_keys": device.key_file is not None, "key_file": str(device.key_file) if device.key_file else None,
            "allow_agent": device.password is None and device.key_file is None,
        }
        if self.known_hosts is not None:
            # paramiko's RejectPolicy: an unknown key fails before authentication; a changed one is BadHostKey.
            params.update(ssh_strict=True, system_host_keys=False, alt_host_keys=True,
                          alt_key_file=str(self.known_hosts))
        config = ssh_config_for(device)
        if config is not None:
            params["ssh_config_file"] = str(config)
        else:
            params["sock"] = connect_socket(device.host or "", device.port, device.connect_timeout)
        try:
            return ConnectHandler(**params)
        except NetmikoAuthenticationException as exc:
            raise fail("auth", f"authentication failed for user {device.username} at {_where(device)}") from exc
        except NetmikoTimeoutException as exc:
            raise _translate_connect(exc, device, self.known_hosts) from exc
        except (OSError, EOFError, paramiko.SSHException) as exc:
            raise fail("refused", f"{_where(device)} closed the SSH session: {type(exc).__name__}: {exc}") from exc


def _one(conn: Any, device: Device, request: Request, sink: Sink) -> None:
    if request.cli is None:
        if request.optional:
            sink.note(f"skipped:{request.rpc}", "no CLI command yields this RPC's reply")
            return
        raise fail("rpc_error", f"{request.rpc}: no CLI command yields this reply")
    is_config = request.rpc == "get-configuration"
    command = f"{request.cli} | no-more" if is_config else f"{request.cli} | display xml | no-more"
    started = time.perf_counter()
    path, output = _run(conn, device, command, sink.spool_dir)
    seconds = time.perf_counter() - started
    if output.blank and not _alive(conn):
        path.unlink(missing_ok=True)
        raise fail("disconnected", f"session closed during {command!r}")
    error = _cli_error(_head(path), is_config)
    if error:
        sink.reply_file(request, path, seconds=seconds, error=error, file=Path(request.file).with_suffix(".txt").name)
        if not request.optional:
            raise fail("rpc_error", f"{command!r}: {error}")
        return
    if is_config:
        sink.reply_file(request, path, seconds=seconds)
        return
    error = replies.save_file(sink, request, path, seconds=seconds, source=f"{device.name}:{request.cli}",
                              pasted=True)
    if error and not request.optional:
        raise fail("rpc_error", f"{command!r}: {error}")


def _run(conn: Any, device: Device, command: str, spool_dir: Path) -> tuple[Path, CliOutput]:
    """Send ``command``, write its output to a spool file until the prompt is back; (file, what was written).

    The whole answer must come within ``device.timeout`` seconds (send_command's read_timeout). Raises DeviceError
    (timeout, disconnected, malformed_reply past the limit) and then leaves no spool file."""
    limit = device.max_reply_bytes if device.max_reply_bytes is not None else limits().max_reply_bytes
    path = spool_path(spool_dir)
    chan = conn.remote_conn
    previous = chan.gettimeout()
    deadline = time.perf_counter() + device.timeout
    try:
        with path.open("wb") as out:
            output = CliOutput(out, command=command, base_prompt=conn.base_prompt, limit=limit)
            conn.write_channel(conn.normalize_cmd(command))
            buffered, conn._read_buffer = getattr(conn, "_read_buffer", ""), ""  # what netmiko read ahead
            back = output.feed(buffered.encode("utf-8")) if buffered else False
            while not back:
                left = deadline - time.perf_counter()
                if left <= 0:
                    raise _timeout(conn, command, device.timeout)
                chan.settimeout(min(left, _POLL))
                try:
                    data = chan.recv(_READ)
                except TimeoutError:
                    continue
                if not data:
                    raise fail("disconnected", f"session closed during {command!r}")
                back = output.feed(data)
            output.finish()
    except ReplyTooLarge as exc:
        path.unlink(missing_ok=True)
        raise fail("malformed_reply", f"{command!r}: {too_large(limit)}") from exc
    except DeviceError:
        path.unlink(missing_ok=True)
        raise
    except (OSError, EOFError, paramiko.SSHException) as exc:
        path.unlink(missing_ok=True)
        raise fail("disconnected", f"session closed during {command!r} ({type(exc).__name__})") from exc
    finally:
        with suppress(Exception):
            chan.settimeout(previous)
    return path, output


def _timeout(conn: Any, command: str, seconds: float) -> DeviceError:
    if not _alive(conn):
        return fail("disconnected", f"session closed while waiting for {command!r}")
    return fail("timeout", f"no complete answer to {command!r} within {seconds:g}s")


def _head(path: Path) -> str:
    """The start of a saved output, enough for ``_cli_error``."""
    with path.open("rb") as handle:
        return handle.read(65536).decode("utf-8", errors="replace")


def _cli_error(output: str, is_config: bool) -> str | None:
    """The CLI's complaint, when the output is one rather than data (XML output never starts with 'error:')."""
    head = output.lstrip()[:2000]
    if not is_config and head.startswith("<"):
        return None
    if is_config and not re.match(r"^\s*(error:|\S.*unknown command)", head, re.IGNORECASE):
        return None
    match = _CLI_ERROR.search(head)
    return match.group(1).strip() if match else None


def _alive(conn: Any) -> bool:
    with suppress(Exception):
        transport = conn.remote_conn.get_transport()
        return bool(transport and transport.is_active() and not conn.remote_conn.closed)
    return False


def _where(device: Device) -> str:
    return f"{device.host}:{device.port}"


def _translate_connect(exc: NetmikoTimeoutException, device: Device, known_hosts: Path | None) -> DeviceError:
    cause = exc.__context__
    text = str(cause or exc)
    if isinstance(cause, paramiko.BadHostKeyException):
        return DeviceError("hostkey", f"host key of {_where(device)} CHANGED (device offered "
                                      f"{fingerprint(cause.key)}; known_hosts {known_hosts} has "
                                      f"{fingerprint(cause.expected_key)})")
    if "not found in known_hosts" in text:
        return DeviceError("hostkey", f"host key of {_where(device)} is not in known_hosts {known_hosts}")
    if isinstance(cause, TimeoutError | socket.timeout) or "timed out" in text.lower():
        return DeviceError("timeout", f"{_where(device)}: SSH session not established within "
                                      f"{device.connect_timeout:g}s")
    if isinstance(cause, OSError) and not isinstance(cause, EOFError):
        return DeviceError("unreachable", f"cannot connect to {_where(device)}: {text}")
    return DeviceError("refused", f"{_where(device)} refused SSH: {text.strip().splitlines()[0] if text else ''}")
