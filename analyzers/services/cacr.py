"""CACR (SDD 3.1.7): the configuration analysed against best-practice rules (catalogs/cacr-rules.yaml) with a focus
on scalability, resilience and efficiency (and security), each finding with its evidence and remediation; and, with
a proposed change for one device, the change review (diff, findings introduced and resolved, risks, errors).

The findings are those of the running configurations. The change review's introduced findings are in its own part:
they describe the configuration after the change, not the network as it is.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from analyzers.cacr.context import Facts, folder_facts
from analyzers.cacr.engine import RuleFinding
from analyzers.cacr.review import ReviewReport, review
from analyzers.cacr.rules import CATEGORIES, DEFAULT_RULES, RuleSet, load_rules
from analyzers.cacr.target import Target, check_target
from analyzers.services import Analysis, Inputs, Loaded
from analyzers.services.sources import describe
from msplus.gcpause import without_gc
from msplus.junosconf.load import SNAPSHOT_FILES
from reports.model import (
    SEVERITY_RANK,
    CacrSection,
    ChangeReview,
    ChangeRisk,
    ChartSpec,
    FindingRow,
    RuleTally,
)

CATEGORY_ORDER = ("scalability", "resilience", "efficiency", "security")  # the SDD's focus first
assert set(CATEGORY_ORDER) == set(CATEGORIES)


@dataclass(frozen=True)
class Cacr:
    name: str = "cacr"
    ledger_code: str = "CACR"
    file_role: str = "rules"

    @property
    def default_files(self) -> tuple[Path, ...]:
        return (DEFAULT_RULES,)

    def load(self, paths: Sequence[Path]) -> Loaded:
        ruleset = load_rules(list(paths))
        counts = Counter(r.source for r in ruleset.rules)
        sources = tuple(describe(Path(p), "rules", counts.get(str(p), 0)) for p in paths)
        return Loaded(ruleset, sources)

    @without_gc  # a fleet's findings are hundreds of thousands of objects that all stay alive: msplus.gcpause
    def analyse(self, inputs: Inputs, loaded: Loaded) -> Analysis:
        ruleset: RuleSet = loaded.data
        findings: list[FindingRow] = []
        tallies: list[RuleTally] = []
        notes = list(loaded.notes)
        for device in inputs.devices:
            folder = inputs.folder(device.name)
            if not any((folder / name).is_file() for name in SNAPSHOT_FILES):
                notes.append(f"{device.name}: no configuration in the snapshot; not analysed")
                continue
            report = check_target(Target(device.name, folder, folder, _facts(folder, device.role)), ruleset)
            findings.extend(row(f, device.name) for f in report.findings)
            s = report.summary()
            tallies.append(RuleTally(device.name, s["rules"], s["fail"], s["pass"], s["not_applicable"],
                                     tuple(f"{r.rule}: {r.reason}" for r in report.results
                                           if r.status == "skipped")))
        change = None
        if inputs.change is not None and inputs.change_device is not None:
            role = next((d.role for d in inputs.devices if d.name == inputs.change_device), None)
            change = _change(inputs, ruleset, role)
        order = {d.name: i for i, d in enumerate(inputs.devices)}
        findings.sort(key=lambda f: (CATEGORY_ORDER.index(f.category), SEVERITY_RANK[f.severity], order[f.device],
                                     f.id))
        counts = Counter(f.category for f in findings)
        categories = tuple((c, counts[c]) for c in CATEGORY_ORDER)
        headline = (f"{len(findings)} finding(s) in {len(tallies)} configuration(s): "
                    + ", ".join(f"{n} {c}" for c, n in categories) + ".")
        if change is not None:
            headline += (f" The proposed change to {change.device} introduces {len(change.introduced)} finding(s), "
                         f"resolves {len(change.resolved)} and carries {len(change.risks)} risk(s).")
        section = CacrSection(categories, tuple(tallies), change)
        return Analysis(tuple(findings), section, ChartSpec("Findings by device and severity"), headline,
                        tuple(notes))


def _facts(folder: Path, role: str | None) -> Facts:
    facts = folder_facts(folder)
    if role:
        facts = dataclasses.replace(facts, role=role.lower(), sources=(*facts.sources, f"inventory: role {role}"))
    return facts


def row(f: RuleFinding, device: str, status: str = "present") -> FindingRow:
    return FindingRow(device=device, id=f.rule, title=f.title, severity=f.severity, category=f.category,
                      status=status, message=f.message, evidence=f.evidence,
                      recommendation="\n".join(f.remediation), reference=f.rule)


def _change(inputs: Inputs, ruleset: RuleSet, role: str | None) -> ChangeReview:
    device = inputs.change_device or ""
    folder = inputs.folder(device)
    assert inputs.change is not None
    report: ReviewReport = review(folder, inputs.change, ruleset.rules, _facts(folder, role), folder, device=device)
    return ChangeReview(
        device=device, change_file=str(inputs.change), mode=report.mode, diff=tuple(str(d) for d in report.diff),
        introduced=tuple(row(f, device, "introduced") for f in report.introduced),
        resolved=tuple(row(f, device, "resolved") for f in report.resolved),
        risks=tuple(ChangeRisk(r.kind, r.message, tuple(sorted(r.lines)), tuple(r.statements))
                    for r in report.risks),
        errors=tuple(f"line {e.line}: {e.text}: {e.reason}" for e in report.errors),
        unchanged=tuple(f"line {e.line}: {e.text}: {e.reason}" for e in report.unchanged),
        recommendation=report.recommendation,
    )


SERVICE = Cacr()
