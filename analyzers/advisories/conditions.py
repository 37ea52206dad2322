"""An advisory's configuration prose (CVE ``configurations[]``) turned into conditions the matcher can check.

What is read: hierarchy patterns in brackets ("[ vlans <vlan> vxlan ]", "[protocols bgp ... multipath]"), set lines
("set vlans private-vlan isolated"), bare hierarchy lines ("protocols bgp family inet flow") and "[edit X]" followed
by statements ("graceful-switchover;"). Each becomes a pattern for ConfigTree.match: ``<*>`` for names (the
record's ``<vlan>`` or its example names, with the grammar's knowledge of where names go), ``...`` for any depth,
alternatives ("master/slave", "( stp | mstp )", "inet(6)") expanded into several patterns.

How several patterns combine: as the prose says where it is clear ("in combination with", "and either ... or",
"two conditions need to be met"); otherwise any of them (advisories mostly list alternatives: "either of the
following statements"). This errs towards "affected": a device is cleared only when none of the patterns is found.

What is not read is kept as text: a condition of kind ``text`` (or ``hardware`` for line cards), which makes the
verdict indeterminate, never affected or not affected. Prose saying no configuration is required gives no
condition; prose saying the feature is on by default adds a text condition, so absence cannot clear a device.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from msplus.junosconf import grammar
from msplus.yamlsource import load_data_file

DATA = Path(__file__).with_name("conditions.yaml")
MAX_ALTERNATIVES = 16
_PROMPT = re.compile(r"^\s*\S+@\S+[>#%]")
_SET_LINE = re.compile(r"^\s*set\s+[a-z]", re.IGNORECASE)
_STATEMENT_LINE = re.compile(r"^\s*[a-z][a-z0-9-]*(?:\s+[^\s;]+)*\s*;\s*$")


@dataclass(frozen=True, slots=True)
class _Vocab:
    top_level: frozenset[str]
    implied_parent: dict[str, str]
    not_names: frozenset[str]
    value_keywords: frozenset[str]
    literal_ids: frozenset[str]
    placeholders: re.Pattern[str]
    digit_keywords: frozenset[str]
    facts: tuple[tuple[str, bool, re.Pattern[str]], ...]
    hardware: re.Pattern[str]
    not_required: re.Pattern[str]
    by_default: re.Pattern[str]
    require_all: re.Pattern[str]


@cache
def vocab() -> _Vocab:
    raw = load_data_file(DATA)
    flags = re.IGNORECASE
    return _Vocab(
        top_level=frozenset(raw["top_level"]),
        implied_parent=dict(raw["implied_parent"]),
        not_names=frozenset(raw["not_names"]),
        value_keywords=frozenset(raw["value_keywords"]),
        literal_ids=frozenset(raw["literal_ids"]),
        placeholders=re.compile("|".join(f"(?:{p})" for p in raw["placeholders"]), flags),
        digit_keywords=frozenset(raw["digit_keywords"]),
        facts=tuple((f["fact"], bool(f["equals"]), re.compile(f["pattern"], flags)) for f in raw["facts"]),
        hardware=re.compile(raw["hardware"], flags),
        not_required=re.compile(raw["not_required"], flags),
        by_default=re.compile(raw["by_default"], flags),
        require_all=re.compile(raw["require_all"], flags),
    )


# ---------------------------------------------------------------------------------------------- result

@dataclass
class ProseResult:
    """The conditions for the catalog (None: nothing gates exposure) and, for the import summary, what became of
    each piece: ("parsed", text, pattern), ("text", text, reason), ("hardware", text, fact), ("not_gating", ...)."""

    conditions: dict[str, Any] | None
    accounts: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Feature:
    name: str
    title: re.Pattern[str] | None
    text: re.Pattern[str] | None
    patterns: tuple[str, ...]


@cache
def features() -> tuple[Feature, ...]:
    """The features of conditions.yaml that a title (or description) names."""
    raw = load_data_file(DATA).get("features") or {}
    flags = re.IGNORECASE
    return tuple(Feature(name, re.compile(spec["title"], flags) if spec.get("title") else None,
                         re.compile(spec["text"], flags) if spec.get("text") else None, tuple(spec["patterns"]))
                 for name, spec in raw.items())


def features_named(title: str, description: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Conditions for the features an advisory's title (or, for unambiguous names such as J-Web, its description)
    names: (condition items, feature names). Used when the record's configurations[] gives no condition."""
    items: list[dict[str, Any]] = []
    names: list[str] = []
    for f in features():
        if (f.title is not None and f.title.search(title)) or (f.text is not None and
                                                                 f.text.search(f"{title} {description}")):
            names.append(f.name)
            items.extend({"kind": "config", "pattern": p, "text": f"{f.name} configured: [ {p} ]"}
                         for p in f.patterns)
    return items, names


