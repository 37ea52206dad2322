"""Collection throughput: N simulated devices on loopback, our pyez collector against plain PyEZ, same run.

    .venv/bin/python benchmarks/bench_collect.py [--devices 200] [--workers 8,16,32] [--profile]

The lab runs in a subprocess (so client and server do not share a GIL, and the server's CPU can be measured apart);
every measurement runs in its own client subprocess (so ncclient's process-wide settings never leak between them).
Clients, for the plan's facts + configuration + health RPCs (19):
  ours          collectors.run.collect_inventory, driver pyez: snapshots written, profiles built
  ours-untuned  the same with ncclient's defaults put back (TICK 0.1 s, 4 KB reads) and no TCP_NODELAY
  pyez          plain PyEZ in a thread pool: Device(...).open() with default settings (facts gathered),
                dev.facts read, then the same RPCs through dev.rpc; replies not saved
Printed: devices/s per client and worker count, per-device seconds (median, 95th percentile), client and server
CPU seconds per device; with --profile, where the client's CPU goes (cProfile of every thread, by package).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from lab.fleet import fleet  # noqa: E402 - after the path is set, as every benchmark here does

PASSWORD = "lab123"
CLIENTS = ("ours", "ours-untuned", "pyez")


# ---------------------------------------------------------------------------------------------- clients

def client(kind: str, workers: int, addresses: list[list], profile: bool) -> dict:
    """Subprocess: one measurement. Returns wall seconds, per-device seconds, failures and CPU seconds."""
    profilers = _profile_all_threads() if profile else None
    cpu0 = os.times()
    started = time.perf_counter()
    per_device, failures = (_ours if kind.startswith("ours") else _pyez)(kind, workers, addresses)
    wall = time.perf_counter() - started
    cpu1 = os.times()
    result = {"client": kind, "workers": workers, "devices": len(addresses), "wall": wall, "per_device": per_device,
              "failures": failures, "cpu": (cpu1.user - cpu0.user) + (cpu1.system - cpu0.system)}
    if profilers is not None:
        result["profile"] = _summarise(profilers)
    return result


def _ours(kind: str, workers: int, addresses: list[list]) -> tuple[list[float], list[str]]:
    from collectors import netconf
    from collectors.run import collect_inventory
    from msplus.records import Device, Inventory
    from msplus.secrets import Secret

    if kind == "ours-untuned":
        netconf.TICK, netconf.READ_SIZE = 0.1, 4096
        plain = netconf.connect_socket

        def connect_without_nodelay(host: str, port: int, timeout: float):  # type: ignore[no-untyped-def]
            sock = plain(host, port, timeout)
            sock.setsockopt(6, 1, 0)  # IPPROTO_TCP, TCP_NODELAY off again
            return sock

        netconf.connect_socket = connect_without_nodelay
    devices = tuple(Device(name=n, host=h, port=p, username="lab", password=Secret(PASSWORD), timeout=60,
                           connect_timeout=30) for n, h, p in addresses)
    inventory = Inventory(path=ROOT / "bench.yaml", customer=None, devices=devices)
    scratch = ROOT / "out"  # the project's own disk (out/ is git-ignored), as a real run would write
    scratch.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(dir=scratch, prefix="bench-snap-") as out:
        results = collect_inventory(inventory, out, workers=workers)
    return [r.seconds for r in results], [f"{r.device}: {r.error_kind}: {r.error}" for r in results if not r.ok]


def _pyez(kind: str, workers: int, addresses: list[list]) -> tuple[list[float], list[str]]:
    from concurrent.futures import ThreadPoolExecutor

    from jnpr.junos import Device
    from jnpr.junos.exception import RpcError

    from snapshots.plan import load_plan

    plan = load_plan()

    def one(address: list) -> float:
        _, host, port = address
        started = time.perf_counter()
        dev = Device(host=host, port=port, user="lab", passwd=PASSWORD)
        dev.open()
        str(dev.facts)
        for request in plan:
            method = getattr(dev.rpc, request.rpc.replace("-", "_"))
            args = {k.replace("-", "_"): v for k, v in request.args if k != "format"}
            options = {k: v for k, v in request.args if k == "format"}
            try:
                method(options, **args) if options else method(**args)
            except RpcError:
                if not request.optional:
                    raise
        dev.close()
        return time.perf_counter() - started

    seconds, failures = [], []
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(one, a): a[0] for a in addresses}
        for future, name in futures.items():
            try:
                seconds.append(future.result())
            except Exception as exc:
                failures.append(f"{name}: {type(exc).__name__}: {exc}")
    return seconds, failures


# ---------------------------------------------------------------------------------------------- profiling

def _profile_all_threads() -> list[cProfile.Profile]:
    """A cProfile per thread (the pool's workers and ncclient's session threads), main thread included."""
    profilers: list[cProfile.Profile] = []
    lock = threading.Lock()

    def start(*_: object) -> None:
        prof = cProfile.Profile(time.thread_time)  # CPU of this thread: GIL and I/O waits are not counted
        with lock:
            profilers.append(prof)
        sys.setprofile(None)
        prof.enable()

    threading.setprofile(start)
    main = cProfile.Profile(time.thread_time)
    profilers.append(main)
    main.enable()
    return profilers


def _summarise(profilers: list[cProfile.Profile]) -> dict:
    stats = None
    for prof in profilers:
        prof.disable()
        try:
            stats = pstats.Stats(prof) if stats is None else (stats.add(prof) or stats)
        except TypeError:  # a thread that never ran Python code
            continue
    by_package: dict[str, float] = defaultdict(float)
    functions = []
    for (filename, line, func), (_, _, tottime, _, _) in stats.stats.items():  # type: ignore[union-attr]
        by_package[_package(filename, func)] += tottime
        functions.append((tottime, f"{_package(filename, func)}:{Path(filename).name}:{line}:{func}"))
    total = sum(by_package.values()) or 1.0
    top = sorted(((k, v) for k, v in by_package.items()), key=lambda kv: -kv[1])
    return {"total": total, "by_package": top[:16],
            "functions": [f for _, f in sorted(functions, reverse=True)[:18]],
            "function_seconds": [round(t, 3) for t, _ in sorted(functions, reverse=True)[:18]]}


def _package(filename: str, func: str) -> str:
    if filename == "~":  # a C function
        match = re.search(r"of '?([\w.]+)", func) or re.search(r"<built-in method ([\w.]+)", func)
        owner = (match.group(1) if match else func).split(".")[0]
        return f"C:{owner}"
    match = re.search(r"site-packages/([^/]+)/", filename)
    if match:
        return match.group(1)
    for ours in ("collectors", "analyzers", "msplus", "lab"):
        if f"/{ours}/" in filename:
            return ours
    return "stdlib:" + Path(filename).stem


# ---------------------------------------------------------------------------------------------- driver

def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--devices", type=int, default=200)
    parser.add_argument("--workers", default="8,16,32")
    parser.add_argument("--clients", default=",".join(CLIENTS))
    parser.add_argument("--profile", action="store_true", help="then one more run of 'ours', cProfiled (middle count)")
    parser.add_argument("--client", help=argparse.SUPPRESS)
    parser.add_argument("--profile-this", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        addresses = json.loads(sys.stdin.read())
        print(json.dumps(client(args.client, int(args.workers), addresses, args.profile_this)))
        return 0
    return orchestrate(args)


def orchestrate(args: argparse.Namespace) -> int:
    home = tempfile.mkdtemp(prefix="bench-home-")  # no ~/.ssh of the person running it
    env = {**os.environ, "HOME": home, "PYTHONPATH": str(ROOT)}
    workers = [int(w) for w in args.workers.split(",")]
    with fleet(args.devices, net=2, env=env) as lab:
        print(f"{args.devices} simulated devices (lab in subprocess {lab.pid}), plan: facts+configuration+health, "
              f"{os.cpu_count()} CPUs\n")
        print(f"{'client':<13} {'workers':>7} {'dev/s':>7} {'wall s':>7} {'median s':>9} {'p95 s':>6} "
              f"{'client CPU ms/dev':>17} {'server CPU ms/dev':>17} {'failed':>6}")
        for w in workers:
            for kind in args.clients.split(","):
                _measure(kind, w, lab.addresses, lab.pid, env, profile=False)
        if args.profile:
            w = workers[len(workers) // 2]
            print(f"\nprofiled run (ours, {w} workers; profiling slows it down):")
            r = _measure("ours", w, lab.addresses, lab.pid, env, profile=True)
            if r:
                _print_profile(r)
    return 0


def _measure(kind: str, workers: int, addresses: list, server_pid: int, env: dict, *, profile: bool) -> dict | None:
    cmd = [sys.executable, __file__, "--client", kind, "--workers", str(workers)]
    cmd += ["--profile-this"] if profile else []
    before = _cpu_seconds(server_pid)
    proc = subprocess.run(cmd, input=json.dumps(addresses), capture_output=True, text=True, env=env, check=False)
    server_cpu = _cpu_seconds(server_pid) - before
    if proc.returncode != 0:
        print(f"{kind} workers={workers} failed:\n{proc.stderr[-2000:]}")
        return None
    r: dict = json.loads(proc.stdout.strip().splitlines()[-1])
    secs = sorted(r["per_device"]) or [0.0]
    p95 = secs[min(len(secs) - 1, int(len(secs) * 0.95))]
    n = r["devices"]
    print(f"{kind:<13} {workers:>7} {n / r['wall']:>7.1f} {r['wall']:>7.2f} {statistics.median(secs):>9.3f} "
          f"{p95:>6.3f} {1000 * r['cpu'] / n:>17.1f} {1000 * server_cpu / n:>17.1f} {len(r['failures']):>6}",
          flush=True)
    for failure in r["failures"][:3]:
        print(f"    {failure}")
    return r


def _print_profile(r: dict) -> None:
    p = r["profile"]
    print(f"where the client's CPU goes (cProfile of every thread with a thread-CPU clock, tottime; "
          f"{p['total']:.2f}s CPU for {r['devices']} devices = {1000 * p['total'] / r['devices']:.1f} ms/device):")
    for name, seconds in p["by_package"]:
        print(f"  {name:<32} {seconds:7.2f}s {100 * seconds / p['total']:5.1f}%")
    print("top functions (tottime):")
    for seconds, name in zip(p["function_seconds"], p["functions"], strict=False):
        print(f"  {seconds:7.3f}s  {name}")


if __name__ == "__main__":
    sys.exit(main())
