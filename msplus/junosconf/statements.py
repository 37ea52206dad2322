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
    return _Attach(words, quoted, lst, line, block, leaves, fold).run(parent)


class _Attach:
    """One statement's words split into schema statements, walking down from the parent."""

    def __init__(
        self,
        words: tuple[str, ...],
        quoted: int,
        lst: tuple[int, int] | None,
        line: int,
        block: bool,
        leaves: dict[tuple[int, str], Node] | None,
        fold: bool,
    ) -> None:
        self.words, self.quoted, self.lst, self.line = words, quoted, lst, line
        self.block, self.leaves, self.fold = block, leaves, fold
        self.first: Node | None = None
        self.made: Node | None = None  # the statement this call created last (an unknown tail joins it)

    def run(self, node: Node) -> tuple[Node, Node]:
        words = self.words
        n = len(words)
        i = 0
        while True:
            sid = node.schema
            if sid >= 0:
                cid, kind, take = sch.step(sid, words, i, node.tokens[0] if node.tokens else "")
            else:
                cid, kind, take = sch.UNKNOWN, "", n - i
            if cid < 0 and self._foldable(node):
                node, i = self._unfold(node, i)  # "location lab;": one unknown statement as written
                take = n - i
            span: tuple[int, int] | None = None
            if self.lst is not None and self.lst[0] < i + take:
                cid, kind, take, span = self._span(cid, kind, i)
            last = i + take >= n
            toks = words[i : i + take] if i or not last else words
            if not last and node.children and kind not in _LEAVES:
                same = _existing(node, toks, kind == sch.CONTAINER)
                if same is not None:
                    if self.first is None and toks[0] not in sch.FLATTENED:
                        self.first = same
                    if same.children is None:
                        same.children = []  # "ssh;" then "ssh { ... }": one statement
                    node, i = same, i + take
                    continue
            new = self._make(node, toks, cid, kind, i, last, span)
            if last:
                return self.first or new, new
            i += take
            if kind in _LEAVES:
                # "file snmp.log size 10m;": after a leaf the next words are its siblings (a "oneliner" statement)
                new.children = None
                continue
            self.made = node = new

    def _foldable(self, node: Node) -> bool:
        made = self.made
        return (
            self.fold and made is not None and made is node and not node.children
            and node.tokens[0] not in sch.FLATTENED
        )  # fmt: skip

    def _unfold(self, node: Node, i: int) -> tuple[Node, int]:
        parent = node.parent
        assert parent is not None
        parent.remove(node)
        if self.first is node:
            self.first = None
        return parent, i - len(node.tokens)

    def _span(self, cid: int, kind: str, i: int) -> tuple[int, str, int, tuple[int, int]]:
        """The ``[ ]`` list falls in this statement: a leaf-list's values, or (where the schema has no list there)
        the rest of the words as one statement as written."""
        start, end = self.lst  # type: ignore[misc]
        self.lst = None
        if kind == _LEAF_LIST and start == i + 1:
            return cid, kind, end - i, (1, end - i)  # members [ a b ]
        return sch.UNKNOWN, "", len(self.words) - i, (start - i, end - i)

    def _make(
        self, node: Node, toks: tuple[str, ...], cid: int, kind: str, i: int, last: bool, span: tuple[int, int] | None
    ) -> Node:
        take = len(toks)
        new = Node(toks, ([] if self.block else None) if last else [], node, self.line, node.source)
        new.schema = cid
        if self.quoted:
            new.quoted = (self.quoted >> i) & ((1 << take) - 1)
        if span is not None:
            new.lst = span
        if kind == _LEAF and last and not self.block:
            _replace_leaf(node, new, toks, take, self.leaves)
        if node.children is None:
            node.children = []
        if node._index is not None:
            node.add(new)
        else:
            node.children.append(new)
        if self.first is None and (last or toks[0] not in sch.FLATTENED):
            self.first = new  # "inactive: family inet {": the tag is inet's (family only groups the families)
        return new


def _existing(node: Node, toks: tuple[str, ...], container: bool) -> Node | None:
    """The statement ``toks`` already in ``node`` to continue in: the last child (``family`` for the next ``family
    inet6 {``), or for a container (one per keyword) any child; a list entry seen earlier is not searched for
    (curly text never repeats one, and thousands of ``community`` entries must not cost a scan each)."""
    children = node.children
    if children and children[-1].tokens == toks and children[-1].lst is None:
        return children[-1]
    if not container:
        return None
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
