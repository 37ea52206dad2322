"""Sweeps and collection on the real task queue: real Redis (and RabbitMQ), real worker processes started and
stopped here, the simulated lab over real SSH/NETCONF.

- a distributed sweep over two site queues writes what a local sweep writes (replies byte for byte, hashes,
  profiles, health.json, changes.json, history rows), each device collected by a worker of its own site;
- no password crosses the broker (every command Redis receives is watched with MONITOR);
- a site with no worker: its devices end unreachable "no worker for site X" after the bounded wait, the rest
  completes; a result that never comes: timeout for that device;
- a worker killed mid-task: another worker of the queue collects the device, which appears once;
- the broker unreachable, or a device whose password would have to travel: exit 2 before anything runs;
- two sweeps of one inventory never overlap (lock on the broker).
"""

from __future__ import annotations

import dataclasses
import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from distributed_helpers import (
    PASSWORD_VAR,
    ROOT,
    Group,
    Worker,
    amqp_url,
    broker_url,
    namespace,
    redis_url,
    start_worker,
    stop_all,
    via_variable,
    with_password,
    worker_env,
)

from app.distributed import BrokerSettings, collect_distributed, connect, distributed_collector
from app.sweep import run_sweep
from lab.schema import Faults
from lab.server import LabServer, load_device_folder
from lab.testing import client_environment
from msplus.inventory import load_inventory
from msplus.records import Inventory

pytestmark = pytest.mark.slow
LAB_INVENTORY = ROOT / "inventories" / "lab.yaml"
TIMING = {"started", "finished", "seconds"}


@dataclasses.dataclass
class Lab:
    server: LabServer
    inventory: Inventory  # passwords by variable (what the central node has)
    password: str
    home: Path


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """The lab inventory (sites SG1 and SG2) on ephemeral ports, with a password of this run only."""
    password = "pw-" + uuid.uuid4().hex
    home = tmp_path_factory.mktemp("home")
    inventory = load_inventory(LAB_INVENTORY)
    sims = [load_device_folder(d.simulate, name=d.name, host=d.host or "127.0.0.1", port=0, username=d.username,
                               password=password) for d in inventory.devices if d.simulate]
    with client_environment(home), LabServer(sims) as server:
        devices = tuple(dataclasses.replace(d, port=server.address(d.name)[1], timeout=10, connect_timeout=5)
                        for d in inventory.devices)
        yield Lab(server, via_variable(dataclasses.replace(inventory, devices=devices)), password, home)


@pytest.fixture(scope="module")
def groups(lab: Lab, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Group]]:
    """Every worker process this module needs, started at once (each takes seconds to import its libraries):
    sites  - one worker for SG1 and one for SG2 (password in their environment);
    central - the central node's worker (no device password at all), same namespace;
    kill   - two workers of SG1 that take one device at a time and read the password from a secrets file;
    each on Redis, and sites and kill on RabbitMQ too, when the brokers are configured."""
    logs = tmp_path_factory.mktemp("logs")
    secrets = logs / "secrets.env"
    secrets.write_text(f"# lab\n{PASSWORD_VAR}={lab.password}\n")
    secrets.chmod(0o600)
    plain = worker_env(lab.home, lab.password)
    central = {k: v for k, v in plain.items() if k != PASSWORD_VAR}
    from_file = {**central, "ASSESS_VISIBILITY_TIMEOUT": "3", "ASSESS_SECRETS_FILE": str(secrets)}
    found: dict[str, Group] = {}
    for kind, variable in (("redis", "ASSESS_TEST_REDIS_URL"), ("amqp", "ASSESS_TEST_AMQP_URL")):
        if not os.environ.get(variable):
            continue
        url = broker_url(kind)
        ns, kill_ns = namespace(), namespace()
        found[f"{kind}-sites"] = Group(url, ns, [start_worker(url, ns, [s], logs, plain) for s in ("SG1", "SG2")])
        if kind == "redis":
            found["redis-central"] = Group(url, ns, [start_worker(url, ns, ["central"], logs, central)])
        found[f"{kind}-kill"] = Group(url, kill_ns, [start_worker(url, kill_ns, ["SG1"], logs, from_file,
                                                                 concurrency=1) for _ in range(2)])
    try:
        yield found
    finally:
        stop_all([w for g in found.values() for w in g.workers])


def _group(groups: dict[str, Group], name: str) -> Group:
    if name not in groups:
        variable = "ASSESS_TEST_REDIS_URL" if name.startswith("redis") else "ASSESS_TEST_AMQP_URL"
        pytest.skip(f"{variable} is not set (.ci/run sets it): no broker to test against")
    return groups[name].serving()


