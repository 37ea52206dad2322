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
from msplus.junosconf import grammar
from msplus.junosconf.node import CLEAR_TAGS, INACTIVE, PROTECT, REPLACE, TAGS, Node, paused_gc

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
        self.stack: list[Node] = [self.root]
        self.opened: list[tuple[int, int]] = [(0, 0)]  # line, column of each open '{' (for errors)
        # The statement being read by the tokenizer.
        self.words: list[str] = []
        self.first: tuple[int, int] = (0, 0)
        self.qmask = 0
        self.lst_start = -1
        self.lst_end = -1
        self.flags = 0
        self.annotation: str | None = None

    # -- the fast loop ------------------------------------------------------------------------------------------------
    def run(self) -> Node:
        lines = self.lines
        source = self.source
        base = self.base
        stack = self.stack
        opened = self.opened
        cur = stack[-1]
        children: list[Node] = cur.children  # type: ignore[assignment]
        i = 0
        n = len(lines)
        while i < n:
            s = lines[i].strip()
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
                    children.append(Node(tuple(body.split()), None, cur, i + base, source))
                    continue
                if last == "{" and simple:
                    node = Node(tuple(body.split()), [], cur, i + base, source)
                    children.append(node)
                    stack.append(node)
                    opened.append((i + base, len(lines[i - 1].rstrip())))
                    cur = node
                    children = node.children  # type: ignore[assignment]
                    continue
                if s == "}" and len(stack) > 1:
                    stack.pop()
                    opened.pop()
                    cur = stack[-1]
                    children = cur.children  # type: ignore[assignment]
                    continue
            # Anything else: the tokenizer reads it (and raises on what is malformed).
            i = self.slow(i - 1)
            cur = stack[-1]
            children = cur.children  # type: ignore[assignment]
        self.finish()
        return self.root

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
        if p == ";":
            self.end_statement(None, line, col)
        elif p == "{":
            self.end_statement([], line, col)
        elif p == "}":
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

    def end_statement(self, children: list[Node] | None, line: int, col: int) -> None:
        what = "';'" if children is None else "'{'"
        if not self.words:
            raise self.error(f"{what} without a statement", line, col)
        if self.lst_start >= 0 and self.lst_end < 0:
            raise self.error(f"{what} inside '[ ]': list not closed", line, col)
        if children is not None and self.lst_start >= 0:
            raise self.error("a list '[ ]' cannot open a block", line, col)
        parent = self.stack[-1]
        node = Node(tuple(self.words), children, parent, self.first[0], self.source)
        node.quoted = self.qmask
        node.flags = self.flags
        if self.lst_start >= 0:
            node.lst = (self.lst_start, self.lst_end)
        node.annotation = self.annotation
        parent.children.append(node)  # type: ignore[union-attr]
        if children is not None:
            self.stack.append(node)
            self.opened.append((line, col))
        self.words = []
        self.qmask = 0
        self.lst_start = self.lst_end = -1
        self.flags = 0
        self.annotation = None


# --- writing -------------------------------------------------------------------------------------------------------
def format_tokens(node: Node) -> str:
    """The node's words as curly text prints them: quotes where they were (or are needed), lists in brackets."""
    toks = node.tokens
    quoted = node.quoted
    lst = node.lst
    if not quoted and lst is None:
        return " ".join(toks)
    parts = [f'"{t}"' if quoted >> i & 1 else t for i, t in enumerate(toks)]
    if lst is not None:
        start, end = lst
        parts = [*parts[:start], "[", *parts[start:end], "]", *parts[end:]]
    return " ".join(parts)


def _tags(flags: int) -> str:
    out = ""
    if flags & REPLACE:
        out += "replace: "
    if flags & PROTECT:
        out += "protect: "
    if flags & INACTIVE:
        out += "inactive: "
    return out


def write_nodes(nodes: Iterable[Node], parent_word: str = "") -> str:
    """Curly text of ``nodes`` at indentation 0 (``parent_word`` is the enclosing statement's keyword)."""
    out: list[str] = []
    with paused_gc():
        _emit(nodes, "", parent_word, out)
    return "\n".join(out) + "\n" if out else ""


def _emit(nodes: Iterable[Node], indent: str, parent_word: str, out: list[str]) -> None:
    for node in nodes:
        if node.annotation is not None:
            out.append(f"{indent}/* {node.annotation} */")
        head = indent + (_tags(node.flags) if node.flags else "") + format_tokens(node)
        children = node.children
        if children is None:
            out.append(head + ";")
        elif not children:
            out.append(head + " {")
            out.append(indent + "}")
        elif (
            len(children) == 1
            and _one_line_option(children[0])
            and len(node.tokens) == 1
            and grammar.is_oneliner(node.tokens[0], (parent_word,) if parent_word else ())
        ):
            out.append(f"{head} {format_tokens(children[0])};")
        else:
            out.append(head + " {")
            _emit(children, indent + "    ", node.tokens[0], out)
            out.append(indent + "}")


def _one_line_option(child: Node) -> bool:
    """An option Junos prints on its parent's line ("then accept;", "from protocol [ bgp static ];"): a keyword
    with at most one value or one list. ("from { route-filter 10.0.0.0/8 exact; }" stays a block.)"""
    if child.children is not None or child.flags or child.annotation is not None:
        return False
    return len(child.tokens) <= 2 or child.lst == (1, len(child.tokens))
