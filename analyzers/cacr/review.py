"""Change review: apply a proposed change to the running configuration and report what it does.

The change is either commands (set, delete, deactivate, activate, ... one per line, as typed at ``[edit]``),
applied to the running configuration, or a full candidate configuration that replaces it: curly text, XML, or the
set lines of ``show configuration | display set`` (they start with ``set version``), told apart by form. An empty
change is no commands. The report holds:

- ``diff``: the change as ``display set`` lines, ``- `` removed and ``+ `` added (``deactivate`` lines included);
- ``introduced`` / ``resolved``: best-practice findings present after and not before, and the reverse;
- ``risks``: ``lockout`` (management access may be cut: SSH/NETCONF, logins, AAA, the management interface, the
  lo0 filter or a filter it uses, ...), ``routing`` (protocol sessions that may reset: which BGP neighbours, OSPF
  interfaces, policies in use...), each with the change lines that cause it; data/risks.yaml lists what is checked;
- ``errors``: commands that do not apply (a ``delete`` of something absent, a malformed line), with line, column
  and reason; ``unchanged``: commands that change nothing (``set`` of what is already there);
- ``recommendation``: ``commit confirmed`` when lock-out is possible.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from analyzers.cacr.context import Context, Facts, path_text, with_config_facts
from analyzers.cacr.engine import Report, RuleFinding, evaluate
from analyzers.cacr.patterns import Pattern, Word, find, parse_pattern
from analyzers.cacr.rules import Rule
from msplus.errors import ConfigSyntaxError, InputError
from msplus.junosconf import ConfigTree, Node, detect, load, parse
from msplus.junosconf.textform import decode
from msplus.yamlsource import load_located

RISKS = Path(__file__).with_name("data") / "risks.yaml"
CONFIRM_MINUTES = 10
_EDIT_PROMPT = re.compile(r"^\s*\[edit[^\]]*\]\s*$")
# Protocol interfaces whose underlying interface a change can take down (label, pattern).
_PROTOCOL_INTERFACES = (
    ("OSPF", "protocols ospf area <*> interface <*>"),
    ("OSPF", "routing-instances <*> protocols ospf area <*> interface <*>"),
    ("OSPFv3", "protocols ospf3 area <*> interface <*>"),
    ("IS-IS", "protocols isis interface <*>"),
    ("LDP", "protocols ldp interface <*>"),
    ("RSVP", "protocols rsvp interface <*>"),
)


@dataclass(frozen=True, slots=True)
class ChangeError:
    line: int
    column: int | None
    text: str
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {"line": self.line, "column": self.column, "text": self.text, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class DiffLine:
    sign: str  # "+" or "-"
    text: str  # the set (or deactivate/protect) line
    node: Node

    def __str__(self) -> str:
        return f"{self.sign} {self.text}"


@dataclass
class Risk:
    kind: str  # lockout | routing
    what: str
    lines: set[int] = field(default_factory=set)  # change (or candidate) file lines
    running_lines: set[int] = field(default_factory=set)  # running-configuration lines removed (candidate mode)
    statements: list[str] = field(default_factory=list)

    @property
    def message(self) -> str:
        if self.kind == "lockout":
            return (f"changes {self.what}: a mistake here can cut off management access; "
                    f"commit with `commit confirmed {CONFIRM_MINUTES}` and confirm once you have logged in again")
        return f"changes {self.what}: routing sessions may reset or advertise differently"

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "message": self.message, "lines": sorted(self.lines),
                "running_lines": sorted(self.running_lines), "statements": self.statements}


@dataclass
class ReviewReport:
    running: str
    change: str
    mode: str  # "commands" | "candidate"
    diff: list[DiffLine]
    introduced: list[RuleFinding]
    resolved: list[RuleFinding]
    risks: list[Risk]
    errors: list[ChangeError]
    unchanged: list[ChangeError]
    skipped: list[dict[str, Any]]
    facts: Facts

    @property
    def recommendation(self) -> str | None:
        if any(r.kind == "lockout" for r in self.risks):
            return (f"Lock-out is possible: load the change, then `commit confirmed {CONFIRM_MINUTES}`, open a new "
                    "session to the device and `commit` to keep it (it rolls back by itself otherwise).")
        return None

    def to_json(self) -> dict[str, Any]:
        return {"running": self.running, "change": self.change, "mode": self.mode,
                "diff": [str(d) for d in self.diff],
                "introduced": [f.to_json() for f in self.introduced],
                "resolved": [f.to_json() for f in self.resolved],
                "risks": [r.to_json() for r in self.risks], "errors": [e.to_json() for e in self.errors],
                "unchanged": [e.to_json() for e in self.unchanged], "recommendation": self.recommendation,
                "skipped": self.skipped, "facts": self.facts.to_json()}


# ---------------------------------------------------------------------------------------------- the review

def review(running_path: str | Path, change_path: str | Path, rules: Sequence[Rule], facts: Facts,
           folder: Path | None = None, device: str | None = None) -> ReviewReport:
    """Review the change in ``change_path`` against the configuration at ``running_path`` (a file or snapshot
    folder). Raises InputError for an unreadable running configuration, change file or candidate."""
    running = load(running_path)
    running_effective = running.effective()
    facts = with_config_facts(facts, running_effective)
    device = device or facts.hostname
    change_file = Path(change_path)
    try:
        data = change_file.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", path=str(change_file)) from exc
    text = decode(data, str(change_file))
    errors: list[ChangeError] = []
    unchanged: list[ChangeError] = []
    applied: list[tuple[int, tuple[str, ...]]] = []
    if not _has_statements(text) or (detect(text) == "set" and not _whole_configuration(text)):
        mode = "commands"  # (an empty change is no commands, not an empty candidate that deletes everything)
        candidate = load(running_path)  # a second, independent tree to apply the commands to
        applied = apply_commands(candidate, text, str(change_file), errors, unchanged)
    else:
        mode = "candidate"
        candidate = parse(data, str(change_file))
    diff = diff_lines(running, candidate)
    before_ctx = Context(running_effective, facts, raw=running, folder=folder)
    after_ctx = Context(candidate.effective(), facts, raw=candidate, folder=folder, main_source=running.source)
    before = evaluate(rules, before_ctx, device)
    after = evaluate(rules, after_ctx, device)
    introduced, resolved = compare(before, after)
    risks = find_risks(diff, applied, before_ctx, after_ctx, str(change_file), mode)
    skipped = [{"rule": r.rule, "reason": r.reason} for r in after.results if r.status == "skipped"]
    return ReviewReport(running.source, str(change_file), mode, diff, introduced, resolved, risks, errors,
                        unchanged, skipped, facts)


def _has_statements(text: str) -> bool:
    return any(line.strip() and not line.strip().startswith(("#", "/*")) and not _EDIT_PROMPT.match(line)
               for line in text.split("\n"))


def _whole_configuration(text: str) -> bool:
    """Set lines that are a whole configuration (``show configuration | display set`` starts with the version)
    rather than commands: the candidate replaces the running configuration instead of being applied to it."""
    for line in text.split("\n", 200)[:200]:
        words = line.split()
        if words and not words[0].startswith("#") and not _EDIT_PROMPT.match(line):
            return words[:2] == ["set", "version"]
    return False


def apply_commands(tree: ConfigTree, text: str, source: str, errors: list[ChangeError],
                   unchanged: list[ChangeError]) -> list[tuple[int, tuple[str, ...]]]:
    """Apply each command line to ``tree``; a line that does not parse or names nothing goes to ``errors`` (with its
    line, column and reason) and the rest of the change is still applied. Returns (line, path) of what applied."""
    applied: list[tuple[int, tuple[str, ...]]] = []
    for number, line in enumerate(text.split("\n"), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or _EDIT_PROMPT.match(line):
            continue
        try:
            result = tree.apply_set_line(line, number, source)
        except ConfigSyntaxError as exc:
            errors.append(ChangeError(number, exc.column, stripped, exc.problem))
            continue
        what = " ".join(result.path)
        if result.status == "absent":
            errors.append(ChangeError(number, None, stripped,
                                      f"{result.op} of '{what}': no such statement in the configuration"))
        elif result.status in ("exists", "unchanged"):
            reason = "already in the configuration" if result.op == "set" else f"already {result.op}d"
            unchanged.append(ChangeError(number, None, stripped, f"changes nothing: '{what}' is {reason}"))
        elif result.op not in ("edit", "top", "up", "exit", "comment"):
            applied.append((number, result.path))
    return applied


def diff_lines(before: ConfigTree, after: ConfigTree) -> list[DiffLine]:
    """Removed lines (in running order), then added lines (in candidate order), as ``display set`` prints them."""
    old = before.set_lines()
    new = after.set_lines()
    remaining = Counter(text for text, _ in new)
    removed = []
    for text, node in old:
        if remaining[text]:
            remaining[text] -= 1
        else:
            removed.append(DiffLine("-", text, node))
    remaining = Counter(text for text, _ in old)
    added = []
    for text, node in new:
        if remaining[text]:
            remaining[text] -= 1
        else:
            added.append(DiffLine("+", text, node))
    return removed + added


def compare(before: Report, after: Report) -> tuple[list[RuleFinding], list[RuleFinding]]:
    """Findings after the change that were not there before (introduced), and the reverse (resolved)."""
    old = {f.key for f in before.findings}
    new = {f.key for f in after.findings}
    return [f for f in after.findings if f.key not in old], [f for f in before.findings if f.key not in new]


# ---------------------------------------------------------------------------------------------- risks

@dataclass(frozen=True, slots=True)
class _RiskPattern:
    kind: str
    pattern: Pattern
    what: str


@cache
def risk_patterns() -> tuple[_RiskPattern, ...]:
    """data/risks.yaml, compiled (read once). Raises InputError naming the file and the entry."""
    data, locator = load_located(RISKS)
    if not isinstance(data, dict) or data.get("schema_version") != 1:
        raise locator.error("expected schema_version: 1", ("schema_version",))
    out = []
    for kind in ("lockout", "routing"):
        for i, entry in enumerate(data.get(kind) or ()):
            try:
                out.append(_RiskPattern(kind, parse_pattern(entry["pattern"]), str(entry["what"])))
            except (KeyError, TypeError, ValueError) as exc:
                raise locator.error(f"a risk entry is {{pattern, what}}: {exc}", (kind, i)) from exc
    return tuple(out)


def find_risks(diff: list[DiffLine], applied: list[tuple[int, tuple[str, ...]]], before: Context, after: Context,
               change_source: str, mode: str) -> list[Risk]:
    risks: dict[tuple[str, str], Risk] = {}
    lo0_filters = _lo0_filters(before) | _lo0_filters(after)
    protocol_ifls = _protocol_interfaces(before) | _protocol_interfaces(after)
    policy_uses = _policy_uses(before) | _policy_uses(after)
    for d in diff:
        path = d.node.path
        inside = path[2:] if path[:1] == ("groups",) and len(path) > 2 else path
        group = f" (in group {path[1]})" if inside is not path else ""
        for kind, what in _risks_of(inside, lo0_filters, protocol_ifls, policy_uses):
            risk = risks.setdefault((kind, what + group), Risk(kind, what + group))
            risk.statements.append(str(d))
            if mode == "commands":
                risk.lines.update(n for n, p in applied if _related(p, path))
            elif d.sign == "+" or d.node.source == change_source:
                risk.lines.add(d.node.line)
            else:
                risk.running_lines.add(d.node.line)
    return sorted(risks.values(), key=lambda r: (r.kind != "lockout", min(r.lines or r.running_lines or {0})))


def _risks_of(path: tuple[str, ...], lo0_filters: set[str], protocol_ifls: dict[str, str],
              policy_uses: dict[str, str]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    seen_kinds: set[str] = set()
    for rp in risk_patterns():
        if rp.kind in seen_kinds:
            continue
        captures = _prefix(rp.pattern.words, path)
        if captures is not None:
            seen_kinds.add(rp.kind)
            what = rp.what
            for i, capture in enumerate(captures, 1):
                what = what.replace("{" + str(i) + "}", capture)
            out.append((rp.kind, what))
    name = _filter_name(path)
    if name is not None and name in lo0_filters and "lockout" not in seen_kinds:
        out.append(("lockout", f"firewall filter {name}, applied to lo0 (it filters all traffic to the routing "
                               "engine)"))
    if path[:1] == ("interfaces",) and len(path) > 1 and "routing" not in seen_kinds:
        ifd = path[1]
        unit = path[3] if len(path) > 3 and path[2] == "unit" else None
        hit = sorted(ifl for ifl in protocol_ifls
                     if ifl == f"{ifd}.{unit}" or (unit is None and ifl.split(".")[0] == ifd))
        if hit:
            out.append(("routing", "interface " + ", ".join(f"{ifl} ({protocol_ifls[ifl]})" for ifl in hit)))
    if path[:2] == ("policy-options", "policy-statement") and len(path) > 2 and path[2] in policy_uses:
        out.append(("routing", f"routing policy {path[2]} (used at {policy_uses[path[2]]})"))
    return out


def _prefix(words: tuple[Word, ...], path: tuple[str, ...]) -> tuple[str, ...] | None:
    """The wildcards' words when ``words`` match the start of ``path``, else None."""
    if len(path) < len(words):
        return None
    caps = []
    for word, token in zip(words, path, strict=False):
        if not word.matches(token):
            return None
        if word.literal is None:
            caps.append(token)
    return tuple(caps)


