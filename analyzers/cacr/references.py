"""Named objects (policy-statements, prefix-lists, firewall filters): where each is defined and where it is used.

What counts as a definition and a reference is data (data/references.yaml). ``collect`` answers from one pass over
the statements that can name an object (found through the first-word index the rule context builds once), so the
unused/undefined rules and the change review's "filters protecting the routing engine" share one answer per tree.

"Unused" is decided conservatively: a definition is unused only when no known reference names it *and* its name
appears nowhere else in the configuration (outside its own definition). A reference this file does not know, in
a statement it has never seen, therefore never makes a used object look unused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from analyzers.cacr.patterns import Pattern, find, parse_pattern
from msplus.junosconf import Node
from msplus.yamlsource import load_located

DATA = Path(__file__).with_name("data") / "references.yaml"
# A policy expression ("(A && !B)", "[ A B ]" is a list instead) names policies between these characters.
_EXPRESSION = re.compile(r"[^\s()&|!]+")
_OPERATORS = frozenset("()&|! ")


@dataclass(frozen=True, slots=True)
class RefSpec:
    keywords: frozenset[str]
    under: frozenset[str] | None


@dataclass(frozen=True, slots=True)
class ObjectKind:
    name: str
    label: str
    defined: tuple[Pattern, ...]
    references: tuple[RefSpec, ...]


@dataclass(frozen=True, slots=True)
class Reference:
    """``node`` names the object ``name`` (e.g. ``export [ A B ]`` names A and B)."""

    name: str
    node: Node


@dataclass(slots=True)
class Objects:
    """Definitions (name -> statements defining it) and references of every object kind, for one tree."""

    definitions: dict[str, dict[str, list[Node]]] = field(default_factory=dict)
    references: dict[str, list[Reference]] = field(default_factory=dict)
    _mentions: dict[str, list[Node]] | None = None

    def referenced_names(self, kind: str) -> set[str]:
        return {r.name for r in self.references.get(kind, ())}


@cache
def kinds() -> dict[str, ObjectKind]:
    """The object kinds of data/references.yaml (read once). Raises InputError naming the file and key."""
    data, locator = load_located(DATA)
    if not isinstance(data, dict) or data.get("schema_version") != 1:
        raise locator.error("expected schema_version: 1", ("schema_version",))
    out: dict[str, ObjectKind] = {}
    for name, spec in (data.get("objects") or {}).items():
        try:
            defined = tuple(parse_pattern(p) for p in spec["defined"])
            refs = tuple(
                RefSpec(frozenset(r["keywords"]), frozenset(r["under"]) if r.get("under") else None)
                for r in spec["references"]
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise locator.error(f"malformed object kind: {exc}", ("objects", name)) from exc
        out[name] = ObjectKind(name, str(spec.get("label") or name), defined, refs)
    return out


@cache
def keywords() -> frozenset[str]:
    """Every first word of a referencing statement (what ``collect`` needs indexed)."""
    return frozenset(k for kind in kinds().values() for spec in kind.references for k in spec.keywords)


@cache
def skip_inside() -> frozenset[str]:
    data, _ = load_located(DATA)
    return frozenset(data.get("skip_inside") or ())


def collect(root: Node, by_word: dict[str, list[Node]]) -> Objects:
    """Definitions and references of every kind under ``root``; ``by_word`` holds its statements by first word
    (at least for ``keywords()``)."""
    objects = Objects()
    skip = skip_inside()
    for kind in kinds().values():
        defs: dict[str, list[Node]] = {}
        for pattern in kind.defined:
            for m in find(pattern, root):
                defs.setdefault(m.captures[-1], []).append(m.node)
        objects.definitions[kind.name] = defs
        refs: list[Reference] = []
        for spec in kind.references:
            for keyword in spec.keywords:
                for node in by_word.get(keyword, ()):
                    parent = node.parent
                    if spec.under is not None and (parent is None or not parent.tokens
                                                   or parent.tokens[0] not in spec.under):
                        continue
                    if _top_word(node) in skip:
                        continue
                    refs.extend(Reference(name, node) for name in names_in(node))
        objects.references[kind.name] = refs
    return objects


def names_in(node: Node) -> list[str]:
    """The object names a referencing statement holds (after its keyword)."""
    toks = node.tokens
    if len(toks) == 1:
        return [c.tokens[0] for c in node.children or ()]
    listed = node.lst is not None and node.lst[0] == 1
    values = list(toks[1 : node.lst[1]]) if listed and node.lst is not None else [toks[1]]
    out: list[str] = []
    for value in values:
        if _OPERATORS.intersection(value):
            out.extend(w for w in _EXPRESSION.findall(value))
        else:
            out.append(value)
    return out


def unused(objects: Objects, kind: str, root: Node) -> dict[str, list[Node]]:
    """Definitions of ``kind`` that nothing references (see the module docstring for how carefully)."""
    defs = objects.definitions.get(kind, {})
    referenced = objects.referenced_names(kind)
    candidates = {name: nodes for name, nodes in defs.items() if name not in referenced}
    if not candidates:
        return {}
    mentions = _mentions(objects, root)
    out = {}
    for name, nodes in candidates.items():
        own = {id(n) for n in nodes}
        if not any(not _inside(m, own) for m in mentions.get(name, ())):
            out[name] = nodes
    return out


def undefined(objects: Objects, kind: str) -> list[Reference]:
    """References to names of ``kind`` that no definition provides."""
    defs = objects.definitions.get(kind, {})
    return [r for r in objects.references.get(kind, ()) if r.name not in defs]


def _mentions(objects: Objects, root: Node) -> dict[str, list[Node]]:
    """Every statement whose words include a defined name (any kind), found in one pass and kept."""
    if objects._mentions is not None:
        return objects._mentions
    names = {name for defs in objects.definitions.values() for name in defs}
    found: dict[str, list[Node]] = {}
    stack = list(root.children or ())
    while stack:
        node = stack.pop()
        # names inside policy expressions ("(A && B)") are references already: plain words are enough here
        if not names.isdisjoint(node.tokens):
            for tok in node.tokens:
                if tok in names:
                    found.setdefault(tok, []).append(node)
        if node.children:
            stack.extend(node.children)
    objects._mentions = found
    return found


def _inside(node: Node, definitions: set[int]) -> bool:
    """Whether ``node`` is one of the definitions (its own name) or below one."""
    cur: Node | None = node
    while cur is not None:
        if id(cur) in definitions:
            return True
        cur = cur.parent
    return False


def _top_word(node: Node) -> str:
    cur = node
    while cur.parent is not None and cur.parent.parent is not None:
        cur = cur.parent
    return cur.tokens[0] if cur.tokens else ""

