"""The result model of a review: one frozen record that every output format is rendered from.

    ReviewResult
      service, customer, request_id, date, generated_at, schema_version
      scope        devices in scope, excluded (with the reason), failed collection (kind, message)
      provenance   snapshot, collected live or taken as given, per-device collection time, catalogs (sha256), tool
      summary      counts by severity (equal to the findings, by construction), by status, most exposed devices,
                   the chart's numbers
      findings     uniform rows: device, id, title, severity, category, status, message, evidence, recommendation
      section      the service's own part: PbnirSection | PiirSection | PhcSection | CacrSection
      credits      quote, whether and how it was charged, the balance after it and the earliest expiry

Analysis code (analyzers/services/) builds the findings and the section; app/assess.py adds scope, provenance
and credits; ``summarise`` derives the summary from the findings so the totals cannot disagree with the rows.
Templates only read this model. ``to_json`` is the JSON report (the full machine-readable result).
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

SCHEMA_VERSION = 1
# The severity scale of the advisory and configuration reviews, most severe first. Advisory severities map onto it
# ("none" -> info); CACR rules already use it.
SEVERITIES = ("critical", "high", "medium", "low", "info", "unknown")
# PHC's scale: the health statuses themselves, so a reader sees the same word on the summary cards, the tables, the
# spreadsheet and the sweep reports ("warning", never "medium" on one page and "warning" on the next).
HEALTH_SCALE = ("critical", "warning", "unknown")
SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITIES)} | {"warning": SEVERITIES.index("medium")}
SERVICES = {
    "pbnir": "Product Bug Notification Impact Review",
    "piir": "Product Issue Impact Review",
    "phc": "Product Health Check",
    "cacr": "Configuration Analysis and Change Review",
}


# ---------------------------------------------------------------------------------------------- findings

@dataclass(slots=True)  # read-only by convention, not frozen: a fleet has half a million rows, and a frozen
class FindingRow:       # dataclass sets each field through object.__setattr__, 3x the cost of building one
    """One finding, the same shape for every service (the spreadsheet has one line per row).

    ``category``: advisory kind (PBNIR, PIIR), indicator group (PHC) or rule category (CACR).
    ``status``: verdict (affected / indeterminate), health status (critical / warning / unknown) or, for CACR,
    ``present``.
    """

    device: str
    id: str
    title: str
    severity: str
    category: str
    status: str
    message: str = ""
    evidence: tuple[str, ...] = ()
    recommendation: str = ""
    reference: str = ""  # advisory number, rule id or check id a reader can look up
    source: str = ""  # PBNIR/PIIR: pbn | problem_report | security_advisory | hardware_notice (what the finding is)


# ---------------------------------------------------------------------------------------------- scope, provenance

@dataclass(frozen=True, slots=True)
class ScopeDevice:
    name: str
    serial: str | None
    reason: str
    model: str | None = None
    version: str | None = None
    hostname: str | None = None
    role: str | None = None
    site: str | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FailedDevice:
    name: str
    kind: str  # DeviceError kind (unreachable, auth, timeout, ...) or "missing" (not in the snapshot)
    message: str


@dataclass(frozen=True, slots=True)
class Scope:
    in_scope: tuple[ScopeDevice, ...]
    excluded: tuple[ScopeDevice, ...]
    failed: tuple[FailedDevice, ...]
    contract: str | None = None

    @property
    def reviewed(self) -> tuple[ScopeDevice, ...]:
        """In-scope devices whose data was available (not failed)."""
        failed = {f.name for f in self.failed}
        return tuple(d for d in self.in_scope if d.name not in failed)


@dataclass(frozen=True, slots=True)
class DeviceSource:
    device: str
    collected_at: str | None
    collector: str | None
    host_key_verified: bool | None = None


@dataclass(frozen=True, slots=True)
class CatalogSource:
    """A data file the analysis read: advisory catalog, rule file, thresholds, change file."""

    role: str  # advisories | rules | thresholds | change
    path: str
    name: str | None
    version: str | None
    sha256: str
    entries: int | None = None


@dataclass(frozen=True, slots=True)
class Provenance:
    snapshot: str
    collected_live: bool
    devices: tuple[DeviceSource, ...]
    catalogs: tuple[CatalogSource, ...]
    tool_version: str
    generated_at: str
    inventory: str


# ---------------------------------------------------------------------------------------------- summary, credits

@dataclass(frozen=True, slots=True)
class ChartBar:
    label: str
    segments: tuple[tuple[str, int], ...]  # (series name, value), in legend order

    @property
    def total(self) -> int:
        return sum(v for _, v in self.segments)


@dataclass(frozen=True, slots=True)
class Chart:
    title: str
    series: tuple[str, ...]
    bars: tuple[ChartBar, ...]


@dataclass(frozen=True, slots=True)
class Exposure:
    device: str
    findings: int
    worst: str
    by_severity: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class Summary:
    total: int
    by_severity: tuple[tuple[str, int], ...]  # every severity of the report's scale, in order, zeros included
    by_status: tuple[tuple[str, int], ...]
    most_exposed: tuple[Exposure, ...]
    chart: Chart
    headline: str  # one sentence for the top of the report


@dataclass(frozen=True, slots=True)
class Credits:
    service: str  # ledger code: PBNIR, PIIR, PHC, CACR
    units: int
    cost: int
    status: str  # debited | already_debited | not_charged
    request_id: str
    remaining: int | None  # credits usable on the review date after this review
    earliest_expiry: str | None  # of the lots that still hold usable credits
    ledger: str
    note: str = ""

    @property
    def debited(self) -> int:
        return self.cost if self.status in ("debited", "already_debited") else 0


# ---------------------------------------------------------------------------------------------- service sections

@dataclass(frozen=True, slots=True)
class Exposed:
    """One device's verdict for one advisory."""

    device: str
    verdict: str
    release: str | None
    evidence: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Notification:
    """PBNIR: one bug notification (or security advisory) matching the deployed profile."""

    id: str
    kind: str
    advisory: str | None
    title: str
    severity: str
    published: str | None
    devices: tuple[Exposed, ...]
    assessment: str
    recommendation: str
    workaround: str | None
    fixed_in: tuple[str, ...]
    references: tuple[str, ...]
    problem_reports: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PbnirSection:
    notifications: tuple[Notification, ...]
    call_notes: tuple[str, ...]
    upgrades: tuple[tuple[str, str | None, str | None, str], ...]  # (device, release, recommended, action)
    period: str = ""  # the publication period reviewed, in words ("published 2023-01-01 to 2023-06-30 ...")
    feeds: tuple[str, ...] = ()  # the PBN feeds read, by name (a sample feed says so)
    kind: str = "pbnir"


