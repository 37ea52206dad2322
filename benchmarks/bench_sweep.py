"""Health sweep speed: a sweep of N simulated devices with the time split between collection and evaluation, then
the evaluation of 1,000 devices' snapshots on their own.

    .venv/bin/python benchmarks/bench_sweep.py [--devices 200] [--workers 16] [--evaluate 1000]

The lab runs in a subprocess (lab folders round robin, the poor-health ones included, on 127.0.3.x:830) so its CPU
is not the client's. The client runs ``run_sweep`` twice (the second compares with the first), into a scratch
history and output folder. Then the 200 collected device folders are copied to make ``--evaluate`` snapshots and
evaluated without the network: reading and parsing the replies, the checks, and the comparison, timed apart.

Targets (issue 6): a sweep is as fast as the collectors allow plus little; evaluating the checks for 1,000 devices'
snapshots takes well under a second.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from lab.fleet import fleet  # noqa: E402 - after the path is set, as every benchmark here does

PASSWORD = "lab123"
TARGET_EVALUATE_1000 = 1.0  # seconds, for the checks of 1,000 devices


def sweep_twice(addresses: list[list], workers: int, scratch: Path) -> tuple[list[dict], Path, dict]:
    """A collection alone (the baseline a sweep is compared with), then two sweeps."""
    from app.sweep import PURPOSES, run_sweep
    from collectors.run import collect_inventory
    from lab.testing import client_environment
    from msplus.records import Device, Inventory
    from msplus.secrets import Secret

    devices = tuple(Device(name=n, host=h, port=p, username="lab", password=Secret(PASSWORD), timeout=60,
                           connect_timeout=30, role="core") for n, h, p in addresses)
    inventory = Inventory(path=ROOT / "bench.yaml", customer=None, devices=devices)
    rows = []
    with client_environment(scratch / "home"):
        cpu0, started = os.times(), time.perf_counter()
        collect_inventory(inventory, scratch / "collect-only", workers=workers, purposes=PURPOSES)
        cpu1 = os.times()
        baseline = {"wall": time.perf_counter() - started,
                    "cpu": (cpu1.user - cpu0.user) + (cpu1.system - cpu0.system)}
        for n in (1, 2):
            cpu0, started = os.times(), time.perf_counter()
            outcome = run_sweep(inventory, history=scratch / "history", out=scratch / "out", workers=workers)
            cpu1 = os.times()
            rows.append({"sweep": n, "wall": time.perf_counter() - started, "collect": outcome.collect_seconds,
                         "parse": outcome.parse_seconds, "evaluate": outcome.evaluate_seconds,
                         "cpu": (cpu1.user - cpu0.user) + (cpu1.system - cpu0.system),
                         "unreachable": len(outcome.unreachable), "results": len(outcome.results),
                         "changes": len(outcome.changes)})
    return rows, outcome.snapshot, baseline


def evaluate_alone(snapshot: Path, count: int, scratch: Path) -> dict:
    """Copy the collected device folders to ``count`` devices and time parse, checks and comparison apart."""
    from analyzers.health.checks import evaluate
    from analyzers.health.compare import compare, state_of
    from analyzers.health.device import read_device
    from analyzers.health.thresholds import load_thresholds

    spec = load_thresholds()
    sources = sorted(p for p in snapshot.iterdir() if p.is_dir())
    root = scratch / f"snap-{count}"
    root.mkdir()
    for i in range(count):
        shutil.copytree(sources[i % len(sources)], root / f"e{i:04d}")
    folders = sorted(root.iterdir())
    size = sum(f.stat().st_size for d in folders for f in d.iterdir())

    started = time.perf_counter()
    parsed = [read_device(f) for f in folders]
    parse = time.perf_counter() - started

    started = time.perf_counter()
    results = [evaluate(h, spec) for h in parsed]
    checks = time.perf_counter() - started

    started = time.perf_counter()
    states = [state_of(h, r, 0.0) for h, r in zip(parsed, results, strict=True)]
    later = [state_of(h, r, 3600.0) for h, r in zip(parsed, results, strict=True)]
    changes = [compare(a, a, b, spec.comparison) for a, b in zip(states, later, strict=True)]
    comparison = time.perf_counter() - started
    return {"devices": count, "megabytes": size / 1e6, "parse": parse, "checks": checks, "compare": comparison,
            "results": sum(len(r) for r in results), "changes": sum(len(c) for c in changes)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=200)
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument("--evaluate", type=int, default=1000, help="device snapshots evaluated alone")
    args = parser.parse_args()

    with fleet(args.devices, net=3, env={**os.environ, "PYTHONPATH": str(ROOT)}) as lab:
        addresses = lab.addresses
        scratch_root = ROOT / "out"  # the project's own disk (out/ is git-ignored), as a real run would write
        scratch_root.mkdir(exist_ok=True)
        with tempfile.TemporaryDirectory(dir=scratch_root, prefix="bench-sweep-") as tmp:
            scratch = Path(tmp)
            rows, snapshot, baseline = sweep_twice(addresses, args.workers, scratch)
            alone = evaluate_alone(snapshot, args.evaluate, scratch)

    print(f"health sweep of {args.devices} simulated devices, {args.workers} workers, {os.cpu_count()} CPUs "
          "(lab in its own process)")
    print(f"  collection alone (collect_inventory, same plan): {baseline['wall']:.2f} s wall, "
          f"{baseline['cpu']:.2f} s client CPU")
    print("  sweep  wall s  collection s  parsing CPU s (during collection)  evaluation s (after)  client CPU s  "
          "results  changes  unreachable")
    for r in rows:
        print(f"  {r['sweep']:>5}  {r['wall']:6.2f}  {r['collect']:12.2f}  {r['parse']:34.2f}  {r['evaluate']:20.3f}  "
              f"{r['cpu']:12.2f}  {r['results']:7}  {r['changes']:7}  {r['unreachable']:11}")
    after = statistics.mean(r["evaluate"] for r in rows)
    wall = statistics.mean(r["wall"] for r in rows)
    print(f"  after collection the sweep adds {after:.3f} s on average; a sweep takes {wall:.2f} s against "
          f"{baseline['wall']:.2f} s for the collection alone ({100 * (wall / baseline['wall'] - 1):+.0f} %)")
    print(f"evaluation alone, {alone['devices']} device snapshots ({alone['megabytes']:.0f} MB of replies):")
    per_device = 1000 * alone["parse"] / alone["devices"]
    print(f"  read + parse replies  {alone['parse']:7.3f} s  ({per_device:.2f} ms/device)")
    print(f"  checks                {alone['checks']:7.3f} s  ({alone['results']} results)   target < "
          f"{TARGET_EVALUATE_1000 * alone['devices'] / 1000:.1f} s: "
          f"{'met' if alone['checks'] < TARGET_EVALUATE_1000 * alone['devices'] / 1000 else 'NOT MET'}")
    print(f"  comparison            {alone['compare']:7.3f} s  (states of two sweeps and their diff)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
