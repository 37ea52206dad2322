"""Reading a snapshot: the one typed view every consumer uses (assess, advisories, CACR, health, collect's summary).

``DeviceSnapshot.open(folder)`` validates ``meta.json`` and ``profile.json`` once, at the boundary, and returns typed
records: a hostile or damaged file is an ``InputError`` naming the file and the key, never a TypeError three layers
further in. A folder of customer files without ``meta.json`` is a snapshot too (nothing failed, nothing verified).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from msplus.errors import InputError
from msplus.jsonsource import load_json
from msplus.junosconf.load import SNAPSHOT_FILES as CONFIG_FILES  # preference order
from msplus.records import DeviceProfile, RawReply
from snapshots.layout import META, PROFILE

_PROFILE = TypeAdapter(DeviceProfile)


class _ErrorModel(BaseModel):
    model_config = ConfigDict(extra="ignore")
    kind: str | None = None
    message: str | None = None


class _MetaModel(BaseModel):
    """What meta.json must look like to be trusted; unknown keys are ignored (newer writers add some)."""

    model_config = ConfigDict(extra="ignore")
    schema_version: int | None = None
    device: str | None = None
    collector: str | None = None
    status: str = "ok"
    ok: bool | None = None
    started: str | None = None
    seconds: float | None = None
    error: _ErrorModel | None = None
    host_key: str | None = None
    host_key_verified: bool = False
    replies: list[RawReply] = []
    notes: dict[str, Any] = {}


@dataclass(frozen=True, slots=True)
class SnapshotMeta:
    """How the collection of one device went, as meta.json records it."""

    collector: str | None
    status: str  # "ok", "failed", "running" (interrupted), or "files" for a folder without meta.json
    ok: bool
    error_kind: str | None
    error: str | None
    host_key: str | None
    host_key_verified: bool
    replies: tuple[RawReply, ...] = ()
    started: str | None = None
    notes: dict[str, Any] = field(default_factory=dict)

    @property
    def failed_files(self) -> frozenset[str]:
        """Replies that were error answers: kept as evidence, never read as data."""
        return frozenset(r.file for r in self.replies if not r.ok)


_NO_META = SnapshotMeta(collector=None, status="files", ok=True, error_kind=None, error=None, host_key=None,
                        host_key_verified=False)


@dataclass(frozen=True, slots=True)
class DeviceSnapshot:
    """One device folder of a snapshot, read and validated."""

    folder: Path
    meta: SnapshotMeta
    has_meta: bool
    profile: DeviceProfile | None
    files: frozenset[str]  # the regular files of the folder when it was opened
    profile_problems: tuple[str, ...] = ()  # why there is no profile, when there is none

    @property
    def name(self) -> str:
        return self.folder.name

    @classmethod
    def open(cls, folder: str | Path, *, require_meta: bool = False, build_missing_profile: bool = False,
             ) -> DeviceSnapshot:
        """Read ``folder``. Raises InputError when it is not a folder, when meta.json is required and absent, or when
        meta.json or profile.json is not what this tool writes. ``build_missing_profile`` profiles the facts replies
        when profile.json is absent (customer folders)."""
        path = Path(folder)
        files = _files_of(path)  # one listing instead of a stat per file looked for: a fleet has 10,000 folders
        raw_meta = _json_object(path / META, required=require_meta, present=META in files)
        meta = _meta(raw_meta, path / META) if raw_meta is not None else _NO_META
        profile: DeviceProfile | None = None
        problems: tuple[str, ...] = ()
        raw_profile = _json_object(path / PROFILE, required=False, present=PROFILE in files)
        if raw_profile is not None:
            profile = _profile(raw_profile, path / PROFILE)
        elif build_missing_profile:
            profile, problems = _built_profile(path)
        return cls(path, meta, raw_meta is not None, profile, files, problems)

    def config_path(self) -> Path | None:
        """The configuration as collected (first of CONFIG_FILES that exists, is not empty and was not an error
        answer), or None."""
        failed = self.meta.failed_files
        for name in CONFIG_FILES:
            if name in self.files and name not in failed:
                candidate = self.folder / name
                try:
                    if os.stat(candidate).st_size > 0:  # listed as a regular file when the folder was opened
                        return candidate
                except OSError:  # gone since
                    continue
        return None


def open_device_folders(snapshot: str | Path) -> list[DeviceSnapshot]:
    """Every device sub-folder of a snapshot, sorted by name (hidden folders skipped)."""
    root = Path(snapshot)
    if not root.is_dir():
        raise InputError("not a snapshot folder" if root.exists() else "snapshot folder not found", path=str(root))
    return [DeviceSnapshot.open(p) for p in sorted(root.iterdir()) if p.is_dir() and not p.name.startswith(".")]


def read_profile_file(path: str | Path) -> DeviceProfile:
    """A profile.json given on its own (``config check --profile``)."""
    p = Path(path)
    data = _json_object(p, required=True)
    assert data is not None  # required=True raises instead
    return _profile(data, p)


# ---------------------------------------------------------------------------------------------- validation

def _files_of(path: Path) -> frozenset[str]:
    """The names of the regular files in ``path`` (symbolic links to files included, as is_file() counts them)."""
    try:
        with os.scandir(path) as entries:
            return frozenset(e.name for e in entries if e.is_file())
    except FileNotFoundError as exc:
        raise InputError("folder not found", path=str(path)) from exc
    except NotADirectoryError as exc:
        raise InputError("not a folder", path=str(path)) from exc
    except OSError as exc:
        raise InputError(f"cannot read the folder: {exc.strerror or exc}", path=str(path)) from exc


def _json_object(path: Path, *, required: bool, present: bool | None = None) -> dict[str, Any] | None:
    if not (path.is_file() if present is None else present):
        if required:
            raise InputError(f"missing: {path.name}", path=str(path))
        return None
    data = load_json(path)  # size and nesting limits (limits.yaml), malformed JSON located: InputError
    if not isinstance(data, dict):
        raise InputError("expected a JSON object", path=str(path), line=1)
    return data


def _first_error(exc: ValidationError, path: Path) -> InputError:
    err = exc.errors()[0]
    key = ".".join(str(p) for p in err["loc"]) or None
    return InputError(f"not what this tool writes: {err['msg']}", path=str(path), key=key)


def _meta(data: dict[str, Any], path: Path) -> SnapshotMeta:
    try:
        m = _MetaModel.model_validate(data)
    except ValidationError as exc:
        raise _first_error(exc, path) from exc
    ok = m.ok if m.ok is not None else m.status == "ok"
    return SnapshotMeta(collector=m.collector, status=m.status, ok=ok,
                        error_kind=m.error.kind if m.error else None, error=m.error.message if m.error else None,
                        host_key=m.host_key, host_key_verified=m.host_key_verified, replies=tuple(m.replies),
                        started=m.started, notes=m.notes)


def _profile(data: dict[str, Any], path: Path) -> DeviceProfile:
    try:
        return _PROFILE.validate_python(data)
    except ValidationError as exc:
        raise _first_error(exc, path) from exc


def _built_profile(folder: Path) -> tuple[DeviceProfile | None, tuple[str, ...]]:
    from snapshots.profile import build_profile

    try:
        return build_profile(folder), ()
    except Exception as exc:  # a profiling bug must not lose the device: its verdicts become indeterminate instead
        return None, (f"no profile.json and the facts could not be profiled ({type(exc).__name__}: {exc})",)