@dataclass(frozen=True, slots=True)
class Issue:
    id: str
    kind: str
    area: str  # hardware | software | feature
    title: str
    severity: str
    verdict: str
    evidence: tuple[str, ...]
    impact: tuple[str, ...]
    downtime_if_hit: str | None
    workaround: str | None
    recommendation: str
    fixed_in: tuple[str, ...]
    reboot_to_fix: bool
    source: str = ""  # security_advisory | problem_report | hardware_notice


@dataclass(frozen=True, slots=True)
class Downtime:
    redundancy: str  # single_re | dual_re_gres_nsr | dual_re | cluster | virtual_chassis
    description: str  # the node's shape, in words
    upgrade: str  # anticipated downtime of the upgrade on this node
    reasons: tuple[str, ...]  # what the estimate rests on (profile facts, configuration lines)


@dataclass(frozen=True, slots=True)
class UpgradeTarget:
    release: str | None
    target: str | None
    clears: int  # matched issues the target clears
    matched: int
    still_open: tuple[str, ...]
    not_by_release: tuple[str, ...]
    note: str
    action: str = "upgrade"  # upgrade | no_action | replace_hardware | verify_support
    path: tuple[str, ...] = ()  # the release of each upgrade, the target last
    basis: tuple[str, ...] = ()  # why, with sources
    minimal_fix: str | None = None  # the lowest release of the device's own train that clears what it can


@dataclass(frozen=True, slots=True)
class PiirDevice:
    name: str
    model: str | None
    release: str | None
    issues: tuple[Issue, ...]
    impact: tuple[tuple[str, int], ...]  # impact kind -> issues
    downtime: Downtime
    upgrade: UpgradeTarget


@dataclass(frozen=True, slots=True)
class PiirSection:
    devices: tuple[PiirDevice, ...]
    areas: tuple[tuple[str, int], ...]  # hardware / software / feature -> issues
    kind: str = "piir"


@dataclass(frozen=True, slots=True)
class Indicator:
    check: str
    title: str
    status: str
    value: str
    threshold: str
    detail: str
    action: str
    reason: str


@dataclass(frozen=True, slots=True)
class PhcDevice:
    name: str
    worst: str
    counts: tuple[tuple[str, int], ...]  # status -> checks
    indicators: tuple[Indicator, ...]


