"""Placing a statement's words in the tree the way the schema splits them, shared by the text and set readers.

Curly text may put several schema statements on one line (``route 10.0.0.0/8 next-hop 192.0.2.1;`` is the list
entry ``route 10.0.0.0/8`` holding the leaf ``next-hop``; ``family inet {`` the container ``family`` holding the
container ``inet``), and a set line holds a whole path. Both are split here into one node per schema statement, so
a tree has one shape whatever it was read from: set lines, inheritance and XML then need no guessing.
Words the schema does not know stay one statement as written (``Node.schema`` is UNKNOWN), with everything below.
"""

from __future__ import annotations

from msplus.junosconf import schema as sch
from msplus.junosconf.node import Node

HOLDER = -2  # schema id of a block that only groups list entries: "name-server { 10.0.0.1; }", "groups { g { } }"
_LIST, _LEAF, _LEAF_LIST = sch.LIST, sch.LEAF, sch.LEAF_LIST
_LEAVES = frozenset({sch.LEAF, sch.LEAF_LIST, sch.FLAG})


def holder(parent: Node, keyword: str, sid: int, line: int) -> Node:
    """A block grouping entries of list ``keyword`` (its words are prefixed to each statement inside). It is
    not part of the tree: statements read inside it are attached to ``parent``."""
    node = Node((keyword,), [], parent, line, parent.source)
    node.schema = HOLDER
    node.lst = (sid, sid)  # the list's schema id, kept where a holder needs no list span
    return node


def attach(
    parent: Node,
    words: tuple[str, ...],
    quoted: int,
    lst: tuple[int, int] | None,
    line: int,
    block: bool,
    leaves: dict[tuple[int, str], Node] | None = None,
    fold: bool = True,
) -> tuple[Node, Node]:
    """Attach the statement ``words`` (quoted: bit i for words[i]; lst: a ``[ ]`` span) under ``parent``.
    Returns (first, last): the node the statement's flags and annotation go to, and the node its block's
    children go under (``block``: the statement opened ``{``). A value leaf already there is replaced (Junos keeps
    the last ``metric``); ``leaves`` remembers them for a reader that builds no child index. ``fold``: words the
    schema lacks right after a statement this call made join it as one unknown statement (``location lab;``
    where location holds no "lab"), so text and set input of a statement from another release read alike."""
    if parent.schema == HOLDER:
        words = (*parent.tokens, *words)
        quoted <<= len(parent.tokens)
        if lst is not None:
            lst = (lst[0] + len(parent.tokens), lst[1] + len(parent.tokens))
        parent = parent.parent  # type: ignore[assignment]
    sid = parent.schema
    pword = parent.tokens[0] if parent.tokens else ""
    n = len(words)
    i = 0
    node = parent
    first: Node | None = None
    made: Node | None = None  # the statement this call created last (an unknown tail joins it)
    while True:
        if sid >= 0:
            cid, kind, take = sch.step(sid, words, i, pword)
        else:
            cid, kind, take = sch.UNKNOWN, "", n - i
        if (
            fold and cid < 0 and made is not None and sid >= 0 and made is node and not node.children
            and node.tokens[0] not in sch.FLATTENED
        ):
            # "location lab;" where location holds no "lab": one unknown statement as written, not two
            i -= len(node.tokens)
            take = n - i
            node = node.parent  # type: ignore[assignment]
            node.children.remove(made)  # type: ignore[union-attr]
            if first is made:
                first = None
        span: tuple[int, int] | None = None
        if lst is not None and lst[0] < i + take:
            if kind == _LEAF_LIST and lst[0] == i + 1:
                take = lst[1] - i  # members [ a b ]
                span = (1, take)
            else:  # a list where the schema has none: the rest stays one statement as written
                cid, kind, take = sch.UNKNOWN, "", n - i
                span = (lst[0] - i, lst[1] - i)
            lst = None
        last = i + take >= n
        toks = words[i : i + take] if i or not last else words
        if not last and node.children and kind not in _LEAVES:
            same = _existing(node, toks)
            if same is not None:
                if first is None and toks[0] not in sch.FLATTENED:
                    first = same
                if same.children is None:
                    same.children = []  # "ssh;" then "ssh { ... }": one statement
                node, sid, pword, i = same, same.schema, toks[0], i + take
                continue
        new = Node(toks, ([] if block else None) if last else [], node, line, node.source)
        new.schema = cid
        if quoted:
            new.quoted = (quoted >> i) & ((1 << take) - 1)
        if span is not None:
            new.lst = span
        if kind == _LEAF and last and not block:
            _replace_leaf(node, new, toks, take, leaves)
        if node.children is None:
            node.children = []
        if node._index is not None:
            node.add(new)
        else:
            node.children.append(new)
        if first is None and (last or toks[0] not in sch.FLATTENED):
            first = new  # "inactive: family inet {": the tag is inet's (family only groups the families)
        if last:
            return first or new, new
        if kind in _LEAVES:
            # "file snmp.log size 10m;": after a leaf the next words are its siblings (a "oneliner" statement)
            new.children = None
            i += take
            continue
        made = new
        node, sid, pword, i = new, cid, toks[0], i + take


def _existing(node: Node, toks: tuple[str, ...]) -> Node | None:
    for c in node.index().get(toks[0], ()):
        if c.tokens == toks and c.lst is None:
            return c
    return None


def _replace_leaf(
    parent: Node, new: Node, toks: tuple[str, ...], take: int, leaves: dict[tuple[int, str], Node] | None
) -> None:
    """Drop an earlier value of the same single-valued leaf (the last one wins, as when Junos loads it)."""
    name = toks[0] if take == 2 else ""
    if leaves is not None:
        key = (id(parent), name)
        old = leaves.get(key)
        leaves[key] = new
        if old is not None and old.parent is parent and parent.children is not None:
            parent.remove(old)
        return
    for c in list(parent.index().get(toks[0], ())) if take == 2 else _nokeyword_leaves(parent, new.schema):
        if c.children is None and c.schema == new.schema and len(c.tokens) == take:
            parent.remove(c)


def _nokeyword_leaves(parent: Node, sid: int) -> list[Node]:
    return [c for c in parent.children or () if c.schema == sid and len(c.tokens) == 1 and c.children is None]
