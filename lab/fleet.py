"""Many simulated devices in processes of their own, for benchmarks (client and server then do not share a GIL, and
the server's CPU can be measured apart): the shipped lab folders round robin, named d000, d001, ..., on
127.0.<net>.x:830 (250 devices per /24).

    with fleet(200, net=2) as lab:      # lab.pid, lab.pids, lab.addresses: [[name, host, port], ...]
        ...
    with fleet(1000, net=151, processes=2) as lab:   # the devices split over two server processes

One server process is one core at most: with a client that uses both cores, or on a machine shared with other
work, a single lab process becomes the bottleneck, which real devices (each its own machine) never are.

``python -m lab.fleet COUNT NET [FIRST LAST]`` is the server side (devices FIRST..LAST-1 of COUNT): it prints the
addresses as one JSON line once every device listens, and serves until its standard input closes.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Fleet:
    pid: int  # the first server process (the only one unless processes > 1)
    addresses: list[list]  # [name, host, port]
    pids: list[int] = field(default_factory=list)


def serve(count: int, net: int, first: int = 0, last: int | None = None) -> None:
    from lab.server import LabServer, load_device_folder
    from lab.testing import shipped_devices

    folders = [sim.folder for sim in shipped_devices() if sim.folder is not None]
    sims = [load_device_folder(folders[i % len(folders)], name=f"d{i:03d}",
                               host=f"127.0.{net + i // 250}.{1 + i % 250}", port=830)
            for i in range(first, count if last is None else last)]
    with LabServer(sims) as lab:
        print(json.dumps([[s.name, *lab.address(s.name)] for s in sims]), flush=True)
        sys.stdin.read()


@contextmanager
def fleet(count: int, *, net: int, env: Mapping[str, str] | None = None, processes: int = 1) -> Iterator[Fleet]:
    bounds = [(count * n // processes, count * (n + 1) // processes) for n in range(processes)]
    with ExitStack() as stack:
        servers = [stack.enter_context(_server(count, net, first, last, env)) for first, last in bounds]
        addresses = [a for _, part in servers for a in part]
        yield Fleet(servers[0][0], addresses, [pid for pid, _ in servers])


@contextmanager
def _server(count: int, net: int, first: int, last: int, env: Mapping[str, str] | None) -> Iterator[tuple[int, list]]:
    server = subprocess.Popen([sys.executable, "-m", "lab.fleet", str(count), str(net), str(first), str(last)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                              env=None if env is None else dict(env))
    assert server.stdout is not None and server.stdin is not None
    try:
        yield server.pid, json.loads(server.stdout.readline())
    finally:
        server.stdin.close()
        server.wait(timeout=60)


if __name__ == "__main__":
    serve(int(sys.argv[1]), int(sys.argv[2]), *(int(a) for a in sys.argv[3:5]))
