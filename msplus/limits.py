"""Limits on input, as data (``msplus/data/limits.yaml``), loaded once.

Every reader that takes input from a user or a device checks the limit that concerns it where the input enters,
so no file, reply or number can make the tool hang, exhaust the stack or memory, or fail deep inside with a
traceback. ``LIMITS`` is the loaded table; readers take it as a default argument so tests can pass smaller ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml

LIMITS_FILE = Path(__file__).with_name("data") / "limits.yaml"


@dataclass(frozen=True, slots=True)
class YamlLimits:
    max_bytes: int
    max_depth: int
    max_alias_nodes: int


@dataclass(frozen=True, slots=True)
class JsonLimits:
    max_bytes: int
    max_depth: int


@dataclass(frozen=True, slots=True)
class ReleaseLimits:
    max_length: int
    max_digits: int


@dataclass(frozen=True, slots=True)
class InventoryLimits:
    port: tuple[int, int]
    timeout_seconds: tuple[float, float]
    connect_timeout_seconds: tuple[float, float]
    max_name_length: int
    max_text_length: int
    max_devices: int
    max_reply_megabytes: int


@dataclass(frozen=True, slots=True)
class Limits:
    yaml: YamlLimits
    json: JsonLimits
    release: ReleaseLimits
    inventory: InventoryLimits
    csv_max_bytes: int
    max_reply_bytes: int
    earliest_date: date
    latest_date: date


@lru_cache(maxsize=1)
def limits() -> Limits:
    """The limits table (read once per process). The file ships with the code; a broken one is a bug, so it is
    read with the plain safe loader (not the located one, which itself needs these limits)."""
    raw = yaml.load(LIMITS_FILE.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506
    if not isinstance(raw, dict) or raw.get("schema_version") != 1:
        raise RuntimeError(f"{LIMITS_FILE}: expected schema_version: 1")
    inv = raw["inventory"]
    return Limits(
        yaml=YamlLimits(**raw["yaml"]),
        json=JsonLimits(**raw["json"]),
        release=ReleaseLimits(**raw["release"]),
        inventory=InventoryLimits(
            port=tuple(inv["port"]), timeout_seconds=tuple(inv["timeout_seconds"]),
            connect_timeout_seconds=tuple(inv["connect_timeout_seconds"]),
            max_name_length=inv["max_name_length"], max_text_length=inv["max_text_length"],
            max_devices=inv["max_devices"], max_reply_megabytes=inv["max_reply_megabytes"]),
        csv_max_bytes=int(raw["csv"]["max_bytes"]),
        max_reply_bytes=int(raw["collect"]["max_reply_bytes"]),
        earliest_date=raw["dates"]["earliest"],
        latest_date=raw["dates"]["latest"],
    )


def check_date(value: date, what: str = "date") -> date:
    """``value`` when within the sane calendar range, else ValueError naming the range."""
    lim = limits()
    if not lim.earliest_date <= value <= lim.latest_date:
        raise ValueError(f"{what} {value.isoformat()} is outside {lim.earliest_date.isoformat()} to "
                         f"{lim.latest_date.isoformat()}")
    return value
