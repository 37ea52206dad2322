"""PIIR (SDD 3.1.6): the complete, tailored list of hardware, software and feature issues per device, their
impact, the anticipated downtime per node, recommended solutions and workarounds, and an upgrade recommendation.

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
- Upgrade recommendation: analyzers/advisories/recommend.py (platform support on the review date, the path of
  allowed hops with the node's downtime per hop, the basis with sources; replace the hardware or verify platform
  support when no release can be recommended).
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from analyzers.advisories.catalog import Catalog, Condition, Entry
from analyzers.advisories.hardware import Hit, Notice, is_notices_file, load_notices
from analyzers.advisories.hardware import match as match_notices
from analyzers.advisories.match import Verdict
from analyzers.advisories.pbn import load_feeds
from analyzers.advisories.recommend import Recommendation
from analyzers.advisories.upgrade import Plan
from analyzers.services import CATALOGS, Analysis, Inputs, Loaded, matching
from analyzers.services.downtime import PerShape, shapes
from analyzers.services.sources import describe
from msplus.gcpause import without_gc
from reports.model import (
    SEVERITY_RANK,
    ChartSpec,
    FindingRow,
    Issue,
    PiirDevice,
    PiirSection,
    UpgradeTarget,
    severity_of_advisory,
)


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

    @without_gc  # a fleet's findings are hundreds of thousands of objects that all stay alive: msplus.gcpause
    def analyse(self, inputs: Inputs, loaded: Loaded) -> Analysis:
        data: PiirData = loaded.data
        names = [d.name for d in inputs.devices]
        findings: list[FindingRow] = []
        devices: list[PiirDevice] = []
        node_downtime = PerShape()
        per_device = matching.match(data.catalog, inputs.snapshot, names, inputs.on,
                                    lambda t: node_downtime(t).upgrade) if data.catalog.entries else []
        per_profile: dict[int, tuple[list[Issue], list[FindingRow], UpgradeTarget]] = {}
        for dv in per_device:
            if id(dv.verdicts) not in per_profile:  # devices of one profile share these: built once
                per_profile[id(dv.verdicts)] = (*_advisory_issues(dv), upgrade_target(dv.plan, dv.recommendation))
            shared_issues, shared_rows, upgrade = per_profile[id(dv.verdicts)]
            issues, rows = list(shared_issues), [matching.for_device(r, dv.device) for r in shared_rows]
            for hit in match_notices(data.notices, dv.target.modules, dv.target.model):
                row = hardware_finding(dv.device, hit, inputs.on or date.today())
                rows.append(row)
                issues.append(Issue(id=hit.notice.id, kind="hardware_notice", area="hardware", title=row.title,
                                    severity=row.severity, verdict="affected", evidence=row.evidence,
                                    impact=("hardware support",), downtime_if_hit=None, workaround=None,
                                    recommendation=row.recommendation, fixed_in=(), reboot_to_fix=False,
                                    source="hardware_notice"))
            if len(rows) > len(shared_rows):  # hardware notices added: this device's own order
                issues.sort(key=lambda i: (SEVERITY_RANK[i.severity], i.verdict, i.id))
                rows.sort(key=lambda f: (SEVERITY_RANK[f.severity], f.status, f.id))
            findings.extend(rows)  # devices come in the order of ``names`` (matching.match keeps it)
            impact = Counter(k for i in issues for k in i.impact)
            devices.append(PiirDevice(
                name=dv.device, model=dv.target.model, release=dv.target.version, issues=tuple(issues),
                impact=tuple(impact.most_common()), downtime=node_downtime(dv.target), upgrade=upgrade,
            ))
        areas = Counter(i.area for d in devices for i in d.issues)
        section = PiirSection(tuple(devices), tuple((a, areas[a]) for a in ("hardware", "software", "feature")))
        exposed = sum(1 for d in devices if d.issues)
        by_source = Counter(f.source for f in findings)
        headline = (f"{len(findings)} issue(s) across {exposed} of {len(names)} reviewed device(s): "
                    + ", ".join(f"{n} {a}" for a, n in section.areas) + " ("
                    + ", ".join(f"{by_source[s]} {s.replace('_', ' ')}" for s in SOURCES if by_source[s]) + ").")
        used = (v.entry for verdicts in {id(dv.verdicts): dv.verdicts for dv in per_device}.values()
                for v in verdicts)
        return Analysis(tuple(findings), section, ChartSpec("Issues by device and severity"), headline,
                        matching.caveats(loaded, used))


def _advisory_issues(dv: matching.DeviceVerdicts) -> tuple[list[Issue], list[FindingRow]]:
    """The advisory issues and finding rows (for ``dv.device``; the other devices of its profile get copies with
    their name) of one profile, each sorted."""
    issues, rows = [], []
    advisories_of = same_defect(dv.verdicts)
    for v in dv.verdicts:
        area = area_of(v.entry)
        row = matching.finding(dv.device, v, dv.recommendation.recommended_release, source=source_of(v.entry),
                               release=dv.target.version)
        also = advisories_of.get(v.entry.id)
        if row.source == "problem_report" and also:
            row = dataclasses.replace(row, evidence=(
                *row.evidence, f"the same defect is published as security advisory {', '.join(also)}"))
        rows.append(dataclasses.replace(row, category=area))
        kinds, downtime = matching.impact_text(v.entry)
        issues.append(Issue(
            id=v.entry.id, kind=v.entry.kind, area=area, title=v.entry.title,
            severity=severity_of_advisory(v.entry.severity), verdict=v.verdict, evidence=row.evidence,
            impact=tuple(k.replace("_", " ") for k in kinds), downtime_if_hit=downtime,
            workaround=" ".join(v.entry.model.workaround.split()) if v.entry.model.workaround else None,
            recommendation=row.recommendation, fixed_in=v.fixed_in,
            reboot_to_fix=v.entry.id not in dv.plan.not_by_release, source=row.source,
        ))
    issues.sort(key=lambda i: (SEVERITY_RANK[i.severity], i.verdict, i.id))
    rows.sort(key=lambda f: (SEVERITY_RANK[f.severity], f.status, f.id))
    return issues, rows


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


# ---------------------------------------------------------------------------------------------- upgrade

def upgrade_target(plan: Plan, recommendation: Recommendation) -> UpgradeTarget:
    """The recommendation (analyzers/advisories/recommend.py: platform support, path, basis) in the report model."""
    rec = recommendation
    settled = [i for i in plan.matched if i not in plan.not_by_release]
    notes = {"upgrade": "clears every issue a release can fix" if not rec.still_open
             else "no single release clears every issue; this one leaves the fewest open",
             "no_action": "no upgrade needed" if not settled else "no release named in the catalogs fixes them",
             "replace_hardware": "replace the hardware: no release it runs is still supported",
             "verify_support": "verify platform support: no release can be recommended from the data"}
    return UpgradeTarget(plan.release, rec.recommended_release,
                         len(settled) - len(rec.still_open) if rec.recommended_release else 0, len(plan.matched),
                         rec.still_open, plan.not_by_release, notes[rec.action], action=rec.action,
                         path=tuple(h.release for h in rec.path), basis=rec.basis, minimal_fix=rec.minimal_fix)


SERVICE = Piir()
