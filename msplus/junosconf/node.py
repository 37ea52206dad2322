"""One configuration statement: the words it is written with, where it came from, and its children.

A statement is kept as Junos prints it in curly text, because that is the only form every input agrees on without
the Junos schema: ``unit 0 { ... }`` is one node with tokens ``("unit", "0")``; ``host-name r1;`` a leaf with tokens
``("host-name", "r1")``; ``ge-0/0/0 { ... }`` under ``interfaces`` a node whose only token is its name;
``from protocol [ bgp static ];`` a leaf with tokens ``("from", "protocol", "bgp", "static")`` and a list span over the
last two. The set form of a node is its ancestors' tokens followed by its own, one line per list element.

Nodes are many (one per configuration line) and made in the parser's hot loop, hence ``__slots__`` and no dataclass.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator
from contextlib import contextmanager

# Flags, as written in curly text ("inactive: ...") or XML attributes (inactive="inactive").
INACTIVE = 1
PROTECT = 2
REPLACE = 4
DELETE = 8  # a load file's "delete:" tag (XML operation="delete"): the statement is removed when loaded

TAGS = {"inactive:": INACTIVE, "protect:": PROTECT, "replace:": REPLACE, "delete:": DELETE}
# "active:" and "unprotect:" are load-file tags that clear a flag; they never appear in output.
CLEAR_TAGS = {"active:": INACTIVE, "unprotect:": PROTECT}

# A value Junos prints without quotes: letters, digits and the punctuation seen in names, addresses and wildcards.
_PLAIN = re.compile(r"[A-Za-z0-9._/:*+,=<>%~^-]+\Z")


# Objects made while the collector was paused and moved straight to the oldest generation (see paused_gc), and the
# objects alive after the last full collection this module ran: Python's own rule for the oldest generation (collect
# when the newcomers exceed a quarter of the survivors), with a floor so small configurations never pay for one. A
# million objects is about four 200,000-line trees (59 MB each): the most garbage that can wait for a collection.
_PROMOTED_FLOOR = 1_000_000
_promotion = {"since_full": 0, "live": 0}


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector: reading or writing a big configuration makes hundreds of thousands of
    small objects, and collections triggered by their number alone cost more than the work itself.

    Re-enabling alone is not enough: the collector still counts every object made while paused, so the first
    allocation afterwards runs one young-generation collection over all of them (a 200,000-line configuration:
    about 240,000 tracked objects and 0.09 s, more per object once they outgrow the processor caches: what made
    parsing cost 14x for 10x the lines). Instead they are moved to the oldest generation at once (freeze and
    unfreeze: constant time), as the long-lived data they are. Statements point at their parents, so a dropped tree
    is freed only by a full collection: one runs here once the objects moved this way outnumber a quarter of those
    alive after the previous one (and at least a million), so memory stays bounded across many configurations.
    Nothing of this when the program froze objects itself (unfreezing would release its frozen set)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            _resume()


def _resume() -> None:
    made = gc.get_count()[0]  # net objects made since the last collection: while paused, all of them
    if gc.get_freeze_count() == 0:
        _promotion["since_full"] += made
        if _promotion["since_full"] > max(_PROMOTED_FLOOR, _promotion["live"] // 4):
            gc.collect()
            _promotion["live"] = len(gc.get_objects(generation=2))
            _promotion["since_full"] = 0
        else:
            gc.freeze()
            gc.unfreeze()
    gc.enable()


def needs_quotes(value: str) -> bool:
    """Whether Junos would quote ``value`` (empty, spaces, or punctuation outside names and addresses)."""
    return not _PLAIN.match(value)


def quote_mask(tokens: tuple[str, ...]) -> int:
    """Bit i set when token i must be quoted; used for values that did not come with their own quoting (XML)."""
    mask = 0
    for i, tok in enumerate(tokens):
        if not _PLAIN.match(tok):
            mask |= 1 << i
    return mask


def escape(value: str) -> str:
    """Text (as in XML) to the form kept in tokens: inside quotes a double quote is written \\" and a backslash
    \\\\ (the Junos quoting rules)."""
    if "\\" in value:
        value = value.replace("\\", "\\\\")
    return value.replace('"', '\\"') if '"' in value else value


_ESCAPED = re.compile(r"\\(.)", re.DOTALL)


def unescape(value: str) -> str:
    """Token to plain text (as in XML)."""
    return _ESCAPED.sub(r"\1", value) if "\\" in value else value


class Node:
    """A configuration statement.

    ``tokens``: the words (quoted values without their quotes, escapes kept). ``children``: list of Node for a
    container, None for a leaf. ``line``/``source``: where it was read (for inherited nodes, the line inside the
    group, and ``group`` names the group). ``flags``: INACTIVE | PROTECT | REPLACE. ``quoted``: bit i set when token
    i is printed in quotes. ``lst``: (start, end) token indices of a ``[ ... ]`` list, else None.
    ``annotation``: the ``/* ... */`` text attached to this statement.
    """

    __slots__ = (
        "_index",
        "annotation",
        "children",
        "flags",
        "group",
        "line",
        "lst",
        "parent",
        "quoted",
        "schema",
        "source",
        "tokens",
    )

    def __init__(
        self,
        tokens: tuple[str, ...],
        children: list[Node] | None,
        parent: Node | None,
        line: int,
        source: str,
    ) -> None:
        self.tokens = tokens
        self.children = children
        self.parent = parent
        self.line = line
        self.source = source
        self.flags = 0
        self.quoted = 0
        self.lst: tuple[int, int] | None = None
        self.annotation: str | None = None
        self.group: str | None = None
        self._index: dict[str, list[Node]] | None = None
        self.schema = -1  # id of the schema node (msplus.junosconf.schema); -1: a statement the schema lacks

    # --- what analyzers read -------------------------------------------------------------------------------------
    @property
    def name(self) -> str:
        """The keyword (first word): ``unit`` for ``unit 0 {``; the interface name for ``ge-0/0/0 {``."""
        return self.tokens[0] if self.tokens else ""

    @property
    def identifiers(self) -> tuple[str, ...]:
        """The words after the keyword: ``("0",)`` for ``unit 0``, ``("r1",)`` for ``host-name r1``."""
        return self.tokens[1:]

    @property
    def value(self) -> str | None:
        """The first word after the keyword, or None: ``r1`` for ``host-name r1;``, ``0`` for ``unit 0 {``."""
        return self.tokens[1] if len(self.tokens) > 1 else None

    @property
    def values(self) -> tuple[str, ...]:
        """Same as ``identifiers``; for ``members [ a b ];`` that is ``("a", "b")``."""
        return self.tokens[1:]

    @property
    def is_leaf(self) -> bool:
        return self.children is None

    @property
    def inactive(self) -> bool:
        return bool(self.flags & INACTIVE)

    @property
    def protected(self) -> bool:
        return bool(self.flags & PROTECT)

    @property
    def path(self) -> tuple[str, ...]:
        """All tokens from the top of the configuration down to and including this statement."""
        parts: list[tuple[str, ...]] = []
        node: Node | None = self
        while node is not None and node.parent is not None:
            parts.append(node.tokens)
            node = node.parent
        return tuple(tok for toks in reversed(parts) for tok in toks)

    @property
    def where(self) -> str:
        """``source:line`` (and the group it was inherited from), for evidence in findings."""
        where = f"{self.source}:{self.line}"
        return f"{where} (group {self.group})" if self.group else where

    def iter(self) -> Iterator[Node]:
        """This node and every node below it, depth first in order."""
        stack = [self]
        while stack:
            node = stack.pop()
            yield node
            if node.children:
                stack.extend(reversed(node.children))

    def child(self, *tokens: str) -> Node | None:
        """The child whose tokens are exactly ``tokens`` (``node.child("unit", "0")``), or None."""
        for c in self.children_named(tokens[0]) if tokens else ():
            if c.tokens == tokens:
                return c
        return None

    def children_named(self, word: str) -> list[Node]:
        """Children whose first token is ``word`` (``node.children_named("unit")``), in order."""
        if self.children is None:
            return []
        return list(self.index().get(word, ()))

    def index(self) -> dict[str, list[Node]]:
        """Children by first token, built on first use and kept up to date by the tree's own edits."""
        if self._index is None:
            index: dict[str, list[Node]] = {}
            for c in self.children or ():
                index.setdefault(c.tokens[0], []).append(c)
            self._index = index
        return self._index

    def to_text(self, include_self: bool = False) -> str:
        """Curly text as ``show configuration <path>`` prints it: a container's contents, or the leaf statement.
        ``include_self=True`` prints the statement itself with its braces."""
        from msplus.junosconf.textform import write_nodes

        if self.tokens and (include_self or self.children is None):
            parent = self.parent
            return write_nodes([self], parent.tokens[0] if parent is not None and parent.tokens else "")
        return write_nodes(self.children or (), self.tokens[0] if self.tokens else "")

    def __repr__(self) -> str:
        kind = "leaf" if self.children is None else f"{len(self.children)} children"
        return f"<Node {' '.join(self.tokens)!r} {kind} {self.where}>"

    # --- edits that keep the child index right ---------------------------------------------------------------------
    def add(self, child: Node, position: int | None = None) -> Node:
        if self.children is None:
            self.children = []
        child.parent = self
        if position is None:
            self.children.append(child)
        else:
            self.children.insert(position, child)
        if self._index is not None:
            if position is None:
                self._index.setdefault(child.tokens[0], []).append(child)
            else:
                self._index = None
        return child

    def remove(self, child: Node) -> None:
        if self.children is not None:
            self.children.remove(child)
        self._index = None

    def retokened(self, tokens: tuple[str, ...]) -> None:
        """Change this node's tokens (rename, leaf replaced) and drop the parent's index, which keys on them."""
        self.tokens = tokens
        if self.parent is not None:
            self.parent._index = None


def copy_one(node: Node, parent: Node | None) -> Node:
    """A copy of ``node`` alone (an empty child list for a container)."""
    dup = Node(node.tokens, None if node.children is None else [], parent, node.line, node.source)
    dup.flags = node.flags
    dup.quoted = node.quoted
    dup.lst = node.lst
    dup.annotation = node.annotation
    dup.group = node.group
    dup.schema = node.schema
    return dup


def copy_node(node: Node, parent: Node | None, *, deep: bool = True) -> Node:
    """A copy of ``node`` (and, when ``deep``, its subtree) attached to nothing: the caller adds it."""
    return copy_tree(node, parent, deep=deep)


def copy_tree(node: Node, parent: Node | None, *, deep: bool = True, skip: int = 0) -> Node:
    """A copy of ``node`` and (when ``deep``) its subtree, leaving out statements flagged with any bit of ``skip``;
    iterative, so the configuration's depth never meets Python's recursion limit."""
    top = copy_one(node, parent)
    if not deep or node.children is None:
        return top
    stack = [(node, top)]
    while stack:
        src, dst = stack.pop()
        for c in src.children or ():
            if c.flags & skip:
                continue
            dup = copy_one(c, dst)
            dst.children.append(dup)  # type: ignore[union-attr]
            if c.children:
                stack.append((c, dup))
    return top
