"""The little the model knows of the Junos schema, read from grammar.yaml (see the comments there).

Lookups take a statement's first word and its *context*: the chain of schema keywords from the top down to the
enclosing statement, e.g. ``("interfaces", "interface", "unit")`` inside ``interfaces ge-0/0/0 unit 0``. A hint
keyed ``word@grandparent/parent`` beats ``word@parent``, which beats ``word``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml

from msplus.errors import InputError

_FILE = Path(__file__).with_name("grammar.yaml")

Context = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Stmt:
    """How a statement with identifiers is written (see ``statements`` in grammar.yaml)."""

    ids: int = 1
    inline: bool = False
    xml: str = "list"
    keys: tuple[str | None, ...] = ("name",)
    hidden: bool = False
    tail: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class IdList:
    """A container whose children are named by an identifier alone (see ``id_lists`` in grammar.yaml)."""

    xml: str
    scope_top: bool = False
    keywords: frozenset[str] = frozenset()
    inline: bool = False


@dataclass(frozen=True, slots=True)
class Grammar:
    statements: dict[str, Stmt]
    containers: frozenset[str]
    id_lists: dict[str, IdList]
    oneliner: frozenset[str]
    flex: frozenset[str]
    leaf_lists: frozenset[str]
    value_elements: dict[str, str]
    always_quoted: frozenset[str]


# Words that are keywords wherever they appear, even under an id list.
ALWAYS_KEYWORDS = frozenset({"apply-groups", "apply-groups-except", "apply-macro"})


@cache
def grammar() -> Grammar:
    try:
        raw = yaml.safe_load(_FILE.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(
            f"grammar hints: {exc}",
            path=str(_FILE),
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
        ) from exc
    if not isinstance(raw, dict) or raw.get("version") != 1:
        raise InputError("grammar hints: expected version: 1", path=str(_FILE))
    statements: dict[str, Stmt] = {}
    for entry in raw["statements"]:
        stmt = _stmt(entry)
        for word in entry["words"]:
            for where in entry.get("under") or [None]:
                statements[f"{word}@{where}" if where else word] = stmt
    id_lists = {
        key: IdList(
            xml=spec["xml"],
            scope_top=spec.get("scope") == "top",
            keywords=frozenset(spec.get("except", ())) | ALWAYS_KEYWORDS,
            inline=bool(spec.get("inline")),
        )
        for key, spec in raw["id_lists"].items()
    }
    return Grammar(
        statements=statements,
        containers=frozenset(raw["containers"]),
        id_lists=id_lists,
        oneliner=frozenset(raw["oneliner"]),
        flex=frozenset(raw["flex"]),
        leaf_lists=frozenset(raw["leaf_lists"]),
        value_elements=dict(raw.get("value_elements") or {}),
        always_quoted=frozenset(raw.get("always_quoted") or ()),
    )


def _stmt(entry: dict[str, Any]) -> Stmt:
    keys = entry.get("keys")
    return Stmt(
        ids=int(entry.get("ids", 1)),
        inline=bool(entry.get("inline")),
        xml=str(entry.get("xml", "list")),
        keys=tuple(keys) if keys else ("name",),
        hidden=bool(entry.get("hidden")),
        tail=tuple(entry.get("tail", ())),
    )


def _keys(word: str, ctx: Context) -> tuple[str, ...]:
    parent = ctx[-1] if ctx else "top"
    if len(ctx) >= 2:
        return (f"{word}@{ctx[-2]}/{parent}", f"{word}@{parent}", word)
    if len(ctx) == 1:
        return (f"{word}@top/{parent}", f"{word}@{parent}", word)
    return (f"{word}@top", word)


def _lookup(table: dict[str, Any] | frozenset[str], word: str, ctx: Context) -> Any:
    for key in _keys(word, ctx):
        if key in table:
            return table[key] if isinstance(table, dict) else True
    return None


def statement(word: str, ctx: Context) -> Stmt | None:
    """The hint for a statement starting with ``word`` in ``ctx``; None for a plain keyword."""
    stmt = _lookup(grammar().statements, word, ctx)
    return stmt if isinstance(stmt, Stmt) else None


def is_container(word: str, ctx: Context) -> bool:
    return bool(_lookup(grammar().containers, word, ctx))


def is_oneliner(word: str, ctx: Context) -> bool:
    return bool(_lookup(grammar().oneliner, word, ctx))


def is_flex(word: str, ctx: Context) -> bool:
    return bool(_lookup(grammar().flex, word, ctx))


def is_leaf_list(word: str, ctx: Context) -> bool:
    return bool(_lookup(grammar().leaf_lists, word, ctx))


@lru_cache(maxsize=4096)
def id_list(ctx: Context) -> IdList | None:
    """The id-list hint when the statement at ``ctx`` holds identifier-named children (``interfaces``)."""
    if not ctx:
        return None
    found = _lookup(grammar().id_lists, ctx[-1], ctx[:-1])
    return found if isinstance(found, IdList) else None


def is_identifier(word: str, ctx: Context) -> bool:
    """Whether a statement starting with ``word`` directly inside ``ctx`` is named by an identifier only."""
    idl = id_list(ctx)
    return idl is not None and word not in idl.keywords


@lru_cache(maxsize=65536)
def child_context(ctx: Context, tokens: tuple[str, ...]) -> Context:
    """The context inside the statement ``tokens`` found in ``ctx``."""
    if not tokens:
        return ctx
    idl = id_list(ctx)
    if idl is not None and tokens[0] not in idl.keywords:
        if idl.scope_top:
            return ()
        return (*ctx, ctx[-1] if idl.xml == "repeat" else idl.xml)
    stmt = statement(tokens[0], ctx)
    if stmt is not None and stmt.hidden:
        return (*ctx, stmt.xml)
    return (*ctx, tokens[0])


def head_length(tokens: tuple[str, ...], start: int, ctx: Context) -> int:
    """How many of ``tokens[start:]`` form the next statement's head when building structure from a set line.

    Returns len(tokens) - start when the rest is one leaf statement.
    """
    rest = len(tokens) - start
    word = tokens[start]
    if is_identifier(word, ctx):
        idl = id_list(ctx)
        return rest if idl is not None and idl.inline else 1
    stmt = statement(word, ctx)
    if stmt is not None and stmt.inline:
        return rest
    if stmt is not None and stmt.ids:
        return min(rest, 1 + stmt.ids)
    # "name-server 10.0.0.1" is name-server { 10.0.0.1; }; "netconf ssh" is netconf { ssh; }
    keyword_only = rest > 1 and (id_list((*ctx, word)) is not None or is_container(word, ctx))
    return 1 if keyword_only or rest > 2 else rest


def identity_length(tokens: tuple[str, ...], ctx: Context, is_leaf: bool) -> int:
    """How many leading tokens name a statement (what ``deactivate``/``delete`` paths end with).

    ``host-name r1`` is named by ``host-name``; ``unit 0`` by both words; ``address 10.0.0.1/24`` (a list) by both.
    """
    if not is_leaf:
        return len(tokens)
    word = tokens[0]
    if is_identifier(word, ctx):
        return 1
    stmt = statement(word, ctx)
    if stmt is not None:
        if stmt.hidden:
            return 1
        if stmt.ids:
            return min(len(tokens), 1 + stmt.ids)
    if len(tokens) == 2 and not is_leaf_list(word, ctx) and not is_flex(word, ctx):
        return 1
    return len(tokens)


def single_valued(tokens: tuple[str, ...], ctx: Context) -> bool:
    """Whether a leaf like ``host-name r1`` holds one value, so a new ``host-name r2`` replaces it.

    Without the schema: a two-word leaf whose keyword is not a known list, leaf-list or flexible statement.
    """
    if len(tokens) != 2:
        return False
    word = tokens[0]
    if is_identifier(word, ctx) or is_leaf_list(word, ctx) or is_flex(word, ctx):
        return False
    stmt = statement(word, ctx)
    return stmt is None or (stmt.ids == 0 and not stmt.hidden)


@cache
def renamed(tag: str, first_key: str) -> tuple[str, Stmt] | None:
    """The statement written in XML as ``<tag>`` whose first key element is ``first_key`` (``<policy>`` with
    ``<from-zone-name>`` is ``from-zone A to-zone B``), or None."""
    for key, stmt in grammar().statements.items():
        if stmt.xml == tag and not stmt.hidden and (stmt.ids == 0 or (stmt.keys and stmt.keys[0] == first_key)):
            return key.split("@", 1)[0], stmt
    return None


@cache
def hidden_tags() -> frozenset[str]:
    """XML elements that stand for statements whose keyword is their identifier (syslog ``<contents>``)."""
    return frozenset(stmt.xml for stmt in grammar().statements.values() if stmt.hidden)


def value_element(ctx: Context) -> str | None:
    """The XML element for a value-only child of the statement at ``ctx`` (``community`` in ``vrf-target``)."""
    return grammar().value_elements.get(ctx[-1]) if ctx else None


def always_quoted(word: str) -> bool:
    """Whether the value after ``word`` is printed in quotes whatever it holds (encrypted passwords, secrets)."""
    return word in grammar().always_quoted
