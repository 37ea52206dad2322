"""The collector contract and the named registry of collectors.

A collector turns one Device and a plan (a list of Requests) into replies handed to a Sink, one at a time, as soon
as each is received: whatever arrived before a failure is therefore already on disk. A device failure is raised as
``DeviceError(kind, message)``; foreign exceptions (paramiko, ncclient, PyEZ, netmiko, napalm, socket, lxml) are
translated once, where they are caught, with ``raise DeviceError(...) from exc``. An optional Request answered with
an error is saved with ``error`` set and is not a failure.

Registry (modelled on nornir's plugin register): ``@register("pyez")`` on a Collector class, ``get("pyez")`` to
find it. A name is taken once; registering a different class under a taken name is refused. The built-in
collectors are imported on first ``get``, so the heavy libraries load only for the drivers an inventory uses.
"""

from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import ClassVar, TypeVar

from msplus.errors import DeviceError
from msplus.kinds import FAILURE_KINDS, FailureKind
from msplus.records import Device, Request
from snapshots.writer import Sink

# Device-failure kinds, as used in meta.json and the run summary.
KINDS = FAILURE_KINDS

BUILTIN: dict[str, str] = {
    "pyez": "collectors.pyez_collector",
    "netmiko": "collectors.netmiko_collector",
    "napalm": "collectors.napalm_collector",
    "offline": "collectors.offline",
}


class Collector(ABC):
    """One way of collecting. Instances are cheap; one is made per device and used from one thread."""

    name: ClassVar[str] = ""

    def __init__(self, *, known_hosts: Path | None = None) -> None:
        # known_hosts: verify host keys against this file (unknown or changed key = ``hostkey`` failure);
        # None = accept any key and record its fingerprint (PyEZ's default behaviour).
        self.known_hosts = known_hosts

    @abstractmethod
    def collect(self, device: Device, plan: Sequence[Request], sink: Sink) -> None:
        """Send every Request of ``plan`` to ``device``; hand each reply to ``sink`` as it arrives.

        Raises DeviceError on a device failure (after handing over what was received before it).
        """


C = TypeVar("C", bound=type[Collector])
_REGISTRY: dict[str, type[Collector]] = {}


def register(name: str) -> Callable[[C], C]:
    """Class decorator: make a Collector available under ``name``. Refuses a name taken by another class."""

    def decorate(cls: C) -> C:
        taken = _REGISTRY.get(name)
        if taken is not None and taken is not cls:
            raise ValueError(f"collector {name!r} is already registered ({taken.__module__}.{taken.__qualname__})")
        cls.name = name
        _REGISTRY[name] = cls
        return cls

    return decorate


def get(name: str) -> type[Collector]:
    """The Collector class registered under ``name`` (importing a built-in one on first use)."""
    if name not in _REGISTRY and name in BUILTIN:
        importlib.import_module(BUILTIN[name])
    try:
        return _REGISTRY[name]
    except KeyError:
        known = sorted(set(_REGISTRY) | set(BUILTIN))
        raise KeyError(f"no collector named {name!r}; known: {', '.join(known)}") from None


def names() -> list[str]:
    return sorted(set(_REGISTRY) | set(BUILTIN))


def fail(kind: FailureKind, message: str) -> DeviceError:
    """A DeviceError with a kind checked against KINDS (a typo here would make summaries lie)."""
    if kind not in KINDS:
        raise ValueError(f"unknown device-error kind {kind!r}")
    return DeviceError(kind, message)
