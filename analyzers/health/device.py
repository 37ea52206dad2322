"""One device's snapshot folder read for the health checks: every reply parsed once into its typed record, and
for every reply that is not there, why (not collected, answered with an error, unreadable).

``read_device(folder)`` is what ``evaluate_snapshot`` and the sweep call; the checks then only look up records.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from analyzers.health.parsers import PARSERS, parse_reply
from msplus.errors import InputError, MalformedReplyError
from msplus.records import DeviceProfile, RawReply
from snapshots.plan import load_plan
from snapshots.reader import DeviceSnapshot, SnapshotMeta
from snapshots.replies import reply_errors

log = logging.getLogger(__name__)
CONFIG_RPC = "get-configuration"
_NOT_RUNNING = re.compile(r"\bnot running\b", re.IGNORECASE)


@dataclass(frozen=True)
class DeviceHealth:
    """A device's parsed health replies. ``records``: RPC -> typed record; ``missing``: RPC -> why it has none."""

    device: str
    family: str | None = None
    model: str | None = None
    role: str | None = None
    # The device's shape from its profile (None: no profile): a check of a chassis cluster or a virtual chassis
    # does not apply to a single chassis.
    virtual_chassis: bool | None = None
    cluster: bool | None = None
    collected_at: str | None = None  # ISO time the collection started
    clock: int | None = None  # the device's own clock when it answered (epoch), else the collection start
    device_clock: bool = False  # True when ``clock`` is the device's own (the uptime reply's current time)
    records: Mapping[str, Any] = field(default_factory=dict)
    missing: Mapping[str, str] = field(default_factory=dict)
    config_sha256: str | None = None
    collection_error: str | None = None  # "refused: ..." when the collection failed (possibly after some replies)
    folder: Path | None = None

    def get(self, rpc: str) -> Any:
        return self.records.get(rpc)

    def why(self, rpc: str) -> str:
        return self.missing.get(rpc, f"{rpc} was not collected")


@lru_cache(maxsize=1)
def plan_files() -> dict[str, str]:
    """RPC -> snapshot file name, from snapshots/plan.yaml (every purpose)."""
    return {r.rpc: r.file for r in load_plan(("facts", "configuration", "health"))}


def read_device(folder: str | Path, *, role: str | None = None, profile: DeviceProfile | None = None,
                name: str | None = None) -> DeviceHealth:
    """Parse every health-relevant reply of one device folder. Never raises for a bad reply: it is recorded in
    ``missing`` with the reason (a parser bug included, logged)."""
    path = Path(folder)
    snap = _snapshot(path)
    meta = snap.meta if snap else None
    replies = {r.file: r for r in meta.replies} if meta else {}
    profile = profile or (snap.profile if snap else None)
    family, model = (profile.family, profile.model) if profile else (None, None)
    vc, cluster = (profile.virtual_chassis, profile.cluster) if profile else (None, None)
    stopped = f"{meta.error_kind}: {meta.error}" if meta and not meta.ok and meta.error_kind else None
    records: dict[str, Any] = {}
    missing: dict[str, str] = {}
    for rpc, func in PARSERS.items():
        file = plan_files().get(rpc)
        if file is None:
            missing[rpc] = f"{rpc} is not in the collection plan"
            continue
        try:
            record, why = _read_one(path, file, rpc, func, replies.get(file), stopped)
        except Exception as exc:  # a parser bug must not lose the device's other checks
            log.exception("health parser for %s failed on %s", rpc, path)
            record, why = None, f"{file}: parser failed ({type(exc).__name__}: {exc})"
        if record is not None:
            records[rpc] = record
        else:
            missing[rpc] = why or f"{file}: no data"
    clock, own_clock = _clock(records, meta)
    return DeviceHealth(
        device=name or path.name, family=family, model=model, role=role,
        virtual_chassis=vc, cluster=cluster,
        collected_at=meta.started if meta else None, clock=clock, device_clock=own_clock, records=records,
        missing=missing,
        config_sha256=_config_hash(path, replies), collection_error=stopped, folder=path,
    )


def _read_one(folder: Path, file: str, rpc: str, func: Any, meta_reply: RawReply | None,
              stopped: str | None) -> tuple[Any, str | None]:
    target = folder / file
    if not target.is_file():
        return None, _absent(folder, file, stopped)
    data = target.read_bytes()
    try:
        root = parse_reply(data, source=file)
    except MalformedReplyError as exc:
        return None, f"{file}: unreadable reply ({exc})"
    errors = reply_errors(root)
    if meta_reply is not None and not meta_reply.ok and not errors:
        errors = [meta_reply.error or "error"]
    if errors:
        if any(_NOT_RUNNING.search(e) for e in errors):
            return func(root), None  # "BGP is not running" is an answer, not a failure
        return None, _refused(rpc, errors)
    return func(root), None


def _refused(rpc: str, errors: list[str]) -> str:
    """A device's refusal in words for the report: what was asked and what it said, without the reply's element
    names ("syntax error (bad element: get-fpc-information)" -> "the device does not support the request for FPC
    information (it answered: syntax error)")."""
    asked = rpc.removeprefix("get-").removesuffix("-information").replace("-", " ")
    asked = re.sub(r"\b(fpc|re|bgp|ospf|ntp|pem)\b", lambda m: m.group(1).upper(), asked)
    said = "; ".join(dict.fromkeys(re.sub(r"\s*\(bad element: [^)]*\)", "", e).strip() for e in errors))
    return (f"the device does not support the request for {asked} information, or the feature is not enabled "
            f"(it answered: {said})")


def _absent(folder: Path, file: str, stopped: str | None) -> str:
    if (folder / (file + ".malformed")).is_file():
        return f"{file}: the reply was not well-formed XML (kept as {file}.malformed)"
    if (folder / file).with_suffix(".txt").is_file():
        return f"{file}: collected as CLI text, which the health checks do not read"
    if stopped:
        return f"{file}: not collected, the collection stopped ({stopped})"
    return f"{file}: not collected"


def _snapshot(folder: Path) -> DeviceSnapshot | None:
    """The folder's meta and profile; None when they cannot be trusted (the replies are still read)."""
    try:
        return DeviceSnapshot.open(folder)
    except InputError as exc:
        log.warning("%s", exc)
        return None


def _clock(records: Mapping[str, Any], meta: SnapshotMeta | None) -> tuple[int | None, bool]:
    """The device's clock when it answered (True), else the time the collection started (False)."""
    uptimes = records.get("get-system-uptime-information")
    for entry in uptimes.entries if uptimes else ():
        if entry.current_seconds:
            return int(entry.current_seconds), True
    started = meta.started if meta else None
    if started:
        try:
            return int(datetime.fromisoformat(started).timestamp()), False
        except ValueError:
            return None, False
    return None, False


def _config_hash(folder: Path, replies: Mapping[str, RawReply]) -> str | None:
    file = plan_files().get(CONFIG_RPC)
    if file is None:
        return None
    reply = replies.get(file)
    if reply is not None and reply.ok and reply.sha256:
        return reply.sha256
    target = folder / file
    if target.is_file():
        return hashlib.sha256(target.read_bytes()).hexdigest()
    return None