@pytest.fixture(scope="module")
def redis_sites(groups: dict[str, Group]) -> tuple[str, str, list[Worker]]:
    """One worker for SG1 and one for SG2 on Redis, in a namespace of this run."""
    group = _group(groups, "redis-sites")
    return group.url, group.namespace, group.workers


def _meta_without_timing(folder: Path) -> dict[str, Any]:
    meta = json.loads((folder / "meta.json").read_text())
    meta = {k: v for k, v in meta.items() if k not in TIMING}
    meta["replies"] = [{k: v for k, v in r.items() if k != "seconds"} for r in meta.get("replies") or ()]
    meta["notes"] = {k: v for k, v in (meta.get("notes") or {}).items() if k != "worker"}
    return meta


def _history_rows(history: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(history / "history.sqlite3") as db:
        return db.execute("SELECT device, check_id, status, value FROM health_results ORDER BY device, check_id"
                          ).fetchall()


def _assert_same_sweep(lab: Lab, local: Path, distributed: Path, snap_local: Path, snap_dist: Path) -> None:
    assert json.loads((distributed / "out" / "health.json").read_text()) == \
        json.loads((local / "out" / "health.json").read_text())
    assert json.loads((distributed / "out" / "changes.json").read_text()) == \
        json.loads((local / "out" / "changes.json").read_text())
    assert _history_rows(distributed / "history") == _history_rows(local / "history") != []
    for device in lab.inventory.devices:
        a, b = snap_local / device.name, snap_dist / device.name
        names = sorted(p.name for p in a.iterdir())
        assert sorted(p.name for p in b.iterdir()) == names
        for name in names:
            if name != "meta.json":
                assert (b / name).read_bytes() == (a / name).read_bytes(), f"{device.name}/{name}"
        assert _meta_without_timing(b) == _meta_without_timing(a)


@pytest.fixture(scope="module")
def local_sweep(lab: Lab, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    """The same lab swept in this process, with the password in hand: what a distributed sweep must equal."""
    root = tmp_path_factory.mktemp("local")
    outcome = run_sweep(with_password(lab.inventory, lab.password), history=root / "history", out=root / "out",
                        workers=8, processes=1)
    return root, outcome


def _sweep_remote(lab: Lab, tmp_path: Path, settings: BrokerSettings) -> Any:
    return run_sweep(lab.inventory, history=tmp_path / "dist" / "history", out=tmp_path / "dist" / "out",
                     collect=distributed_collector(settings))


def test_a_sweep_over_two_site_queues_equals_the_local_sweep(lab: Lab, redis_sites: tuple[str, str, list[Worker]],
                                                            local_sweep: tuple[Path, Any], tmp_path: Path) -> None:
    url, ns, started = redis_sites
    root, local = local_sweep
    remote = _sweep_remote(lab, tmp_path, BrokerSettings(url, namespace=ns, site_wait=10))
    assert local.unreachable == remote.unreachable == []
    assert remote.devices == local.devices == [d.name for d in lab.inventory.devices]
    _assert_same_sweep(lab, root, tmp_path / "dist", local.snapshot, remote.snapshot)
    by_site = {w.sites[0]: w.name for w in started}
    for device in lab.inventory.devices:  # each device collected inside its own site
        worker = json.loads((remote.snapshot / device.name / "meta.json").read_text())["notes"]["worker"]
        assert worker.startswith(by_site[str(device.site)] + "-"), (device.name, worker)


def test_the_same_on_rabbitmq(lab: Lab, groups: dict[str, Group], local_sweep: tuple[Path, Any],
                              tmp_path: Path) -> None:
    group = _group(groups, "amqp-sites")
    root, local = local_sweep
    remote = _sweep_remote(lab, tmp_path, BrokerSettings(group.url, namespace=group.namespace, site_wait=10))
    assert remote.unreachable == []
    _assert_same_sweep(lab, root, tmp_path / "dist", local.snapshot, remote.snapshot)


def test_no_password_crosses_the_broker(lab: Lab, redis_sites: tuple[str, str, list[Worker]], tmp_path: Path) -> None:
    """Every command the Redis server receives while a run goes through it (tasks, results, control) is watched."""
    import redis

    url, ns, _ = redis_sites
    seen: list[str] = []
    ready, stop = threading.Event(), threading.Event()

    def watch() -> None:
        client = redis.Redis.from_url(url)
        with client.monitor() as monitor:
            ready.set()
            for command in monitor.listen():
                seen.append(str(command.get("command")))
                if stop.is_set():
                    break

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    assert ready.wait(5)
    results = collect_distributed(lab.inventory, tmp_path / "snap", settings=BrokerSettings(url, namespace=ns),
                                  devices=["sg-core-1", "sg-fw-2"])
    stop.set()
    redis.Redis.from_url(url).ping()  # one more command, so the watcher wakes up and stops
    watcher.join(timeout=10)
    assert [r.ok for r in results] == [True, True]
    traffic = "\n".join(seen)
    assert f"{ns}.SG1" in traffic and PASSWORD_VAR in traffic  # the task went through, naming the variable...
    assert "get-software-information" in traffic or "sg-core-1" in traffic
    assert lab.password not in traffic  # ...and never its value
    assert lab.password not in "".join(p.read_text() for p in (tmp_path / "snap").rglob("*.json"))


def test_a_site_without_a_worker_ends_unreachable_and_the_rest_completes(
        lab: Lab, redis_sites: tuple[str, str, list[Worker]], tmp_path: Path) -> None:
    url, ns, _ = redis_sites
    moved = {"sg-core-1", "sg-edge-1"}
    devices = tuple(dataclasses.replace(d, site="SG9") if d.name in moved else d for d in lab.inventory.devices)
    inventory = dataclasses.replace(lab.inventory, devices=devices)
    began = time.monotonic()
    outcome = run_sweep(inventory, history=tmp_path / "history", out=tmp_path / "out",
                        collect=distributed_collector(BrokerSettings(url, namespace=ns, site_wait=2)))
    took = time.monotonic() - began
    assert sorted(outcome.unreachable) == sorted(moved)
    assert took < 20
    health = json.loads((tmp_path / "out" / "health.json").read_text())
    reach = {r["device"]: r for r in health if r["check"] == "reachability"}
    for name in moved:
        assert reach[name]["status"] == "critical"
        assert f"no worker for site SG9 (queue {ns}.SG9)" in str(reach[name]["detail"])
        meta = json.loads((outcome.snapshot / name / "meta.json").read_text())
        assert meta["ok"] is False and meta["error"]["kind"] == "unreachable"
    others = {d.name for d in devices} - moved
    assert {r["device"] for r in health if r["status"] == "ok"} >= others
    assert all(reach.get(n, {}).get("status", "ok") != "critical" for n in others)


def test_a_result_that_never_arrives_is_a_timeout(lab: Lab, redis_sites: tuple[str, str, list[Worker]],
                                                  tmp_path: Path) -> None:
    url, ns, _ = redis_sites
    sim = lab.server.device("sg-fw-2")
    sim.faults = Faults(hang_on=["get-software-information"])  # the worker waits on the device for 8 s
    try:
        devices = tuple(dataclasses.replace(d, timeout=8) for d in lab.inventory.devices)
        inventory = dataclasses.replace(lab.inventory, devices=devices)
        began = time.monotonic()
        results = collect_distributed(inventory, tmp_path / "snap", devices=["sg-fw-2", "sg-leaf-1"],
                                      settings=BrokerSettings(url, namespace=ns, result_timeout=2))
        took = time.monotonic() - began
    finally:
        sim.faults = Faults()
    by = {r.device: r for r in results}
    assert by["sg-leaf-1"].ok
    assert by["sg-fw-2"].error_kind == "timeout"
    assert "no result from the workers of site SG2 within 2 s" in str(by["sg-fw-2"].error)
    assert took < 8  # given up before the worker itself would have (the device's 8 s RPC timeout)
    meta = json.loads((tmp_path / "snap" / "sg-fw-2" / "meta.json").read_text())
    assert meta["error"] == {"kind": "timeout", "message": by["sg-fw-2"].error}


@pytest.mark.parametrize("broker", ["redis", "amqp"])
def test_a_worker_killed_mid_task_leaves_its_device_to_another(broker: str, lab: Lab, groups: dict[str, Group],
                                                              tmp_path: Path) -> None:
    """Two workers of SG1 (password from a secrets file), one device at a time each; the one that starts sg-core-1
    is killed (SIGKILL) mid-task."""
    group = _group(groups, f"{broker}-kill")
    pair = group.workers
    slow = ["sg-core-1", "sg-edge-1"]
    for name in slow:
        lab.server.device(name).latency = {"default": 0.06}  # ~1.5 s per device: time to kill mid-task
    try:
        settings = BrokerSettings(group.url, namespace=group.namespace, site_wait=30, result_timeout=60)
        found: dict[str, Any] = {}
        run = threading.Thread(target=lambda: found.update(results=collect_distributed(
            lab.inventory, tmp_path / "snap", settings=settings, devices=slow)))
        run.start()
        victim = _first_to_start(pair, "sg-core-1", timeout=30)
        victim.kill()
        run.join(timeout=60)
        assert not run.is_alive()
    finally:
        for name in slow:
            lab.server.device(name).latency = {}
    survivor = next(w for w in pair if w is not victim)
    results = found["results"]
    assert [r.device for r in results] == slow and all(r.ok for r in results)  # each device once, all collected
    meta = json.loads((tmp_path / "snap" / "sg-core-1" / "meta.json").read_text())
    assert meta["ok"] is True and meta["notes"]["worker"].startswith(survivor.name + "-")
    assert "collecting sg-core-1" in survivor.text()


def _first_to_start(pair: list[Worker], device: str, timeout: float) -> Worker:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for w in pair:
            if f"collecting {device}" in w.text():
                return w
        time.sleep(0.05)
    pytest.fail("no worker started " + device + ":\n" + "\n".join(w.text()[-2000:] for w in pair))


# ---------------------------------------------------------------------------------------------- command line

def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "run_assessment.py"), *args], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=60, check=False)


