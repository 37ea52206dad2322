"""ConfigTree: one configuration, whatever form it was read from, with the queries analyzers use."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from fnmatch import fnmatchcase

from msplus.junosconf import inherit, setform, textform
from msplus.junosconf.node import Node

PathLike = str | Sequence[str]


def _words(path: PathLike) -> tuple[str, ...]:
    return tuple(path.split()) if isinstance(path, str) else tuple(path)


def _pattern_word(pattern: str, word: str) -> bool:
    """``<name>`` or ``<*>`` matches any word; ``<ge-*>`` is a glob; other words match themselves."""
    if len(pattern) > 2 and pattern[0] == "<" and pattern[-1] == ">":
        inner = pattern[1:-1]
        return not any(ch in inner for ch in "*?[") or fnmatchcase(word, inner)
    return pattern == word


class ConfigTree:
    """A Junos configuration. ``form`` is how it was read: "text", "set" or "xml"; ``warnings`` collects what was
    accepted but worth reporting (a ``delete`` of an absent path in set input, an undefined group)."""

    __slots__ = ("_applier", "form", "root", "source", "warnings")

    def __init__(self, root: Node, source: str, form: str) -> None:
        self.root = root
        self.source = source
        self.form = form
        self.warnings: list[str] = []
        self._applier: setform.Applier | None = None

    # --- queries -------------------------------------------------------------------------------------------------
    @property
    def children(self) -> list[Node]:
        return self.root.children or []

    def iter(self) -> Iterator[Node]:
        """Every statement, depth first in configuration order."""
        for child in self.children:
            yield from child.iter()  # Node.iter is iterative

    def find(self, path: PathLike) -> Node | None:
        """The first statement at ``path`` (words as in a set line: ``["interfaces", "ge-0/0/0", "unit", "0"]`` or
        the same as one string). A path may stop inside a statement's words: ``system host-name`` finds
        ``host-name r1;``. None when absent."""
        return next((m[0] for m in setform.locate(self.root, _words(path))), None)

    def find_all(self, path: PathLike) -> list[Node]:
        """Every statement at ``path`` (``system syslog file`` gives each file)."""
        return list(dict.fromkeys(m[0] for m in setform.locate(self.root, _words(path))))

    def match(self, pattern: PathLike) -> list[Node]:
        """Statements matching a hierarchy pattern where ``<...>`` words stand for any identifier:
        ``protocols bgp group <*> neighbor <*>``, ``vlans <vlan> vxlan``, ``interfaces <ge-*> unit <*>``."""
        words = _words(pattern)
        return list(dict.fromkeys(m[0] for m in setform.locate(self.root, words, 0, _pattern_word)))

    def values(self, path: PathLike) -> list[str]:
        """The words that follow ``path`` wherever it is set, however the statements are grouped:
        ``values("system name-server")`` lists the servers, ``values("... from protocol")`` the protocols."""
        out: list[str] = []
        for node, used, element in setform.locate(self.root, _words(path)):
            if element is not None:
                continue
            if used < len(node.tokens):
                if node.lst is not None and node.lst[0] == used:
                    out.extend(node.tokens[node.lst[0] : node.lst[1]])
                else:
                    out.append(node.tokens[used])
            elif node.children:
                out.extend(c.tokens[0] for c in node.children)
        return out

    def get(self, path: PathLike) -> str | None:
        """The first word after ``path`` (``get("system host-name")`` is the host name), or None."""
        values = self.values(path)
        return values[0] if values else None

    def cluster_node(self, hostname: str | None) -> str | None:
        """The chassis cluster node ("node0"/"node1") whose group sets ``system host-name`` to ``hostname`` (how a
        snapshot's device, known by its host name, tells which node it is), or None."""
        if not hostname:
            return None
        for name in ("node0", "node1"):
            group = self.root.child("groups", name)
            system = group.child("system") if group is not None else None
            host = next((c for c in system.children_named("host-name") if len(c.tokens) == 2), None) if system else None
            if host is not None and host.tokens[1] == hostname:
                return name
        return None

    def unknown(self) -> list[Node]:
        """Statements the schema (see msplus.junosconf.schema) does not know, outermost only: kept as written,
        listed so a review can say what it could not interpret."""
        out: list[Node] = []
        stack = list(reversed(self.children))
        while stack:
            node = stack.pop()
            if node.schema < 0:
                out.append(node)
            elif node.children:
                stack.extend(reversed(node.children))
        return out

    # --- forms ---------------------------------------------------------------------------------------------------
    def set_lines(self) -> list[tuple[str, Node]]:
        """``show configuration | display set``: each line with the node it comes from (node.line, node.source)."""
        return setform.write_set(self.root)

    def to_set(self) -> str:
        return "".join(line + "\n" for line, _node in setform.write_set(self.root))

    def to_text(self) -> str:
        return textform.write_nodes(self.children)

    def to_xml(self) -> str:
        """The ``<configuration>`` document (lxml is imported only here and when reading XML)."""
        from msplus.junosconf import xmlform

        return xmlform.write_xml(self.root)

    # --- views and edits -----------------------------------------------------------------------------------------
    def effective(self, node: str | None = None) -> ConfigTree:
        """A new tree with groups inherited and inactive statements left out (see msplus.junosconf.inherit).
        ``node``: the chassis cluster node ("node0"/"node1") the configuration came from, for
        ``apply-groups "${node}"``."""
        root, warnings = inherit.effective(self.root, self.source, node)
        tree = ConfigTree(root, self.source, self.form)
        tree.warnings = [*self.warnings, *warnings]
        return tree

    def apply_set_line(self, line: str, lineno: int = 0, source: str | None = None) -> setform.SetResult:
        """Apply one command (set, delete, deactivate, activate, protect, unprotect, annotate, insert, rename, copy,
        edit, top, up). Raises ConfigSyntaxError for a line that does not parse; a ``delete`` (or deactivate...) of
        a path that is not there returns status "absent"."""
        if self._applier is None:
            self._applier = setform.Applier(self.root, self.source)
        return self._applier.apply(line, lineno, source)

    def __repr__(self) -> str:
        return f"<ConfigTree {self.source} ({self.form}, {len(self.children)} top-level statements)>"
