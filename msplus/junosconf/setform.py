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
from msplus.gcpause import paused_gc
from msplus.junosconf import schema as sch
from msplus.junosconf.limits import limits
from msplus.junosconf.node import DELETE, INACTIVE, PROTECT, Node, copy_node
from msplus.junosconf.statements import attach

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
    """Every set line (and deactivate/protect line) with the node it comes from, in configuration order.
    Iterative: a stack of child iterators (each level's prefix built once; depth is bounded by limits.yaml)."""
    out: list[tuple[str, Node]] = []
    append = out.append
    flagged = INACTIVE | PROTECT
    # (children iterator, prefix of its lines, the container it belongs to when its flag lines follow, its prefix)
    stack: list[tuple[Iterator[Node], str, Node | None, str]] = [(iter(root.children or ()), "", None, "")]
    with paused_gc():
        while stack:
            it, prefix, owner, owner_prefix = stack[-1]
            for node in it:
                words = _words(node) if node.quoted else node.tokens
                flags = node.flags
                if flags & DELETE:
                    append(("delete " + prefix + " ".join(words[: _identity(node)]), node))
                    continue
                lst = node.lst
                if lst is not None:
                    start, end = lst
                    head = prefix + " ".join(words[:start])
                    tail = "".join(" " + w for w in words[end:])
                    out.extend((f"set {head} {element}{tail}", node) for element in words[start:end])
                elif node.children:
                    inner = prefix + " ".join(words) + " "
                    stack.append((iter(node.children), inner, node if flags & flagged else None, prefix))
                    break
                else:
                    append(("set " + prefix + " ".join(words), node))
                if flags & flagged:
                    _flag_lines(node, prefix, words, out)
            else:
                stack.pop()
                if owner is not None:
                    _flag_lines(owner, owner_prefix, _words(owner) if owner.quoted else owner.tokens, out)
    return out


def _flag_lines(node: Node, prefix: str, words: Sequence[str], out: list[tuple[str, Node]]) -> None:
    if node.flags & (INACTIVE | PROTECT):
        ident = prefix + " ".join(words[: _identity(node)])
        if node.flags & INACTIVE:
            out.append(("deactivate " + ident, node))
        if node.flags & PROTECT:
            out.append(("protect " + ident, node))


def _identity(node: Node) -> int:
    if node.lst is not None:
        return node.lst[0]
    if node.schema < 0:
        return len(node.tokens) if node.children is not None else _unknown_identity(node.tokens)
    return sch.identity_length(node.schema, node.tokens)


def _unknown_identity(tokens: tuple[str, ...]) -> int:
    """A statement the schema lacks: a two-word leaf is named by its keyword (like a value), others by all words."""
    return 1 if len(tokens) == 2 else len(tokens)


_LEAVES = frozenset({sch.LEAF, sch.LEAF_LIST, sch.FLAG})


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
    limit = limits()
    _check_length(line, lineno, source)
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
    if len(words) > limit.max_words:
        column = len(" ".join(words[: limit.max_words + 1])) + 1
        raise ConfigSyntaxError(
            f"command of more than {limit.max_words} words (limit in limits.yaml)", path=source, line=lineno,
            column=column,
        )
    if not words:
        return None
    return _command(words, quoted, lists, lineno, source)


def _check_length(line: str, lineno: int, source: str) -> None:
    limit = limits().max_line_length
    if len(line) > limit:
        raise ConfigSyntaxError(
            f"line longer than {limit} characters (limit in limits.yaml)", path=source, line=lineno, column=limit + 1
        )


def _command(words: list[str], quoted: int, lists: list[tuple[int, int]], lineno: int, source: str) -> Command:
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


def _set_source(first: Node, last: Node, source: str) -> None:
    node: Node | None = last
    while node is not None:
        node.source = source
        if node is first:
            break
        node = node.parent


def _exclude(node: Node, cid: int, word: str) -> None:
    """Remove siblings that sit in another case of a choice the new statement ``word`` is in (``disable`` and
    ``enable``, ``next-hop`` and ``discard``): Junos keeps one case."""
    sn = sch.node(node.schema)
    if sn is None or not sn.choice or not node.children:
        return
    name = sch.ALIASES.get(word, word) if cid >= 0 and word not in sn.children else word
    if cid >= 0 and name not in sn.children:
        name = next((k for k, v in sn.children.items() if v == cid and k not in sn.keys), name)
    tag = sn.choice.get(name)
    if tag is None:
        return
    for c in list(node.children):
        other = sn.choice.get(c.tokens[0]) if c.schema >= 0 else None
        if other is not None and _exclusive(tag, other):
            node.remove(c)


