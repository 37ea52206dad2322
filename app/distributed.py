"""A collection run on the Celery queue: one task per device to its site's queue, results written here.

    collect = distributed_collector(BrokerSettings("redis://central:6379/0"))
    results = collect(inventory, "out/snap")          # same signature and snapshots as collect_inventory

The node that starts the run keeps everything else: it writes each device folder from the bytes the site worker
sent back (same replies, same SHA-256 as a local run), and the sweep, health.json, changes.json and the history are
built from those folders exactly as for a local run.

What can go wrong, and what the run does about it:
  * broker unreachable: ``BrokerUnavailable`` before anything is sent or written (exit 2);
  * a device whose password is inline or prompted: refused before anything is sent (a password never travels);
  * a site with no live worker: its tasks are not sent; if no worker for it shows up within ``site_wait``
    seconds its devices end ``unreachable`` with "no worker for site X"; a site whose last worker goes away
    mid-run is treated the same once ``site_wait`` has passed without one;
  * a worker killed mid-task: the broker delivers the task again to another worker of that queue (late
    acknowledgement); the task id is ``<run>:<device>``, so a device has one result however often it ran;
  * a result that never arrives: when a site has sent nothing for ``result_timeout`` seconds, its devices still
    out end ``timeout``; their tasks are revoked.

Device folders are written by a small pool of threads: every file is flushed to disk before its rename
(msplus.atomicfile), and one thread doing that for every device of a fleet spent 70% of the run waiting on fsync;
a local run overlaps those waits across its collection threads, and so does this.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from collectors.distributed.engine import DEFAULT_NAMESPACE, DEFAULT_SITE, TASK_COLLECT, make_app, queue_name
from collectors.distributed.messages import device_message, result_from_json, unpack_files
from collectors.run import select_devices
from msplus.errors import AssessError, InputError
from msplus.kinds import FailureKind
from msplus.records import CollectionResult, Device, Inventory
from snapshots.plan import DEFAULT_PURPOSES
from snapshots.writer import SnapshotWriter, write_device_folder

log = logging.getLogger(__name__)
WRITE_THREADS = 8  # device folders written at once by the node that started the run
FIRST_LOOK = 0.1  # seconds the first question to the workers waits for answers (see _served_queues)
POLL_INTERVAL = 0.1  # seconds between two reads of the results still out (one MGET of their keys on Redis)
Progress = Callable[[int, int, CollectionResult], None]
CollectFn = Callable[..., list[CollectionResult]]


class BrokerUnavailable(AssessError):
    """The broker cannot be reached: nothing was sent (exit 2)."""


@dataclass(frozen=True)
class BrokerSettings:
    url: str
    namespace: str = DEFAULT_NAMESPACE  # queue names are <namespace>.<site>
    site_wait: float = 15.0  # seconds a site may have no live worker before its devices are given up
    result_timeout: float = 300.0  # seconds a site with devices out may send nothing before they time out
    inspect_timeout: float = 0.5  # seconds to wait for workers to say which queues they serve (asked again each
    # second while a site has none, so a slow answer only delays that site's start)

    def display_url(self) -> str:
        """The URL without its password (for messages)."""
        from kombu.utils.url import maybe_sanitize_url

        return str(maybe_sanitize_url(self.url))


def connect(settings: BrokerSettings) -> Any:
    """The Celery app for ``settings``, after checking the broker answers (BrokerUnavailable otherwise)."""
    app = make_app(settings.url, namespace=settings.namespace)
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=5)
    except Exception as exc:  # kombu raises transport-specific errors (OperationalError, socket errors, ...)
        raise BrokerUnavailable(f"cannot reach the broker {settings.display_url()}: {_reason(exc)}") from exc
    return app


def _reason(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text.splitlines()[0][:200]


def distributed_collector(settings: BrokerSettings, app: Any = None) -> CollectFn:
    """A function with ``collect_inventory``'s signature that collects through the queue."""

    def collect(inventory: Inventory, out_dir: str | Path, *, workers: int = 16,
                purposes: Iterable[str] = DEFAULT_PURPOSES, progress: Progress | None = None,
                devices: Sequence[str] | None = None, processes: int | None = None) -> list[CollectionResult]:
        del workers, processes  # each site worker has its own concurrency
        return collect_distributed(inventory, out_dir, settings=settings, purposes=purposes, progress=progress,
                                   devices=devices, app=app)

    return collect


def collect_distributed(inventory: Inventory, out_dir: str | Path, *, settings: BrokerSettings,
                        purposes: Iterable[str] = DEFAULT_PURPOSES, progress: Progress | None = None,
                        devices: Sequence[str] | None = None, app: Any = None) -> list[CollectionResult]:
    """Collect through the queue into ``out_dir/<device>/``; one CollectionResult per device, inventory order."""
    selected = select_devices(inventory, devices)
    messages = {d.name: device_message(d, known_hosts=inventory.known_hosts) for d in selected}  # may refuse
    app = app or connect(settings)
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create the snapshot folder: {exc.strerror or exc}", path=str(out)) from exc
    run = _Run(app, settings, out, list(purposes), selected, messages, progress)
    run.go()
    return [run.results[d.name] for d in selected]


