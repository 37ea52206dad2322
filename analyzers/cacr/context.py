"""What rules are evaluated against: one effective configuration (indexed once), the device facts, the snapshot
folder when there is one, and the evidence formatting every check shares.

Facts may be unknown (None): a plain configuration file says nothing of the routing engines or the cluster. A
rule that needs an unknown fact is skipped with the reason, never passed.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from analyzers.cacr import references
from analyzers.cacr.patterns import Match, Pattern, find, find_below, index_by_word
from msplus.junos_release import ReleaseError, parse_release
from msplus.junosconf import ConfigTree, Node
from msplus.junosconf.node import needs_quotes
from msplus.junosconf.setform import write_set
from msplus.records import DeviceProfile
from snapshots.layout import PROFILE
from snapshots.reader import DeviceSnapshot, read_profile_file

MAX_EVIDENCE = 6  # set lines quoted per statement in a finding


@dataclass(frozen=True, slots=True)
class Facts:
    """What the applicability of rules is decided on; None where unknown. ``sources`` says where each came from."""

    family: str | None = None
    evolved: bool | None = None
    role: str | None = None
    routing_engines: int | None = None
    cluster: bool | None = None
    virtual_chassis: bool | None = None
    hostname: str | None = None
    sources: tuple[str, ...] = ()

    @property
    def dual_re(self) -> bool | None:
        return None if not self.routing_engines else self.routing_engines >= 2

    def to_json(self) -> dict[str, Any]:
        return {"family": self.family, "evolved": self.evolved, "role": self.role,
                "routing_engines": self.routing_engines, "dual_re": self.dual_re, "cluster": self.cluster,
                "virtual_chassis": self.virtual_chassis, "sources": list(self.sources)}


def facts_from_profile(profile: DeviceProfile | None, source: str) -> Facts:
    """Facts from a device profile (None: nothing known but where that was said)."""
    if profile is None:
        return Facts(sources=(source,))
    return Facts(
        family=profile.family or None,
        evolved=profile.evolved,
        routing_engines=profile.routing_engines if profile.routing_engines > 0 else None,
        cluster=profile.cluster,
        virtual_chassis=profile.virtual_chassis,
        hostname=profile.hostname or None,
        sources=(source,),
    )


def read_profile(path: Path) -> Facts:
    """Facts from a profile.json file. Raises InputError for a file that is not a profile this tool wrote."""
    return facts_from_profile(read_profile_file(path), str(path))


def folder_facts(folder: Path) -> Facts:
    """Facts of a snapshot device folder: its profile.json, else profiled from its facts replies."""
    snap = DeviceSnapshot.open(folder, build_missing_profile=True)
    if snap.profile is None:
        why = "; ".join(snap.profile_problems) or "no profile.json and no facts replies"
        return Facts(sources=(f"{folder.name}: {why}",))
    has_file = (folder / PROFILE).is_file()
    return facts_from_profile(snap.profile, str(folder / PROFILE) if has_file else
                              f"{folder.name}: profiled from the facts replies")


def with_config_facts(facts: Facts, tree: ConfigTree) -> Facts:
    """Fill what the configuration itself tells when the profile did not: Evolved from the ``version`` statement
    (a release with -EVO), the host name."""
    changes: dict[str, Any] = {}
    sources = list(facts.sources)
    if facts.evolved is None:
        version = tree.get("version")
        try:
            release = parse_release(version) if version else None
        except ReleaseError:
            release = None
        if release is not None:
            changes["evolved"] = release.evolved
            sources.append(f"evolved from the configuration's version {version}")
    if facts.hostname is None:
        changes["hostname"] = tree.get("system host-name")
    if not changes:
        return facts
    return replace(facts, **changes, sources=tuple(sources))


class Context:
    """One configuration being checked. ``tree`` is the effective configuration (groups inherited, inactive
    statements left out); ``raw`` the configuration as written (for checks about inactive statements);
    ``folder`` the snapshot device folder, when the configuration came from one."""

    def __init__(self, tree: ConfigTree, facts: Facts, raw: ConfigTree | None = None, folder: Path | None = None,
                 main_source: str | None = None) -> None:
        self.tree = tree
        self.raw = raw
        self.facts = facts
        self.folder = folder
        self.main_source = main_source if main_source is not None else tree.source
        self._words: dict[str, list[Node]] = {}  # statements by first word, for the words asked so far
        self._all_words = False
        self._objects: references.Objects | None = None
        self._found: dict[str, list[Match]] = {}
        self._below: dict[tuple[str, int, int], list[Match]] = {}
        self._lines: dict[tuple[int, int], list[str]] = {}  # evidence of a statement: several rules quote it
        self._prefixes: dict[int, str] = {}  # set-line words of a statement's parent (neighbours share a group)
        self._paths: dict[int, str] = {}  # the same for match_path

    @property
    def root(self) -> Node:
        return self.tree.root

    def by_word(self, words: Collection[str] | None = None) -> dict[str, list[Node]]:
        """Statements by first word: those starting with ``words`` (one pass for the words not asked before), or
        every statement (``words`` None). Rules ask for a dozen words; indexing all 200,000 statements of a big
        configuration costs more than all of them together."""
        if words is None:
            if not self._all_words:
                self._words = index_by_word(self.tree.root)
                self._all_words = True
        elif not self._all_words:
            missing = [w for w in words if w not in self._words]
            if missing:
                self._words.update(index_by_word(self.tree.root, missing))
        return self._words

    @property
    def objects(self) -> references.Objects:
        if self._objects is None:
            self._objects = references.collect(self.tree.root, self.by_word(references.keywords()))
        return self._objects

    def find(self, pattern: Pattern) -> list[Match]:
        """Matches of a top-level pattern, remembered (several rules ask for the same BGP neighbours)."""
        found = self._found.get(pattern.text)
        if found is None:
            index = None
            if pattern.anywhere:
                first = pattern.words[0].literal
                index = self.by_word([first] if first is not None else None)
            found = find(pattern, self.tree.root, index)
            self._found[pattern.text] = found
        return found

    def find_below(self, pattern: Pattern, node: Node, used: int) -> list[Match]:
        """Matches of a relative pattern from inside ``node``, remembered: with inheritance every neighbour of a
        BGP group asks the same question of its group and of protocols bgp."""
        key = (pattern.text, id(node), used)
        found = self._below.get(key)
        if found is None:
            found = find_below(pattern, node, used)
            self._below[key] = found
        return found

    # --- evidence ---------------------------------------------------------------------------------------------
    def lines(self, node: Node, limit: int = MAX_EVIDENCE) -> list[str]:
        """The set lines of ``node`` and what it holds, each with where it was read: ``line 42: set ...``
        (``line 12 (group global): ...`` for inherited statements, the file name for another source)."""
        key = (id(node), limit)
        done = self._lines.get(key)
        if done is None:
            pairs = self._set_lines(node)
            done = [f"{self.where(owner)}: {line}" for line, owner in pairs[:limit]]
            if len(pairs) > limit:
                done.append(f"... and {len(pairs) - limit} more line(s) under '{path_text(node)}'")
            self._lines[key] = done
        return list(done)

    def _set_lines(self, node: Node) -> list[tuple[str, Node]]:
        """``display set`` of one statement with its full path, each line with the node it comes from."""
        parent = node.parent
        prefix = ""
        if parent is not None and parent.parent is not None:
            prefix = self._prefixes.get(id(parent)) or ""
            if not prefix:
                prefix = _words_from_top(parent) + " "
                self._prefixes[id(parent)] = prefix
        if node.children is None and node.lst is None and not node.flags:  # a plain leaf: one line, no writer needed
            q = node.quoted
            words = " ".join(f'"{t}"' if q >> i & 1 else t for i, t in enumerate(node.tokens))
            return [(f"set {prefix}{words}", node)]
        holder = Node((), [node], None, 0, node.source)  # write_set prints what a root holds: here, the one node
        out = []
        for line, owner in write_set(holder):
            verb, _, rest = line.partition(" ")
            out.append((f"{verb} {prefix}{rest}", owner))
        return out

    def match_path(self, m: Match) -> str:
        """``match_path`` with the words above the statement remembered (the neighbours of a group share them)."""
        parent = m.node.parent
        above = ""
        if parent is not None and parent.parent is not None:
            above = self._paths.get(id(parent)) or ""
            if not above:
                above = self._paths[id(parent)] = path_text(parent)
        words = " ".join(f'"{t}"' if needs_quotes(t) else t for t in m.words())
        return f"{above} {words}" if above else words

    def where(self, node: Node) -> str:
        place = f"line {node.line}"
        if node.source and node.source != self.main_source:
            place = f"{Path(node.source).name} line {node.line}"
        return f"{place} (group {node.group})" if node.group else place


def _words_from_top(node: Node) -> str:
    """The words of ``node`` and its ancestors as set lines print them (quoted as they were read)."""
    parts: list[str] = []
    cur: Node | None = node
    while cur is not None and cur.parent is not None:
        q = cur.quoted
        parts.append(" ".join(f'"{t}"' if q >> i & 1 else t for i, t in enumerate(cur.tokens)))
        cur = cur.parent
    return " ".join(reversed(parts))


def match_path(m: Match) -> str:
    """The words of a match from the top, quoted where Junos would: what a ``delete`` of it names."""
    above = path_text(m.node.parent) if m.node.parent is not None and m.node.parent.parent is not None else ""
    words = " ".join(f'"{t}"' if needs_quotes(t) else t for t in m.words())
    return f"{above} {words}" if above else words


def path_text(node: Node, used: int | None = None) -> str:
    """The words leading to ``node`` (its first ``used`` tokens only, when given), quoted where Junos would."""
    parts: list[str] = []
    cur: Node | None = node
    first = True
    while cur is not None and cur.parent is not None:
        toks = cur.tokens[:used] if first and used is not None else cur.tokens
        parts.extend(reversed([f'"{t}"' if needs_quotes(t) else t for t in toks]))
        cur = cur.parent
        first = False
    return " ".join(reversed(parts))
