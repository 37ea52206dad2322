"""The Celery application shared by the central node and the site workers, and the names of its queues.

Settings that make a device's task safe to lose a worker over:
  * late acknowledgement (``task_acks_late``): the broker forgets a task only when a worker has finished it, so a
    worker killed mid-task leaves it to be delivered again to another worker of that queue;
  * ``task_reject_on_worker_lost``: a prefork child that dies hands its task back at once;
  * one task reserved per worker thread at a time (``worker_prefetch_multiplier=1``), so a dead worker holds back
    no more than what it was working on;
  * Redis has no connection-bound acknowledgement: an unacknowledged task comes back after
    ``visibility_timeout`` seconds (``ASSESS_VISIBILITY_TIMEOUT``, default 300: longer than a device's collection,
    or a slow device would be collected twice; the result is keyed by run and device, so twice is harmless).
    RabbitMQ hands it back as soon as the worker's connection drops.
Messages and results are JSON only (no pickle: a worker never unpickles what the broker hands it).
"""

from __future__ import annotations

import os
import re
from typing import Any

from celery import Celery

TASK_COLLECT = "msplus.collect_device"
DEFAULT_NAMESPACE = "msplus"
DEFAULT_SITE = "default"
_QUEUE_WORD = re.compile(r"[^A-Za-z0-9_.-]")


def queue_name(site: str | None, namespace: str = DEFAULT_NAMESPACE) -> str:
    """``msplus.SG1`` for a device of site SG1; ``msplus.default`` for a device without a site."""
    return f"{namespace}.{_QUEUE_WORD.sub('_', site or DEFAULT_SITE)}"


def result_backend_for(broker: str) -> str:
    """Results travel back the way the broker allows: Redis keys for a Redis broker, reply messages for AMQP."""
    return broker if broker.startswith(("redis://", "rediss://", "unix://")) else "rpc://"


def make_app(broker: str, *, namespace: str = DEFAULT_NAMESPACE, result_backend: str | None = None,
             visibility_timeout: float | None = None) -> Celery:
    """The Celery application for ``broker`` with this project's tasks registered."""
    from collectors.distributed import tasks

    visibility = visibility_timeout or float(os.environ.get("ASSESS_VISIBILITY_TIMEOUT", "300"))
    app = Celery("msplus", broker=broker, backend=result_backend or result_backend_for(broker), set_as_current=False)
    transport: dict[str, Any] = {"visibility_timeout": visibility}
    if broker.startswith(("redis://", "rediss://")):
        # Look for abandoned tasks every second rather than every 100 s (kombu's default interval x throttle).
        transport.update({"unacked_restore_interval": 1, "unacked_restore_throttle": 1})
    app.conf.update(
        task_serializer="json", result_serializer="json", accept_content=["json"], result_accept_content=["json"],
        task_acks_late=True, task_reject_on_worker_lost=True, worker_prefetch_multiplier=1,
        task_default_queue=queue_name(None, namespace), task_create_missing_queues=True,
        broker_transport_options=transport, result_expires=24 * 3600, result_extended=False,
        broker_connection_retry_on_startup=True, broker_connection_timeout=4.0,
        worker_hijack_root_logger=False, worker_redirect_stdouts=False, task_send_sent_event=False,
        worker_enable_remote_control=True, worker_cancel_long_running_tasks_on_connection_loss=True,
        task_track_started=False, result_chord_join_timeout=5.0,
    )
    app.task(name=TASK_COLLECT, bind=True, acks_late=True, reject_on_worker_lost=True)(tasks.collect_device_task)
    return app
