"""The task a site worker runs: collect one device, send its snapshot folder back.

The folder is built in memory (``MemorySnapshot``: the same writer as a local run, files kept as bytes) and
returned whole, with the name of the worker that collected it recorded in meta.json's notes. A device failure is
a result like any other; the task itself fails only on a bug, and then the central node records it for that device.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import Any

from collectors.base import get
from collectors.distributed.credentials import WorkerSecrets
from collectors.distributed.messages import device_from_message, pack_files, result_to_json
from msplus.records import Device, Request
from snapshots.plan import load_plan
from snapshots.writer import SnapshotWriter

log = logging.getLogger(__name__)
_SECRETS: list[WorkerSecrets] = []  # set once when the worker starts (configure_worker)


class MemorySnapshot(SnapshotWriter):
    """A device folder kept in memory: name -> bytes, exactly what a local run writes to disk. Replies a collector
    spools to a file (large ones) are spooled into a private temporary folder and read in."""

    def __init__(self, device: Device, collector: str) -> None:
        super().__init__(Path(tempfile.gettempdir()), device, collector)
        self.files: dict[str, bytes] = {}
        self._spool: tempfile.TemporaryDirectory[str] | None = None

    @property
    def spool_dir(self) -> Path:
        if self._spool is None:
            self._spool = tempfile.TemporaryDirectory(prefix="msplus-spool-")
        return Path(self._spool.name)

    def reply_file(self, request: Request, path: Path, *, seconds: float, error: str | None = None,
                   file: str | None = None) -> None:
        body = path.read_bytes()
        path.unlink()
        self.reply(request, body, seconds=seconds, error=error, file=file)

    def begin(self) -> None:
        self._write_meta(status="running")

    def close(self) -> None:
        if self._spool is not None:
            self._spool.cleanup()

    def _store(self, name: str, body: bytes) -> None:
        self.files[name] = body


def configure_worker(secrets: WorkerSecrets) -> None:
    _SECRETS[:] = [secrets]


def collect_device_task(task: Any, run_id: str, message: dict[str, Any], purposes: list[str]) -> dict[str, Any]:
    """Celery task body (``msplus.collect_device``)."""
    from collectors.run import collect_device

    secrets = _SECRETS[0] if _SECRETS else WorkerSecrets.load()
    device, known_hosts, problem = device_from_message(message, secrets)
    worker = str(getattr(task.request, "hostname", None) or "worker")
    writer = MemorySnapshot(device, get(device.driver).name)
    writer.note("worker", worker)
    log.info("run %s: collecting %s", run_id, device.name)
    if problem:
        writer.begin()
        result = writer.finish(error_kind="auth", error=problem)
    else:
        try:
            result = collect_device(device, Path("."), load_plan(purposes), known_hosts=known_hosts, writer=writer)
        finally:
            writer.close()
    log.info("run %s: %s %s", run_id, device.name, "ok" if result.ok else f"failed ({result.error_kind})")
    return {"run": run_id, "device": device.name, "worker": worker, "result": result_to_json(result),
            "files": pack_files(writer.files)}
