"""The four MS Plus reviews as analysis: a snapshot and the service's data files in, findings and a section out.

One module per service (pbnir, piir, phc, cacr), each a ``ReviewService``: ``load(paths)`` reads and validates the
service's data files (advisory catalogs, rule files or thresholds) before anything else happens, raising
InputError with file and place; ``analyse(inputs, loaded)`` turns the snapshot's device folders into the findings
and the service's section of the report model (reports/model.py). Nothing here renders or charges.

    service = get("pbnir")
    loaded = service.load(paths or service.default_files)
    analysis = service.analyse(Inputs(snapshot, devices, failed), loaded)
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from msplus import shipped
from reports.model import (
    SEVERITIES,
    CatalogSource,
    Chart,
    ChartSpec,
    FailedDevice,
    FindingRow,
    ScopeDevice,
    Section,
)

CATALOGS = shipped.CATALOGS
# service -> module; each module defines SERVICE (a ReviewService).
_MODULES = {"pbnir": "analyzers.services.pbnir", "piir": "analyzers.services.piir",
            "phc": "analyzers.services.phc", "cacr": "analyzers.services.cacr"}


@dataclass(frozen=True, slots=True)
class Inputs:
    """What a service analyses: the snapshot and the in-scope devices whose data is there (``devices``);
    ``failed`` are in-scope devices that could not be collected (PHC reports them as unreachable)."""

    snapshot: Path
    devices: tuple[ScopeDevice, ...]
    failed: tuple[FailedDevice, ...] = ()
    change: Path | None = None  # CACR: a proposed change for ``change_device``
    change_device: str | None = None
    on: date | None = None  # the review date
    since: date | None = None  # pbnir: the period starts after this date (None: from the first notification)
    since_basis: str = ""  # where ``since`` came from, in words for the report

    def folder(self, device: str) -> Path:
        return self.snapshot / device


@dataclass(frozen=True, slots=True)
class Loaded:
    """A service's data files, validated: ``data`` is what its analyse() needs; ``sources`` go into provenance."""

    data: Any
    sources: tuple[CatalogSource, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Analysis:
    findings: tuple[FindingRow, ...]
    section: Section
    chart: ChartSpec
    headline: str
    notes: tuple[str, ...] = ()
    chart_override: Chart | None = None  # a chart not drawn from the findings (PHC: every indicator, ok too)
    scale: tuple[str, ...] = SEVERITIES  # the severity words of the report (PHC: the health statuses)


class ReviewService(Protocol):
    name: str  # pbnir | piir | phc | cacr
    ledger_code: str  # the service's code in the credit table (ledger/services.yaml)
    file_role: str  # what --catalog means for it: advisories | rules | thresholds

    @property
    def default_files(self) -> tuple[Path, ...]: ...

    def load(self, paths: Sequence[Path]) -> Loaded: ...

    def analyse(self, inputs: Inputs, loaded: Loaded) -> Analysis: ...


def names() -> tuple[str, ...]:
    return tuple(_MODULES)


def get(name: str) -> ReviewService:
    """The service called ``name``; a KeyError names the known ones."""
    if name not in _MODULES:
        raise KeyError(f"unknown service {name!r}: expected one of {', '.join(_MODULES)}")
    service: ReviewService = importlib.import_module(_MODULES[name]).SERVICE
    if service.name != name:
        raise AssertionError(f"{_MODULES[name]} registers {service.name!r}, not {name!r}")
    return service
