"""Real brokers, real worker processes and the simulated lab, for the distributed-run tests.

Brokers come from ASSESS_TEST_REDIS_URL / ASSESS_TEST_AMQP_URL (set by .ci/run); a test without one is skipped
with the reason. Each test run uses its own Redis database number and its own queue namespace, so parallel runs on
one broker never take each other's tasks.
"""

from __future__ import annotations

import dataclasses
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from msplus.records import Inventory
from msplus.secrets import Secret

ROOT = Path(__file__).resolve().parents[1]
PASSWORD_VAR = "MSPLUS_TEST_LAB_PASSWORD"


def redis_url() -> str:
    url = os.environ.get("ASSESS_TEST_REDIS_URL")
    if not url:
        pytest.skip("ASSESS_TEST_REDIS_URL is not set (.ci/run sets it): no Redis broker to test against")
    parts = urlsplit(url)
    db = random.randint(1, 15)
    return urlunsplit(parts._replace(path=f"/{db}"))


def amqp_url() -> str:
    url = os.environ.get("ASSESS_TEST_AMQP_URL")
    if not url:
        pytest.skip("ASSESS_TEST_AMQP_URL is not set (.ci/run sets it): no RabbitMQ broker to test against")
    return url


def broker_url(kind: str) -> str:
    return redis_url() if kind == "redis" else amqp_url()


def namespace() -> str:
    return "t" + uuid.uuid4().hex[:10]


@dataclass
class Worker:
    process: subprocess.Popen[bytes]
    log: Path
    sites: tuple[str, ...]
    name: str

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def terminate(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=3)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(timeout=5)


def worker_env(home: Path, password: str, **extra: str) -> dict[str, str]:
    (home / ".ssh").mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k != PASSWORD_VAR}
    env.update({"HOME": str(home), "PYTHONPATH": str(ROOT), PASSWORD_VAR: password, **extra})
    return env


def start_worker(url: str, ns: str, sites: Sequence[str], logs: Path, env: dict[str, str], *,
                 concurrency: int = 4, name: str | None = None) -> Worker:
    name = name or f"w{uuid.uuid4().hex[:6]}"
    log = logs / f"{name}.log"
    cmd = [sys.executable, str(ROOT / "run_assessment.py"), "worker", "--broker", url, "--namespace", ns,
           "--queues", ",".join(sites), "--concurrency", str(concurrency), "--name", name]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
    return Worker(proc, log, tuple(sites), name)


def wait_serving(app: object, ns: str, workers: Sequence[Worker], timeout: float = 40.0) -> None:
    """Until every worker answers with the queues of its sites (or fail with its log)."""
    from collectors.distributed.engine import queue_name

    wanted = {(w.name, queue_name(s, ns)) for w in workers for s in w.sites}
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for w in workers:
            if w.process.poll() is not None:
                pytest.fail(f"worker {w.name} exited {w.process.returncode}:\n{w.text()[-3000:]}")
        replies = app.control.inspect(timeout=1.0).active_queues() or {}  # type: ignore[attr-defined]
        seen = {(host.split("-", 1)[0], q["name"]) for host, queues in replies.items() for q in queues}
        if wanted <= seen:
            return
    pytest.fail("workers not serving in time:\n" + "\n".join(w.text()[-2000:] for w in workers))


@dataclass
class Group:
    """Workers of one broker and namespace, started together with every other group of the module."""

    url: str
    namespace: str
    workers: list[Worker]
    ready: bool = False

    def serving(self) -> Group:
        if not self.ready:
            from app.distributed import BrokerSettings, connect

            wait_serving(connect(BrokerSettings(self.url, namespace=self.namespace)), self.namespace, self.workers)
            self.ready = True
        return self


def stop_all(started: Sequence[Worker], grace: float = 3.0) -> None:
    """SIGTERM to all, then SIGKILL to any still running after ``grace`` seconds in all."""
    for w in started:
        w.terminate()
    deadline = time.monotonic() + grace
    for w in started:
        try:
            w.process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            w.kill()


@contextmanager
def workers(url: str, ns: str, groups: Sequence[Sequence[str]], logs: Path, env: dict[str, str],
            concurrency: int = 4) -> Iterator[list[Worker]]:
    from app.distributed import BrokerSettings, connect

    started = [start_worker(url, ns, sites, logs, env, concurrency=concurrency) for sites in groups]
    try:
        wait_serving(connect(BrokerSettings(url, namespace=ns)), ns, started)
        yield started
    finally:
        stop_all(started)


def via_variable(inventory: Inventory, **changes: object) -> Inventory:
    """The inventory with every password replaced by the variable's name: what a central node sends."""
    devices = tuple(dataclasses.replace(d, password=None, password_env=PASSWORD_VAR, **changes)  # type: ignore[arg-type]
                    for d in inventory.devices)
    return dataclasses.replace(inventory, devices=devices)


def with_password(inventory: Inventory, password: str) -> Inventory:
    devices = tuple(dataclasses.replace(d, password=Secret(password)) for d in inventory.devices)
    return dataclasses.replace(inventory, devices=devices)
