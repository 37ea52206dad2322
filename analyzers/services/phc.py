"""PHC (SDD 3.1.8): key indicators of device health and utilisation against best-practice thresholds
(catalogs/health-checks.yaml), with recommended actions.

Every check is an indicator of the section; the findings are the checks that are not ``ok``. The report's
severity scale is the health statuses themselves (HEALTH_SCALE: critical, warning, unknown), so cards, tables and
the spreadsheet use one vocabulary; an ``unknown`` indicator says which data was missing. An in-scope device that
could not be collected is reported as the health module reports it: reachability critical, every other check
unknown.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from analyzers.health import CheckResult, Thresholds, evaluate_snapshot, load_thresholds
from analyzers.health.checks import unreachable, worst
from analyzers.health.thresholds import DEFAULT_FILE
from analyzers.services import Analysis, Inputs, Loaded
from analyzers.services.sources import describe
from msplus.gcpause import without_gc
from msplus.kinds import HealthStatus
from reports.model import HEALTH_SCALE, Chart, ChartBar, ChartSpec, FindingRow, Indicator, PhcDevice, PhcSection

STATUSES: tuple[HealthStatus, ...] = ("critical", "warning", "unknown", "ok")  # report order: worst first
# Indicator groups by check-id prefix, for the spreadsheet's category column (first match wins).
GROUPS = (("re-", "routing engine"), ("fpc-", "line cards"), ("chassis-alarms", "alarms"), ("system-alarms", "alarms"),
          ("chassis-cluster", "redundancy"), ("cluster-", "redundancy"), ("virtual-chassis", "redundancy"),
          ("fans", "environment"), ("power", "environment"), ("temperature", "environment"),
          ("interface-", "interfaces"), ("bgp-", "routing"), ("ospf-", "routing"), ("license-", "licences"))


@dataclass(frozen=True)
class Phc:
    name: str = "phc"
    ledger_code: str = "PHC"
    file_role: str = "thresholds"

    @property
    def default_files(self) -> tuple[Path, ...]:
        return (DEFAULT_FILE,)

    def load(self, paths: Sequence[Path]) -> Loaded:
        if len(paths) != 1:
            from msplus.errors import InputError

            raise InputError(f"PHC reads one thresholds file (--catalog FILE); {len(paths)} given")
        thresholds = load_thresholds(paths[0])
        return Loaded(thresholds, (describe(Path(paths[0]), "thresholds", len(thresholds.checks)),))

    @without_gc  # a fleet's findings are hundreds of thousands of objects that all stay alive: msplus.gcpause
    def analyse(self, inputs: Inputs, loaded: Loaded) -> Analysis:
        thresholds: Thresholds = loaded.data
        results: dict[str, list[CheckResult]] = {}
        for device in inputs.devices:
            results[device.name] = evaluate_snapshot(inputs.folder(device.name), thresholds, role=device.role)
        for failed in inputs.failed:
            results[failed.name] = unreachable(failed.name, f"{failed.kind}: {failed.message}", thresholds)
        findings = tuple(_finding(r) for rs in results.values() for r in rs if r.status != "ok")
        devices = tuple(_device(name, rs) for name, rs in results.items())
        by_check = []
        for check in thresholds.checks:
            counts = Counter(r.status for rs in results.values() for r in rs if r.check == check.id)
            by_check.append((check.id, check.title, tuple((s, counts[s]) for s in STATUSES if counts[s])))
        chart = Chart("Indicators by device and status", STATUSES,
                      tuple(ChartBar(d.name, tuple((s, dict(d.counts).get(s, 0)) for s in STATUSES))
                            for d in devices))
        worst_of = Counter(d.worst for d in devices)
        headline = (f"{len(devices)} device(s), {len(thresholds.checks)} indicators each: "
                    f"{worst_of['critical']} device(s) with a critical indicator, {worst_of['warning']} with "
                    f"warnings at worst, {worst_of['ok'] + worst_of['unknown']} without either.")
        return Analysis(findings, PhcSection(devices, tuple(by_check)), ChartSpec("", by="status"), headline,
                        loaded.notes, chart_override=chart, scale=HEALTH_SCALE)


def _finding(r: CheckResult) -> FindingRow:
    evidence = [f"{r.detail}"] if r.detail else []
    evidence.append(f"value {_value(r)}; threshold {_threshold(r)}")
    message = r.reason if r.status != "unknown" else f"could not be checked: {r.detail}"
    return FindingRow(device=r.device, id=r.check, title=r.title or r.check, severity=r.status,
                      category=group(r.check), status=r.status, message=message, evidence=tuple(evidence),
                      recommendation=r.action, reference=r.check)


def _device(name: str, results: list[CheckResult]) -> PhcDevice:
    counts = Counter(r.status for r in results)
    order = {s: i for i, s in enumerate(STATUSES)}
    indicators = tuple(Indicator(check=r.check, title=r.title or r.check, status=r.status, value=_value(r),
                                 threshold=_threshold(r), detail=r.detail, action=r.action, reason=r.reason)
                       for r in sorted(results, key=lambda r: order[r.status]))
    return PhcDevice(name, worst(results), tuple((s, counts[s]) for s in STATUSES if counts[s]), indicators)


def group(check: str) -> str:
    return next((g for prefix, g in GROUPS if check.startswith(prefix)), "system")


def _value(r: CheckResult) -> str:
    if r.value is None:
        return "unknown"
    number = f"{r.value:g}"
    return f"{number}{r.unit}" if r.unit in ("%", "°C") else f"{number} {r.unit}".strip()


def _threshold(r: CheckResult) -> str:
    t = r.threshold or {}
    direction = t.get("direction", "")
    parts = [f"{level} {direction} {t[level]:g}" for level in ("warning", "critical") if t.get(level) is not None]
    return ", ".join(parts) or "none"


SERVICE = Phc()
