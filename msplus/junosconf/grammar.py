"""Questions about where names go in statement words, answered from the schema (msplus.junosconf.schema).

For code that walks words without a tree (advisory condition patterns): a *context* is the chain of schema ids from
the top down to the enclosing statement; ``()`` is the top level, and an id of -1 means "below a statement the
schema does not know" (every answer is then "plain keyword").
"""

from __future__ import annotations

from dataclasses import dataclass

from msplus.junosconf import schema as sch

Context = tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Stmt:
    """A statement named by the words after its keyword (a list entry): ``unit 0``, ``from-zone A to-zone B``.
    ``ids``: how many words follow the keyword; ``keys``: the key element per word, None for a fixed keyword word
    between names (``to-zone``)."""

    ids: int
    keys: tuple[str | None, ...]
    hidden: bool = False
    inline: bool = False


@dataclass(frozen=True, slots=True)
class IdList:
    """A statement whose children are named by an identifier alone (``interfaces { ge-0/0/0 { } }``)."""

    xml: str


def _sid(ctx: Context) -> int:
    return ctx[-1] if ctx else sch.root()


def child_context(ctx: Context, tokens: tuple[str, ...]) -> Context:
    """The context inside the statement ``tokens`` found in ``ctx`` (several schema statements when the words hold
    more than one: ``family inet``)."""
    sid = _sid(ctx)
    i = 0
    out = list(ctx)
    while i < len(tokens):
        if sid < 0:
            break
        cid, _kind, take = sch.step(sid, tokens, i, "policies" if tokens[i] == "from-zone" else "")
        out.append(cid)
        sid = cid
        i += max(take, 1)
        if cid < 0:
            break
    return tuple(out)


def id_list(ctx: Context) -> IdList | None:
    """Set when the statement at ``ctx`` holds entries named by an identifier alone."""
    sid = _sid(ctx)
    sn = sch.node(sid)
    if sn is None or sn.nameless < 0:
        return None
    name = next((k for k, v in sn.children.items() if v == sn.nameless), "name")
    return IdList(xml=name)


def _child(sid: int, word: str) -> int:
    """A keyword's schema id, CLI aliases applied wherever the node holds their target (a context has ids only)."""
    found = sch.child_id(sid, word)
    if found < 0 and word in sch.ALIASES:
        sn = sch.node(sid)
        found = sn.children.get(sch.ALIASES[word], sch.UNKNOWN) if sn is not None else sch.UNKNOWN
    return found


def is_identifier(word: str, ctx: Context) -> bool:
    """Whether a statement starting with ``word`` directly inside ``ctx`` is named by an identifier only."""
    sid = _sid(ctx)
    return id_list(ctx) is not None and _child(sid, word) < 0


def statement(word: str, ctx: Context) -> Stmt | None:
    """The list statement starting with the keyword ``word`` in ``ctx``, or None for anything else."""
    sid = _sid(ctx)
    cid = _child(sid, word)
    sn = sch.node(cid)
    if sn is None or sn.kind != sch.LIST:
        return None
    keys: list[str | None] = []
    for n, key in enumerate(sn.keys):
        if sch.key_keyword(sn, n) is not None:
            keys.append(None)
        keys.append(key)
    return Stmt(ids=len(keys), keys=tuple(keys))
