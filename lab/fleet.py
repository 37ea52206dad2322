"""Many simulated devices in a process of their own, for benchmarks (client and server then do not share a GIL, and
the server's CPU can be measured apart): the shipped lab folders round robin, named d000, d001, ..., on
127.0.<net>.x:830 (250 devices per /24).

    with fleet(200, net=2) as lab:      # lab.pid, lab.addresses: [[name, host, port], ...]
        ...

``python -m lab.fleet COUNT NET`` is the server side: it prints the addresses as one JSON line once every device
listens, and serves until its standard input closes.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class Fleet:
    pid: int
    addresses: list[list]  # [name, host, port]


def serve(count: int, net: int) -> None:
    from lab.server import LabServer, load_device_folder
    from lab.testing import shipped_devices

    folders = [sim.folder for sim in shipped_devices() if sim.folder is not None]
    sims = [load_device_folder(folders[i % len(folders)], name=f"d{i:03d}",
                               host=f"127.0.{net + i // 250}.{1 + i % 250}", port=830) for i in range(count)]
    with LabServer(sims) as lab:
        print(json.dumps([[s.name, *lab.address(s.name)] for s in sims]), flush=True)
        sys.stdin.read()


@contextmanager
def fleet(count: int, *, net: int, env: Mapping[str, str] | None = None) -> Iterator[Fleet]:
    server = subprocess.Popen([sys.executable, "-m", "lab.fleet", str(count), str(net)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, env=None if env is None else dict(env))
    assert server.stdout is not None and server.stdin is not None
    try:
        yield Fleet(server.pid, json.loads(server.stdout.readline()))
    finally:
        server.stdin.close()
        server.wait(timeout=60)


if __name__ == "__main__":
    serve(int(sys.argv[1]), int(sys.argv[2]))
