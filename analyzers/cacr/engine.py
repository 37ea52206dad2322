"""Evaluating rules against one configuration: which rules apply, what each finds, and the evidence.

Every rule ends in one of four statuses: ``fail`` (findings), ``pass``, ``not_applicable`` (the platform does not
match, or there is nothing the rule is about: no BGP neighbour, no SSH service) and ``skipped`` (it cannot be
evaluated: a fact it needs is unknown, or a named check could not tell), each with its reason.

    ctx = Context(tree.effective(), facts, raw=tree)
    report = evaluate(load_rules().rules, ctx)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from analyzers.cacr import references
from analyzers.cacr.checks import Hit, NotApplicable, Unknown
from analyzers.cacr.context import Context, Facts
from analyzers.cacr.patterns import Match, Pattern
from analyzers.cacr.rules import Each, Forbid, Named, Require, Rule
from msplus.gcpause import paused_gc
from msplus.junosconf import Node
from msplus.junosconf import schema as junos_schema
from msplus.kinds import SEVERITIES, Applicability, RuleStatus, Severity
from msplus.records import Finding

EACH_EVIDENCE = 3  # set lines quoted per item (a neighbour, an interface) in require_each findings
SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITIES)}


@dataclass(frozen=True, slots=True)
class RuleFinding:
    """One finding of one rule. ``subject`` names what is wrong, stably (change review compares by rule and
    subject)."""

    rule: str
    title: str
    category: str
    severity: Severity
    message: str
    evidence: tuple[str, ...]
    remediation: tuple[str, ...]
    rationale: str
    subject: str
    device: str | None = None
    # (configuration file, line) of each statement quoted as evidence: where CI annotations point
    locations: tuple[tuple[str, int], ...] = ()

    @property
    def key(self) -> tuple[str, str]:
        return (self.rule, self.subject)

    def to_json(self) -> dict[str, Any]:
        return {"rule": self.rule, "title": self.title, "category": self.category, "severity": self.severity,
                "message": self.message, "evidence": list(self.evidence), "remediation": list(self.remediation),
                "rationale": self.rationale, "subject": self.subject, "device": self.device}

    def to_record(self) -> Finding:
        """The pipeline's shared record (reports read these); remediation becomes the recommendation text."""
        return Finding(device=self.device or "", check=self.rule, severity=self.severity, title=self.title,
                       message=self.message, evidence=self.evidence,
                       recommendation="\n".join(self.remediation) or None, category=self.category)


@dataclass(frozen=True, slots=True)
class RuleResult:
    rule: str
    status: RuleStatus
    reason: str | None = None
    findings: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"rule": self.rule, "status": self.status, "reason": self.reason, "findings": self.findings}


@dataclass(frozen=True, slots=True)
class UnknownStatement:
    """A statement the Junos schema does not know (another release's, or a typo): kept as written, but no rule can
    interpret it. Informational: it never fails a check."""

    statement: str  # its words from the top of the configuration, as a set line would spell them
    source: str
    line: int

    def to_json(self) -> dict[str, Any]:
        return {"statement": self.statement, "file": self.source, "line": self.line}


@dataclass
class Report:
    """What ``evaluate`` found for one configuration."""

    device: str | None
    source: str
    facts: Facts
    findings: list[RuleFinding] = field(default_factory=list)
    results: list[RuleResult] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    unknown: list[UnknownStatement] = field(default_factory=list)
    schema: str = ""  # the Junos release whose schema the configuration was read with

    def summary(self) -> dict[str, Any]:
        statuses = {s: 0 for s in ("fail", "pass", "not_applicable", "skipped")}
        for r in self.results:
            statuses[r.status] += 1
        by_severity = {s: 0 for s in SEVERITIES}
        for f in self.findings:
            by_severity[f.severity] += 1
        return {"rules": len(self.results), **statuses, "findings": len(self.findings), "by_severity": by_severity}

    def to_json(self) -> dict[str, Any]:
        return {"device": self.device, "source": self.source, "facts": self.facts.to_json(),
                "summary": self.summary(), "findings": [f.to_json() for f in self.findings],
                "skipped": [{"rule": r.rule, "reason": r.reason} for r in self.results if r.status == "skipped"],
                "rules": [r.to_json() for r in self.results], "warnings": list(self.warnings),
                "unknown_statements": {"schema": self.schema, "count": len(self.unknown),
                                       "statements": [u.to_json() for u in self.unknown]}}


def evaluate(rules: Sequence[Rule], ctx: Context, device: str | None = None) -> Report:
    """Run ``rules`` against ``ctx``; findings come out most severe first, then in rule and configuration order."""
    # Matching builds child indexes and findings by the ten thousand on a big configuration: collections triggered
    # by their number alone would cost more than the work (the model pauses it for parsing for the same reason).
    with paused_gc():
        return _evaluate(rules, ctx, device)


