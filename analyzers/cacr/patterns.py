"""Hierarchy patterns for rules: ``protocols bgp group <*> neighbor <*>``, ``interfaces <ae*>``,
``... traceoptions flag all``.

A pattern is the words of a set line. ``<*>`` (or ``<name>``) stands for any one word, ``<ge-*>`` is a glob on one
word, other words match themselves. A leading ``...`` lets the pattern start at any depth. Words are matched
against statement tokens the way set lines read them, whatever the grouping of the tree: ``system ntp server <*>``
finds both ``server 10.0.0.1;`` and ``server 10.0.0.1 key 1 prefer;``; ``... application any`` finds the element of
``application [ junos-ssh any ];``.

ConfigTree.match answers "which statements"; rules also need where inside a statement a match stopped (to go on
matching below it: ``key`` after ``server 10.0.0.1`` in ``server 10.0.0.1 key 1;``) and what the wildcards matched
(to name things in messages and remediation), hence this small matcher over the same Node API.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from msplus.junosconf import Node

ANYWHERE = "..."


@dataclass(frozen=True, slots=True)
class Word:
    """One pattern word: ``literal`` (matches itself), or a wildcard with an optional ``glob``."""

    literal: str | None
    glob: str | None = None
    _regex: re.Pattern[str] | None = field(default=None, compare=False, repr=False)

    @classmethod
    def wildcard(cls, glob: str | None) -> Word:
        return cls(None, glob, re.compile(fnmatch.translate(glob)) if glob is not None else None)

    def matches(self, token: str) -> bool:
        if self.literal is not None:
            return token == self.literal
        return self._regex is None or self._regex.match(token) is not None


class Match(NamedTuple):
    """A statement a pattern reached: ``used`` of its tokens were consumed; ``captures`` are what the wildcards
    matched, in order; ``element`` the index of the token matched inside a ``[ list ]``, if the pattern went
    through one."""

    node: Node
    used: int
    captures: tuple[str, ...]
    element: int | None = None

    def words(self) -> tuple[str, ...]:
        """The statement's words the pattern consumed, with only the list element it matched."""
        toks = self.node.tokens
        lst = self.node.lst
        if self.element is None or lst is None:
            return toks[: self.used]
        return (*toks[: lst[0]], toks[self.element], *toks[lst[1] : self.used])


@dataclass(frozen=True, slots=True)
class Pattern:
    text: str
    words: tuple[Word, ...]
    anywhere: bool = False

    @property
    def wildcards(self) -> int:
        return sum(1 for w in self.words if w.literal is None)

    @property
    def literal_prefix(self) -> tuple[str, ...]:
        """The words before the first wildcard (where to look for evidence when nothing matches)."""
        out: list[str] = []
        for w in self.words:
            if w.literal is None:
                break
            out.append(w.literal)
        return tuple(out)

    def __str__(self) -> str:
        return self.text


def parse_pattern(text: str) -> Pattern:
    """Compile a pattern. Raises ValueError with the reason for an empty pattern, a misplaced ``...`` or a word
    with unbalanced ``< >``."""
    if not isinstance(text, str):
        raise ValueError("a pattern is a string of words")
    parts = text.split()
    anywhere = bool(parts) and parts[0] == ANYWHERE
    if anywhere:
        parts = parts[1:]
    if not parts:
        raise ValueError("empty pattern")
    words = []
    for part in parts:
        if part == ANYWHERE:
            raise ValueError("'...' is allowed only at the start of a pattern")
        if part.startswith("<") and part.endswith(">") and len(part) > 2:
            inner = part[1:-1]
            if "<" in inner or ">" in inner:
                raise ValueError(f"unbalanced '<>' in {part!r}")
            words.append(Word.wildcard(inner if any(ch in inner for ch in "*?[") else None))
        elif "<" in part or ">" in part:
            raise ValueError(f"a wildcard is a whole word in '<>': {part!r}")
        else:
            words.append(Word(part))
    return Pattern(text, tuple(words), anywhere)


def find(pattern: Pattern, root: Node, by_word: dict[str, list[Node]] | None = None) -> list[Match]:
    """Every match of ``pattern`` in the tree under ``root``. A pattern starting with ``...`` needs ``by_word``
    (statements by first token; see ``index_by_word``)."""
    out: list[Match] = []
    if pattern.anywhere:
        if by_word is None:
            by_word = index_by_word(root)
        first = pattern.words[0]
        starts: Iterable[Node] = (
            by_word.get(first.literal, ()) if first.literal is not None else (n for ns in by_word.values() for n in ns)
        )
        for node in starts:
            _walk(node, 0, pattern.words, 0, (), out)
        return _unique(out)
    _children(root, pattern.words, 0, (), out)
    return _unique(out)


def find_below(pattern: Pattern, node: Node, used: int) -> list[Match]:
    """Matches of ``pattern`` read on from inside ``node`` after its first ``used`` tokens (a relative pattern:
    ``authentication-key`` below a BGP neighbour, ``key <*>`` after ``server 10.0.0.1``)."""
    out: list[Match] = []
    _walk(node, used, pattern.words, 0, (), out)
    return _unique(out)


def index_by_word(root: Node, words: Collection[str] | None = None) -> dict[str, list[Node]]:
    """Statements under ``root`` by their first token, in configuration order: every statement, or (``words``
    given) those starting with one of ``words``, each word a key even when nothing starts with it."""
    index: dict[str, list[Node]] = {w: [] for w in words} if words is not None else {}
    stack = list(reversed(root.children or ()))
    while stack:
        node = stack.pop()
        if words is None:
            index.setdefault(node.tokens[0], []).append(node)
        elif node.tokens[0] in index:
            index[node.tokens[0]].append(node)
        if node.children:
            stack.extend(reversed(node.children))
    return index


SMALL = 8  # up to this many children a scan beats building the node's child index (a dict per statement)


def _children(node: Node, words: tuple[Word, ...], i: int, caps: tuple[str, ...], out: list[Match]) -> None:
    children = node.children
    if not children:
        return
    word = words[i]
    literal = word.literal
    if literal is None:
        candidates: Iterable[Node] = children
    elif len(children) <= SMALL:
        candidates = [c for c in children if c.tokens[0] == literal]
    else:
        candidates = node.index().get(literal, ())
    for child in candidates:
        _walk(child, 0, words, i, caps, out)


def _walk(node: Node, used: int, words: tuple[Word, ...], i: int, caps: tuple[str, ...], out: list[Match],
          element: int | None = None) -> None:
    toks = node.tokens
    lst = node.lst
    while i < len(words) and used < len(toks):
        if lst is not None and used == lst[0]:
            # a [ list ]: the word matches one element, and matching goes on after the list
            word = words[i]
            for index in range(lst[0], lst[1]):
                if word.matches(toks[index]):
                    more = (*caps, toks[index]) if word.literal is None else caps
                    _walk(node, lst[1], words, i + 1, more, out, index)
            return
        word = words[i]
        if not word.matches(toks[used]):
            return
        if word.literal is None:
            caps = (*caps, toks[used])
        used += 1
        i += 1
    if i == len(words):
        out.append(Match(node, used, caps, element))
    elif used >= len(toks):
        _children(node, words, i, caps, out)


def _unique(matches: list[Match]) -> list[Match]:
    if len(matches) < 2:
        return matches
    seen: set[tuple[int, int, tuple[str, ...], int | None]] = set()
    out = []
    for m in matches:
        key = (id(m.node), m.used, m.captures, m.element)
        if key not in seen:
            seen.add(key)
            out.append(m)
    return out