def _inventory_file(lab: Lab, tmp_path: Path, *, inline: bool = False) -> Path:
    lines = ["defaults: {driver: pyez, username: lab, "
             + (f"password: {lab.password}}}" if inline else f"password_env: {PASSWORD_VAR}}}"), "devices:"]
    lines += [f"  - {{name: {d.name}, host: {d.host}, port: {d.port}, site: {d.site}, timeout: 10}}"
              for d in lab.inventory.devices]
    path = tmp_path / "inventory.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize("url", ["redis://127.0.0.1:1/0", "amqp://guest:secret-broker-pw@127.0.0.1:1//"])
def test_an_unreachable_broker_stops_the_run_before_anything_runs(url: str, lab: Lab, tmp_path: Path) -> None:
    inventory = _inventory_file(lab, tmp_path)
    began = time.monotonic()
    done = _cli("sweep", "--broker", url, "--inventory", str(inventory), "--history", str(tmp_path / "h"),
                "--out", str(tmp_path / "out"))
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("error: cannot reach the broker ") and len(done.stderr.splitlines()) == 1
    assert "Traceback" not in done.stderr and "secret-broker-pw" not in done.stderr
    assert not (tmp_path / "out").exists() and not (tmp_path / "h").exists()
    assert time.monotonic() - began < 30