def _evaluate(rules: Sequence[Rule], ctx: Context, device: str | None) -> Report:
    # unknown statements as written, where a reader finds them (the effective view repeats what groups hold)
    written = ctx.raw if ctx.raw is not None else ctx.tree
    report = Report(device, ctx.main_source, ctx.facts, warnings=list(ctx.tree.warnings),
                    unknown=[UnknownStatement(" ".join(n.path), n.source, n.line) for n in written.unknown()],
                    schema=junos_schema.release())
    ctx.by_word(_index_words(rules))  # one pass over the tree for every word the rules will look up by name
    for rule in rules:
        status, reason = applicability(rule, ctx.facts)
        if status != "ok":
            report.results.append(RuleResult(rule.id, status, reason))
            continue
        outcome = _run(rule, ctx)
        if isinstance(outcome, NotApplicable):
            report.results.append(RuleResult(rule.id, "not_applicable", outcome.reason))
        elif isinstance(outcome, Unknown):
            report.results.append(RuleResult(rule.id, "skipped", outcome.reason))
        else:
            found = [_finding(rule, hit, ctx, device) for hit in outcome]
            report.findings.extend(found)
            report.results.append(RuleResult(rule.id, "fail" if found else "pass", None, len(found)))
    report.findings.sort(key=lambda f: SEVERITY_RANK[f.severity])
    return report


def _index_words(rules: Sequence[Rule]) -> set[str]:
    """First words of the rules' ``...`` patterns and of the statements naming policies, prefix lists and filters
    (what the checks look up by word rather than by path)."""
    words: set[str] = set(references.keywords())
    for rule in rules:
        check = rule.check
        patterns: tuple[Pattern, ...] = ()
        if isinstance(check, Require):
            patterns = (*check.require, *check.when)
        elif isinstance(check, Forbid):
            patterns = (*check.forbid, *check.when)
        elif isinstance(check, Each):
            patterns = (*check.for_each, *check.exclude, *check.when)
        words.update(p.words[0].literal for p in patterns if p.anywhere and p.words[0].literal is not None)
    return words


# ---------------------------------------------------------------------------------------------- applicability

def applicability(rule: Rule, facts: Facts) -> tuple[Applicability, str | None]:
    """("ok", None), ("not_applicable", why) when a known fact rules the rule out, or ("skipped", why) when a fact
    it needs is unknown."""
    a = rule.applies
    wanted: list[tuple[str, Any, Any]] = []  # (what, needed, known)
    if a.families is not None:
        wanted.append(("family", a.families, facts.family))
    if a.evolved is not None:
        wanted.append(("evolved", a.evolved, facts.evolved))
    if a.roles is not None:
        wanted.append(("role", a.roles, facts.role))
    if a.dual_re is not None:
        wanted.append(("dual_re", a.dual_re, facts.dual_re))
    if a.cluster is not None:
        wanted.append(("cluster", a.cluster, facts.cluster))
    if a.virtual_chassis is not None:
        wanted.append(("virtual_chassis", a.virtual_chassis, facts.virtual_chassis))
    for what, needed, known in wanted:
        if known is not None and not (known in needed if isinstance(needed, tuple) else known == needed):
            return "not_applicable", f"applies to {_needs(what, needed)}; this device: {_has(what, known)}"
    for what, needed, known in wanted:
        if known is None:
            return "skipped", f"applies to {_needs(what, needed)}, which is not known here ({_how(what)})"
    return "ok", None


def _needs(what: str, needed: Any) -> str:
    if what == "family":
        return "platform families " + ", ".join(needed)
    if what == "role":
        return "device roles " + ", ".join(needed)
    names = {"evolved": "Junos OS Evolved", "dual_re": "dual routing engines", "cluster": "a chassis cluster",
             "virtual_chassis": "a virtual chassis"}
    return names[what] if needed else f"devices without {names[what]}"


def _has(what: str, known: Any) -> str:
    if what == "family":
        return f"family {known}"
    if what == "role":
        return f"role {known}"
    names = {"evolved": ("Junos OS Evolved", "Junos OS"), "dual_re": ("dual routing engines", "one routing engine"),
             "cluster": ("a chassis cluster", "not a cluster"),
             "virtual_chassis": ("a virtual chassis", "not a virtual chassis")}
    return names[what][0 if known else 1]


def _how(what: str) -> str:
    if what == "role":
        return "give --role"
    if what == "family":
        return "give a snapshot folder with profile.json, --profile or --family"
    return "give a snapshot folder with profile.json or --profile"


# ---------------------------------------------------------------------------------------------- checks

def _run(rule: Rule, ctx: Context) -> list[Hit] | NotApplicable | Unknown:
    check = rule.check
    if isinstance(check, Require):
        return _require(check, ctx)
    if isinstance(check, Forbid):
        return _forbid(check, ctx)
    if isinstance(check, Each):
        return _each(check, ctx)
    assert isinstance(check, Named)
    return check.check.fn(ctx, check.params)


def _all(ctx: Context, patterns: Iterable[Pattern]) -> list[Match]:
    out: list[Match] = []
    for p in patterns:
        out.extend(ctx.find(p))
    return out


