"""Indicators: named measurements of a device's health, each read from the parsed replies.

A check in catalogs/health-checks.yaml names the indicator it ``reads``; this registry is what it may name, so a
typo in the catalog is a validation error, not a check that silently never fires. An indicator returns a Reading:
a number (compared with the thresholds) and a detail saying what was seen, or no number and the reason it is
unknown (the reply is missing, the platform does not report it). Never a silent 0.

    @indicator("re.cpu_used_percent", reads=("get-route-engine-information",), unit="%")
    def cpu(h: DeviceHealth, ignore: Ignore) -> Reading: ...
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from analyzers.health.device import DeviceHealth

Ignore = Sequence[re.Pattern[str]]


@dataclass(frozen=True, slots=True)
class Reading:
    value: float | None
    detail: str
    unknown: str | None = None  # why there is no value

    @classmethod
    def missing(cls, reason: str) -> Reading:
        return cls(None, reason, reason)


class Unknown(Exception):
    """Raised inside an indicator to leave it early: the value cannot be known, for this reason."""


@dataclass(frozen=True, slots=True)
class Indicator:
    name: str
    reads: tuple[str, ...]  # the RPCs it reads, the preferred one first
    unit: str
    about: str
    func: Callable[[DeviceHealth, Ignore], Reading]

    def read(self, health: DeviceHealth, ignore: Ignore = ()) -> Reading:
        try:
            return self.func(health, ignore)
        except Unknown as exc:
            return Reading.missing(str(exc))


INDICATORS: dict[str, Indicator] = {}


def indicator(name: str, *, reads: tuple[str, ...], unit: str = "") -> Callable[[Any], Any]:
    """Register an indicator under ``name`` (its docstring's first line describes it). Names are taken once."""

    def register(func: Callable[[DeviceHealth, Ignore], Reading]) -> Callable[[DeviceHealth, Ignore], Reading]:
        if name in INDICATORS and INDICATORS[name].func is not func:
            raise ValueError(f"indicator {name!r} is already registered")
        about = (func.__doc__ or "").strip().splitlines()[0] if func.__doc__ else name
        INDICATORS[name] = Indicator(name, reads, unit, about, func)
        return func

    return register


def need(health: DeviceHealth, rpc: str) -> Any:
    """The parsed record of ``rpc``, or Unknown with the reason it is missing."""
    record = health.get(rpc)
    if record is None:
        raise Unknown(health.why(rpc))
    return record


def ignored(name: str, ignore: Ignore) -> bool:
    return any(p.search(name) for p in ignore)


def fmt(value: float | None) -> str:
    """42.0 -> "42", 0.0123 -> "0.0123"."""
    if value is None:
        return "?"
    return f"{value:.4g}" if value != int(value) else str(int(value))


def listing(parts: Sequence[str], limit: int = 6) -> str:
    """At most ``limit`` items, then how many more: details stay readable on a 48-port switch."""
    shown = list(parts[:limit])
    if len(parts) > limit:
        shown.append(f"and {len(parts) - limit} more")
    return ", ".join(shown)


def _load_builtin() -> None:
    from analyzers.health.indicators import chassis, network, system  # noqa: F401


_load_builtin()
