"""Curly-brace text: reading (``show configuration`` output, load files) and writing.

Reading is linear. Most lines of a real configuration are ``word word;``, ``word word {`` or ``}``: those are split on
whitespace directly. A line holding a quote, a comment, a bracket or a tag (``inactive:``), or anything unusual,
goes to a tokenizer that may run over several lines (multi-line annotations and strings) and then hands back.

Lexical rules (as the Junos loader applies them): ``#`` starts a comment only at the start of a token outside
quotes (``## SECRET-DATA`` after a password is such a comment, so the value stays and the marker goes);
``/* ... */`` is an annotation attached to the next statement; ``"..."`` may hold braces, semicolons, ``#`` and
``\\"``; ``[ a b ]`` is a list of values; ``inactive:``, ``protect:`` and ``replace:`` tag the next statement.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from msplus.errors import ConfigSyntaxError
from msplus.gcpause import paused_gc
from msplus.junosconf import schema as sch
from msplus.junosconf.limits import limits
from msplus.junosconf.node import CLEAR_TAGS, DELETE, INACTIVE, PROTECT, REPLACE, TAGS, Node
from msplus.junosconf.statements import HOLDER, attach, holder

_TOKEN = re.compile(r'\s*(?:([{};\[\]])|(/\*)|(")|(#)|([^\s{};"\[\]]+))')
_STRING_END = re.compile(r'(?:[^"\\]|\\.)*"', re.DOTALL)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def decode(data: str | bytes, source: str) -> str:
    """Configuration bytes to text. Binary content (NUL and other control bytes, invalid UTF-8) is refused with
    the line and column of the first bad byte."""
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line, col = _line_col(data[: exc.start].decode("utf-8", "replace"))
            raise ConfigSyntaxError("binary content: not UTF-8 text", path=source, line=line, column=col) from exc
    else:
        text = data
    if text.startswith("\ufeff"):
        text = text[1:]
    bad = _CONTROL.search(text)
    if bad:
        line, col = _line_col(text[: bad.start()])
        raise ConfigSyntaxError(
            f"binary content: control character {bad.group()!r}", path=source, line=line, column=col
        )
    return text


def _line_col(before: str) -> tuple[int, int]:
    line = before.count("\n") + 1
    return line, len(before) - (before.rfind("\n") + 1) + 1


def read_text(text: str, source: str, first_line: int = 1) -> Node:
    """Parse curly text into a root Node. ``first_line`` is the file line of ``text``'s first line (for text found
    inside an XML reply). Raises ConfigSyntaxError with line and column."""
    with paused_gc():
        return _Reader(text.split("\n"), source, first_line - 1).run()


class _Reader:
    def __init__(self, lines: list[str], source: str, base: int) -> None:
        self.lines = lines
        self.source = source
        self.base = base
        self.root = Node((), [], None, 0, source)
        self.root.schema = sch.root()
        self.stack: list[Node] = [self.root]
        self.leaves: dict[tuple[int, str], Node] = {}  # single-valued leaves seen, per parent (last one wins)
        limit = limits()
        self.max_depth = limit.max_depth
        self.max_words = limit.max_words
        self.max_line = limit.max_line_length
        self.opened: list[tuple[int, int]] = [(0, 0)]  # line, column of each open '{' (for errors)
        # The statement being read by the tokenizer.
        self.words: list[str] = []
        self.first: tuple[int, int] = (0, 0)
        self.qmask = 0
        self.lst_start = -1
        self.lst_end = -1
        self.flags = 0
        self.annotation: str | None = None
        self.closed = False  # the last token was a '}'

    # -- the fast loop ------------------------------------------------------------------------------------------------
    def run(self) -> Node:  # noqa: PLR0912, PLR0915  (the hot loop is one function: a call per line costs 10%)
        lines = self.lines
        base = self.base
        stack = self.stack
        opened = self.opened
        leaves = self.leaves
        max_line = self.max_line
        source = self.source
        step = sch.step_first
        known = sch.FIRST_STEPS.get  # keyword answers already computed: one dict lookup per line
        LEAF = sch.LEAF
        CONTAINER = sch.CONTAINER
        FLATTENED = sch.FLATTENED
        cur = stack[-1]
        i = 0
        n = len(lines)
        while i < n:
            raw = lines[i]
            if len(raw) > max_line:
                raise self.error(f"line longer than {max_line} characters (limit in limits.yaml)", i + 1 + base, 1)
            s = raw.strip()
            i += 1
            if not s:
                continue
            if not (
                self.annotation is not None
                or self.flags
                or '"' in s
                or "#" in s
                or "[" in s
                or "]" in s
                or "/*" in s
                or ": " in s
            ):
                last = s[-1]
                body = s[:-1]
                simple = body and ";" not in body and "{" not in body and "}" not in body
                if last == ";" and simple:
                    words = tuple(body.split())
                    sid = cur.schema
                    if sid >= 0:  # the common case inline: one schema statement on the line
                        cid, kind, take = known((sid, words[0])) or step(
                            sid, words[0], cur.tokens[0] if cur.tokens else ""
                        )
                        if cid >= 0 and take == len(words):
                            node = Node(words, None, cur, i + base, source)
                            node.schema = cid
                            if kind == LEAF:  # a value leaf: the last one read wins ("metric 200; metric 50;")
                                key = (id(cur), words[0] if take == 2 else "")
                                old = leaves.get(key)
                                leaves[key] = node
                                if old is not None and old.parent is cur:
                                    cur.remove(old)
                            cur.children.append(node)  # type: ignore[union-attr]
                            if cur._index is not None:  # built while reading ("family inet" looked up family)
                                cur._index.setdefault(words[0], []).append(node)
                            continue
                        if cid >= 0 and take == 1 and kind == CONTAINER and len(words) == 2:
                            # "input f;", "then accept;": a container holding one option, the container new
                            cid2, kind2, take2 = known((cid, words[1])) or step(cid, words[1], words[0])
                            children = cur.children
                            last_child = children[-1] if children else None
                            if cid2 >= 0 and take2 == 1 and (last_child is None or last_child.tokens != words[:1]):
                                box = Node(words[:1], [], cur, i + base, source)
                                box.schema = cid
                                cur.add(box)
                                node = Node(words[1:], None, box, i + base, source)
                                node.schema = cid2
                                box.children.append(node)  # type: ignore[union-attr]
                                if kind2 == LEAF:  # "metric 200;" then "metric 50;": the last one wins
                                    leaves[(id(box), "")] = node
                                continue
                    attach(cur, words, 0, None, i + base, False, leaves)
                    continue
                if last == "{" and simple:
                    words = tuple(body.split())
                    sid = cur.schema
                    if sid >= 0 and len(stack) <= self.max_depth:
                        cid, kind, take = known((sid, words[0])) or step(
                            sid, words[0], cur.tokens[0] if cur.tokens else ""
                        )
                        if cid >= 0 and take == len(words):
                            node = Node(words, [], cur, i + base, source)
                            node.schema = cid
                            cur.children.append(node)  # type: ignore[union-attr]
                            if cur._index is not None:
                                cur._index.setdefault(words[0], []).append(node)
                            stack.append(node)
                            opened.append((i + base, len(raw.rstrip())))
                            cur = node
                            continue
                        if kind == CONTAINER and len(words) == 2 and words[0] in FLATTENED:
                            # "family inet {": family (one per unit, adjacent) holding inet
                            children = cur.children
                            holder_node = children[-1] if children else None
                            if holder_node is None or holder_node.tokens != words[:1] or holder_node.children is None:
                                holder_node = Node(words[:1], [], cur, i + base, source)
                                holder_node.schema = cid
                                cur.add(holder_node)
                            fid, _fkind, ftake = step(cid, words[1], words[0])
                            if fid >= 0 and ftake == 1:
                                node = Node(words[1:], [], holder_node, i + base, source)
                                node.schema = fid
                                holder_node.add(node)
                                stack.append(node)
                                opened.append((i + base, len(raw.rstrip())))
                                cur = node
                                continue
                    cur = self.open_block(cur, words, 0, i + base, len(raw.rstrip()))[1]
                    continue
                if s == "}" and len(stack) > 1:
                    stack.pop()
                    opened.pop()
                    cur = stack[-1]
                    continue
            # Anything else: the tokenizer reads it (and raises on what is malformed).
            i = self.slow(i - 1)
            cur = stack[-1]
        self.finish()
        return self.root

    def open_block(
        self, parent: Node, words: tuple[str, ...], quoted: int, line: int, col: int
    ) -> tuple[Node, Node]:
        """The statement a ``{`` opens: (the node its tags go to, the node pushed on the stack: a holder for
        ``name-server {`` or ``groups {``)."""
        if len(self.stack) > self.max_depth:
            raise self.error(f"statements nested more than {self.max_depth} deep (limit in limits.yaml)", line, col)
        if len(words) > self.max_words:
            raise self.error(f"statement of more than {self.max_words} words (limit in limits.yaml)", line, col)
        sid = parent.schema if parent.schema != HOLDER else -1
        if len(words) == 1 and sid >= 0 and parent.schema != HOLDER:
            cid, kind, _take = sch.step(sid, words, 0, parent.tokens[0] if parent.tokens else "")
            if kind == sch.LIST and sch.node(cid).keys and (cid != sch.node(sid).nameless):  # type: ignore[union-attr]
                node = holder(parent, words[0], cid, line)
                self.stack.append(node)
                self.opened.append((line, col))
                return node, node
        first, node = attach(parent, words, quoted, None, line, True, self.leaves)
        self.stack.append(node)
        self.opened.append((line, col))
        return first, node

    def finish(self) -> None:
        end_line, end_col = self._end()
        if self.words:
            line, col = self.first
            raise self.error(
                f"unexpected end of input: statement '{' '.join(self.words)}' (line {line}, column {col}) "
                "has no ';' or '{' (truncated file?)",
                end_line,
                end_col,
            )
        if self.flags:
            raise self.error("unexpected end of input after a tag such as 'inactive:'", end_line, end_col)
        if len(self.stack) > 1:
            line, col = self.opened[-1]
            raise self.error(
                f"unexpected end of input: '{{' at line {line}, column {col} "
                f"('{' '.join(self.stack[-1].tokens)}') is not closed (truncated file or missing '}}')",
                end_line,
                end_col,
            )

    def _end(self) -> tuple[int, int]:
        for idx in range(len(self.lines) - 1, -1, -1):
            text = self.lines[idx].rstrip()
            if text:
                return idx + 1 + self.base, len(text) + 1
        return 1 + self.base, 1

    def error(self, problem: str, line: int, column: int) -> ConfigSyntaxError:
        return ConfigSyntaxError(problem, path=self.source, line=line, column=column)

    # -- the tokenizer ------------------------------------------------------------------------------------------------
    def slow(self, i: int) -> int:
        """Tokenize from line index ``i`` until a line ends with no statement, comment or string left open.
        Returns the index of the next line for the fast loop."""
        lines = self.lines
        n = len(lines)
        col = 0
        self.closed = False
        while i < n:
            line = lines[i]
            length = len(line)
            pos = col
            col = 0
            while pos < length:
                m = _TOKEN.match(line, pos)
                if m is None:
                    break  # only whitespace left
                punct, _comment, quote, hash_, word = m.groups()
                lineno = i + 1 + self.base
                if word is not None:
                    self.word(word, lineno, m.start(5) + 1)
                    pos = m.end()
                elif punct is not None:
                    self.punct(punct, lineno, m.start(1) + 1)
                    pos = m.end()
                elif hash_ is not None:
                    break  # comment to end of line
                elif quote is not None:
                    i, pos = self.string(i, m.end(), lineno, m.start(3) + 1)
                    line = lines[i]
                    length = len(line)
                else:
                    text, i, pos = self.comment(i, m.end(), lineno, m.start(2) + 1)
                    line = lines[i]
                    length = len(line)
                    if not self.words:
                        self.annotation = text if self.annotation is None else f"{self.annotation}\n{text}"
            i += 1
            if not self.words and self.lst_start < 0:
                return i
        return i

    def word(self, word: str, line: int, col: int) -> None:
        self.closed = False
        if not self.words:
            tag = TAGS.get(word)
            if tag is not None:
                self.flags |= tag
                return
            if word in CLEAR_TAGS:
                return
            self.first = (line, col)
        self.words.append(word)

    def string(self, i: int, pos: int, line: int, col: int) -> tuple[int, int]:
        """A quoted string starting after the quote at ``lines[i][pos-1]``; may span lines."""
        lines = self.lines
        m = _STRING_END.match(lines[i], pos)
        if m is not None:
            value = m.group()[:-1]
            end_i, end_pos = i, m.end()
        else:
            buf = lines[i][pos:]
            end_i = i
            while True:
                end_i += 1
                if end_i >= len(lines):
                    raise self.error("unterminated quoted string", line, col)
                start_len = len(buf) + 1
                buf = f"{buf}\n{lines[end_i]}"
                m = _STRING_END.match(buf)
                if m is not None:
                    value = m.group()[:-1]
                    end_pos = m.end() - start_len
                    break
        if not self.words:
            self.first = (line, col)
        self.qmask |= 1 << len(self.words)
        self.words.append(value)
        return end_i, end_pos

    def comment(self, i: int, pos: int, line: int, col: int) -> tuple[str, int, int]:
        """A ``/* ... */`` annotation starting at ``lines[i][pos-2]``; may span lines."""
        lines = self.lines
        end = lines[i].find("*/", pos)
        if end >= 0:
            return lines[i][pos:end].strip(), i, end + 2
        parts = [lines[i][pos:]]
        j = i
        while True:
            j += 1
            if j >= len(lines):
                raise self.error("unterminated comment '/*'", line, col)
            end = lines[j].find("*/")
            if end >= 0:
                parts.append(lines[j][:end])
                return "\n".join(parts).strip(), j, end + 2
            parts.append(lines[j])

    def punct(self, p: str, line: int, col: int) -> None:
        if p == ";" and self.closed and not self.words and not self.flags:
            self.closed = False  # "login { /* OMITTED */ };" as "| display omit" prints it
            return
        self.closed = False
        if p == ";":
            self.end_statement(None, line, col)
        elif p == "{":
            self.end_statement([], line, col)
        elif p == "}":
            self.close_block(line, col)
        elif p == "[":
            if not self.words:
                raise self.error("'[' without a statement before it", line, col)
            if self.lst_start >= 0:
                raise self.error("'[' inside a list", line, col)
            self.lst_start = len(self.words)
        elif self.lst_start < 0 or self.lst_end >= 0:
            raise self.error("']' without '['", line, col)
        else:
            if len(self.words) == self.lst_start:
                raise self.error("empty list '[ ]'", line, col)
            self.lst_end = len(self.words)

    def one_statement(self, parent: Node, words: tuple[str, ...], lst: tuple[int, int] | None) -> Node | None:
        """The common case without attach's machinery: the words are one schema statement, no value leaf (those
        replace an earlier value) and no list; None otherwise."""
        sid = parent.schema
        if sid < 0 or lst is not None:
            return None
        cid, kind, take = sch.step_first(sid, words[0], parent.tokens[0] if parent.tokens else "")
        if cid < 0 or take != len(words):
            return None
        node = Node(words, None, parent, self.first[0], self.source)
        node.schema = cid
        node.quoted = self.qmask
        if kind == sch.LEAF:  # a value leaf: the last one read wins
            key = (id(parent), words[0] if take == 2 else "")
            old = self.leaves.get(key)
            self.leaves[key] = node
            if old is not None and old.parent is parent:
                parent.remove(old)
        parent.add(node)
        return node

    def close_block(self, line: int, col: int) -> None:
        if self.words:
            first_line, first_col = self.first
            raise self.error(
                f"missing ';' after '{' '.join(self.words)}' (statement at line {first_line}, column {first_col})",
                line,
                col,
            )
        if self.flags:
            raise self.error("'}' after a tag such as 'inactive:' with no statement", line, col)
        if len(self.stack) == 1:
            raise self.error("unbalanced '}': nothing to close", line, col)
        self.stack.pop()
        self.opened.pop()
        self.annotation = None  # an annotation at the end of a block belongs to nothing
        self.closed = True

    def end_statement(self, children: list[Node] | None, line: int, col: int) -> None:
        what = "';'" if children is None else "'{'"
        if not self.words:
            raise self.error(f"{what} without a statement", line, col)
        if self.lst_start >= 0 and self.lst_end < 0:
            raise self.error(f"{what} inside '[ ]': list not closed", line, col)
        if children is not None and self.lst_start >= 0:
            raise self.error("a list '[ ]' cannot open a block", line, col)
        parent = self.stack[-1]
        words = tuple(self.words)
        if len(words) > self.max_words:
            raise self.error(f"statement of more than {self.max_words} words (limit in limits.yaml)", *self.first)
        lst = (self.lst_start, self.lst_end) if self.lst_start >= 0 else None
        if children is not None:
            first, _top = self.open_block(parent, words, self.qmask, self.first[0], col)
            self.opened[-1] = (line, col)
        else:
            first = self.one_statement(parent, words, lst) or attach(
                parent, words, self.qmask, lst, self.first[0], False, self.leaves
            )[0]
        first.flags |= self.flags
        if self.annotation is not None:
            first.annotation = self.annotation
        self.words = []
        self.qmask = 0
        self.lst_start = self.lst_end = -1
        self.flags = 0
        self.annotation = None


# --- writing -------------------------------------------------------------------------------------------------------
def format_tokens(node: Node, skip: int = 0) -> str:
    """The node's words as curly text prints them: quotes where they were (or are needed), lists in brackets;
    ``skip`` leaves out the first words (a list entry inside its keyword's block)."""
    toks = node.tokens
    quoted = node.quoted
    lst = node.lst
    if not quoted and lst is None:
        return " ".join(toks[skip:]) if skip else " ".join(toks)
    parts = [f'"{t}"' if quoted >> i & 1 else t for i, t in enumerate(toks)]
    if lst is not None:
        start, end = lst
        parts = [*parts[:start], "[", *parts[start:end], "]", *parts[end:]]
    return " ".join(parts[skip:])


def _tags(flags: int) -> str:
    out = ""
    if flags & DELETE:
        out += "delete: "
    if flags & REPLACE:
        out += "replace: "
    if flags & PROTECT:
        out += "protect: "
    if flags & INACTIVE:
        out += "inactive: "
    return out


def write_nodes(nodes: Iterable[Node], parent_word: str = "") -> str:
    """Curly text of ``nodes`` at indentation 0 (``parent_word`` is the enclosing statement's keyword; unused
    since statements know their schema, kept for callers)."""
    out: list[str] = []
    with paused_gc():
        _emit(list(nodes), out)
    return "\n".join(out) + "\n" if out else ""


Work = list[tuple[str, object, str, str]]  # (what, node or run of entries, indent, prefix words)


def _emit(nodes: list[Node], out: list[str]) -> None:
    """Iterative (a configuration's depth is the input's): a stack of work items."""
    work: Work = []
    _push(work, nodes, "")
    while work:
        what, item, indent, prefix = work.pop()
        if what == "close":
            out.append(indent + "}")
        elif what == "group":  # a run of homogeneous list entries: "name-server { a; b; }"
            entries: list[Node] = item  # type: ignore[assignment]
            out.append(f"{indent}{entries[0].tokens[0]} {{")
            work.append(("close", None, indent, ""))
            work.extend(("entry", e, indent + "    ", "") for e in reversed(entries))
        else:
            _one(item, indent, prefix, what == "entry", out, work)  # type: ignore[arg-type]


def _push(work: Work, children: list[Node], indent: str) -> None:
    work.extend(reversed(_items(children, indent)))


def _one(node: Node, indent: str, prefix: str, entry: bool, out: list[str], work: Work) -> None:
    if node.annotation is not None:
        out.append(f"{indent}/* {node.annotation} */")
    words = format_tokens(node, skip=1 if entry else 0)
    head = indent + (_tags(node.flags) if node.flags else "") + prefix + words
    children = node.children
    if children is None:
        out.append(head + ";")
        return
    if not children:
        out.append(head + " {")
        out.append(indent + "}")
        return
    sn = sch.node(node.schema)
    if sn is not None:
        if node.tokens[0] in sch.FLATTENED and not node.flags and node.annotation is None and not entry:
            # family inet { ... } family inet6 { ... }: the container's words lead each child's line
            work.extend(("node", c, indent, prefix + words + " ") for c in reversed(children))
            return
        if sn.flags & (sch.ONELINER | sch.ONELINER_PLUS) and _one_line(children, sn.flags):
            out.append(head + " " + " ".join(format_tokens(c) for c in children) + ";")
            return
    out.append(head + " {")
    work.append(("close", None, indent, ""))
    _push(work, children, indent + "    ")


def _one_line(children: list[Node], flags: int) -> bool:
    """Junos prints a "oneliner" statement's options on its line when they are all plain options (a flag, a value
    or one list); a "oneliner-plus" one only when it has one option."""
    if flags & sch.ONELINER_PLUS and not flags & sch.ONELINER and len(children) != 1:
        return False
    for c in children:
        if c.children is not None or c.flags or c.annotation is not None or c.schema < 0:
            return False
        kind = sch.node(c.schema).kind  # type: ignore[union-attr]
        if kind not in (sch.FLAG, sch.LEAF, sch.LEAF_LIST):
            return False
    return True


def _items(children: list[Node], indent: str) -> Work:
    """Work items for children in order, runs of a homogeneous list's entries gathered."""
    items: Work = []
    i = 0
    n = len(children)
    while i < n:
        c = children[i]
        if c.schema >= 0 and len(c.tokens) > 1 and _grouped(c):
            j = i + 1
            while j < n and children[j].schema == c.schema and children[j].tokens[0] == c.tokens[0]:
                j += 1
            items.append(("group", children[i:j], indent, ""))
            i = j
            continue
        items.append(("node", c, indent, ""))
        i += 1
    return items


def _grouped(node: Node) -> bool:
    sn = sch.node(node.schema)
    if sn is None or sn.kind != sch.LIST or sn.flags & sch.NAMELESS:
        return False
    if sn.flags & sch.HOMOGENEOUS:
        return True
    word = node.tokens[0]
    if word not in sch.GROUPED:
        return False
    parents = sch.GROUPED[word]
    parent = node.parent
    return parents is None or (parent is not None and (parent.tokens[0] if parent.tokens else "") in parents)
