"""Writing a snapshot on disk: one folder per device with the replies as received, ``meta.json`` and ``profile.json``.

Layout of ``<out>/<device name>/``:
  <plan file names>   each reply as received (configuration as text), written the moment it arrives
  napalm-*.json       what napalm's getters returned (driver napalm only)
  meta.json           how the collection went: collector, times, errors, SHA-256 and size of every file,
                      host key fingerprint and whether it was verified, tool versions
  profile.json        the device profile (snapshots.profile), when facts were collected

meta.json is written first with ``"status": "running"`` so an interrupted run leaves evidence; it is rewritten at
the end. A folder that exists but was not written by this tool is never overwritten.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any, Protocol

from msplus import __version__, atomicfile
from msplus.errors import InputError
from msplus.kinds import FailureKind
from msplus.records import CollectionResult, Device, RawReply, Request
from snapshots.layout import META, PROFILE, SCHEMA_VERSION
from snapshots.profile import profile_from_files

_FACTS_IN_MEMORY = 16 * 2**20  # facts replies kept for the profile; a larger one is saved but not profiled
_PACKAGES = ("junos-eznc", "ncclient", "paramiko", "lxml", "napalm", "netmiko")



class Sink(Protocol):
    """Where a collector puts what it receives (SnapshotWriter on disk). Collectors depend on this contract only."""

    def reply(self, request: Request, body: bytes, *, seconds: float, error: str | None = None,
              file: str | None = None) -> None:
        """Save one reply as received. ``error`` set: the device answered with an error (the body is kept).
        ``file`` overrides the plan's file name (e.g. CLI text saved as ``.txt``)."""

    def reply_file(self, request: Request, path: Path, *, seconds: float, error: str | None = None,
                   file: str | None = None) -> None:
        """``reply`` for a reply already in a file (spooled as it arrived): the sink takes the file over."""

    @property
    def spool_dir(self) -> Path:
        """Where a collector may spool a reply while it arrives (same file system as the snapshot)."""

    def extra(self, name: str, body: bytes) -> None:
        """Save an additional file that answers no plan Request (napalm getters' JSON)."""

    def note(self, key: str, value: object) -> None:
        """Record a fact about the collection in meta.json (host key, files ignored offline, ...)."""


class SnapshotWriter:
    """The Sink a collector writes into, for one device. Used from one thread."""

    def __init__(self, root: Path, device: Device, collector: str) -> None:
        self.folder = root / device.name
        self.device = device
        self.collector = collector
        self.replies: list[RawReply] = []
        self.extras: list[dict[str, Any]] = []
        self.notes: dict[str, Any] = {}
        self._facts: dict[str, bytes] = {}  # facts replies as saved, for the profile without reading them back
        self.started = datetime.now(UTC)
        self._clock = time.perf_counter()
        # Redact the device's password from anything this tool writes itself (messages, notes).
        self._secret = device.password.reveal() if device.password else None

    # -- Sink ---------------------------------------------------------------------------------------------------
    def reply(self, request: Request, body: bytes, *, seconds: float, error: str | None = None,
              file: str | None = None) -> None:
        name = file or request.file
        self._write(name, body)
        if request.purpose == "facts":
            self._facts[name] = body
        self.replies.append(RawReply(file=name, rpc=request.rpc, purpose=request.purpose,
                                     sha256=hashlib.sha256(body).hexdigest(), size=len(body),
                                     seconds=round(seconds, 4), ok=error is None, error=self.redact(error)))

    def reply_file(self, request: Request, path: Path, *, seconds: float, error: str | None = None,
                   file: str | None = None) -> None:
        name = file or request.file
        self._check_name(name)
        target = self.folder / name
        os.replace(path, target)
        digest, size = _sha256(target)
        if request.purpose == "facts" and size <= _FACTS_IN_MEMORY:
            self._facts[name] = target.read_bytes()
        self.replies.append(RawReply(file=name, rpc=request.rpc, purpose=request.purpose, sha256=digest, size=size,
                                     seconds=round(seconds, 4), ok=error is None, error=self.redact(error)))

    @property
    def spool_dir(self) -> Path:
        return self.folder

    def extra(self, name: str, body: bytes) -> None:
        self._write(name, body)
        self.extras.append({"file": name, "sha256": hashlib.sha256(body).hexdigest(), "size": len(body)})

    def note(self, key: str, value: object) -> None:
        self.notes[key] = value

    # -- lifecycle ----------------------------------------------------------------------------------------------
    def begin(self) -> None:
        """Make the device folder empty (clearing a previous run of this tool) and mark the run as started."""
        prepare_folder(self.folder)
        self._write_meta(status="running")

    def finish(self, *, error_kind: FailureKind | None = None, error: str | None = None) -> CollectionResult:
        """Write profile.json (when facts were collected) and the final meta.json; return the result record."""
        seconds = time.perf_counter() - self._clock
        profile_written = self._write_profile()
        result = CollectionResult(
            device=self.device.name, collector=self.collector, ok=error_kind is None, replies=tuple(self.replies),
            error_kind=error_kind, error=self.redact(error), started=self.started.isoformat(timespec="seconds"),
            seconds=round(seconds, 3), host_key=self.notes.get("host_key"),
            host_key_verified=bool(self.notes.get("host_key_verified", False)),
            missing=tuple(self.notes.get("missing") or ()) if error_kind is None else (),
        )
        self._write_meta(status=result.status, result=result, profile=profile_written)
        return result

    def redact(self, text: str | None) -> str | None:
        if not text or not self._secret:
            return text
        for form in {self._secret, json.dumps(self._secret)[1:-1]}:  # as is, and as JSON writes it
            text = text.replace(form, "********")
        return text

    # -- files --------------------------------------------------------------------------------------------------
    def _write(self, name: str, body: bytes) -> None:
        self._check_name(name)
        self._store(name, body)

    def _store(self, name: str, body: bytes) -> None:
        """Where every file of the device goes: its folder (a subclass may keep them elsewhere, e.g. in memory to
        send them back to the node that started a distributed run)."""
        atomicfile.write_bytes(self.folder / name, body)

    @staticmethod
    def _check_name(name: str) -> None:
        if "/" in name or name.startswith(".") or name in (META, PROFILE):
            raise ValueError(f"refusing to write {name!r} into a device folder")

    def _write_profile(self) -> bool:
        facts = {"software-information", "chassis-inventory"}
        if not any(r.ok and r.file.rsplit(".", 1)[0] in facts for r in self.replies):
            return False
        try:
            profile = profile_from_files(self._facts, failed={r.file for r in self.replies if not r.ok})
        except Exception as exc:  # a profiling bug must not lose the collection; it is recorded instead
            self.notes["profile_error"] = f"{type(exc).__name__}: {exc}"
            return False
        self._store(PROFILE, _json_bytes(profile.to_json()))
        return True

    def _write_meta(self, *, status: str, result: CollectionResult | None = None, profile: bool = False) -> None:
        dev = self.device
        meta: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "device": dev.name,
            "collector": self.collector,
            "host": dev.host,
            "port": dev.port if dev.host else None,
            "files": str(dev.files) if dev.files else None,
            "status": status,
            "started": self.started.isoformat(timespec="seconds"),
        }
        if result is not None:
            meta.update({
                "finished": datetime.now(UTC).isoformat(timespec="seconds"),
                "seconds": result.seconds,
                "ok": result.ok,
                "error": {"kind": result.error_kind, "message": result.error} if not result.ok else None,
                "host_key": result.host_key,
                "host_key_verified": result.host_key_verified,
                "replies": [_reply_json(r) for r in result.replies],
                "extras": self.extras,
                "notes": {k: v for k, v in self.notes.items() if k not in ("host_key", "host_key_verified")},
                "profile": PROFILE if profile else None,
            })
        meta["tool"] = tool_versions()
        text = json.dumps(meta, indent=2, sort_keys=False, default=str)
        self._store(META, ((self.redact(text) or "") + "\n").encode("utf-8"))