def read_prose(texts: list[str]) -> ProseResult:
    """Conditions from the ``configurations[]`` texts of one record (joined: they are one prose)."""
    prose = normalise("\n\n".join(t for t in texts if t and t.strip()))
    if not prose.strip():
        return ProseResult(None)
    v = vocab()
    candidates = _candidates(prose)
    if v.not_required.search(prose):
        accounts = [("not_gating", c.text, "the record says no configuration is required") for c in candidates]
        return ProseResult(None, accounts or [("not_gating", prose.strip(), "no configuration is required")])
    if not candidates:
        return _without_patterns(prose)
    result = ProseResult(None)
    items: list[dict[str, Any]] = []
    for cand in candidates:
        patterns, reason = to_patterns(cand.words, prose=cand.prose)
        if patterns:
            result.accounts.append(("parsed", cand.text, " | ".join(patterns)))
            if len(patterns) == 1:
                items.append({"kind": "config", "pattern": patterns[0], "text": cand.text})
            else:
                items.append({"kind": "group", "require": "any", "text": cand.text,
                              "items": [{"kind": "config", "pattern": p, "text": cand.text} for p in patterns]})
        else:
            result.accounts.append(("text", cand.text, reason))
            items.append({"kind": "text", "text": cand.text})
    groups = _and_groups(prose, candidates, items)
    require_all = bool(v.require_all.search(prose[: candidates[0].start]))
    if require_all:
        groups = [[item for group in groups for item in group]]
    top: list[dict[str, Any]] = [g[0] if len(g) == 1 else {"kind": "group", "require": "any", "items": g}
                                 for g in groups]
    if require_all or len(groups) == 1:
        top = groups[0]
    require = "all" if (require_all or len(groups) > 1) else "any"
    if v.by_default.search(prose):
        result.accounts.append(("text", _sentence(prose, v.by_default), "on by default: absence does not clear"))
        top = [{"kind": "group", "require": require, "items": top}] if require == "all" else top
        top.append({"kind": "text", "text": _sentence(prose, v.by_default)})
        require = "any"
    result.conditions = {"require": require, "items": _dedupe(top)}
    return result


def _without_patterns(prose: str) -> ProseResult:
    v = vocab()
    facts = [(fact, equals, m.group(0)) for fact, equals, rx in v.facts if (m := rx.search(prose))]
    if facts:
        items = [{"kind": "hardware", "fact": f, "equals": eq, "text": prose.strip()} for f, eq, _ in facts]
        return ProseResult({"require": "all", "items": items},
                           [("hardware", prose.strip(), f"profile fact {f} = {eq}") for f, eq, _ in facts])
    hw = v.hardware.search(prose)
    if hw:
        item = {"kind": "hardware", "fact": "module", "text": prose.strip()}
        return ProseResult({"require": "all", "items": [item]},
                           [("hardware", prose.strip(), f"names hardware the profile does not describe ({hw[0]})")])
    item = {"kind": "text", "text": prose.strip()}
    return ProseResult({"require": "all", "items": [item]},
                       [("text", prose.strip(), "no configuration pattern in the prose")])


def _sentence(prose: str, rx: re.Pattern[str]) -> str:
    m = rx.search(prose)
    if not m:
        return prose.strip()
    start = max(prose.rfind(".", 0, m.start()), prose.rfind("\n", 0, m.start())) + 1
    end = prose.find(".", m.end())
    return prose[start : end + 1 if end >= 0 else len(prose)].strip()


