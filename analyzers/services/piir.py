"""PIIR (SDD 3.1.6): the complete, tailored list of hardware, software and feature issues per device, their
impact, the anticipated downtime per node, recommended solutions and workarounds, and one upgrade target.

- Data: security advisories (catalogs/juniper-cve.yaml), field defects (problem reports: catalog entries of kind
  problem_report, and every defect of the PBN feeds, each a PR found in the field) and hardware notices
  (catalogs/hardware-notices.yaml, matched against the chassis inventory). Each finding names its ``source``:
  security_advisory, problem_report or hardware_notice.
- Issues: every entry whose verdict for the device is ``affected`` or ``indeterminate``, and every hardware notice
  whose module the inventory shows. Area: ``hardware`` when the entry's conditions name a hardware fact (dual
  RE, a line card, ...), ``feature`` when they name configuration (the issue needs a configured feature),
  ``software`` otherwise (the release alone exposes the device).
- Downtime per node: the redundancy of the node (profile: routing engines, cluster, virtual chassis; configuration:
  GRES and NSR) decides what an upgrade costs (downtime.yaml); each issue adds what happens if it is hit (the
  catalog's impact).
- Upgrade target: the release analyzers.advisories.upgrade recommends (clears every matched issue); when none
  does, the candidate in the device's own or a later train that leaves the fewest open.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from analyzers.advisories.catalog import Catalog, Condition, Entry
from analyzers.advisories.configcheck import readable_error
from analyzers.advisories.devices import Target
from analyzers.advisories.hardware import Hit, Notice, is_notices_file, load_notices
from analyzers.advisories.hardware import match as match_notices
from analyzers.advisories.match import Verdict
from analyzers.advisories.pbn import load_feeds
from analyzers.advisories.upgrade import Plan
from analyzers.services import CATALOGS, Analysis, Inputs, Loaded, matching
from analyzers.services.sources import describe
from msplus.errors import InputError
from msplus.yamlsource import load_located
from reports.model import (
    SEVERITY_RANK,
    ChartSpec,
    Downtime,
    FindingRow,
    Issue,
    PiirDevice,
    PiirSection,
    UpgradeTarget,
    severity_of_advisory,
)

DOWNTIME_FILE = Path(__file__).with_name("downtime.yaml")
SHAPES = ("cluster", "virtual_chassis", "dual_re_gres_nsr", "dual_re_gres", "dual_re", "single_re")
GRES = "chassis redundancy graceful-switchover"
NSR = "routing-options nonstop-routing"


@dataclass(frozen=True)
class Piir:
    name: str = "piir"
    ledger_code: str = "PIIR"
    file_role: str = "advisories"

    @property
    def default_files(self) -> tuple[Path, ...]:
        return (*matching.DEFAULT_CATALOGS, *sorted((CATALOGS / "pbn").glob("*.json")),
                CATALOGS / "hardware-notices.yaml")

    def load(self, paths: Sequence[Path]) -> Loaded:
        """Advisory catalogs (YAML), PBN feeds (JSON: their defects are problem reports here) and hardware-notices
        files (YAML with ``notices:``), each validated with file and place."""
        shapes()  # the downtime table is data too: refuse a broken one before anything runs
        feeds = [Path(p) for p in paths if Path(p).suffix.lower() == ".json"]
        notice_files = [Path(p) for p in paths if Path(p) not in feeds and is_notices_file(Path(p))]
        catalogs = [Path(p) for p in paths if Path(p) not in feeds and Path(p) not in notice_files]
        loaded = matching.load(catalogs) if catalogs else Loaded(Catalog(()), ())
        base: Catalog = loaded.data
        defects = [e for f in load_feeds(feeds) for e in f.catalog().entries]
        notices = tuple(n for path in notice_files for n in load_notices(path))
        sources = (*loaded.sources,
                   *(describe(p, "PBN feed (field defects)", None) for p in feeds),
                   *(describe(p, "hardware notices", None) for p in notice_files))
        return Loaded(PiirData(Catalog((*base.entries, *defects), base.paths, base.warnings), notices), sources,
                      loaded.notes)

    def analyse(self, inputs: Inputs, loaded: Loaded) -> Analysis:
        data: PiirData = loaded.data
        names = [d.name for d in inputs.devices]
        findings: list[FindingRow] = []
        devices: list[PiirDevice] = []
        per_device = matching.match(data.catalog, inputs.snapshot, names) if data.catalog.entries else []
        for dv in per_device:
            issues = []
            advisories_of = same_defect(dv.verdicts)
            for v in dv.verdicts:
                area = area_of(v.entry)
                row = matching.finding(dv.device, v, dv.plan.recommended, source=source_of(v.entry),
                                       release=dv.target.version)
                also = advisories_of.get(v.entry.id)
                if row.source == "problem_report" and also:
                    row = dataclasses.replace(row, evidence=(
                        *row.evidence, f"the same defect is published as security advisory {', '.join(also)}"))
                findings.append(dataclasses.replace(row, category=area))
                kinds, downtime = matching.impact_text(v.entry)
                issues.append(Issue(
                    id=v.entry.id, kind=v.entry.kind, area=area, title=v.entry.title,
                    severity=severity_of_advisory(v.entry.severity), verdict=v.verdict, evidence=row.evidence,
                    impact=tuple(k.replace("_", " ") for k in kinds), downtime_if_hit=downtime,
                    workaround=" ".join(v.entry.model.workaround.split()) if v.entry.model.workaround else None,
                    recommendation=row.recommendation, fixed_in=v.fixed_in,
                    reboot_to_fix=v.entry.id not in dv.plan.not_by_release, source=row.source,
                ))
            for hit in match_notices(data.notices, dv.target.modules, dv.target.model):
                row = hardware_finding(dv.device, hit, inputs.on or date.today())
                findings.append(row)
                issues.append(Issue(id=hit.notice.id, kind="hardware_notice", area="hardware", title=row.title,
                                    severity=row.severity, verdict="affected", evidence=row.evidence,
                                    impact=("hardware support",), downtime_if_hit=None, workaround=None,
                                    recommendation=row.recommendation, fixed_in=(), reboot_to_fix=False,
                                    source="hardware_notice"))
            issues.sort(key=lambda i: (SEVERITY_RANK[i.severity], i.verdict, i.id))
            impact = Counter(k for i in issues for k in i.impact)
            devices.append(PiirDevice(
                name=dv.device, model=dv.target.model, release=dv.target.version, issues=tuple(issues),
                impact=tuple(impact.most_common()), downtime=downtime_of(dv.target, inputs.folder(dv.device)),
                upgrade=upgrade_target(dv.plan),
            ))
        areas = Counter(i.area for d in devices for i in d.issues)
        section = PiirSection(tuple(devices), tuple((a, areas[a]) for a in ("hardware", "software", "feature")))
        findings.sort(key=lambda f: (names.index(f.device), SEVERITY_RANK[f.severity], f.status, f.id))
        exposed = sum(1 for d in devices if d.issues)
        by_source = Counter(f.source for f in findings)
        headline = (f"{len(findings)} issue(s) across {exposed} of {len(names)} reviewed device(s): "
                    + ", ".join(f"{n} {a}" for a, n in section.areas) + " ("
                    + ", ".join(f"{by_source[s]} {s.replace('_', ' ')}" for s in SOURCES if by_source[s]) + ").")
        used = (v.entry for dv in per_device for v in dv.verdicts)
        return Analysis(tuple(findings), section, ChartSpec("Issues by device and severity"), headline,
                        matching.caveats(loaded, used))


SOURCES = ("security_advisory", "problem_report", "hardware_notice")


@dataclass(frozen=True, slots=True)
class PiirData:
    catalog: Catalog  # advisories and problem reports (PBN defects included)
    notices: tuple[Notice, ...]


def source_of(entry: Entry) -> str:
    """In PIIR a PBN's defect is a problem report found in the field (it has a PR number)."""
    return "security_advisory" if entry.kind == "security_advisory" else "problem_report"