def test_an_inline_password_is_never_sent(lab: Lab, redis_sites: tuple[str, str, list[Worker]],
                                          tmp_path: Path) -> None:
    url, ns, _ = redis_sites
    done = _cli("collect", "--broker", url, "--namespace", ns, "--inventory",
                str(_inventory_file(lab, tmp_path, inline=True)), "--out", str(tmp_path / "out"))
    assert done.returncode == 2
    assert "a password never travels through the broker" in done.stderr and lab.password not in done.stderr
    assert not (tmp_path / "out").exists()


def test_the_collect_command_on_the_queue(lab: Lab, redis_sites: tuple[str, str, list[Worker]],
                                          tmp_path: Path) -> None:
    url, ns, _ = redis_sites
    done = _cli("collect", "--broker", url, "--namespace", ns, "--inventory", str(_inventory_file(lab, tmp_path)),
                "--out", str(tmp_path / "out"), "--device", "sg-p-1", "--device", "sg-acc-1")
    assert done.returncode == 0, done.stderr + done.stdout
    assert "collected 2 of 2 devices" in done.stdout
    profile = json.loads((tmp_path / "out" / "sg-p-1" / "profile.json").read_text())
    assert profile["evolved"] is True


def test_two_sweeps_of_one_inventory_never_overlap(lab: Lab, redis_sites: tuple[str, str, list[Worker]],
                                                   tmp_path: Path) -> None:
    from app.locks import LockHeld, broker_lock
    from app.schedule import lock_name

    url, ns, _ = redis_sites
    inventory = _inventory_file(lab, tmp_path)
    settings = BrokerSettings(url, namespace=ns)
    with broker_lock(url, lock_name(settings, inventory)):  # a sweep of this inventory is running
        done = _cli("sweep", "--broker", url, "--namespace", ns, "--inventory", str(inventory),
                    "--history", str(tmp_path / "h"), "--out", str(tmp_path / "out"))
        with pytest.raises(LockHeld), broker_lock(url, lock_name(settings, inventory)):
            pass
    assert done.returncode == 2
    assert "already running" in done.stderr and "holds" in done.stderr
    assert not (tmp_path / "out" / "health.json").exists()
    with broker_lock(url, lock_name(settings, inventory)):  # released: free again
        pass


