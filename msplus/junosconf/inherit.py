"""The effective configuration: groups inherited, inactive statements left out.

Junos rules as applied here:
- ``apply-groups [ g1 g2 ]`` at a level inherits what the groups hold at that same level (the group's statements at
  the same path; ``<pattern>`` words in a group match existing names with glob rules: ``*``, ``?``, ``[...]``).
- Local statements win over inherited ones; the first group listed wins over later ones; groups applied at a deeper
  level win over groups applied above.
- ``apply-groups-except [ g ]`` stops the inheritance of g at that level and below.
- A wildcard statement in a group only adds to statements that exist; a literal one creates its statement.
- An inactive statement is left out with its whole subtree (also inside groups, and an inactive apply-groups).
- The ``groups`` stanza and the apply-groups statements are not part of the effective configuration.
- ``apply-groups "${node}"`` (chassis clusters) names the group of the node the configuration runs on: ``node0`` or
  ``node1`` when the caller says which, else it is reported as unresolved.
Inherited nodes keep the line they have inside the group and name the group (``node.group``).
Statements are compared by their schema words (a one-line ``route 10.0.0.0/8 next-hop 192.0.2.1;`` is the list entry
``route 10.0.0.0/8`` holding ``next-hop``), and every walk is iterative.
"""

from __future__ import annotations

from fnmatch import fnmatchcase

from msplus.gcpause import paused_gc
from msplus.junosconf import schema as sch
from msplus.junosconf.node import DELETE, INACTIVE, Node, copy_tree

APPLY = "apply-groups"
EXCEPT = "apply-groups-except"

Source = tuple[Node, str]  # a group's statement at the path being merged, and the group name


NODE_VARIABLE = "${node}"


def effective(root: Node, source: str, node: str | None = None) -> tuple[Node, list[str]]:
    """The effective tree of ``root`` and warnings (apply-groups naming an undefined group). ``node``: the cluster
    node ("node0", "node1") that ``apply-groups "${node}"`` stands for."""
    with paused_gc():
        return _effective(root, source, node)


def _effective(root: Node, source: str, cluster_node: str | None) -> tuple[Node, list[str]]:
    active = copy_tree(root, None, skip=INACTIVE | DELETE)
    groups: dict[str, Node] = {}
    for stmt in active.children or ():
        if stmt.tokens[0] == "groups" and len(stmt.tokens) == 2 and stmt.children is not None:
            groups.setdefault(stmt.tokens[1], stmt)
    result = Node((), [], None, 0, source)
    result.schema = root.schema
    for stmt in active.children or ():
        if stmt.tokens[0] != "groups":
            result.add(stmt)
    warnings: list[str] = []
    _Merger(groups, warnings, cluster_node).run(result)
    return result, warnings


def _wild(word: str) -> bool:
    return len(word) > 2 and word[0] == "<" and word[-1] == ">"


def _matches(pattern: tuple[str, ...], tokens: tuple[str, ...]) -> bool:
    """Group statement words against configuration words; ``<ge-*>`` is a glob on one word."""
    if len(pattern) != len(tokens):
        return False
    for p, t in zip(pattern, tokens, strict=True):
        if _wild(p):
            if not fnmatchcase(t, p[1:-1]):
                return False
        elif p != t:
            return False
    return True


def _names(node: Node, keyword: str) -> list[tuple[str, int]]:
    """Group names listed by the apply-groups (or -except) statements directly in ``node``, with their lines."""
    out: list[tuple[str, int]] = []
    for child in node.children or ():
        if child.tokens[0] == keyword and child.children is None:
            end = child.lst[1] if child.lst is not None else len(child.tokens)
            out.extend((name, child.line) for name in child.tokens[1:end])
    return out


Work = tuple[Node, list[tuple[str, ...]], list[Source], frozenset[str]]