@dataclass
class _Site:
    name: str
    queue: str
    waiting: list[Device] = field(default_factory=list)  # not sent yet: no live worker so far
    out: dict[str, Device] = field(default_factory=dict)  # task id -> device, sent and not answered
    since: float = 0.0  # when the site last made progress (sent, or a result came back)
    seen_worker: float = 0.0  # when a worker serving its queue was last seen


class _Run:
    def __init__(self, app: Any, settings: BrokerSettings, out: Path, purposes: list[str],
                 devices: Sequence[Device], messages: dict[str, dict[str, Any]], progress: Progress | None) -> None:
        self.app, self.settings, self.out, self.purposes = app, settings, out, purposes
        self.devices, self.messages, self.progress = devices, messages, progress
        self.id = time.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]
        self.results: dict[str, CollectionResult] = {}
        self.writer = ThreadPoolExecutor(WRITE_THREADS, thread_name_prefix="msplus-write")
        self.writing: set[Future[CollectionResult]] = set()  # device folders being written (results to record)
        self.sites: dict[str, _Site] = {}
        now = time.monotonic()
        for device in devices:
            site = device.site or DEFAULT_SITE
            entry = self.sites.setdefault(site, _Site(site, queue_name(device.site, settings.namespace), since=now))
            entry.waiting.append(device)
        self.expires = max(3600.0, 4 * settings.result_timeout)
        self.looks = 0  # times the workers were asked which queues they serve

    # -- the loop -----------------------------------------------------------------------------------------------
    def go(self) -> None:
        last_look = 0.0
        try:
            while len(self.results) < len(self.devices):
                now = time.monotonic()
                if now - last_look >= 1.0 and self._needs_look(now):
                    self._look_for_workers()
                    last_look = time.monotonic()
                self._give_up(time.monotonic())
                if any(s.out for s in self.sites.values()):
                    for task_id, meta in self._poll(0.5):
                        self._received(task_id, meta)
                    self._record_written(0)
                elif self.writing:
                    self._record_written(0.2)
                elif len(self.results) < len(self.devices):
                    time.sleep(0.2)
        finally:  # also on Ctrl-C: the workers drop what this run no longer waits for
            self._tidy()
            self.writer.shutdown(wait=True, cancel_futures=True)  # folders being written finish, no new ones

    def _needs_look(self, now: float) -> bool:
        quiet = min(self.settings.site_wait, self.settings.result_timeout) / 2
        return any(s.waiting or (s.out and now - s.since > quiet) for s in self.sites.values())

    def _look_for_workers(self) -> None:
        """Ask the workers which queues they serve; send what waits for a queue that now has one."""
        served = self._served_queues()
        self.looks += 1
        now = time.monotonic()
        for site in self.sites.values():
            if site.queue in served:
                site.seen_worker = now
                if site.waiting:
                    self._send(site)

    def _served_queues(self) -> set[str]:
        # The question is a broadcast: the answer takes the whole timeout, however soon the workers reply. Workers
        # on the same network answer within milliseconds, so the first look waits FIRST_LOOK at most; a site whose
        # workers are farther away is found by the next looks (each second), which wait the full inspect_timeout.
        timeout = min(FIRST_LOOK, self.settings.inspect_timeout) if self.looks == 0 else self.settings.inspect_timeout
        try:
            replies = self.app.control.inspect(timeout=timeout).active_queues() or {}
        except Exception as exc:  # a broker hiccup: no answer this time, look again later
            log.warning("could not ask the workers for their queues: %s", _reason(exc))
            return set()
        return {str(q.get("name")) for queues in replies.values() for q in queues or () if isinstance(q, dict)}

    def _send(self, site: _Site) -> None:
        with self.app.producer_or_acquire() as producer:  # one producer for the site's tasks, not one per task
            for device in site.waiting:
                task_id = f"{self.id}:{device.name}"
                self.app.send_task(TASK_COLLECT, args=[self.id, self.messages[device.name], self.purposes],
                                   task_id=task_id, queue=site.queue, expires=self.expires, producer=producer)
                site.out[task_id] = device
        log.info("run %s: %d devices sent to %s", self.id, len(site.waiting), site.queue)
        site.waiting = []
        site.since = time.monotonic()

    def _give_up(self, now: float) -> None:
        for site in self.sites.values():
            no_worker = now - max(site.seen_worker, site.since) > self.settings.site_wait
            if site.waiting and no_worker:
                for device in site.waiting:
                    self._fail(device, "unreachable", f"no worker for site {site.name} (queue {site.queue}) within "
                                                      f"{self.settings.site_wait:g} s")
                site.waiting = []
            if site.out and (no_worker or now - site.since > self.settings.result_timeout):
                why = (f"no worker for site {site.name} (queue {site.queue}) within {self.settings.site_wait:g} s"
                       if no_worker else f"no result from the workers of site {site.name} within "
                                         f"{self.settings.result_timeout:g} s")
                self._revoke(list(site.out))
                for device in site.out.values():
                    self._fail(device, "unreachable" if no_worker else "timeout", why)
                site.out.clear()

    # -- results ------------------------------------------------------------------------------------------------
    def _poll(self, timeout: float) -> Iterator[tuple[str, dict[str, Any]]]:
        """(task id, result meta) for tasks that finished, waiting at most ``timeout`` seconds for the first."""
        from celery.backends.base import BaseKeyValueStoreBackend
        from celery.exceptions import TimeoutError as CeleryTimeout
        from celery.result import AsyncResult, ResultSet

        ids = [t for s in self.sites.values() for t in s.out]
        backend = self.app.backend
        try:
            if isinstance(backend, BaseKeyValueStoreBackend):  # one MGET of every pending id per interval
                yield from backend.get_many(ids, timeout=timeout, interval=POLL_INTERVAL)
            else:
                results = ResultSet([AsyncResult(t, app=self.app) for t in ids], app=self.app)
                yield from backend.iter_native(results, timeout=timeout, interval=POLL_INTERVAL)
        except CeleryTimeout:
            return

    def _received(self, task_id: str, meta: dict[str, Any]) -> None:
        site = next((s for s in self.sites.values() if task_id in s.out), None)
        if site is None:
            return  # a second delivery of a device already recorded (or given up): the first result stands
        device = site.out.pop(task_id)
        site.since = time.monotonic()
        status, payload = meta.get("status"), meta.get("result")
        if status != "SUCCESS" or not isinstance(payload, dict) or payload.get("device") != device.name \
                or payload.get("run") != self.id:
            self._fail(device, "internal", f"the site worker could not collect it: {_task_error(meta)}")
        else:
            self.writing.add(self.writer.submit(self._write, device, payload))
        self._forget(task_id)

    def _write(self, device: Device, payload: dict[str, Any]) -> CollectionResult:
        """In a writer thread: the device's folder from the worker's bytes; the result to record, or the failure."""
        try:
            result = result_from_json(payload["result"])
            write_device_folder(self.out, device.name, unpack_files(payload.get("files") or {}))
        except (InputError, OSError, ValueError, TypeError, KeyError) as exc:
            return self._failed(device, "internal", f"the result from the site worker could not be written: {exc}")
        return result

    def _record_written(self, timeout: float) -> None:
        """Record the folders written so far (here, in the run's own thread, as the progress display expects)."""
        if self.writing:
            done, self.writing = wait(self.writing, timeout=timeout, return_when=FIRST_COMPLETED)
            for future in done:
                self._record(future.result())

    def _fail(self, device: Device, kind: FailureKind, why: str) -> None:
        self._record(self._failed(device, kind, why))

    def _failed(self, device: Device, kind: FailureKind, why: str) -> CollectionResult:
        """A device given up here: its folder gets a meta.json saying why, as a local failure would."""
        writer = SnapshotWriter(self.out, device, device.driver)
        try:
            writer.begin()
            return writer.finish(error_kind=kind, error=why)
        except (InputError, OSError) as exc:
            return CollectionResult(device=device.name, collector=device.driver, ok=False, error_kind=kind,
                                    error=f"{why} (and the folder could not be written: {exc})")

    def _record(self, result: CollectionResult) -> None:
        if result.device in self.results:
            return
        self.results[result.device] = result
        if self.progress:
            self.progress(len(self.results), len(self.devices), result)

    def _revoke(self, task_ids: list[str]) -> None:
        if task_ids:
            try:
                self.app.control.revoke(task_ids)
            except Exception as exc:  # the tasks expire anyway
                log.warning("could not revoke %d tasks: %s", len(task_ids), _reason(exc))

    def _forget(self, task_id: str) -> None:
        try:
            self.app.backend.forget(task_id)
        except Exception as exc:  # the result expires anyway (result_expires)
            log.debug("could not delete the result of %s: %s", task_id, _reason(exc))

    def _tidy(self) -> None:
        leftover = [t for s in self.sites.values() for t in s.out]
        self._revoke(leftover)


def _task_error(meta: dict[str, Any]) -> str:
    result = meta.get("result")
    if isinstance(result, dict) and result.get("exc_type"):
        return f"{result.get('exc_type')}: {result.get('exc_message')}"
    return str(meta.get("status") or "no result")