@dataclass(frozen=True, slots=True)
class PhcSection:
    devices: tuple[PhcDevice, ...]
    by_check: tuple[tuple[str, str, tuple[tuple[str, int], ...]], ...]  # (check, title, status -> devices)
    kind: str = "phc"


@dataclass(frozen=True, slots=True)
class RuleTally:
    device: str
    rules: int
    failed: int
    passed: int
    not_applicable: int
    skipped: tuple[str, ...]  # "RULE: reason"


@dataclass(frozen=True, slots=True)
class ChangeRisk:
    kind: str
    message: str
    lines: tuple[int, ...]
    statements: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ChangeReview:
    device: str
    change_file: str
    mode: str
    diff: tuple[str, ...]
    introduced: tuple[FindingRow, ...]
    resolved: tuple[FindingRow, ...]
    risks: tuple[ChangeRisk, ...]
    errors: tuple[str, ...]
    unchanged: tuple[str, ...]
    recommendation: str | None


@dataclass(frozen=True, slots=True)
class CacrSection:
    categories: tuple[tuple[str, int], ...]  # category -> findings, in the rule file's order
    tallies: tuple[RuleTally, ...]
    change: ChangeReview | None
    kind: str = "cacr"


Section = PbnirSection | PiirSection | PhcSection | CacrSection


# ---------------------------------------------------------------------------------------------- the review

@dataclass(frozen=True, slots=True)
class ReviewResult:
    service: str
    customer_id: str
    customer_name: str
    request_id: str
    date: str
    scope: Scope
    provenance: Provenance
    summary: Summary
    findings: tuple[FindingRow, ...]
    section: Section
    credits: Credits
    notes: tuple[str, ...] = ()  # caveats the reader must see (demonstration catalog, indeterminate verdicts)
    schema_version: int = SCHEMA_VERSION

    @property
    def service_name(self) -> str:
        return SERVICES[self.service]

    def to_json(self) -> dict[str, Any]:
        data = _plain(self)
        data["service_name"] = self.service_name
        data["credits"]["debited"] = self.credits.debited
        return data


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


# ---------------------------------------------------------------------------------------------- summary

@dataclass(frozen=True, slots=True)
class ChartSpec:
    """How a service wants its chart: title, and which field of a finding makes the series."""

    title: str
    by: str = "severity"  # severity | status
    series: tuple[str, ...] = field(default=SEVERITIES)


def summarise(findings: tuple[FindingRow, ...], devices: tuple[str, ...], spec: ChartSpec, *,
              headline: str, top: int = 5, scale: tuple[str, ...] = SEVERITIES) -> Summary:
    """Counts, most exposed devices and chart numbers, all derived from ``findings`` (so totals always agree).
    ``scale``: the severity words of this report (SEVERITIES, or HEALTH_SCALE for PHC); a finding outside it is a
    programming error."""
    by_severity = Counter(f.severity for f in findings)
    stray = set(by_severity) - set(scale)
    if stray:
        raise ValueError(f"severities {sorted(stray)} are not on the report's scale {scale}")
    by_status = Counter(f.status for f in findings)
    per_device: dict[str, Counter[str]] = {d: Counter() for d in devices}
    for f in findings:
        per_device.setdefault(f.device, Counter())[f.severity] += 1
    exposures = [Exposure(d, sum(c.values()), _worst(c, scale), tuple((s, c[s]) for s in scale if c[s]))
                 for d, c in per_device.items()]
    ranked = sorted((e for e in exposures if e.findings),
                    key=lambda e: (tuple(-dict(e.by_severity).get(s, 0) for s in scale), e.device))
    chart_counts: dict[str, Counter[str]] = {d: Counter() for d in devices}
    for f in findings:
        chart_counts.setdefault(f.device, Counter())[getattr(f, spec.by)] += 1
    series = tuple(s for s in spec.series if any(c[s] for c in chart_counts.values())) or spec.series[:1]
    bars = tuple(ChartBar(d, tuple((s, c[s]) for s in series)) for d, c in chart_counts.items())
    return Summary(
        total=len(findings),
        by_severity=tuple((s, by_severity[s]) for s in scale),
        by_status=tuple(sorted(by_status.items(), key=lambda kv: (-kv[1], kv[0]))),
        most_exposed=tuple(ranked[:top]),
        chart=Chart(spec.title, series, bars),
        headline=headline,
    )


def _worst(counts: Counter[str], scale: tuple[str, ...]) -> str:
    return next((s for s in scale if counts[s]), "none")


def severity_of_advisory(value: str) -> str:
    """Catalog severities (critical..low, none, unknown) on the report's scale."""
    return "info" if value == "none" else value if value in SEVERITY_RANK else "unknown"
