"""Impact tags and anticipated downtime for an advisory, from the vocabulary in impacts.yaml."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from msplus.errors import InputError
from msplus.yamlsource import load_data_file

DATA = Path(__file__).with_name("impacts.yaml")


@dataclass(frozen=True, slots=True)
class ImpactKind:
    name: str
    pattern: re.Pattern[str]
    downtime: str
    why: str


@cache
def kinds() -> dict[str, ImpactKind]:
    """The impact vocabulary, in the order of impacts.yaml (most disruptive first)."""
    raw = load_data_file(DATA)
    if not isinstance(raw.get("kinds"), dict):
        raise InputError("expected a mapping of kinds", path=str(DATA))
    out = {}
    for name, spec in raw["kinds"].items():
        try:
            pattern = re.compile(spec["pattern"], re.IGNORECASE)
        except (re.error, KeyError, TypeError) as exc:
            raise InputError(f"bad pattern: {exc}", path=str(DATA), key=f"kinds.{name}") from exc
        out[name] = ImpactKind(name, pattern, str(spec["downtime"]), " ".join(str(spec["why"]).split()))
    return out


def classify(text: str) -> dict[str, Any]:
    """``{kinds: [...], downtime: "...", text: ...}`` for a title + description. The downtime is that of the most
    disruptive kind found (the first in impacts.yaml); ``kinds`` is empty when nothing is recognised."""
    found = [k for k in kinds().values() if k.pattern.search(text)]
    out: dict[str, Any] = {"kinds": [k.name for k in found]}
    if found:
        out["downtime"] = f"{found[0].downtime} ({found[0].why})"
    return out
