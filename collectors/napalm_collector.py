"""The napalm collector: napalm's junos driver getters, saved as JSON, plus the plan's RPCs.

The plan's RPCs go over the PyEZ Device napalm opened (``driver.device``) through the same RawRpc as the pyez
collector, so the snapshot files and the profile come out the same. What the getters return is saved beside them
as ``napalm-<getter>.json``. A getter that fails is noted, not fatal: the plan's replies are what the analyzers read.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from jnpr.junos import exception as ez
from napalm import get_network_driver
from napalm.base.exceptions import ConnectionException

from collectors.base import Collector, Sink, fail, register
from collectors.netconf import (
    close_device,
    session_fingerprint,
    translate_connect_error,
    tune_ncclient,
    verifying_against,
)
from collectors.pyez_collector import run_plan
from collectors.rawrpc import RawRpc
from msplus.errors import DeviceError
from msplus.records import Device, Request

GETTERS = ("get_facts", "get_environment", "get_config")


@register("napalm")
class NapalmCollector(Collector):
    def collect(self, device: Device, plan: Sequence[Request], sink: Sink) -> None:
        tune_ncclient()
        optional: dict[str, Any] = {"port": device.port, "auto_probe": 0, "huge_tree": True}
        if device.key_file:
            optional["key_file"] = str(device.key_file)
        if device.ssh_config:
            optional["ssh_config_file"] = str(device.ssh_config)
        driver = get_network_driver("junos")(
            hostname=device.host, username=device.username or "",
            password=device.password.reveal() if device.password else "", timeout=int(max(1, device.timeout)),
            optional_args=optional)
        # napalm takes neither a connect timeout nor host-key checking; its PyEZ Device does.
        driver.device._conn_open_timeout = int(max(1, device.connect_timeout))  # PyEZ reads these in open()
        driver.device._hostkey_verify = self.known_hosts is not None
        try:
            with verifying_against(self.known_hosts):
                driver.open()
        except ConnectionException as exc:
            raise fail("timeout", f"{device.host}:{device.port}: {exc}") from exc
        except ez.ConnectError as exc:
            raise translate_connect_error(exc, device, self.known_hosts) from exc
        rpc = None
        try:
            sink.note("host_key", session_fingerprint(driver.device))
            sink.note("host_key_verified", self.known_hosts is not None)
            rpc = RawRpc(driver.device, device.timeout, sink.spool_dir, max_reply=device.max_reply_bytes)
            run_plan(rpc, plan, sink, device.name)
            _getters(driver, sink)
        finally:
            # napalm's close() is PyEZ's, which waits a full timeout on a hung session
            close_device(driver.device, None, rpc)


def _getters(driver: Any, sink: Sink) -> None:
    failed = {}
    for name in GETTERS:
        try:
            result = getattr(driver, name)()
        except (ez.ConnectClosedError, ez.RpcTimeoutError) as exc:
            raise DeviceError("disconnected" if isinstance(exc, ez.ConnectClosedError) else "timeout",
                              f"napalm {name}: {exc}") from exc
        except Exception as exc:  # napalm getters raise anything (KeyError on an unexpected reply); noted, not fatal
            failed[name] = f"{type(exc).__name__}: {exc}"
            continue
        body = json.dumps(result, indent=2, sort_keys=True, default=str).encode()
        sink.extra(f"napalm-{name}.json", body)  # noqa: S610 - Sink.extra, not Django's QuerySet.extra
    if failed:
        sink.note("napalm_getters_failed", failed)