def same_defect(verdicts: Sequence[Verdict]) -> dict[str, list[str]]:
    """For each problem report among ``verdicts``, the security advisories matched on the same device that name the
    same PR (a PBN defect and its JSA are one defect: the reader should see that, not two unrelated issues)."""
    by_pr: dict[str, list[str]] = {}
    for v in verdicts:
        if v.entry.kind == "security_advisory":
            for pr in v.entry.model.problem_reports:
                by_pr.setdefault(pr, []).append(v.entry.advisory or v.entry.id)
    return {v.entry.id: sorted({a for pr in v.entry.model.problem_reports for a in by_pr.get(pr, ())})
            for v in verdicts if v.entry.kind != "security_advisory"}


def hardware_finding(device: str, hit: Hit, on: date) -> FindingRow:
    """One hardware notice on one device: what is affected, the dates the notice gives, what to plan."""
    n = hit.notice
    where = ", ".join(hit.slots)
    ended = n.support_ended(on)
    what = n.status.replace("_", " ")
    if ended:
        message = f"{where}: Juniper's support ended on {n.end_of_support}."
        recommendation = (f"Replace {where}: support ended on {n.end_of_support} and no software fixes have been "
                          f"made for it since {n.end_of_engineering}." if n.end_of_engineering != "unknown" else
                          f"Replace {where}: support ended on {n.end_of_support}.")
    elif ended is False:
        message = f"{where}: {what}; Juniper's support ends on {n.end_of_support}."
        recommendation = f"Plan the replacement of {where} before {n.end_of_support}."
    else:
        message = f"{where}: {what}; the notice's dates are not public."
        recommendation = (f"Plan the replacement of {where}; ask Juniper for the end of support date "
                          f"(notice {n.id}) before planning.")
    sources = f"Source: {n.source_title}, {n.source_url}" + (f" (public copy: {n.source_copy})"
                                                             if n.source_copy else "")
    return FindingRow(device=device, id=n.id, title=f"{', '.join(hit.found)}: {what}",
                      severity="high" if ended else "medium", category="hardware", status="affected",
                      message=message, evidence=(*hit.evidence, n.describe(hit.found), sources),
                      recommendation=recommendation, reference=n.id, source="hardware_notice")


