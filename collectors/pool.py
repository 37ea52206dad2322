"""Collecting across CPU cores: a few processes, each with its own thread pool, taking devices from one shared queue.

One Python process is bound by its GIL: paramiko's packet handling, ncclient's framing and file writing cost about
20-40 ms of client CPU per device, so one process tops out around 35-50 devices/s whatever its thread count. Several
processes use several cores. Devices are handed out one at a time from a shared queue (not split up front), so a
process that meets slow devices does not hold the others back.

The processes are forked from the caller when it runs a single thread (the command line: no start-up cost, the
collectors already imported), else from a forkserver that has imported the collectors once (a plain fork would copy
other threads' locks in an unknown state: a lab server in tests, a Celery worker). Each process takes the caller's
environment (HOME: PyEZ and paramiko read ~/.ssh) when it starts. A process that dies
(a crash in a C library) fails only the devices it was collecting, as ``internal``; the others go on.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import queue
import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from msplus.records import CollectionResult, Device, Request

log = logging.getLogger(__name__)
Progress = Callable[[int, int, CollectionResult], None]

# A process costs ~0.3-0.5 s to start and import PyEZ; below this many network devices per extra process the
# start-up is not paid back, so small runs stay in one process.
MIN_DEVICES_PER_PROCESS = 24
_PRELOAD = ["collectors.run", "collectors.pyez_collector", "snapshots.profile"]


def usable_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def choose_processes(devices: Sequence[Device], requested: int | None) -> int:
    """How many processes to collect with: ``requested`` when given (never more than devices), else one per
    usable CPU as long as each gets MIN_DEVICES_PER_PROCESS network devices (offline ones cost no network wait
    and stay in-process)."""
    network = sum(d.driver != "offline" for d in devices)
    if requested is not None:
        return max(1, min(requested, len(devices)))
    return max(1, min(usable_cpus(), network // MIN_DEVICES_PER_PROCESS))


def collect_in_processes(devices: Sequence[Device], out: Path, plan: Sequence[Request], *,
                         known_hosts: Path | None, workers: int, processes: int,
                         progress: Progress | None = None) -> dict[str, CollectionResult]:
    """Collect ``devices`` with ``processes`` processes of ``workers`` threads each. Returns device name ->
    result; ``progress`` is called here, in the calling thread, as each device finishes."""
    ctx = _context()
    jobs: Any = ctx.Queue()
    events: Any = ctx.Queue()
    threads = max(1, min(workers, -(-len(devices) // processes)))
    for index in range(len(devices)):
        jobs.put(index)
    for _ in range(processes * threads):
        jobs.put(None)  # one stop sign per thread
    environment = dict(os.environ)
    procs = [ctx.Process(target=_process_main, name=f"collect-{n}", daemon=True,
                         args=(list(devices), str(out), list(plan), known_hosts, threads, jobs, events, environment))
             for n in range(processes)]
    for proc in procs:
        proc.start()
    results: dict[str, CollectionResult] = {}
    in_flight: dict[int, int] = {}  # device index -> pid of the process collecting it
    try:
        while len(results) < len(devices):
            try:
                kind, index, payload = events.get(timeout=1.0)
            except queue.Empty:
                _fail_lost(procs, in_flight, devices, results, progress)
                if not any(p.is_alive() for p in procs) and len(results) < len(devices):
                    _fail_rest(devices, results, progress, "every collection process stopped")
                continue
            if kind == "begin":
                in_flight[index] = payload
            elif devices[index].name not in results:
                in_flight.pop(index, None)
                results[devices[index].name] = payload
                if progress:
                    progress(len(results), len(devices), payload)
    finally:
        for proc in procs:
            proc.join(timeout=5)
            if proc.is_alive():
                proc.kill()
        jobs.cancel_join_thread()
    return results


def _context() -> Any:  # a fork, forkserver or spawn context (typeshed's BaseContext lacks Process)
    """fork when this process has a single thread (the command line): instant, and the children inherit the
    imported collectors. With other threads running (a lab server in tests, a Celery worker), a forkserver."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    if "forkserver" not in methods:
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(_PRELOAD)  # takes effect when the server starts (first use in this process)
    return ctx


def _fail_lost(procs: Sequence[Any], in_flight: dict[int, int], devices: Sequence[Device],
               results: dict[str, CollectionResult], progress: Progress | None) -> None:
    dead = {p.pid for p in procs if not p.is_alive() and p.exitcode not in (0, None)}
    for index, pid in list(in_flight.items()):
        if pid in dead:
            del in_flight[index]
            _record(devices[index], results, progress, "the collection process stopped while collecting it",
                    len(devices))


def _fail_rest(devices: Sequence[Device], results: dict[str, CollectionResult], progress: Progress | None,
               why: str) -> None:
    for device in devices:
        if device.name not in results:
            _record(device, results, progress, why, len(devices))


def _record(device: Device, results: dict[str, CollectionResult], progress: Progress | None, why: str,
            total: int) -> None:
    result = CollectionResult(device=device.name, collector=device.driver, ok=False, error_kind="internal", error=why)
    results[device.name] = result
    if progress:
        progress(len(results), total, result)


def _process_main(devices: list[Device], out: str, plan: list[Request], known_hosts: Path | None, threads: int,
                  jobs: Any, events: Any, environment: Mapping[str, str]) -> None:
    """One collection process: ``threads`` threads take device indexes from ``jobs`` until a stop sign."""
    from collectors.run import collect_device, warm_up

    os.environ.clear()
    os.environ.update(environment)
    warm_up()
    pid = os.getpid()

    def work() -> None:
        while (index := jobs.get()) is not None:
            events.put(("begin", index, pid))
            result = collect_device(devices[index], Path(out), plan, known_hosts=known_hosts)
            events.put(("end", index, result))

    pool = [threading.Thread(target=work, name=f"collect-{n}") for n in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
