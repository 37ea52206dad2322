"""Checking an entry's conditions on one device: configuration patterns on the effective configuration (groups
inherited, inactive statements left out), profile facts, and what cannot be checked.

Three-valued (Kleene) logic: True (holds), False (does not), None (cannot tell). ``any`` is True if one item is,
False if all are, else None; ``all`` is False if one item is, True if all are, else None. Every result carries its
evidence: the configuration lines that meet a pattern ("config line 212: set vlans v100 vxlan vni 100 (matches
[ vlans <*> vxlan ])"), or that none does, or why it could not be checked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from analyzers.advisories.cards import cards_in_text, modules_present
from analyzers.advisories.catalog import Condition
from analyzers.advisories.devices import Target
from msplus.errors import AssessError
from msplus.junosconf import ConfigTree, Node, load

MAX_LINES = 3  # evidence lines shown per pattern


@dataclass
class DeviceConfig:
    """One configuration, read once and shared by every device with the same contents."""

    path: Path | None
    tree: ConfigTree | None = None
    error: str | None = None
    _lines: dict[int, str] | None = field(default=None, repr=False)
    _memo: dict[str, list[Node]] = field(default_factory=dict, repr=False)

    @classmethod
    def read(cls, path: Path | None) -> DeviceConfig:
        if path is None:
            return cls(None, error="configuration not collected")
        try:
            return cls(path, load(path).effective())
        except (AssessError, OSError, ValueError) as exc:
            return cls(path, error=f"configuration unreadable ({readable_error(exc)})")

    def match(self, condition: Condition) -> list[Node]:
        if condition.pattern not in self._memo:
            self._memo[condition.pattern] = _match(self.tree, condition.segments) if self.tree else []
        return self._memo[condition.pattern]

    def set_line(self, node: Node) -> str:
        """The first set line at or below ``node`` (what the evidence quotes)."""
        if self._lines is None:
            assert self.tree is not None
            self._lines = {}
            for line, owner in self.tree.set_lines():
                self._lines.setdefault(id(owner), line)
        for n in node.iter():
            if id(n) in self._lines:
                return self._lines[id(n)]
        return "set " + " ".join(node.path)


def readable_error(exc: BaseException) -> str:
    """What went wrong, for a customer's report: the problem and its line, never the local file path."""
    problem = getattr(exc, "problem", None)
    if problem is None:
        return type(exc).__name__ if isinstance(exc, OSError) else str(exc)
    line = getattr(exc, "line", None)
    return f"line {line}: {problem}" if line else str(problem)


def _match(tree: ConfigTree, segments: tuple[tuple[str, ...], ...]) -> list[Node]:
    """Nodes matching the pattern; "..." between segments is any depth (the next segment may start at any node
    below a match, including the match itself)."""
    nodes = tree.match(segments[0])
    for segment in segments[1:]:
        found: dict[int, Node] = {}
        for node in nodes:
            for below in node.iter():
                if below.children:
                    for hit in ConfigTree(below, tree.source, tree.form).match(segment):
                        found.setdefault(id(hit), hit)
        nodes = list(found.values())
    return nodes


@dataclass
class Outcome:
    value: bool | None
    evidence: list[str]


def check(cond: Condition, target: Target, config: DeviceConfig) -> Outcome:
    if cond.kind == "group":
        return _group(cond, target, config)
    if cond.kind == "config":
        return _config(cond, config)
    if cond.kind == "hardware":
        return _hardware(cond, target)
    return Outcome(None, [f'condition not checkable: "{_short(cond.text)}"'])


def _group(cond: Condition, target: Target, config: DeviceConfig) -> Outcome:
    results = [check(c, target, config) for c in cond.items]
    values = [r.value for r in results]
    decisive = cond.require == "any"
    if decisive in values:
        return Outcome(decisive, [e for r in results if r.value is decisive for e in r.evidence])
    if None in values:
        return Outcome(None, [e for r in results for e in r.evidence])
    return Outcome(not decisive, [e for r in results for e in r.evidence])


def _config(cond: Condition, config: DeviceConfig) -> Outcome:
    shown = f"[ {cond.pattern} ]"
    if config.tree is None:
        return Outcome(None, [f"config: {config.error}; needs {shown}"])
    nodes = config.match(cond)
    if not nodes:
        return Outcome(False, [f"config: no statement matches {shown}"])
    evidence = []
    for node in nodes[:MAX_LINES]:
        group = f", inherited from group {node.group}" if node.group else ""
        evidence.append(f"config line {node.line}: {config.set_line(node)} (matches {shown}{group})")
    if len(nodes) > MAX_LINES:
        evidence.append(f"config: {len(nodes) - MAX_LINES} more statement(s) match {shown}")
    return Outcome(True, evidence)


def _hardware(cond: Condition, target: Target) -> Outcome:
    value: bool | None
    if cond.fact == "dual_re":
        value = None if not target.routing_engines else target.routing_engines >= 2
        said = f"{target.routing_engines} routing engine(s)" if target.routing_engines else "routing engines unknown"
        what = "dual routing engines"
    elif cond.fact == "virtual_chassis":
        value, said, what = target.virtual_chassis, _said(target.virtual_chassis, "a virtual chassis"), \
            "a virtual chassis"
    elif cond.fact == "cluster":
        value, said, what = target.cluster, _said(target.cluster, "a chassis cluster"), "a chassis cluster"
    else:  # a line card or service card the prose names, looked up in the chassis inventory
        cards = cards_in_text(cond.text)
        if not cards:
            return Outcome(None, [f'hardware: needs "{_short(cond.text)}"; which module that is cannot be read'])
        value, why = modules_present(cards, target.modules)
        return Outcome(value if cond.equals else (None if value is None else not value), [why])
    if value is None:
        return Outcome(None, [f"hardware: needs {'' if cond.equals else 'no '}{what}; the profile does not say "
                              f"({said})"])
    holds = value == cond.equals
    return Outcome(holds, [f"hardware: needs {'' if cond.equals else 'no '}{what}; profile: {said}"])


def _said(value: bool | None, what: str) -> str:
    return "unknown" if value is None else (what if value else f"not {what}")


def _short(text: str, limit: int = 160) -> str:
    one = " ".join(text.split())
    return one if len(one) <= limit else one[: limit - 3] + "..."
