"""Set form: writing ``show configuration | display set`` and applying set/delete/deactivate... commands to a tree.

Writing follows the device: one ``set`` line per leaf (and per element of a ``[ ]`` list, and per empty container),
``deactivate <path>`` right after the set lines of an inactive statement, ``protect <path>`` after a protected one,
values quoted as they were read (or where Junos needs quotes), annotations left out.

Applying a command finds what already exists statement by statement; for what is new, the grammar hints decide how
the words group into statements (``unit 0 {``, ``family inet {``, ``address 10.0.0.1/24;``). Every command returns a
SetResult, so a change review can report e.g. a ``delete`` of a path that is not there.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from msplus.errors import ConfigSyntaxError
from msplus.junosconf import grammar
from msplus.junosconf.node import INACTIVE, PROTECT, Node, copy_node, paused_gc

_SET_TOKEN = re.compile(r'\s*(?:"((?:[^"\\]|\\.)*)"|([\[\]])|(#)|([{};])|([^\s"\[\]{};]+))')
VERBS = frozenset(
    {"set", "delete", "deactivate", "activate", "protect", "unprotect", "insert", "rename", "copy", "annotate",
     "edit", "top", "up", "exit"}
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class SetResult:
    """What one command did. ``status``: added, exists, replaced (``old`` holds the words replaced), deleted,
    changed, unchanged, moved, or absent (the path named is not in the configuration)."""

    op: str
    status: str
    path: tuple[str, ...]
    line: int
    nodes: tuple[Node, ...] = ()
    old: tuple[str, ...] | None = None

    def __str__(self) -> str:
        what = " ".join(self.path)
        if self.status == "absent":
            return f"line {self.line}: {self.op} of absent path '{what}'"
        return f"line {self.line}: {self.op} '{what}': {self.status}"


# --- writing -------------------------------------------------------------------------------------------------------
def _words(node: Node) -> list[str]:
    q = node.quoted
    return [f'"{t}"' if q >> i & 1 else t for i, t in enumerate(node.tokens)]


def write_set(root: Node) -> list[tuple[str, Node]]:
    """Every set line (and deactivate/protect line) with the node it comes from, in configuration order."""
    out: list[tuple[str, Node]] = []
    with paused_gc():
        _walk(root.children or (), "", out)
    return out


def _walk(nodes: Sequence[Node], prefix: str, out: list[tuple[str, Node]]) -> None:
    for node in nodes:
        words = _words(node) if node.quoted else node.tokens
        if node.lst is not None:
            start, end = node.lst
            head = prefix + " ".join(words[:start])
            tail = "".join(" " + w for w in words[end:])
            out.extend((f"set {head} {element}{tail}", node) for element in words[start:end])
        elif node.children:
            _walk(node.children, prefix + " ".join(words) + " ", out)
        else:
            out.append(("set " + prefix + " ".join(words), node))
        if node.flags & (INACTIVE | PROTECT):
            ident = prefix + " ".join(words[: _identity(node)])
            if node.flags & INACTIVE:
                out.append(("deactivate " + ident, node))
            if node.flags & PROTECT:
                out.append(("protect " + ident, node))


def _identity(node: Node) -> int:
    if node.lst is not None:
        return node.lst[0]
    return grammar.identity_length(node.tokens, context_of(node.parent), node.children is None)


def context_of(node: Node | None) -> grammar.Context:
    """The grammar context inside ``node`` (the chain of schema keywords from the top)."""
    chain: list[Node] = []
    while node is not None and node.parent is not None:
        chain.append(node)
        node = node.parent
    ctx: grammar.Context = ()
    for n in reversed(chain):
        ctx = grammar.child_context(ctx, n.tokens)
    return ctx


# --- reading one command -------------------------------------------------------------------------------------------
@dataclass(slots=True)
class Command:
    verb: str
    words: list[str]
    quoted: int  # bit i: words[i] was quoted
    lists: list[tuple[int, int]]  # [ ] spans in words


def tokenize(line: str, lineno: int, source: str) -> Command | None:
    """Split one set-form line; None for a blank or comment line. Raises ConfigSyntaxError with the column."""
    words: list[str] = []
    quoted = 0
    lists: list[tuple[int, int]] = []
    open_at = -1
    pos = 0
    while pos < len(line):
        m = _SET_TOKEN.match(line, pos)
        if m is None:
            if line[pos:].strip():
                col = len(line) - len(line[pos:].lstrip()) + 1
                raise ConfigSyntaxError("unterminated quoted string", path=source, line=lineno, column=col)
            break
        string, bracket, hash_, brace, word = m.groups()
        col = m.end() - len(m.group().lstrip()) + 1
        if hash_ is not None:
            break
        if brace is not None:
            raise ConfigSyntaxError(
                f"'{brace}' in a set command (curly text mixed with set lines?)", path=source, line=lineno, column=col
            )
        if bracket is not None:
            open_at = _bracket(bracket, open_at, len(words), lists, (source, lineno, col))
        else:
            if string is not None:
                quoted |= 1 << len(words)
            words.append(word if string is None else string)
        pos = m.end()
    if open_at >= 0:
        raise ConfigSyntaxError("'[' not closed", path=source, line=lineno, column=len(line) + 1)
    if not words:
        return None
    verb = words[0]
    if verb not in VERBS or quoted & 1:
        raise ConfigSyntaxError(f"not a configuration command: {verb!r}", path=source, line=lineno, column=1)
    return Command(verb, words[1:], quoted >> 1, [(s - 1, e - 1) for s, e in lists])


def _bracket(bracket: str, open_at: int, count: int, lists: list[tuple[int, int]], where: tuple[str, int, int]) -> int:
    """Track ``[ ... ]`` in a set line; returns where the open list starts (-1 when none is open)."""
    source, lineno, col = where
    if bracket == "[":
        if open_at >= 0 or not count:
            raise ConfigSyntaxError("misplaced '['", path=source, line=lineno, column=col)
        return count
    if open_at < 0 or open_at == count:
        raise ConfigSyntaxError("misplaced ']'", path=source, line=lineno, column=col)
    lists.append((open_at, count))
    return -1


# --- finding statements by words -----------------------------------------------------------------------------------
Match = tuple[Node, int, int | None]  # node, how many of its tokens the path used, list element index or None
Same = Callable[[str, str], bool] | None  # compares a path word with a statement word; None: equality


def locate(node: Node, path: Sequence[str], i: int = 0, same: Same = None) -> Iterator[Match]:
    """Statements the words ``path[i:]`` lead to, in order. The path may end inside a statement's words
    (``system host-name`` finds ``host-name r1;``). ``same(pattern_word, word)`` compares words (default: equal)."""
    if node.children is None or i >= len(path):
        return
    word = path[i]
    if same is None:
        candidates: Sequence[Node] = node.index().get(word, ())
    else:
        candidates = node.children
    rem = len(path) - i
    for c in candidates:
        toks = c.tokens
        k = len(toks)
        if c.lst is not None:
            yield from _locate_list(c, path, i, same)
            continue
        if rem >= k:
            if not _same_run(path, i, toks, k, same):
                continue
            if rem == k:
                yield (c, k, None)
            elif c.children:
                yield from locate(c, path, i + k, same)
        elif _same_run(path, i, toks, rem, same):
            yield (c, rem, None)


def _same_run(path: Sequence[str], i: int, toks: tuple[str, ...], k: int, same: Same) -> bool:
    if same is None:
        return tuple(path[i : i + k]) == toks[:k]
    return all(same(path[i + j], toks[j]) for j in range(k))


def _locate_list(c: Node, path: Sequence[str], i: int, same: Same) -> Iterator[Match]:
    start, end = c.lst  # type: ignore[misc]
    toks = c.tokens
    rem = len(path) - i
    if rem <= start:
        if _same_run(path, i, toks, rem, same):
            yield (c, rem, None)
        return
    if not _same_run(path, i, toks, start, same):
        return
    suffix = toks[end:]
    if rem != start + 1 + len(suffix) and rem != start + 1:
        return
    for el in range(start, end):
        if (same(path[i + start], toks[el]) if same else path[i + start] == toks[el]) and all(
            (same(path[i + start + 1 + j], s) if same else path[i + start + 1 + j] == s)
            for j, s in enumerate(suffix[: rem - start - 1])
        ):
            yield (c, start + 1, el)
            if same is None:
                return


# --- applying commands ---------------------------------------------------------------------------------------------
class Applier:
    """Applies commands to the tree under ``root``; keeps the ``edit`` level between commands."""

    def __init__(self, root: Node, source: str) -> None:
        self.root = root
        self.source = source
        self.edit: list[str] = []
        self.line = 0  # of the command being applied
        self.src = source

    def apply(self, line: str, lineno: int = 0, source: str | None = None) -> SetResult:
        self.line = lineno
        self.src = source or self.source
        cmd = tokenize(line, lineno, self.src)
        if cmd is None:
            return SetResult("comment", "unchanged", (), lineno)
        if cmd.verb in ("top", "exit", "up"):
            return self._move(cmd)
        if cmd.verb == "annotate":
            return self._annotate(cmd)
        return self._path_command(cmd)

    def _path_command(self, cmd: Command) -> SetResult:
        if not cmd.words:
            raise ConfigSyntaxError(
                f"'{cmd.verb}' needs a path", path=self.src, line=self.line, column=len(cmd.verb) + 1
            )
        path = (*self.edit, *cmd.words)
        if cmd.verb == "set":
            return self._set_all(cmd, path)
        if cmd.verb == "edit":
            self.edit = list(path)
            return SetResult("edit", "moved", path, self.line)
        if cmd.lists:
            raise ConfigSyntaxError(f"a list '[ ]' in '{cmd.verb}'", path=self.src, line=self.line, column=1)
        if cmd.verb in ("insert", "rename", "copy"):
            return self._reorder(cmd)
        return self._flag(cmd.verb, path)

    def _move(self, cmd: Command) -> SetResult:
        if cmd.verb == "up":
            count = int(cmd.words[0]) if cmd.words and cmd.words[0].isdigit() else 1
            del self.edit[max(0, len(self.edit) - count) :]
        elif cmd.verb == "exit" and self.edit:
            self.edit.pop()
        else:
            self.edit = []
        return SetResult(cmd.verb, "moved", tuple(self.edit), self.line)

    # set ---------------------------------------------------------------------------------------------------------
    def _set_all(self, cmd: Command, path: tuple[str, ...]) -> SetResult:
        base = len(self.edit)
        quoted = cmd.quoted << base
        if not cmd.lists:
            return self.set_words(path, quoted)
        if len(cmd.lists) > 1:
            raise ConfigSyntaxError(
                "more than one list '[ ]' in a set command", path=self.src, line=self.line, column=1
            )
        start, end = (x + base for x in cmd.lists[0])
        results = []
        for el in range(start, end):
            words = (*path[:start], path[el], *path[end:])
            bits = (quoted & ((1 << start) - 1)) | ((quoted >> el & 1) << start) | ((quoted >> end) << (start + 1))
            results.append(self.set_words(words, bits))
        status = "added" if any(r.status == "added" for r in results) else results[-1].status
        return SetResult("set", status, path, self.line, tuple(n for r in results for n in r.nodes))

    def set_words(self, toks: tuple[str, ...], quoted: int) -> SetResult:
        """``set`` the statement(s) named by ``toks``; ``quoted`` bit i marks toks[i] as quoted."""
        node = self.root
        ctx: grammar.Context = ()
        i = 0
        while i < len(toks):
            step = self._existing(node, ctx, toks, i) or self._sibling(node, ctx, toks, i, quoted)
            if isinstance(step, SetResult):
                return step
            if step is None:
                new = self._build(node, ctx, toks, i, quoted)
                return SetResult("set", "added", toks, self.line, (new,))
            node, ctx, i = step
        return SetResult("set", "exists", toks, self.line, (node,))

    def _existing(
        self, node: Node, ctx: grammar.Context, toks: tuple[str, ...], i: int
    ) -> tuple[Node, grammar.Context, int] | SetResult | None:
        """Step into the statement ``toks[i:]`` starts with, if it exists."""
        rest = toks[i:]
        for c in node.index().get(toks[i], ()) if node.children is not None else ():
            k = len(c.tokens)
            if c.lst is not None or k > len(rest) or c.tokens != rest[:k]:
                continue
            if c.children is None and k == len(rest):
                return SetResult("set", "exists", toks, self.line, (c,))
            if c.children is None:
                c.children = []  # a presence leaf ("ssh;") that now gets options
            return c, grammar.child_context(ctx, c.tokens), i + k
        return None

    def _sibling(
        self, node: Node, ctx: grammar.Context, toks: tuple[str, ...], i: int, quoted: int
    ) -> tuple[Node, grammar.Context, int] | SetResult | None:
        """A leaf with the same keyword: a list to add to, a value to replace, or a flexible statement."""
        rest = toks[i:]
        candidates = node.index().get(toks[i], ()) if node.children is not None else ()
        for c in candidates:
            if c.lst is not None and c.children is None and self._add_element(c, rest, quoted >> i):
                return SetResult("set", "added", toks, self.line, (c,))
            if c.lst is not None and c.children is None and self._in_list(c, rest):
                return SetResult("set", "exists", toks, self.line, (c,))
        for c in candidates:
            if c.children is not None or c.lst is not None or len(c.tokens) < 2:
                continue
            n = len(c.tokens)
            if len(rest) == n and c.tokens[:-1] == rest[:-1] and self._list_word(c.tokens, ctx):
                c.tokens = (*c.tokens, rest[-1])  # "members a" then "members b": members [ a b ]
                c.quoted |= (quoted >> (i + n - 1) & 1) << n
                c.lst = (n - 1, n + 1)
                return SetResult("set", "added", toks, self.line, (c,))
            if grammar.is_flex(c.tokens[0], ctx):
                inner = Node(c.tokens[1:], None, c, c.line, c.source)
                inner.quoted = c.quoted >> 1
                c.tokens, c.quoted, c.children = c.tokens[:1], c.quoted & 1, [inner]
                return c, grammar.child_context(ctx, c.tokens), i + 1
            if len(rest) == 2 and grammar.single_valued(c.tokens, ctx):
                old = c.tokens
                c.tokens, c.quoted, c.line, c.source = rest, quoted >> i & 3, self.line, self.src
                return SetResult("set", "replaced", toks, self.line, (c,), old)
        return None

    @staticmethod
    def _list_word(tokens: tuple[str, ...], ctx: grammar.Context) -> bool:
        """Whether the next-to-last word of a leaf holds a list of values (``community c members 65000:1``)."""
        inner = grammar.child_context(ctx, tokens[:1]) if len(tokens) > 2 else ctx
        return grammar.is_leaf_list(tokens[-2], inner)

    @staticmethod
    def _in_list(c: Node, rest: tuple[str, ...]) -> bool:
        start, end = c.lst  # type: ignore[misc]
        return (
            len(rest) == start + 1 + len(c.tokens) - end
            and rest[:start] == c.tokens[:start]
            and rest[start + 1 :] == c.tokens[end:]
            and rest[start] in c.tokens[start:end]
        )

    @staticmethod
    def _add_element(c: Node, rest: tuple[str, ...], quoted: int) -> bool:
        """Add ``rest``'s value to the list leaf ``c`` if ``rest`` names another element of it."""
        start, end = c.lst  # type: ignore[misc]
        if len(rest) != start + 1 + len(c.tokens) - end or rest[:start] != c.tokens[:start]:
            return False
        if rest[start + 1 :] != c.tokens[end:] or rest[start] in c.tokens[start:end]:
            return False
        c.tokens = (*c.tokens[:end], rest[start], *c.tokens[end:])
        c.quoted = (c.quoted & ((1 << end) - 1)) | ((quoted >> start & 1) << end) | ((c.quoted >> end) << (end + 1))
        c.lst = (start, end + 1)
        return True

    def _build(self, node: Node, ctx: grammar.Context, toks: tuple[str, ...], i: int, quoted: int) -> Node:
        """Create the statements for ``toks[i:]`` under ``node``, grouped as the grammar hints say."""
        while True:
            k = grammar.head_length(toks, i, ctx)
            words = toks[i : i + k]
            leaf = i + k >= len(toks)
            new = Node(words, None if leaf else [], node, self.line, self.src)
            new.quoted = quoted >> i & ((1 << k) - 1)
            node.add(new)
            if leaf:
                return new
            ctx = grammar.child_context(ctx, words)
            node = new
            i += k

    # delete, deactivate, activate, protect, unprotect ----------------------------------------------------------------
    def _flag(self, verb: str, path: tuple[str, ...]) -> SetResult:
        matches = list(locate(self.root, path))
        if not matches:
            return SetResult(verb, "absent", path, self.line)
        nodes = tuple(dict.fromkeys(m[0] for m in matches))
        if verb == "delete":
            for node, _used, el in matches:
                self._delete(node, el)
            return SetResult(verb, "deleted", path, self.line, nodes)
        flag = INACTIVE if verb in ("deactivate", "activate") else PROTECT
        changed = False
        for node in nodes:
            before = node.flags
            node.flags = node.flags | flag if verb in ("deactivate", "protect") else node.flags & ~flag
            changed = changed or node.flags != before
        return SetResult(verb, "changed" if changed else "unchanged", path, self.line, nodes)

    @staticmethod
    def _delete(node: Node, element: int | None) -> None:
        parent = node.parent
        if element is not None and node.lst is not None:
            start, end = node.lst
            if end - start > 1:
                node.tokens = node.tokens[:element] + node.tokens[element + 1 :]
                q = node.quoted
                node.quoted = (q & ((1 << element) - 1)) | ((q >> (element + 1)) << element)
                node.lst = (start, end - 1) if end - 1 - start > 1 else None
                return
        if parent is not None and parent.children is not None and node in parent.children:
            parent.remove(node)

    # annotate, insert, rename, copy ----------------------------------------------------------------------------------
    def _annotate(self, cmd: Command) -> SetResult:
        if len(cmd.words) < 2:
            raise ConfigSyntaxError("annotate needs a statement and a comment", path=self.src, line=self.line, column=1)
        path = (*self.edit, *cmd.words[:-1])
        nodes = tuple(dict.fromkeys(m[0] for m in locate(self.root, path)))
        if not nodes:
            return SetResult("annotate", "absent", path, self.line)
        text = cmd.words[-1].strip()
        if text.startswith("/*") and text.endswith("*/"):
            text = text[2:-2].strip()
        for node in nodes:
            node.annotation = text or None
        return SetResult("annotate", "changed", path, self.line, nodes)

    def _reorder(self, cmd: Command) -> SetResult:
        words = cmd.words
        link = ("before", "after") if cmd.verb == "insert" else ("to",)
        at = max((j for j, w in enumerate(words) if w in link), default=-1)
        if at <= 0 or at == len(words) - 1:
            raise ConfigSyntaxError(
                f"{cmd.verb} needs '<path> {' or '.join(link)} <statement>'", path=self.src, line=self.line, column=1
            )
        path = (*self.edit, *words[:at])
        target = tuple(words[at + 1 :])
        found = [m[0] for m in locate(self.root, path) if m[1] == len(m[0].tokens)]
        if not found:
            return SetResult(cmd.verb, "absent", path, self.line)
        node = found[0]
        parent = node.parent
        assert parent is not None and parent.children is not None
        keep = max(0, len(node.tokens) - len(target))
        new_tokens = (*node.tokens[:keep], *target)
        if cmd.verb == "rename":
            node.quoted &= (1 << keep) - 1
            node.retokened(new_tokens)
            return SetResult("rename", "changed", path, self.line, (node,), path)
        if cmd.verb == "copy":
            dup = copy_node(node, parent)
            dup.tokens = new_tokens
            dup.quoted &= (1 << keep) - 1
            dup.line = self.line
            parent.add(dup, parent.children.index(node) + 1)
            return SetResult("copy", "added", path, self.line, (dup,))
        ref = next((c for c in parent.children if c.tokens[keep:] == target or c.tokens == target), None)
        if ref is None or ref is node:
            return SetResult("insert", "absent", (*path[: len(path) - len(node.tokens)], *target), self.line)
        parent.children.remove(node)
        parent.add(node, parent.children.index(ref) + (words[at] == "after"))
        return SetResult("insert", "moved", path, self.line, (node,))