# ---------------------------------------------------------------------------------------------- areas

def area_of(entry: Entry) -> str:
    """hardware when the entry's conditions or platforms name hardware (a fact, a line card), feature when they name
    configuration, software otherwise."""
    if any(p.hardware for b in entry.blocks for p in b.platforms):
        return "hardware"
    kinds = set(_condition_kinds(entry.conditions)) if entry.conditions else set()
    if "hardware" in kinds:
        return "hardware"
    if "config" in kinds:
        return "feature"
    return "software"


def _condition_kinds(cond: Condition) -> list[str]:
    if cond.kind == "group":
        return [k for item in cond.items for k in _condition_kinds(item)]
    return [cond.kind]


# ---------------------------------------------------------------------------------------------- downtime

@dataclass(frozen=True, slots=True)
class Shape:
    description: str
    upgrade: str
    why: str


@cache
def shapes() -> dict[str, Shape]:
    """downtime.yaml, validated: every shape present with description, upgrade and why."""
    data, locator = load_located(DOWNTIME_FILE, InputError)
    if not isinstance(data, dict) or data.get("schema_version") != 1:
        raise locator.error("expected schema_version: 1", ("schema_version",))
    table = data.get("shapes")
    if not isinstance(table, dict):
        raise locator.error("expected a mapping of shapes", ("shapes",))
    out = {}
    for name in SHAPES:
        spec = table.get(name)
        if not isinstance(spec, dict) or not all(isinstance(spec.get(k), str) for k in ("description", "upgrade",
                                                                                          "why")):
            raise locator.error(f"shape {name} needs description, upgrade and why (text)", ("shapes",))
        out[name] = Shape(*(" ".join(spec[k].split()) for k in ("description", "upgrade", "why")))
    return out


def downtime_of(target: Target, folder: Path) -> Downtime:
    """The node's redundancy from its profile and configuration, and what an upgrade costs it."""
    reasons: list[str] = []
    engines = target.routing_engines or 0
    reasons.append(f"profile: {engines or 'unknown number of'} routing engine(s)"
                   + (", chassis cluster" if target.cluster else "")
                   + (", virtual chassis" if target.virtual_chassis else ""))
    gres, nsr = _redundancy_config(target, reasons)
    if target.cluster:
        shape = "cluster"
    elif target.virtual_chassis:
        shape = "virtual_chassis"
    elif engines >= 2:
        shape = "dual_re_gres_nsr" if gres and nsr else "dual_re_gres" if gres else "dual_re"
    else:
        shape = "single_re"
    found = shapes()[shape]
    return Downtime(shape, found.description, found.upgrade, (*reasons, found.why))


def _redundancy_config(target: Target, reasons: list[str]) -> tuple[bool, bool]:
    if target.config is None:
        reasons.append("configuration not collected: GRES and NSR taken as not configured")
        return False, False
    from msplus.junosconf import load

    try:
        tree = load(target.config).effective()
    except InputError as exc:
        reasons.append(f"configuration unreadable ({readable_error(exc)}): GRES and NSR taken as not configured")
        return False, False
    found = []
    for text in (GRES, NSR):
        node = tree.find(text)
        reasons.append(f"config line {node.line}: set {text}" if node is not None else f"not configured: {text}")
        found.append(node is not None)
    return found[0], found[1]


# ---------------------------------------------------------------------------------------------- upgrade

def upgrade_target(plan: Plan) -> UpgradeTarget:
    settled = [i for i in plan.matched if i not in plan.not_by_release]
    candidates = [t for t in (plan.own, *plan.next) if t is not None]
    if plan.recommended:
        chosen = next(t for t in candidates if t.release == plan.recommended)
        note = "clears every issue a release can fix"
    elif candidates:
        chosen = min(candidates, key=lambda t: (len(t.still_open), candidates.index(t)))
        note = "no single release clears every issue; this one leaves the fewest open"
    else:
        return UpgradeTarget(plan.release, None, 0, len(plan.matched), (), plan.not_by_release,
                             "no upgrade needed" if not settled else "no fixed release is named for these issues")
    return UpgradeTarget(plan.release, chosen.release, len(settled) - len(chosen.still_open), len(plan.matched),
                         chosen.still_open, plan.not_by_release, note)


SERVICE = Piir()
