"""Scheduled sweeps on the broker: Celery beat sends a sweep task every N seconds to the ``central`` queue; the
worker serving that queue on the central node runs the sweep, which sends one task per device to the site queues.

A sweep holds a lock on the broker named after its inventory for as long as it runs (``app.locks``), whether it
was started by beat or by hand: a sweep that finds the lock held does not start (by hand: exit 2 with who holds
it; from beat: logged and skipped, the next tick tries again). Beat's own messages expire after one interval, so a
central worker that was down does not run a backlog of sweeps when it comes back.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
from pathlib import Path
from typing import Any

from app.distributed import BrokerSettings

log = logging.getLogger(__name__)
TASK_SWEEP = "msplus.sweep"
CENTRAL = "central"


def lock_name(settings: BrokerSettings, inventory: str | Path) -> str:
    """One lock per inventory file (by its absolute path) and namespace."""
    digest = hashlib.sha256(str(Path(inventory).resolve()).encode()).hexdigest()[:16]
    return f"{settings.namespace}.lock.sweep.{digest}"


def sweep_on_queue(settings: BrokerSettings, args: argparse.Namespace, app: Any = None) -> int:
    """One sweep of ``args.inventory`` through the queue, under the inventory's lock. Exit code as ``sweep``."""
    from app.distributed import connect, distributed_collector
    from app.locks import broker_lock
    from app.sweep import main as sweep_main

    app = app or connect(settings)
    with broker_lock(settings.url, lock_name(settings, args.inventory)):
        return sweep_main(args, collect=distributed_collector(settings, app), resolve_passwords=False)


def register_sweep_task(app: Any, settings: BrokerSettings) -> None:
    """The task beat sends: run one sweep with the options it carries (acknowledged on receipt: a sweep lost with
    its worker is not run twice; the next tick runs it)."""

    def sweep_task(options: dict[str, Any]) -> int:
        from app.locks import LockHeld

        args = argparse.Namespace(**{**_SWEEP_DEFAULTS, **options})
        try:
            return sweep_on_queue(settings, args, app)
        except LockHeld as exc:
            log.warning("scheduled sweep of %s skipped: %s", args.inventory, exc)
            return -1

    app.task(name=TASK_SWEEP, acks_late=False)(sweep_task)


_SWEEP_DEFAULTS: dict[str, Any] = {"action": None, "checks": None, "workers": 16, "device": [], "keep_snapshots": 0,
                                   "no_progress": True, "out": "out/sweep", "processes": None}


def run_beat(settings: BrokerSettings, *, every: float, sweep: dict[str, Any], loglevel: str = "INFO") -> int:
    """Send a sweep task every ``every`` seconds to ``<namespace>.central`` until stopped."""
    from app.distributed import connect
    from collectors.distributed.engine import queue_name
    from msplus.errors import InputError

    if every < 1:
        raise InputError(f"--every must be at least 1 second (got {every:g})")
    app = connect(settings)
    sweep = {**sweep, "inventory": str(Path(sweep["inventory"]).resolve())}
    app.conf.beat_schedule = {
        f"sweep {sweep['inventory']}": {"task": TASK_SWEEP, "schedule": every, "args": [sweep],
                                        "options": {"queue": queue_name(CENTRAL, settings.namespace),
                                                    "expires": every}},
    }
    schedule_file = Path(sweep.get("out") or ".") / ".beat-schedule"
    schedule_file.parent.mkdir(parents=True, exist_ok=True)
    beat = app.Beat(loglevel=loglevel, schedule=str(schedule_file), quiet=True)
    beat.run()
    return 0
