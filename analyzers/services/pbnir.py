"""PBNIR (SDD 3.1.5): the published bug notifications that match the deployed profile, each with an assessment
and a recommendation, and notes for the explanatory call.

Notifications are the catalog entries of kind ``bug_notification`` and ``security_advisory`` whose verdict for an
in-scope device is ``affected`` or ``indeterminate`` (a condition the data could not settle; the call confirms
it). Problem reports (``problem_report``) belong to PIIR. One finding per (device, notification).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from analyzers.advisories.catalog import Catalog, Entry
from analyzers.advisories.match import Verdict
from analyzers.services import Analysis, Inputs, Loaded, matching
from reports.model import (
    SEVERITIES,
    SEVERITY_RANK,
    ChartSpec,
    Exposed,
    FindingRow,
    Notification,
    PbnirSection,
    severity_of_advisory,
)

KINDS = ("bug_notification", "security_advisory")
CALL_TOPICS = 5  # notifications discussed one by one on the call; the rest are summarised


@dataclass(frozen=True)
class Pbnir:
    name: str = "pbnir"
    ledger_code: str = "PBNIR"
    file_role: str = "advisories"

    @property
    def default_files(self) -> tuple[Path, ...]:
        return matching.DEFAULT_CATALOGS

    def load(self, paths: Sequence[Path]) -> Loaded:
        return matching.load(paths)

    def analyse(self, inputs: Inputs, loaded: Loaded) -> Analysis:
        catalog: Catalog = loaded.data
        names = [d.name for d in inputs.devices]
        per_device = matching.match(catalog, inputs.snapshot, names)
        findings: list[FindingRow] = []
        by_entry: dict[str, tuple[Entry, list[tuple[str, Verdict]]]] = {}
        for dv in per_device:
            for v in dv.verdicts:
                if v.entry.kind not in KINDS:
                    continue
                findings.append(matching.finding(dv.device, v, dv.plan.recommended))
                by_entry.setdefault(v.entry.id, (v.entry, []))[1].append((dv.device, v))
        notifications = sorted((_notification(e, hits, len(names)) for e, hits in by_entry.values()),
                               key=lambda n: (SEVERITY_RANK[n.severity], -len(n.devices), n.id))
        upgrades = tuple((dv.device, dv.target.version, dv.plan.recommended) for dv in per_device)
        notes = matching.caveats(loaded, (e for e, _ in by_entry.values()))
        section = PbnirSection(tuple(notifications), _call_notes(notifications, upgrades, notes), upgrades)
        kinds = Counter(n.kind for n in notifications)
        headline = (f"{len(notifications)} notification(s) match the deployed profile "
                    f"({kinds['bug_notification']} bug notification(s), {kinds['security_advisory']} security "
                    f"advisory(ies)) across {len({f.device for f in findings})} of {len(names)} reviewed device(s).")
        findings.sort(key=lambda f: (names.index(f.device), SEVERITY_RANK[f.severity], f.status, f.id))
        return Analysis(tuple(findings), section, ChartSpec("Matching notifications by device and severity"),
                        headline, notes)


def _notification(entry: Entry, hits: list[tuple[str, Verdict]], reviewed: int) -> Notification:
    model = entry.model
    affected = [d for d, v in hits if v.verdict == "affected"]
    unsure = [d for d, v in hits if v.verdict == "indeterminate"]
    kinds, downtime = matching.impact_text(entry)
    parts = [f"Affects {len(affected)} of {reviewed} reviewed device(s)"
             + (f" ({', '.join(affected)})" if affected else "") + "."]
    if unsure:
        parts.append(f"{len(unsure)} more cannot be settled from the data ({', '.join(unsure)}): see the evidence.")
    if kinds:
        parts.append("Impact if hit: " + ", ".join(k.replace("_", " ") for k in kinds) + ".")
    if downtime:
        parts.append(f"Anticipated downtime: {downtime}.")
    if model.cvss:
        best = max(model.cvss, key=lambda c: c.version)
        parts.append(f"CVSS {best.version} {best.score}.")
    fixed = tuple(dict.fromkeys(f for _, v in hits for f in v.fixed_in))
    return Notification(
        id=entry.id, kind=entry.kind, advisory=entry.advisory, title=entry.title,
        severity=severity_of_advisory(entry.severity), published=model.published,
        devices=tuple(Exposed(d, v.verdict, _release(v), v.evidence) for d, v in hits),
        assessment=" ".join(parts), recommendation=matching.recommendation(entry, fixed, None),
        workaround=" ".join(model.workaround.split()) if model.workaround else None,
        fixed_in=fixed, references=tuple(model.references),
    )


def _release(verdict: Verdict) -> str | None:
    for line in verdict.evidence:
        if line.startswith("release "):
            return line.split()[1]
    return None


def _call_notes(notifications: Sequence[Notification], upgrades: Sequence[tuple[str, str | None, str | None]],
                caveats: Sequence[str]) -> tuple[str, ...]:
    """Talking points for the explanatory call (SDD: a conference call explains what the review found)."""
    notes: list[str] = []
    counts = Counter(n.severity for n in notifications)
    if not notifications:
        notes.append("No published notification matches the deployed profile: confirm the inventory is complete "
                     "and that the catalogs are current.")
    else:
        notes.append("Overview: " + ", ".join(f"{counts[s]} {s}" for s in SEVERITIES if counts[s])
                     + " notification(s) match the deployed profile.")
    for n in notifications[:CALL_TOPICS]:
        devices = ", ".join(e.device for e in n.devices)
        notes.append(f"Walk through {n.id} ({n.severity}): {n.title}. Devices: {devices}.")
    if len(notifications) > CALL_TOPICS:
        notes.append(f"{len(notifications) - CALL_TOPICS} further notification(s) are listed below; agree which "
                     "the customer wants to go through.")
    unsure = [(n.id, e.device) for n in notifications for e in n.devices if e.verdict == "indeterminate"]
    if unsure:
        shown = "; ".join(f"{i} on {d}" for i, d in unsure[:8]) + (" ..." if len(unsure) > 8 else "")
        notes.append(f"Confirm with the customer ({len(unsure)} open question(s)): {shown}.")
    targets = [(d, r, t) for d, r, t in upgrades if t]
    if targets:
        notes.append("Upgrade path: " + "; ".join(f"{d} {r} -> {t}" for d, r, t in targets) + ".")
    notes.extend(f"Caveat: {c}" for c in caveats)
    return tuple(notes)


SERVICE = Pbnir()