class _Merger:
    def __init__(self, groups: dict[str, Node], warnings: list[str], cluster_node: str | None) -> None:
        self.groups = groups
        self.warnings = warnings
        self.cluster_node = cluster_node

    def run(self, root: Node) -> None:
        """Level by level from the top, with an explicit stack (depth is the input's)."""
        work: list[Work] = [(root, [], [], frozenset())]
        while work:
            work.extend(reversed(self.merge(*work.pop())))

    def merge(
        self, node: Node, path: list[tuple[str, ...]], inherited: list[Source], excluded: frozenset[str]
    ) -> list[Work]:
        excluded = excluded | {name for name, _ in _names(node, EXCEPT)}
        own: list[Source] = []
        for listed, line in _names(node, APPLY):
            name = listed if listed != NODE_VARIABLE else self.cluster_node
            if name is None:
                self.warnings.append(
                    f"{node.source}:{line}: apply-groups \"${{node}}\" not expanded (which cluster node is unknown)"
                )
                continue
            group = self.groups.get(name)
            if group is None:
                self.warnings.append(f"{node.source}:{line}: apply-groups names undefined group '{name}'")
                continue
            if name not in excluded:
                own.extend((g, name) for g in _at_path(group, path))
        sources = own + [s for s in inherited if s[1] not in excluded]
        if node.children:
            for child in [c for c in node.children if c.tokens[0] in (APPLY, EXCEPT) and c.children is None]:
                node.remove(child)
        below: dict[int, list[Source]] = {}
        for source in sources:
            self._take(node, source, below)
        return [
            (child, [*path, child.tokens], below.get(id(child), []), excluded)
            for child in node.children or ()
            if child.children is not None
        ]

    def _take(self, node: Node, source: Source, below: dict[int, list[Source]]) -> None:
        """Merge one group's statements at this level into ``node``; containers are filled later, level by level."""
        group_node, name = source
        for g in group_node.children or ():
            if g.tokens[0] in (APPLY, EXCEPT):
                continue
            if any(_wild(t) for t in g.tokens):
                for c in node.children or ():
                    if g.children and _matches(g.tokens, c.tokens):
                        if c.children is None:
                            c.children = []  # "unit 0;" gains what "unit <*> { ... }" holds
                        below.setdefault(id(c), []).append((g, name))
                continue
            same = node.child(*g.tokens)
            if same is not None:
                if g.children is not None:
                    if same.children is None:
                        same.children = []  # "ssh;" here, "ssh { ... }" in the group: merged
                    below.setdefault(id(same), []).append((g, name))
                continue
            if g.children is None and self._conflict(node, g):
                continue
            new = Node(g.tokens, None if g.children is None else [], node, g.line, g.source)
            new.flags = g.flags
            new.quoted = g.quoted
            new.lst = g.lst
            new.schema = g.schema
            new.group = name
            node.add(new)
            if g.children:
                below.setdefault(id(new), []).append((g, name))

    @staticmethod
    def _conflict(node: Node, leaf: Node) -> bool:
        """A single-valued leaf already set here (locally or by an earlier group) keeps its value."""
        if not sch.is_single_value(leaf.schema) and (leaf.schema >= 0 or len(leaf.tokens) != 2):
            return False
        return any(
            c.children is None and len(c.tokens) == len(leaf.tokens) and c.schema == leaf.schema
            and (c.tokens[0] == leaf.tokens[0] or len(c.tokens) == 1)
            for c in (node.children_named(leaf.tokens[0]) if len(leaf.tokens) == 2 else node.children or ())
        )


def _at_path(group: Node, path: list[tuple[str, ...]]) -> list[Node]:
    """The group's statements at ``path`` (statement words from the top), wildcards matching."""
    level = [group]
    for tokens in path:
        nxt: list[Node] = []
        for g in level:
            nxt.extend(c for c in g.children or () if c.children is not None and _matches(c.tokens, tokens))
        level = nxt
        if not level:
            break
    return level
