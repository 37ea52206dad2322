"""Helpers for the health tests: device folders in the snapshot layout, built from real replies (and edits of them)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path

from analyzers.health.checks import evaluate_snapshot
from analyzers.health.device import plan_files
from analyzers.health.records import CheckResult
from msplus.records import DeviceProfile

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "health"
LAB = ROOT / "lab" / "devices"

RE = "get-route-engine-information"
UPTIME = "get-system-uptime-information"
ALARMS = "get-alarm-information"
SYSTEM_ALARMS = "get-system-alarm-information"
ENV = "get-environment-information"
FPC = "get-fpc-information"
STORAGE = "get-system-storage"
CORES = "get-system-core-dumps"
IFACES = "get-interface-information"
BGP = "get-bgp-summary-information"
OSPF = "get-ospf-neighbor-information"
VC = "get-virtual-chassis-information"
CLUSTER = "get-chassis-cluster-status"
COMMITS = "get-commit-information"
NTP = "get-ntp-associations-information"
LICENSE = "get-license-summary-information"


def sample(name: str) -> str:
    """A reply from tests/data/health (``constructed/x.xml`` for the constructed ones)."""
    return (DATA / name).read_text(encoding="utf-8")


def lab_reply(device: str, rpc: str) -> str:
    return (LAB / device / f"{rpc}.xml").read_text(encoding="utf-8")


def edited(text: str, *pairs: tuple[str, str]) -> str:
    """``text`` with each (old, new) replaced once; fails if ``old`` is not there (an edit must edit)."""
    for old, new in pairs:
        assert old in text, f"edit target not found: {old!r}"
        text = text.replace(old, new, 1)
    return text


def device_folder(root: Path, replies: Mapping[str, str | bytes], *, name: str = "dev", family: str | None = None,
                  errors: Mapping[str, str] | None = None, config: str | None = None,
                  collection_error: tuple[str, str] | None = None, started: str = "2026-01-01T00:00:00+00:00") -> Path:
    """A device folder as the collectors write it: each reply under its plan file name, meta.json (with the
    replies that were errors) and profile.json (the family)."""
    folder = root / name
    folder.mkdir(parents=True, exist_ok=True)
    files = plan_files()
    entries = []
    for rpc, body in replies.items():
        data = body.encode("utf-8") if isinstance(body, str) else body
        (folder / files[rpc]).write_bytes(data)
        error = (errors or {}).get(rpc)
        entries.append({"file": files[rpc], "rpc": rpc, "purpose": "health", "seconds": 0.0, "ok": error is None,
                        "error": error,
                        "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)})
    if config is not None:
        data = config.encode("utf-8")
        (folder / files["get-configuration"]).write_bytes(data)
        entries.append({"file": files["get-configuration"], "rpc": "get-configuration", "purpose": "config",
                        "seconds": 0.0, "ok": True, "error": None,
                        "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)})
    meta = {"schema_version": 1, "device": name, "status": "ok" if collection_error is None else "failed",
            "ok": collection_error is None, "started": started, "replies": entries, "tool": {"msplus": "test"},
            "error": {"kind": collection_error[0], "message": collection_error[1]} if collection_error else None}
    (folder / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    # The profile claims both shapes, so the virtual-chassis and cluster checks read their replies (a profile of a
    # single chassis makes them not applicable: tests/test_health_checks.py covers that).
    profile = DeviceProfile(hostname=name, model=None, family=family, version=None, evolved=False, serial_number=None,
                            routing_engines=1, uptime_seconds=None, virtual_chassis=True, cluster=True)
    (folder / "profile.json").write_text(json.dumps(profile.to_json()), encoding="utf-8")
    return folder


def results(root: Path, replies: Mapping[str, str | bytes], *, role: str | None = None, **kwargs: object) -> dict[
        str, CheckResult]:
    """Evaluate every check on a device folder built from ``replies``; results by check id."""
    folder = device_folder(root, replies, **kwargs)  # type: ignore[arg-type]
    return {r.check: r for r in evaluate_snapshot(folder, role=role)}