def _dedupe(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: set[str] = set()
    out = []
    for item in items:
        key = repr(sorted((k, str(v)) for k, v in item.items() if k != "text"))
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def _and_groups(prose: str, cands: list[_Candidate], items: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Split the candidates where the prose between two of them starts with "and" / "in combination with"."""
    groups: list[list[dict[str, Any]]] = [[items[0]]]
    for prev, cand, item in zip(cands, cands[1:], items[1:], strict=False):
        between = prose[prev.end : cand.start].strip(" \t\n:.-")
        if re.match(r"(?:and|in combination with|also)\b", between, re.IGNORECASE):
            groups.append([item])
        else:
            groups[-1].append(item)
    return groups


def normalise(text: str) -> str:
    text = text.replace("\u00a0", " ").replace("\r\n", "\n").replace("\t", " ")
    return re.sub(r"</?codeph>", "", text)


# ---------------------------------------------------------------------------------------------- candidates

@dataclass
class _Candidate:
    text: str  # as written in the record
    words: list[str]  # the hierarchy words, edit context applied
    start: int
    end: int
    prose: bool = True  # written as prose ("[ ... policy-name ]": lowercase placeholders), not as set/curly syntax


def _candidates(prose: str) -> list[_Candidate]:
    """Bracketed patterns, set lines, bare hierarchy lines and "[edit X]" contexts, in order of appearance."""
    found: list[tuple[int, int, str, str]] = []  # (start, end, kind, text)
    taken: list[tuple[int, int]] = []
    for start, end in _brackets(prose):
        taken.append((start, end))
        if _inline_reference(prose, start, end):
            continue  # "either at the top level, under [logical-systems], or [routing-instances]": a place, not a need
        found.append((start, end, "bracket", prose[start:end]))
    offset = 0
    for line in prose.split("\n"):
        begin, finish = offset, offset + len(line)
        offset = finish + 1
        if any(s <= begin < e or s < finish <= e for s, e in taken) or _PROMPT.match(line):
            continue
        if _SET_LINE.match(line) or _STATEMENT_LINE.match(line) or _bare_hierarchy(line):
            found.append((begin, finish, "line", line.strip()))
    found.sort()
    return _with_context(prose, found)


def _brackets(prose: str) -> list[tuple[int, int]]:
    """Spans of top-level [ ... ] groups (a nested [] inside is kept within its group)."""
    spans = []
    depth, start = 0, -1
    for i, ch in enumerate(prose):
        if ch == "[":
            if depth == 0:
                start = i
            depth += 1
        elif ch == "]" and depth:
            depth -= 1
            if depth == 0:
                spans.append((start, i + 1))
    return spans


def _inline_reference(prose: str, start: int, end: int) -> bool:
    """A one-word bracket inside a sentence names a hierarchy level in passing."""
    if len(prose[start + 1 : end - 1].split()) != 1:
        return False
    line_start = prose.rfind("\n", 0, start) + 1
    line_end = prose.find("\n", end)
    around = prose[line_start:start] + prose[end : line_end if line_end >= 0 else len(prose)]
    return bool(re.search(r"[A-Za-z]{2,}", around))


def _bare_hierarchy(line: str) -> bool:
    words = line.split()
    return (2 <= len(words) <= 14 and words[0] in vocab().top_level
            and not re.search(r"[.:,]\s*$|[()?!\"]", line.strip()))


def _with_context(prose: str, found: list[tuple[int, int, str, str]]) -> list[_Candidate]:
    """Apply "[edit X]" to the statements right after it; an edit with none stands for X itself."""
    v = vocab()
    out: list[_Candidate] = []
    context: list[str] | None = None
    context_cand: _Candidate | None = None
    last_end = -1
    for start, end, kind, written in found:
        inner = written[1:-1] if kind == "bracket" else written
        words = _clean_words(inner)
        prose_form = kind == "bracket" and not inner.lstrip().startswith("set ")
        text = " ".join(written.split())
        gap = prose[last_end:start] if last_end >= 0 else "x"
        adjacent = last_end >= 0 and not gap.strip(" \n;")
        if words and words[0] == "edit":
            if context_cand is not None:
                out.append(context_cand)
            context = words[1:]
            context_cand = _Candidate(text, context, start, end, prose_form)
            last_end = end
            continue
        if context is not None and adjacent and words and words[0] not in v.top_level \
                and words[0] not in v.implied_parent:
            words = [*context, *words]
            prose_form = prose_form and context_cand is not None and context_cand.prose
            context_cand = None  # used: the statements carry it
        else:
            if context_cand is not None:
                out.append(context_cand)
            context, context_cand = None, None
        out.append(_Candidate(text, words, start, end, prose_form))
        last_end = end
    if context_cand is not None:
        out.append(context_cand)
    out.sort(key=lambda c: c.start)
    return [c for c in out if c.words or c.text.strip()]


def _clean_words(text: str) -> list[str]:
    """Words of a candidate: placeholders joined ("<neighbor IP>" -> "<*>"), "set"/"edit" verbs and ";" dropped."""
    text = re.sub(r"<[^<>\n]*>", lambda m: "<*>", text)
    text = re.sub(r"<\*>(?=[A-Za-z])", "<*> ", text)
    text = re.sub(r"\s*;\s*", " ", text)
    text = re.sub(r"\.\.\.", " ... ", text)
    text = re.sub(r"\s*\|\s*", " | ", text)
    text = re.sub(r"\(\s*", "( ", text)
    text = re.sub(r"\s*\)", " )", text)
    text = re.sub(r"\b(inet)\( 6 \)", r"( \1 | \g<1>6 )", text)
    words = text.split()
    if words and words[0] == "edit" and len(words) > 1 and words[1] == "set":
        words = words[2:]
    if words and words[0] == "set":
        words = words[1:]
    return [w for i, w in enumerate(words) if not (w == "set" and i > 0)]


# ---------------------------------------------------------------------------------------------- patterns

def to_patterns(words: list[str], *, prose: bool = True) -> tuple[list[str], str]:
    """The patterns for one candidate's words, or ([], reason) when they cannot be read. ``prose``: the words
    come from prose, where lowercase placeholders ("policy-name") stand for values; in set lines they are keywords."""
    if not words:
        return [], "empty"
    if any(ch in " ".join(words) for ch in "{}") or "[" in " ".join(words):
        return [], "not a hierarchy pattern (braces or nested brackets)"
    try:
        alternatives = _expand(words)
    except ValueError as exc:
        return [], str(exc)
    out: list[str] = []
    for alt in alternatives:
        pattern, reason = _pattern(alt, prose)
        if pattern is None:
            return [], reason
        if pattern not in out:
            out.append(pattern)
    return out, ""


def _expand(words: list[str]) -> list[list[str]]:
    """Alternatives: "( a | b c )", optional "( x y )", "a/b" words, a standalone "/" between two word groups."""
    groups: list[list[list[str]]] = []  # a sequence of choices, each a list of word lists
    i = 0
    while i < len(words):
        w = words[i]
        if w == "(":
            close = _closing(words, i)
            inner = words[i + 1 : close]
            options = _split_on(inner, "|")
            groups.append(options if len(options) > 1 else [inner, []])
            i = close + 1
            continue
        if w == "/" and groups:
            right = words[i + 1 :]
            left = [list(itertools.chain.from_iterable(c[0] for c in groups))]
            n = len(right)
            prefix = left[0][:-n] if n < len(left[0]) else []
            return _expand(left[0]) + _expand(prefix + right)
        if re.fullmatch(r"[a-z][a-z0-9-]*(?:/[a-z][a-z0-9-]*)+", w):
            groups.append([[part] for part in w.split("/")])
        else:
            groups.append([[w]])
        i += 1
    combos = 1
    for g in groups:
        combos *= len(g)
    if combos > MAX_ALTERNATIVES:
        raise ValueError(f"too many alternatives ({combos})")
    return [list(itertools.chain.from_iterable(choice)) for choice in itertools.product(*groups)]


def _closing(words: list[str], i: int) -> int:
    depth = 0
    for j in range(i, len(words)):
        depth += words[j] == "("
        depth -= words[j] == ")"
        if depth == 0:
            return j
    raise ValueError("unbalanced parenthesis")


def _split_on(words: list[str], sep: str) -> list[list[str]]:
    out: list[list[str]] = [[]]
    for w in words:
        if w == sep:
            out.append([])
        else:
            out[-1].append(w)
    return [o for o in out if o]


_VALUE = re.compile(r"[A-Z]|^\d|\d[./:]\d|^(?:ge|xe|et|ae|irb|lo|fxp|em|ams|mams|ms|sp|vme|reth|st|gr|lt)-?\d")


def _pattern(words: list[str], prose: bool) -> tuple[str | None, str]:
    """One pattern from words with no alternatives left: names -> <*>, the grammar deciding where names go."""
    v = vocab()
    words = [w for w in words if w]
    while words and words[-1] == "...":
        words.pop()
    while words and words[0] == "...":
        words.pop(0)
    if not words:
        return None, "empty"
    if words[0] in v.implied_parent:
        words = [v.implied_parent[words[0]], *words]
    if words[0] not in v.top_level:
        return None, f"does not start at a top-level hierarchy ({words[0]!r})"
    walker = _Walker(words, prose)
    while walker.i < len(words):
        walker.step()
    return " ".join(walker.out), ""


class _Walker:
    """Walks a pattern's words with the grammar context (None below a "..." gap, where it is unknown)."""

    def __init__(self, words: list[str], prose: bool) -> None:
        self.words, self.prose = words, prose
        self.out: list[str] = []
        self.ctx: grammar.Context | None = ()
        self.i = 0

    def down(self, tokens: tuple[str, ...]) -> None:
        self.ctx = grammar.child_context(self.ctx, tokens) if self.ctx is not None else None

    def step(self) -> None:
        v, w = vocab(), self.words[self.i]
        if w == "...":
            self.out.append("...")
            self.ctx = None
        elif _is_placeholder(w, self.prose or self.i == len(self.words) - 1):  # a set line's last word may be one
            self.out.append(_glob(w))
            if self.ctx is not None and grammar.id_list(self.ctx) is not None:
                self.down(("x",))  # a name in an id list: one level down
        elif self.ctx is not None and grammar.is_identifier(w, self.ctx):
            self.out.append("<*>")
            self.down(("x",))
            if w in v.not_names:
                return  # the example left the name out: read this keyword again below the name
        elif self._named(w):
            return
        elif w in v.value_keywords:
            self.out.append(w)
            if self.i + 1 < len(self.words) and self.words[self.i + 1] != "...":
                self.out.append("<*>")
                self.i += 1
            self.down((w,))
        else:
            self.out.append("<*>" if w not in v.digit_keywords and _VALUE.search(w) else w)
            self.down((w,))
        self.i += 1

    def _named(self, w: str) -> bool:
        """A statement the grammar names by identifiers ("unit 0", "filter F"): its names become <*>."""
        v = vocab()
        stmt = grammar.statement(w, self.ctx) if self.ctx is not None else None
        if stmt is None or not stmt.ids or stmt.hidden or w in v.literal_ids:
            return False
        self.out.append(w)
        ids: list[str] = []
        for j in range(stmt.ids):
            nxt = self.words[self.i + 1] if self.i + 1 < len(self.words) else None
            if nxt is None or nxt == "...":
                break
            if j < len(stmt.keys) and stmt.keys[j] is None:  # a fixed word between the names ("to-zone")
                self.out.append(nxt)
                ids.append(nxt)
                self.i += 1
            elif nxt in v.not_names and nxt not in stmt.keys:
                self.out.append("<*>")  # the example left the name out
                ids.append("x")
            else:
                self.out.append(_glob(nxt) if _is_placeholder(nxt, self.prose) else "<*>")
                ids.append("x")
                self.i += 1
        self.down((w, *ids))
        self.i += 1
        return True


def _is_placeholder(word: str, prose: bool) -> bool:
    return "<" in word or (prose and bool(vocab().placeholders.fullmatch(word)))


def _glob(word: str) -> str:
    """"<*>" stays; "ae<*>" -> "<ae*>", "irb.<*>" -> "<irb.*>"; a placeholder word -> "<*>"."""
    if "<" not in word or word == "<*>":
        return "<*>"
    bare = word.replace("<*>", "*")
    return "<*>" if set(bare) <= {"*", "."} else f"<{bare}>"
