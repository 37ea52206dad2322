"""Input limits of the configuration readers, read from limits.yaml (data, not code)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from msplus.errors import InputError

_FILE = Path(__file__).with_name("limits.yaml")


@dataclass(frozen=True, slots=True)
class Limits:
    max_depth: int
    max_line_length: int
    max_words: int


@cache
def limits() -> Limits:
    raw = yaml.safe_load(_FILE.read_text(encoding="utf-8"))
    try:
        if raw.get("version") != 1:
            raise KeyError("version")
        values = {name: int(raw[name]) for name in ("max_depth", "max_line_length", "max_words")}
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise InputError(f"configuration limits: missing or bad {exc}", path=str(_FILE)) from exc
    if any(v < 1 for v in values.values()):
        raise InputError("configuration limits must be positive", path=str(_FILE))
    return Limits(**values)
