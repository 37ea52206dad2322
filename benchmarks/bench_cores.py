"""Both cores on one machine, and the task queue's overhead: the whole ``collect`` and ``sweep`` commands, timed from
start-up to output, on N simulated devices, in one process, in a process pool, and through two local Celery
workers; plain PyEZ as the baseline, all in the same run.

    .venv/bin/python benchmarks/bench_cores.py [--devices 200,1000] [--workers 16] [--broker redis://127.0.0.1:6379/14]
                                               [--modes collect,sweep,pyez]

The lab runs in two processes of its own (lab/fleet.py) on 127.0.151.x-127.0.154.x:830. Each command runs as a user
would run it (``run_assessment.py collect|sweep --inventory bench.yaml ...``, a fresh Python each time):
  1 process    --processes 1: one process of ``--workers`` threads
  N processes  no --processes: chosen automatically (one per CPU core here), ``--workers`` threads each
  queue        --broker URL: one task per device to the queue, two worker processes already running on this machine
               (``run_assessment.py worker --concurrency workers`` each), results written by the command
  plain PyEZ   Device(...).open(), facts, the same RPCs, in a thread pool of 64 (replies not saved)
Printed: devices/s per mode, and the two ratios the issue asks for (process pool / one process >= 1.6; queue /
process pool >= 0.8), measured, with the machine's load average (the machine is shared).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from lab.fleet import fleet  # noqa: E402 - after the path is set, as every benchmark here does

NET = 151
PASSWORD = "lab123"
PASSWORD_VAR = "BENCH_LAB_PASSWORD"
POOL_TARGET, QUEUE_TARGET = 1.6, 0.8


def write_inventory(addresses: list[list], path: Path) -> None:
    lines = [f"defaults: {{driver: pyez, username: lab, password_env: {PASSWORD_VAR}, timeout: 60, "
             "connect_timeout: 30}", "devices:"]
    lines += [f"  - {{name: {n}, host: {h}, port: {p}, role: core}}" for n, h, p in addresses]
    path.write_text("\n".join(lines) + "\n")


def cpu_of(pids: list[int]) -> float:
    """User + system CPU seconds of running processes (all their threads)."""
    total = 0.0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_command(args: list[str], env: dict[str, str], also: list[int]) -> tuple[float, float, str]:
    """Wall seconds from start-up to exit, and the CPU seconds of the command (its process pool included) plus
    those of the ``also`` processes (the queue's workers) meanwhile."""
    cpu0, others0 = children_cpu(), cpu_of(also)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, str(ROOT / "run_assessment.py"), *args], capture_output=True, text=True,
                          env=env, cwd=ROOT, check=False)
    took = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(args[:1])} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return took, children_cpu() - cpu0 + cpu_of(also) - others0, done.stdout


