"""The health-check thresholds (catalogs/health-checks.yaml): schema, validation and the limits that apply.

    schema_version: 1
    comparison:                       # between two sweeps of one device
      errors_per_hour: 100            # interface errors growing faster than this are a change
      drops_per_hour: 10000
      carrier_transitions_per_hour: 6
    checks:
      - id: re-cpu                    # unique; results and history name the check by it
        title: Routing-engine CPU
        reads: re.cpu_used_percent    # an indicator of analyzers.health.indicators
        unit: "%"
        direction: high               # high: value >= threshold is bad; low: value <= threshold is bad
        warning: 80                   # either may be null (that level is not used)
        critical: 95
        overrides:                    # the last entry that matches applies (family AND role when both given);
          - {family: [ex], warning: 90, critical: 98}     # a level it does not set keeps the check's
        ignore: []                    # regexes of names the indicator leaves out (mounts, interfaces, reasons)
        reason: why these numbers
        action: what to do when it fires

``load_thresholds(path)`` raises ThresholdsError naming file, line, column and key for every problem found.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from msplus import shipped
from msplus.catalogfile import CatalogFormat, read_located, validate_catalog
from msplus.errors import InputError, ProblemsError
from msplus.families import known_families as _known
from msplus.kinds import HealthStatus
from msplus.yamlsource import Loc, Locator

DEFAULT_FILE = shipped.catalog("health-checks.yaml")
SCHEMA_VERSION = 1
REQUIRED_CHECKS = ("reachability",)  # the sweep reports unreachable devices through it


class ThresholdsError(ProblemsError):
    """A thresholds file that does not validate; ``problems`` holds every problem (the message names the first)."""



# ---------------------------------------------------------------------------------------------- schema

class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class OverrideIn(_Model):
    family: list[str] = Field(default_factory=list)
    role: list[str] = Field(default_factory=list)
    warning: float | None = None
    critical: float | None = None


class NotApplicableIn(_Model):
    """Platform families the check does not apply to (a virtual platform has no fans), and why, in words."""

    family: list[str] = Field(min_length=1)
    why: str = Field(min_length=1)


class CheckIn(_Model):
    id: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    title: str = Field(min_length=1)
    reads: str
    unit: str = ""
    direction: Literal["high", "low"]
    warning: float | None = None
    critical: float | None = None
    overrides: list[OverrideIn] = Field(default_factory=list)
    ignore: list[str] = Field(default_factory=list)
    not_applicable: NotApplicableIn | None = None
    reason: str = Field(min_length=1)
    action: str = Field(min_length=1)


class ComparisonIn(_Model):
    errors_per_hour: float = Field(gt=0)
    drops_per_hour: float = Field(gt=0)
    carrier_transitions_per_hour: float = Field(gt=0)


class ThresholdsIn(_Model):
    schema_version: int
    description: str | None = None
    comparison: ComparisonIn
    checks: list[CheckIn] = Field(min_length=1)


# ---------------------------------------------------------------------------------------------- compiled

@dataclass(frozen=True, slots=True)
class Limits:
    """The limits that apply to one device: after its family's and role's overrides."""

    direction: str
    warning: float | None
    critical: float | None
    source: str = "default"  # or "family ex", "role access", "family srx, role firewall"

    def status(self, value: float) -> HealthStatus:
        def hit(limit: float | None) -> bool:
            if limit is None:
                return False
            return value >= limit if self.direction == "high" else value <= limit

        if hit(self.critical):
            return "critical"
        return "warning" if hit(self.warning) else "ok"

    def to_json(self, unit: str = "") -> dict[str, Any]:
        data: dict[str, Any] = {"direction": ">=" if self.direction == "high" else "<=",
                                "warning": self.warning, "critical": self.critical}
        if unit:
            data["unit"] = unit
        if self.source != "default":
            data["override"] = self.source
        return data


@dataclass(frozen=True, slots=True)
class Override:
    families: frozenset[str]
    roles: frozenset[str]
    values: tuple[tuple[str, float | None], ...]  # only the levels the entry sets

    def applies(self, family: str | None, role: str | None) -> bool:
        return (not self.families or family in self.families) and (not self.roles or role in self.roles)

    def label(self) -> str:
        parts = [f"family {'/'.join(sorted(self.families))}"] if self.families else []
        parts += [f"role {'/'.join(sorted(self.roles))}"] if self.roles else []
        return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class CheckSpec:
    id: str
    title: str
    reads: str
    unit: str
    direction: str
    warning: float | None
    critical: float | None
    overrides: tuple[Override, ...]
    ignore: tuple[re.Pattern[str], ...]
    reason: str
    action: str
    not_on: frozenset[str] = frozenset()  # families the check does not apply to
    not_on_why: str = ""

    def applies_to(self, family: str | None) -> bool:
        return family not in self.not_on

    def limits(self, family: str | None = None, role: str | None = None) -> Limits:
        """The check's levels, or those of the last override matching ``family`` and ``role`` (levels the override
        does not set keep the check's). Overrides do not stack, so each can be validated on its own."""
        levels: dict[str, float | None] = {"warning": self.warning, "critical": self.critical}
        chosen = next((o for o in reversed(self.overrides) if o.applies(family, role)), None)
        if chosen is None:
            return Limits(self.direction, levels["warning"], levels["critical"])
        levels.update(dict(chosen.values))
        return Limits(self.direction, levels["warning"], levels["critical"], chosen.label())