def _related(command: tuple[str, ...], path: tuple[str, ...]) -> bool:
    """Whether a command's path and a changed line's path are the same statement, one holds the other, or the
    command replaced the line's value (``set ... root-login deny`` removes ``... root-login allow``)."""
    n = min(len(command), len(path))
    if command[:n] == path[:n]:
        return True
    return len(command) == len(path) and command[:-1] == path[:-1]


def _filter_name(path: tuple[str, ...]) -> str | None:
    if path[:2] == ("firewall", "filter") and len(path) > 2:
        return path[2]
    if path[:1] == ("firewall",) and len(path) > 4 and path[1] == "family" and path[3] == "filter":
        return path[4]
    return None


def _lo0_filters(ctx: Context) -> set[str]:
    return {r.name for r in ctx.objects.references.get("firewall-filter", ())
            if r.node.path[:2] == ("interfaces", "lo0")}


def _protocol_interfaces(ctx: Context) -> dict[str, str]:
    out: dict[str, str] = {}
    for label, text in _PROTOCOL_INTERFACES:
        for m in find(parse_pattern(text), ctx.root):
            out.setdefault(m.captures[-1], label)
    return out


def _policy_uses(ctx: Context) -> dict[str, str]:
    uses: dict[str, list[str]] = {}
    for ref in ctx.objects.references.get("policy-statement", ()):
        uses.setdefault(ref.name, []).append(path_text(ref.node, used=1))
    return {name: ", ".join(dict.fromkeys(places)) for name, places in uses.items()}
