"""The default collector: NETCONF through PyEZ, one session per device, the plan's RPCs one after another.

PyEZ's 16 facts RPCs are not sent (``gather_facts=False``): the plan says what to collect. Each reply is checked
(snapshots.replies) and handed to the sink the moment it arrives.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from collectors.base import Collector, Sink, register
from collectors.netconf import close_device, open_device, session_fingerprint
from collectors.rawrpc import RawRpc
from msplus.errors import DeviceError
from msplus.records import Device, Request
from snapshots import replies


@register("pyez")
class PyEZCollector(Collector):
    def collect(self, device: Device, plan: Sequence[Request], sink: Sink) -> None:
        dev, sock = open_device(device, self.known_hosts)
        rpc = None
        try:
            sink.note("host_key", session_fingerprint(dev))
            sink.note("host_key_verified", self.known_hosts is not None)
            rpc = RawRpc(dev, device.timeout, sink.spool_dir, max_reply=device.max_reply_bytes)
            run_plan(rpc, plan, sink, device.name)
        finally:
            close_device(dev, sock, rpc)


def run_plan(rpc: RawRpc, plan: Sequence[Request], sink: Sink, source: str) -> None:
    """Send every Request; save each reply; an error answer to a required Request ends the collection."""
    for request in plan:
        started = time.perf_counter()
        spooled = rpc.call(request.rpc, request.args)
        seconds = time.perf_counter() - started
        error = replies.save_file(sink, request, spooled.path, seconds=seconds, source=f"{source}:{request.rpc}")
        if error and not request.optional:
            raise DeviceError("rpc_error", f"{request.rpc}: {error}")
