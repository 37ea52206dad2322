"""CLI commands to RPCs, from the project's one table (msplus/data/commands.yaml) plus a device's extra commands.

Matching follows the Junos CLI: words may be abbreviated to any unambiguous prefix (``sh ver``), extra blanks are
ignored, and an unknown word is reported at its position (for the caret under it).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from msplus.commandtable import load_commands


@dataclass(frozen=True, slots=True)
class Entry:
    cli: str
    words: tuple[str, ...]
    rpc: str | None  # None: a device's extra command, answered from its own file
    args: tuple[tuple[str, str | bool], ...] = ()


@dataclass(frozen=True, slots=True)
class Match:
    entry: Entry | None
    rest: tuple[str, ...] = ()  # words after "show configuration" (a configuration path)
    bad_index: int | None = None  # index of the first word not understood

    @property
    def ok(self) -> bool:
        return self.entry is not None


@cache
def table() -> tuple[Entry, ...]:
    """The shared command table (msplus.commandtable); refuses a malformed one with InputError naming the file."""
    return tuple(Entry(cli=cli, words=tuple(cli.split()), rpc=rpc, args=args)
                 for cli, rpc, args in load_commands().entries)


def extra_entries(clis: list[str] | tuple[str, ...]) -> tuple[Entry, ...]:
    return tuple(Entry(cli=c, words=tuple(c.split()), rpc=None) for c in clis)


def match(words: list[str], entries: tuple[Entry, ...]) -> Match:
    """Find the command ``words`` name. ``show configuration ...`` matches with the path in ``rest``."""
    if len(words) >= 2 and _prefix(words[0], "show") and _prefix(words[1], "configuration"):
        return Match(Entry("show configuration", ("show", "configuration"), "get-configuration"), tuple(words[2:]))
    candidates = [e for e in entries if len(e.words) == len(words)]
    best_depth = 0
    for depth, word in enumerate(words):
        exact = [e for e in candidates if e.words[depth] == word]
        candidates = exact or [e for e in candidates if _prefix(word, e.words[depth])]
        if not candidates:
            return Match(None, bad_index=_deepest(words, entries, best_depth))
        best_depth = depth + 1
    distinct = {e.words for e in candidates}
    if len(distinct) > 1:
        return Match(None, bad_index=len(words) - 1)
    return Match(candidates[0])


def _deepest(words: list[str], entries: tuple[Entry, ...], floor: int) -> int:
    """Index of the first word no command (of any length) accepts at that position."""
    pool = [*entries, Entry("show configuration", ("show", "configuration"), None)]
    for depth, word in enumerate(words):
        pool = [e for e in pool if len(e.words) > depth and _prefix(word, e.words[depth])]
        if not pool:
            return depth
    return max(floor, len(words) - 1)


def _prefix(word: str, full: str) -> bool:
    return bool(word) and full.startswith(word)