def _reply_json(r: RawReply) -> dict[str, Any]:
    return {"file": r.file, "rpc": r.rpc, "purpose": r.purpose, "ok": r.ok, "error": r.error,
            "seconds": r.seconds, "sha256": r.sha256, "size": r.size}


def prepare_folder(folder: Path) -> None:
    """An empty folder for the device. Clears a folder this tool wrote before (it has our meta.json); refuses a
    non-empty folder it did not write, so a mistyped --out never deletes someone's files."""
    if folder.exists():
        if not folder.is_dir():
            raise InputError("exists and is not a folder", path=str(folder))
        if any(folder.iterdir()):
            if not _ours(folder / META) and not _first_write_interrupted(folder):
                raise InputError("folder exists, is not empty and was not written by this tool; not overwritten",
                                 path=str(folder))
            shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)


def _first_write_interrupted(folder: Path) -> bool:
    """A run of this tool killed while writing its first meta.json leaves only the temporary file of that write
    (``.meta.json.<random>.tmp``, see msplus.atomicfile; perhaps cut short): the folder is ours to clear."""
    names = [p.name for p in folder.iterdir()]
    return bool(names) and all(n.startswith(f".{META}.") and n.endswith(".tmp") for n in names)


def _ours(meta: Path) -> bool:
    try:
        data = json.loads(meta.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and "schema_version" in data and "tool" in data


@lru_cache(maxsize=1)
def tool_versions() -> dict[str, str]:
    versions = {"msplus": __version__, "python": platform.python_version()}
    for name in _PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


def write_device_folder(root: Path, device: str, files: Mapping[str, bytes]) -> Path:
    """Write a device folder collected elsewhere (a site worker) exactly as received: the same bytes, so the same
    hashes. The files are written into a hidden staging folder beside it (``.<device>.incoming``, which readers of
    the snapshot skip), profile.json and meta.json flushed to disk, and the staging folder is renamed over the
    prepared (empty) device folder: the folder appears whole or not at all, and an interrupted write leaves only the
    staging folder, cleared by the next write. The replies are written in place inside it: a temporary name, a
    rename and a flush to disk per reply were 70% of the central node's time in a 400-device run, as a local
    collection, whose replies stream into the folder, never paid."""
    folder = root / device
    for name in files:
        if "/" in name or "\\" in name or name.startswith(".") or not name:
            raise InputError(f"refusing to write {name!r} received for device {device}", path=str(folder))
    prepare_folder(folder)
    staging = root / f".{device}.incoming"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir()
    for name in sorted(files, key=lambda n: (n == META, n == PROFILE)):
        if name in (META, PROFILE):
            atomicfile.write_bytes(staging / name, files[name])
        else:
            with open(staging / name, "xb") as handle:
                handle.write(files[name])
    os.replace(staging, folder)  # over an empty folder: allowed, and atomic
    return folder


def _json_bytes(data: Any) -> bytes:
    return (json.dumps(data, indent=2, default=str) + "\n").encode("utf-8")


def _sha256(path: Path) -> tuple[str, int]:
    """SHA-256 and size of a file, read in pieces (a reply may be hundreds of MB)."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size