def test_the_lock_on_rabbitmq_is_freed_when_its_holder_goes(tmp_path: Path) -> None:
    from app.locks import LockHeld, broker_lock

    url, name = amqp_url(), f"{namespace()}.lock.sweep.test"
    with broker_lock(url, name), pytest.raises(LockHeld, match="already running"), broker_lock(url, name):
        pass
    with broker_lock(url, name):
        pass


def test_a_scheduled_sweep_runs_on_the_central_worker(lab: Lab, redis_sites: tuple[str, str, list[Worker]],
                                                      groups: dict[str, Group], tmp_path: Path) -> None:
    """What beat sends every interval (task msplus.sweep to <ns>.central) runs a whole sweep through the site
    queues on the central node's worker (which has no device password: the site workers have it)."""
    from app.schedule import TASK_SWEEP
    from collectors.distributed.engine import queue_name

    url, ns, _ = redis_sites
    _group(groups, "redis-central")
    inventory = _inventory_file(lab, tmp_path)
    app = connect(BrokerSettings(url, namespace=ns))
    options = {"inventory": str(inventory), "history": str(tmp_path / "history"), "out": str(tmp_path / "out")}
    outcome = app.send_task(TASK_SWEEP, args=[options], queue=queue_name("central", ns))
    assert outcome.get(timeout=60) in (0, 1)
    health = json.loads((tmp_path / "out" / "health.json").read_text())
    assert {r["device"] for r in health} == {d.name for d in lab.inventory.devices}
    assert not [r for r in health if r["check"] == "reachability" and r["status"] == "critical"]


def test_assess_collects_on_the_queue(lab: Lab, redis_sites: tuple[str, str, list[Worker]], tmp_path: Path) -> None:
    """``assess phc --broker``: the review is written from what the site workers collected; the central node has no
    device password."""
    from report_helpers import DAY, inventory_data, ledger_with_credits, write_inventory

    url, ns, _ = redis_sites
    data = inventory_data()
    data["defaults"] = {**{k: v for k, v in data["defaults"].items() if k != "password"},
                        "password_env": PASSWORD_VAR}
    ports = {d.name: d.port for d in lab.inventory.devices}
    inventory = write_inventory(tmp_path / "inventory.yaml", data, ports)
    ledger = ledger_with_credits(tmp_path / "ledger.db", inventory, credits=10)
    env = {k: v for k, v in os.environ.items() if k != PASSWORD_VAR}
    env["HOME"] = str(lab.home)
    done = _cli("assess", "phc", "--inventory", str(inventory), "--ledger", ledger, "--date", str(DAY),
                "--out", str(tmp_path / "review"), "--broker", url, "--namespace", ns, env=env)
    assert done.returncode == 0, done.stderr + done.stdout
    report = json.loads(next((tmp_path / "review").glob("*.json")).read_text())
    assert report["schema_version"] == 1
    metas = [json.loads(p.read_text()) for p in tmp_path.rglob("snapshot/*/meta.json")]
    assert metas and all(m["ok"] and m["notes"]["worker"].startswith("w") for m in metas)
    assert lab.password not in done.stdout + done.stderr


def test_beat_sends_a_sweep_to_the_central_queue_every_interval(lab: Lab, tmp_path: Path) -> None:
    """``run_assessment.py beat`` (Celery beat) puts a msplus.sweep message on <ns>.central when the interval is up,
    with the sweep's options and an expiry; read straight from the Redis list."""
    import base64

    import redis

    url, ns = redis_url(), namespace()
    inventory = _inventory_file(lab, tmp_path)
    beat = subprocess.Popen([sys.executable, str(ROOT / "run_assessment.py"), "beat", "--broker", url, "--namespace",
                             ns, "--every", "2", "--inventory", str(inventory), "--history", str(tmp_path / "h"),
                             "--out", str(tmp_path / "out")], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    client = redis.Redis.from_url(url)
    try:
        deadline = time.monotonic() + 30
        while client.llen(f"{ns}.central") < 1 and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        beat.terminate()
        beat.wait(timeout=10)
    messages = [json.loads(m) for m in client.lrange(f"{ns}.central", 0, -1)]
    client.delete(f"{ns}.central")
    assert len(messages) >= 1
    first = messages[0]
    assert first["headers"]["task"] == "msplus.sweep" and first["headers"]["expires"]
    args = json.loads(base64.b64decode(first["body"]))[0]
    assert args == [{"inventory": str(inventory.resolve()), "history": str(tmp_path / "h"),
                     "out": str(tmp_path / "out"), "checks": None, "keep_snapshots": 0}]
