"""The report's tables as plain rows: one Sheet per table, the same for every output that lists them in full.

The spreadsheet writes one worksheet per Sheet; the HTML and PDF reports name them in their "Complete lists"
section (the PDF shortens long lists and points here instead of repeating them). Which tables a review has depends
on its service:

    every review   findings (every finding with its full evidence and recommendation), scope
    PBNIR          upgrade plan (device, running, recommended release)
    PIIR           upgrade plan (target, what it clears, what stays open), downtime (per node, with its basis)
    PHC            indicators (every indicator of every device, ok ones too)
    CACR           rule tallies; change review (diff, risks, findings introduced and resolved) when a change was given

``severity_columns`` names the columns whose cells are a severity or status word (coloured in the spreadsheet).
"""

from __future__ import annotations

from dataclasses import dataclass

from reports.model import (
    CacrSection,
    ChangeReview,
    FindingRow,
    PbnirSection,
    PhcSection,
    PiirSection,
    ReviewResult,
)

Cell = str | int | float | None


@dataclass(frozen=True, slots=True)
class Sheet:
    name: str  # worksheet name (at most 31 characters, no []:*?/\)
    about: str  # one line for the report's list of tables
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    widths: tuple[int, ...]  # column widths in characters
    severity_columns: tuple[str, ...] = ()


FINDING_COLUMNS = ("device", "id", "title", "severity", "category", "status", "message", "evidence",
                   "recommendation", "reference")


def finding_cells(f: FindingRow) -> tuple[Cell, ...]:
    return tuple("\n".join(v) if isinstance(v, tuple) else (v or "") for v in
                 (f.device, f.id, f.title, f.severity, f.category, f.status, f.message, f.evidence,
                  f.recommendation, f.reference))


def sheets(result: ReviewResult) -> tuple[Sheet, ...]:
    """Every table of the review, the findings first."""
    return (_findings(result), *_section_sheets(result), _scope(result))


def _findings(result: ReviewResult) -> Sheet:
    what = "indicator that is not ok" if result.service == "phc" else "finding"
    return Sheet("findings", f"every {what}, with its full evidence and recommendation", FINDING_COLUMNS,
                 tuple(finding_cells(f) for f in result.findings), (14, 22, 44, 10, 16, 13, 60, 60, 60, 18),
                 ("severity", "status"))


def _scope(result: ReviewResult) -> Sheet:
    rows: list[tuple[Cell, ...]] = []
    failed = {f.name: f"{f.kind}: {f.message}" for f in result.scope.failed}
    for d in result.scope.in_scope:
        rows.append((d.name, d.hostname, d.model, d.version, d.serial, d.role, d.site,
                     "failed collection" if d.name in failed else "reviewed", failed.get(d.name) or "; ".join(d.notes)))
    for d in result.scope.excluded:
        rows.append((d.name, d.hostname, d.model, d.version, d.serial, d.role, d.site, "excluded", d.reason))
    return Sheet("scope", "every device of the inventory: reviewed, excluded or failed, and why",
                 ("device", "host name", "model", "release", "serial", "role", "site", "scope", "why"),
                 tuple(rows), (14, 18, 16, 18, 16, 10, 8, 16, 60))


def _section_sheets(result: ReviewResult) -> tuple[Sheet, ...]:
    s = result.section
    if isinstance(s, PbnirSection):
        return (Sheet("upgrade plan", "per device: the release it runs, the action and the recommended release",
                      ("device", "running", "action", "recommended release"),
                      tuple((d, running or "unknown", action, target or "none")
                            for d, running, target, action in s.upgrades), (14, 20, 24, 24)),)
    if isinstance(s, PiirSection):
        plan = tuple((d.name, d.model, d.upgrade.release, d.upgrade.action.replace("_", " "),
                      d.upgrade.target or "none", " -> ".join(d.upgrade.path), d.upgrade.minimal_fix or "",
                      d.upgrade.clears, d.upgrade.matched, ", ".join(d.upgrade.still_open),
                      ", ".join(d.upgrade.not_by_release), d.upgrade.note, "\n".join(d.upgrade.basis))
                     for d in s.devices)
        downtime = tuple((d.name, d.model, d.release, d.downtime.redundancy, d.downtime.description,
                          d.downtime.upgrade, "\n".join(d.downtime.reasons)) for d in s.devices)
        return (Sheet("upgrade plan", "per device: the action, the upgrade target and the path to it, the issues it "
                      "clears and those left open, and why (with sources)",
                      ("device", "model", "running", "action", "target", "path", "lowest fix in its own train",
                       "clears", "matched", "still open", "not fixed by a release", "note", "why"), plan,
                      (14, 14, 18, 16, 18, 40, 18, 8, 8, 40, 30, 40, 80)),
                Sheet("downtime", "per node: redundancy and the anticipated downtime of the upgrade, with its basis",
                      ("device", "model", "release", "redundancy", "shape", "upgrade downtime", "basis"),
                      downtime, (14, 14, 18, 18, 30, 50, 70)))
    if isinstance(s, PhcSection):
        rows = tuple((d.name, i.check, i.title, i.status, i.value, i.threshold, i.detail,
                      "" if i.status == "unknown" else i.action, i.reason)
                     for d in s.devices for i in d.indicators)
        return (Sheet("indicators", "every indicator of every device, ok ones included, with value and threshold",
                      ("device", "check", "indicator", "status", "value", "threshold", "detail",
                       "recommended action", "why this threshold"), rows, (14, 20, 32, 10, 12, 24, 60, 50, 50),
                      ("status",)),)
    if isinstance(s, CacrSection):
        tallies = Sheet("rule tallies", "per device: rules evaluated, failed, passed, not applicable, skipped (why)",
                        ("device", "rules", "failed", "passed", "not applicable", "skipped"),
                        tuple((t.device, t.rules, t.failed, t.passed, t.not_applicable, "\n".join(t.skipped))
                              for t in s.tallies), (14, 8, 8, 8, 14, 80))
        return (tallies, _change(s.change)) if s.change is not None else (tallies,)
    raise TypeError(f"no tables for section {type(s).__name__}")


def _change(ch: ChangeReview) -> Sheet:
    """The change review as one table: one row per diff line, risk, finding introduced or resolved, error."""
    rows: list[tuple[Cell, ...]] = []
    rows += [("diff", "", line, "", "") for line in ch.diff]
    rows += [("risk", k.kind, k.message, ", ".join(str(n) for n in k.lines), "\n".join(k.statements))
             for k in ch.risks]
    rows += [("introduced", f.severity, f"{f.id}: {f.message}", "\n".join(f.evidence), f.recommendation)
             for f in ch.introduced]
    rows += [("resolved", f.severity, f"{f.id}: {f.message}", "\n".join(f.evidence), "") for f in ch.resolved]
    rows += [("does not apply", "", e, "", "") for e in ch.errors]
    rows += [("changes nothing", "", e, "", "") for e in ch.unchanged]
    return Sheet("change review", f"the change to {ch.device}: diff, risks, findings introduced and resolved",
                 ("part", "kind or severity", "what", "lines or evidence", "statements or remediation"),
                 tuple(rows), (16, 16, 70, 40, 60), ("kind or severity",))