def plain_pyez(addresses: list[list], env: dict[str, str]) -> float:
    """bench_collect's plain PyEZ client, in its own process, timed from start-up to its answer."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_collect.py"), "--client", "pyez",
                           "--workers", "64"], input=json.dumps(addresses), capture_output=True, text=True, env=env,
                          check=False)
    took = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"plain PyEZ failed:\n{done.stderr[-2000:]}")
    failures = json.loads(done.stdout.strip().splitlines()[-1])["failures"]
    if failures:
        print(f"    plain PyEZ: {len(failures)} failures, e.g. {failures[0]}")
    return took


def start_workers(broker: str, namespace: str, concurrency: int, env: dict[str, str], logs: Path) -> list:
    from app.distributed import BrokerSettings, connect

    procs = []
    for n in range(2):
        log = (logs / f"worker{n}.log").open("wb")
        procs.append(subprocess.Popen([sys.executable, str(ROOT / "run_assessment.py"), "worker", "--broker", broker,
                                       "--namespace", namespace, "--concurrency", str(concurrency),
                                       "--name", f"bench{n}"], env=env, stdout=log, stderr=subprocess.STDOUT))
    app = connect(BrokerSettings(broker, namespace=namespace))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        replies = app.control.inspect(timeout=1.0).active_queues() or {}
        if sum(any(q["name"] == f"{namespace}.default" for q in qs) for qs in replies.values()) >= 2:
            return procs
    raise SystemExit("the two workers did not start within 60 s (see their logs in " + str(logs) + ")")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", default="200,1000")
    parser.add_argument("--workers", type=int, default=16, help="threads per process (default 16)")
    parser.add_argument("--broker", default=os.environ.get("ASSESS_BENCH_BROKER", "redis://127.0.0.1:6379/14"))
    parser.add_argument("--modes", default="collect,sweep,pyez")
    args = parser.parse_args()
    modes = set(args.modes.split(","))
    print(f"{os.cpu_count()} CPUs, load average at start {os.getloadavg()[0]:.1f} (a shared machine: other people's "
          f"work runs alongside); {args.workers} threads per process; broker {args.broker}\n")
    for count in (int(c) for c in args.devices.split(",")):
        bench(count, args, modes)
    return 0


def bench(count: int, args: argparse.Namespace, modes: set[str]) -> None:
    (ROOT / "out").mkdir(exist_ok=True)  # the project's own disk (out/ is git-ignored), as a real run would write
    with tempfile.TemporaryDirectory(dir=ROOT / "out", prefix="bench-cores-") as tmp:
        scratch = Path(tmp)
        (scratch / "home" / ".ssh").mkdir(parents=True)
        env = {**os.environ, "HOME": str(scratch / "home"), "PYTHONPATH": str(ROOT), PASSWORD_VAR: PASSWORD}
        ns = "bench" + uuid.uuid4().hex[:8]
        with fleet(count, net=NET, env=env, processes=2) as lab:  # the lab on both cores too: never the limit
            inventory = scratch / "bench.yaml"
            write_inventory(lab.addresses, inventory)
            workers = start_workers(args.broker, ns, args.workers, env, scratch)
            rows: list[tuple[str, str, float]] = []
            try:
                for command in ("collect", "sweep"):
                    if command not in modes:
                        continue
                    for label, extra in (("1 process", ["--processes", "1"]), ("N processes", []),
                                         ("queue, 2 workers", ["--broker", args.broker, "--namespace", ns])):
                        target = scratch / f"{command}-{len(rows)}"
                        cmd = [command, "--inventory", str(inventory), "--workers", str(args.workers),
                               "--no-progress", *extra]
                        cmd += ["--out", str(target)] if command == "collect" else \
                            ["--out", str(target / "out"), "--history", str(target / "history")]
                        lab0 = cpu_of(lab.pids)
                        took, cpu, _ = run_command(cmd, env, [w.pid for w in workers] if "--broker" in cmd else [])
                        rows.append((command, label, took))
                        print(f"  {count:>5} devices  {command:<8} {label:<17} {count / took:7.1f} devices/s  "
                              f"{took:7.2f} s  client CPU {1000 * cpu / count:5.1f} ms/device  lab CPU "
                              f"{1000 * (cpu_of(lab.pids) - lab0) / count:5.1f} ms/device  load "
                              f"{os.getloadavg()[0]:.1f}", flush=True)
            finally:
                for proc in workers:
                    proc.terminate()
                for proc in workers:
                    proc.wait(timeout=30)
            if "pyez" in modes:
                cpu0, lab0 = children_cpu(), cpu_of(lab.pids)
                took = plain_pyez(lab.addresses, env)
                rows.append(("collect", "plain PyEZ", took))
                print(f"  {count:>5} devices  {'collect':<8} {'plain PyEZ (64)':<17} {count / took:7.1f} devices/s  "
                      f"{took:7.2f} s  client CPU {1000 * (children_cpu() - cpu0) / count:5.1f} ms/device  lab CPU "
                      f"{1000 * (cpu_of(lab.pids) - lab0) / count:5.1f} ms/device  load "
                      f"{os.getloadavg()[0]:.1f}", flush=True)
        summarise(count, rows)


def summarise(count: int, rows: list[tuple[str, str, float]]) -> None:
    rate = {(c, label): count / took for c, label, took in rows}
    for command in ("collect", "sweep"):
        one, pool, queue = (rate.get((command, k)) for k in ("1 process", "N processes", "queue, 2 workers"))
        if one and pool and queue:
            pool_met = "met" if pool / one >= POOL_TARGET else "NOT MET"
            queue_met = "met" if queue / pool >= QUEUE_TARGET else "NOT MET"
            print(f"  {count:>5} devices  {command}: process pool / one process = {pool / one:.2f} (target >= "
                  f"{POOL_TARGET}: {pool_met}); queue / process pool = {queue / pool:.2f} (target >= "
                  f"{QUEUE_TARGET}: {queue_met})")
    print()


if __name__ == "__main__":
    sys.exit(main())