@dataclass(frozen=True, slots=True)
class Comparison:
    errors_per_hour: float
    drops_per_hour: float
    carrier_transitions_per_hour: float


@dataclass(frozen=True, slots=True)
class Thresholds:
    checks: tuple[CheckSpec, ...]
    comparison: Comparison
    path: str = ""

    def check(self, check_id: str) -> CheckSpec:
        for spec in self.checks:
            if spec.id == check_id:
                return spec
        raise KeyError(check_id)


# ---------------------------------------------------------------------------------------------- loading

def load_thresholds(path: str | Path | None = None) -> Thresholds:
    """Load and validate a thresholds file (default: catalogs/health-checks.yaml). Raises ThresholdsError."""
    target = Path(path) if path is not None else DEFAULT_FILE
    if path is None:
        return _default()
    return _load(target)


@lru_cache(maxsize=1)
def _default() -> Thresholds:
    return _load(DEFAULT_FILE)


def _load(path: Path) -> Thresholds:
    data, locator = read_located(path, THRESHOLDS_FORMAT)
    return validate(data, locator)


def validate(data: Any, locator: Locator) -> Thresholds:
    def compile_check(model: CheckIn, loc: Loc, problems: list[InputError]) -> CheckSpec | None:
        return _compile(model, loc, locator, problems)

    def required(_parsed: ThresholdsIn, ids: Sequence[str]) -> list[InputError]:
        return [locator.error(f"the {r!r} check is required (the sweep reports unreachable devices through it)",
                              ("checks",)) for r in REQUIRED_CHECKS if r not in ids]

    loaded = validate_catalog(data, locator, THRESHOLDS_FORMAT, compile_check, required)
    c = loaded.parsed.comparison
    return Thresholds(loaded.items, Comparison(c.errors_per_hour, c.drops_per_hour, c.carrier_transitions_per_hour),
                      locator.path)


def _compile(model: CheckIn, loc: Loc, locator: Locator, problems: list[InputError]) -> CheckSpec | None:
    from analyzers.health.indicators import INDICATORS

    before = len(problems)
    if model.reads not in INDICATORS:
        problems.append(locator.error(f"unknown indicator {model.reads!r} (known: {', '.join(sorted(INDICATORS))})",
                                      (*loc, "reads")))
    if model.warning is None and model.critical is None:
        problems.append(locator.error("a check needs a warning or a critical threshold (or both)", loc))
    _order(model.direction, model.warning, model.critical, locator, (*loc, "critical"), problems)
    patterns = []
    for i, pattern in enumerate(model.ignore):
        try:
            patterns.append(re.compile(pattern))
        except re.error as exc:
            problems.append(locator.error(f"not a regular expression: {exc}", (*loc, "ignore", i)))
    overrides = []
    families = known_families()
    for i, o in enumerate(model.overrides):
        o_loc: Loc = (*loc, "overrides", i)
        if not o.family and not o.role:
            problems.append(locator.error("an override names a family, a role or both", o_loc))
        for j, family in enumerate(o.family):
            if family not in families:
                problems.append(locator.error(f"unknown platform family {family!r} (known: {', '.join(families)})",
                                              (*o_loc, "family", j)))
        levels = [(k, getattr(o, k)) for k in ("warning", "critical") if k in o.model_fields_set]
        if not levels:
            problems.append(locator.error("an override sets warning, critical or both", o_loc))
        merged = {"warning": model.warning, "critical": model.critical, **dict(levels)}
        _order(model.direction, merged["warning"], merged["critical"], locator, o_loc, problems)
        overrides.append(Override(frozenset(o.family), frozenset(o.role), tuple(levels)))
    na = model.not_applicable
    for j, family in enumerate(na.family if na else ()):
        if family not in families:
            problems.append(locator.error(f"unknown platform family {family!r} (known: {', '.join(families)})",
                                          (*loc, "not_applicable", "family", j)))
    if len(problems) > before:
        return None
    return CheckSpec(model.id, model.title, model.reads, model.unit, model.direction, model.warning, model.critical,
                     tuple(overrides), tuple(patterns), model.reason, model.action,
                     frozenset(na.family) if na else frozenset(), na.why if na else "")


def _order(direction: str, warning: float | None, critical: float | None, locator: Locator, loc: Loc,
           problems: list[InputError]) -> None:
    if warning is None or critical is None:
        return
    if direction == "high" and warning > critical:
        problems.append(locator.error(f"direction high: warning ({warning:g}) must not be above critical "
                                      f"({critical:g})", loc))
    if direction == "low" and warning < critical:
        problems.append(locator.error(f"direction low: warning ({warning:g}) must not be below critical "
                                      f"({critical:g})", loc))


def known_families() -> tuple[str, ...]:
    return tuple(sorted(_known()))


THRESHOLDS_FORMAT = CatalogFormat(model=ThresholdsIn, error=ThresholdsError, version=SCHEMA_VERSION,
                                  list_key="checks", item_word="check", shape="schema_version, comparison and checks")