def _exclusive(a: str, b: str) -> bool:
    for x, y in zip(a.split(":"), b.split(":"), strict=False):
        cx, _, kx = x.rpartition("/")
        cy, _, ky = y.rpartition("/")
        if cx != cy:
            return False
        if kx != ky:
            return True
    return False


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
        """``set`` the statement(s) named by ``toks``; ``quoted`` bit i marks toks[i] as quoted. Linear in the
        number of words: each step looks up one statement among a node's children by its first word."""
        node = self.root
        n = len(toks)
        i = 0
        while i < n:
            sid = node.schema
            if sid >= 0:
                cid, kind, take = sch.step(sid, toks, i, node.tokens[0] if node.tokens else "")
            else:
                cid, kind, take = sch.UNKNOWN, "", n - i
            words = toks[i : i + take]
            last = i + take >= n
            if not last and kind in _LEAVES:  # "file f size 10m": a leaf, then its siblings
                if self._same(node, cid, kind, words, True, quoted >> i) is None:
                    _exclude(node, cid, words[0])
                    attach(node, words, quoted >> i, None, self.line, False)
                i += take
                continue
            rest = toks[i:]
            for c in node.index().get(rest[0], ()) if node.children and not last else ():
                if c.schema < 0 and c.tokens == rest:  # set again, as the statement the schema lacks it was read as
                    return SetResult("set", "exists", toks, self.line, (c,))
            same = self._same(node, cid, kind, words, last, quoted >> i)
            if isinstance(same, SetResult):
                return SetResult("set", same.status, toks, self.line, same.nodes, same.old)
            if same is None:
                _exclude(node, cid, words[0])
                first, new = attach(node, toks[i:], quoted >> i, None, self.line, False)
                _set_source(first, new, self.src)
                return SetResult("set", "added", toks, self.line, (new,))
            if same.children is None:
                if last:
                    return SetResult("set", "exists", toks, self.line, (same,))
                same.children = []  # a presence statement ("ssh;") that now gets options
            node = same
            i += take
        return SetResult("set", "exists", toks, self.line, (node,))

    def _same(
        self, node: Node, cid: int, kind: str, words: tuple[str, ...], last: bool, quoted: int
    ) -> Node | SetResult | None:
        """The statement ``words`` names among ``node``'s children (to step into), a result when the command ends
        on an existing leaf (value replaced, list value added, already there), or None when it is new."""
        if not node.children:
            return None
        index = node.index()
        if kind == sch.LEAF_LIST and len(words) == 2:
            for c in index.get(words[0], ()):
                if c.children is None and c.schema == cid:
                    return self._add_value(c, words, quoted >> 1 & 1)
            return None
        if kind == sch.LEAF and last and len(words) <= 2:
            return self._same_leaf(node, cid, words, quoted)
        for c in index.get(words[0], ()):
            if c.tokens == words and c.lst is None:
                return c
        return None

    def _same_leaf(self, node: Node, cid: int, words: tuple[str, ...], quoted: int) -> SetResult | None:
        """A single-valued leaf: the same value (exists), another value (replaced), or none yet."""
        if len(words) == 2:
            candidates = [c for c in node.index().get(words[0], ()) if c.children is None and c.schema == cid]
        else:  # a value written without keyword: "autonomous-system 65432"
            candidates = [c for c in node.children or () if c.schema == cid and len(c.tokens) == 1]
        for c in candidates:
            if c.tokens == words:
                return SetResult("set", "exists", words, self.line, (c,))
            old = c.tokens
            c.retokened(words)
            c.quoted = quoted & ((1 << len(words)) - 1)
            c.line, c.source = self.line, self.src
            return SetResult("set", "replaced", words, self.line, (c,), old)
        return None

    def _add_value(self, c: Node, words: tuple[str, ...], value_quoted: int) -> SetResult:
        """Add a value to a leaf-list (``members a`` then ``members b``: members [ a b ])."""
        value = words[1]
        start, end = c.lst if c.lst is not None else (1, len(c.tokens))
        if value in c.tokens[start:end]:
            return SetResult("set", "exists", words, self.line, (c,))
        c.tokens = (*c.tokens[:end], value, *c.tokens[end:])
        c.quoted = (c.quoted & ((1 << end) - 1)) | (value_quoted << end) | ((c.quoted >> end) << (end + 1))
        c.lst = (start, end + 1)
        return SetResult("set", "added", words, self.line, (c,))

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