def _require(check: Require, ctx: Context) -> list[Hit] | NotApplicable:
    when = _all(ctx, check.when)
    if check.when and not when:
        return NotApplicable("nothing matches " + _either(check.when))
    found = _all(ctx, check.require)
    count = len({(id(m.node), m.captures, m.element) for m in found})
    if count >= check.min:
        return []
    nodes = tuple(m.node for m in (when or found)[:2]) or _nearest(check.require[0], ctx)
    extra = () if nodes else (f"(no statement matches [{check.require[0].text}])",)
    return [Hit("require " + _either(check.require), nodes, {"count": str(count), "min": str(check.min)}, extra)]


def _nearest(pattern: Pattern, ctx: Context) -> tuple[Node, ...]:
    """The deepest statement that exists on the way to ``pattern`` (what the evidence shows when it is absent)."""
    words = pattern.literal_prefix
    for n in range(len(words) - 1, 1, -1):  # a top-level stanza ("system") says nothing: two words at least
        node = ctx.tree.find(words[:n])
        if node is not None:
            return (node,)
    return ()


def _forbid(check: Forbid, ctx: Context) -> list[Hit] | NotApplicable:
    if check.when and not _all(ctx, check.when):
        return NotApplicable("nothing matches " + _either(check.when))
    hits = []
    for m in _all(ctx, check.forbid):
        path = ctx.match_path(m)
        hits.append(Hit(path, (m.node,), _item_values(path, m)))
    return hits


def _each(check: Each, ctx: Context) -> list[Hit] | NotApplicable:
    if check.when and not _all(ctx, check.when):
        return NotApplicable("nothing matches " + _either(check.when))
    items = _all(ctx, check.for_each)
    if not items:
        return NotApplicable("nothing matches " + _either(check.for_each))
    excluded = {id(m.node) for m in _all(ctx, check.exclude)}
    hits = []
    considered = 0
    for item in items:
        if id(item.node) in excluded:
            continue
        positions = _positions(item, check.inherit)
        if not all(_holds(ctx, p, positions) for p in check.where) \
                or any(_holds(ctx, p, positions) for p in check.unless):
            continue
        considered += 1
        if check.forbid:
            bad = _below(ctx, check.targets, positions)
            if bad:
                # the evidence is what makes it wrong: the statements ``where`` and ``forbid`` matched
                path = ctx.match_path(item)
                hits.append(Hit(path, tuple(dict.fromkeys([*_below(ctx, check.where, positions), *bad])),
                                _item_values(path, item)))
        elif not any(_holds(ctx, p, positions) for p in check.targets):
            path = ctx.match_path(item)
            hits.append(Hit(path, (item.node,), _item_values(path, item)))
    if not considered:
        return NotApplicable("no " + _either(check.for_each) + " meets the rule's conditions")
    return hits


def _positions(item: Match, inherit: int) -> list[tuple[Node, int]]:
    """Where relative patterns are looked for: inside the item, then up to ``inherit`` statements above it."""
    out = [(item.node, item.used)]
    cur = item.node.parent
    while cur is not None and cur.parent is not None and len(out) <= inherit:
        out.append((cur, len(cur.tokens)))
        cur = cur.parent
    return out


def _holds(ctx: Context, pattern: Pattern, positions: list[tuple[Node, int]]) -> bool:
    return any(ctx.find_below(pattern, node, used) for node, used in positions)


def _below(ctx: Context, patterns: Sequence[Pattern], positions: list[tuple[Node, int]]) -> list[Node]:
    return [m.node for p in patterns for node, used in positions for m in ctx.find_below(p, node, used)]


def _item_values(path: str, m: Match) -> dict[str, str]:
    values = {"path": path}
    for i, capture in enumerate(m.captures, 1):
        values[str(i)] = capture
    return values


def _either(patterns: Sequence[Pattern]) -> str:
    return " or ".join(f"[{p.text}]" for p in patterns)


# ---------------------------------------------------------------------------------------------- findings

def _finding(rule: Rule, hit: Hit, ctx: Context, device: str | None) -> RuleFinding:
    values = dict(hit.values or {})
    evidence: list[str] = list(hit.extra)
    limit = EACH_EVIDENCE if isinstance(rule.check, Each) else None
    for node in hit.nodes:
        evidence.extend(ctx.lines(node, limit) if limit else ctx.lines(node))
    return RuleFinding(
        rule=rule.id, title=rule.title, category=rule.category, severity=rule.severity,
        message=rule.message.render(values), evidence=tuple(dict.fromkeys(evidence)),
        remediation=tuple(t.render(values) for t in rule.remediation), rationale=rule.rationale,
        subject=hit.subject, device=device,
        locations=tuple(dict.fromkeys((str(n.source), n.line) for n in hit.nodes if n.source and n.line)),
    )


__all__ = ["Report", "RuleFinding", "RuleResult", "applicability", "evaluate"]
