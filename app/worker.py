"""A worker process: serves the queues of the sites it is in (``run_assessment.py worker``).

Each worker is one process with a pool of threads (``--concurrency``): collection waits on the network most of the
time, and one process per CPU core is what uses the cores (start one worker per core, or per site per core). A
worker on the central node serving ``central`` runs the scheduled sweeps (``app.schedule``).
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Sequence

from app.distributed import BrokerSettings, connect
from collectors.distributed.credentials import WorkerSecrets
from collectors.distributed.engine import queue_name
from collectors.distributed.tasks import configure_worker

log = logging.getLogger(__name__)


def run_worker(settings: BrokerSettings, *, sites: Sequence[str], concurrency: int = 8,
               secrets_file: str | None = None, name: str | None = None, loglevel: str = "INFO") -> int:
    """Serve ``sites`` (queue ``<namespace>.<site>`` each; ``default`` for devices without a site) until stopped.
    Raises InputError (a bad secrets file) or BrokerUnavailable before serving anything."""
    from app.schedule import register_sweep_task
    from collectors.base import get
    from collectors.run import warm_up
    from msplus.errors import InputError

    if concurrency < 1:
        raise InputError(f"--concurrency must be at least 1 (got {concurrency})")
    configure_worker(WorkerSecrets.load(secrets_file))
    app = connect(settings)
    register_sweep_task(app, settings)
    get("pyez")  # the usual driver, imported before the threads start; the others on first use (tasks)
    warm_up()
    queues = sorted({queue_name(None if s == "default" else s, settings.namespace) for s in sites or ["default"]})
    import celery.app.trace

    # Celery logs each task's return value on success: here a whole device folder. The name and time are enough.
    celery.app.trace.LOG_SUCCESS = "Task %(name)s[%(id)s] succeeded in %(runtime)ss"
    worker = app.Worker(queues=queues, concurrency=concurrency, pool="threads", loglevel=loglevel,
                        hostname=f"{name or 'msplus'}-{'+'.join(sites) or 'default'}@{socket.gethostname()}",
                        without_mingle=True, without_gossip=True, without_heartbeat=True, quiet=True)
    log.info("worker serving %s on %s", ", ".join(queues), settings.display_url())
    worker.start()
    return int(worker.exitcode or 0)
