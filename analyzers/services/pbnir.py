"""PBNIR (SDD 3.1.5): the Product Bug Notifications published in the period that match the deployed profile, each
with the devices exposed and why, an assessment and a recommendation, and an agenda for the explanatory call.

PBNIR reads PBN feeds only (analyzers/advisories/pbn.py; default: ``catalogs/pbn/*.json``): security advisories and
problem reports belong to PIIR. The period runs from the customer's previous PBNIR (the ledger) or ``--since`` to
the review date; notifications published in it are reviewed, the others are not. One finding per (device, defect)
whose verdict is ``affected`` or ``indeterminate`` (a condition the data could not settle; the call confirms it).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from analyzers.advisories.catalog import Catalog, Entry
from analyzers.advisories.match import Verdict
from analyzers.advisories.pbn import Feed, load_feeds
from analyzers.advisories.trainfix import own_train_fix, sentence
from analyzers.services import CATALOGS, Analysis, Inputs, Loaded, matching
from analyzers.services.sources import describe
from msplus.errors import InputError
from msplus.gcpause import without_gc
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

SOURCE = "pbn"
ACTION_WORDS = {"upgrade": "upgrade", "no_action": "no action", "replace_hardware": "replace the hardware",
                "verify_support": "verify platform support"}
CALL_TOPICS = 5  # notifications discussed one by one on the call; the rest are summarised


@dataclass(frozen=True)
class Pbnir:
    name: str = "pbnir"
    ledger_code: str = "PBNIR"
    file_role: str = "PBN feeds"

    @property
    def default_files(self) -> tuple[Path, ...]:
        return tuple(sorted((CATALOGS / "pbn").glob("*.json")))

    def load(self, paths: Sequence[Path]) -> Loaded:
        feeds = load_feeds(list(paths))  # PbnFeedError (an InputError) names file, line and key of each problem
        if not feeds:
            raise InputError("PBNIR needs at least one PBN feed (catalogs/pbn/*.json or --catalog FEED.json)")
        sources = tuple(describe(Path(f.path), "PBN feed", sum(len(n.entries) for n in f.notifications))
                        for f in feeds)
        notes = tuple(f"{f.name}: a sample feed. Its defects are real and public, its bulletins are made up to "
                      "show the format: say so to the customer." for f in feeds if f.sample)
        return Loaded(tuple(feeds), sources, notes)

    @without_gc  # a fleet's findings are hundreds of thousands of objects that all stay alive: msplus.gcpause
    def analyse(self, inputs: Inputs, loaded: Loaded) -> Analysis:
        feeds: tuple[Feed, ...] = loaded.data
        on = inputs.on or date.today()
        chosen = [n for f in feeds for n in f.published_between(inputs.since, on)]
        period = _period(inputs.since, on, inputs.since_basis, len(chosen),
                         sum(len(f.notifications) for f in feeds))
        names = [d.name for d in inputs.devices]
        catalog = Catalog(tuple(e for n in chosen for e in n.entries), tuple(f.path for f in feeds))
        per_device = matching.match(catalog, inputs.snapshot, names, on) if catalog.entries else []
        findings: list[FindingRow] = []
        by_entry: dict[str, tuple[Entry, list[tuple[str, Verdict]]]] = {}
        rows: dict[int, list[FindingRow]] = {}  # per profile: its devices share their verdicts
        for dv in per_device:
            if id(dv.verdicts) not in rows:
                rows[id(dv.verdicts)] = sorted(
                    (matching.finding(dv.device, v, None, source=SOURCE, release=dv.target.version)
                     for v in dv.verdicts), key=lambda f: (SEVERITY_RANK[f.severity], f.status, f.id))
            findings.extend(matching.for_device(row, dv.device) for row in rows[id(dv.verdicts)])
            for v in dv.verdicts:
                by_entry.setdefault(v.entry.id, (v.entry, []))[1].append((dv.device, v))
        notifications = sorted((_notification(e, hits, len(names)) for e, hits in by_entry.values()),
                               key=lambda n: (SEVERITY_RANK[n.severity], -len(n.devices), n.id))
        upgrades = tuple((dv.device, dv.target.version, dv.recommendation.recommended_release,
                          ACTION_WORDS[dv.recommendation.action]) for dv in per_device)
        caveats = (*loaded.notes, *matching.caveats(loaded, [e for e, _ in by_entry.values()]))
        section = PbnirSection(tuple(notifications), _call_notes(notifications, upgrades, caveats, period),
                               upgrades, period=period, feeds=tuple(f.name for f in feeds))
        headline = (f"{len(chosen)} notification(s) published in the period; {len(notifications)} defect(s) from them "
                    f"match the deployed profile across {len({f.device for f in findings})} of {len(names)} "
                    "reviewed device(s).")
        # findings: in device order already (matching.match keeps the order of ``names``), each profile's sorted once
        return Analysis(tuple(findings), section, ChartSpec("Matching notifications by device and severity"),
                        headline, caveats)


def _period(since: date | None, on: date, basis: str, chosen: int, total: int) -> str:
    start = f"after {since.isoformat()}" if since else "from the first notification"
    return (f"Notifications published {start} up to the review date {on.isoformat()} ({basis or 'whole feed'}): "
            f"{chosen} of the {total} in the feed(s).")


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
    distinct = {id(v): v for _, v in hits}.values()  # a verdict is shared by every device of its profile
    releases = {id(v): _release(v) for v in distinct}
    fixed = tuple(dict.fromkeys(f for v in distinct for f in v.fixed_in))
    return Notification(
        id=entry.id, kind=entry.kind, advisory=entry.advisory, title=entry.title,
        severity=severity_of_advisory(entry.severity), published=model.published,
        devices=tuple(Exposed(d, v.verdict, releases[id(v)], v.evidence) for d, v in hits),
        assessment=" ".join(parts), recommendation=_recommendation(entry, hits, fixed),
        workaround=" ".join(model.workaround.split()) if model.workaround else None,
        fixed_in=fixed, references=tuple(model.references), problem_reports=tuple(model.problem_reports),
    )


def _recommendation(entry: Entry, hits: list[tuple[str, Verdict]], fixed: tuple[str, ...]) -> str:
    """Per exposed device, the fix in its own train (else the next train's); the notification's own text and
    workaround after it."""
    per_device = []
    for device, v in hits:
        words = sentence(own_train_fix(v.fixed_in, _release(v)))
        if words:
            per_device.append(f"{device}: {words}")
    if not per_device:
        return matching.recommendation(entry, fixed, None)
    own = entry.model.recommendation
    workaround = entry.model.workaround
    return " ".join([*per_device, *([" ".join(own.split())] if own and not own.startswith(matching.GENERIC) else []),
                     *([f"Workaround: {' '.join(workaround.split())}"] if workaround else [])])


def _release(verdict: Verdict) -> str | None:
    for line in verdict.evidence:
        if line.startswith("release "):
            return line.split()[1]
    return None


def _call_notes(notifications: Sequence[Notification], upgrades: Sequence[tuple[str, str | None, str | None, str]],
                caveats: Sequence[str], period: str) -> tuple[str, ...]:
    """The agenda of the explanatory call (SDD: a conference call explains what the review found)."""
    notes: list[str] = [f"Period reviewed: {period}"]
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
    targets = [(d, r, t) for d, r, t, _ in upgrades if t]
    if targets:
        notes.append("Upgrade path: " + "; ".join(f"{d} {r} -> {t}" for d, r, t in targets) + ".")
    others = [(d, a) for d, _, t, a in upgrades if not t and a != ACTION_WORDS["no_action"]]
    if others:
        notes.append("No release recommended: " + "; ".join(f"{d}: {a}" for d, a in others) + ".")
    notes.extend(f"Caveat: {c}" for c in caveats)
    return tuple(notes)


SERVICE = Pbnir()
