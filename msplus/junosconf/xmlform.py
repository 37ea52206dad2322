"""Junos XML (``<configuration>``, as ``get-configuration`` or ``show configuration | display xml`` gives it).

Reading accepts the reply as customers paste it (through msplus.xmlsafe.parse_pasted: no entity expansion, prompt
lines and ``]]>]]>`` tolerated, undeclared ``junos:`` prefixes), with or without ``<rpc-reply>``, and also the text
and set forms wrapped in XML (``<configuration-text>``, ``<configuration-output>``, ``<configuration-set>``).

XML names every element, where curly text leaves some keywords out (``ge-0/0/0 {`` is ``<interface><name>``) and
puts some options on one line (``route 0.0.0.0/0 next-hop 10.0.0.1;``). The grammar hints map between the two; a
statement the hints do not know is mapped generically (``<keyword>value</keyword>``, ``<keyword><name>id</name>``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from lxml import etree

from msplus import xmlsafe
from msplus.errors import ConfigSyntaxError, MalformedReplyError
from msplus.junosconf import grammar
from msplus.junosconf.node import INACTIVE, PROTECT, REPLACE, Node, escape, paused_gc, quote_mask, unescape

JUNOS_NS = "http://xml.juniper.net/junos/*/junos"
_FLAG_ATTRS = {"inactive": INACTIVE, "protect": PROTECT, "replace": REPLACE}
_WRAPPED = {"configuration-text": "text", "configuration-output": "text", "configuration-set": "set"}
_XML_NAME = re.compile(r"[A-Za-z_][\w.-]*\Z")
_WHERE = re.compile(r":(\d+|None):(\d+|None): (.*)$", re.DOTALL)


# --- reading -------------------------------------------------------------------------------------------------------
def parse_document(data: str | bytes, source: str) -> tuple[etree._Element, int]:
    """The element holding the configuration (or wrapping its text/set form) and the number of file lines before
    the XML body (lxml counts lines from there)."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    offset = _offset(raw)
    try:
        root = xmlsafe.parse_pasted(raw, source=source)
    except MalformedReplyError as exc:
        m = _WHERE.search(str(exc))
        line = int(m.group(1)) + offset if m and m.group(1) != "None" else None
        column = int(m.group(2)) if m and m.group(2) != "None" else None
        problem = m.group(3) if m else str(exc).removeprefix(f"{source}: ")
        raise ConfigSyntaxError(problem, path=source, line=line, column=column) from exc
    found = next(
        (el for el in root.iter() if isinstance(el.tag, str) and xmlsafe.local(el.tag) in ("configuration", *_WRAPPED)),
        None,
    )
    if found is None:
        error = next((el for el in root.iter() if xmlsafe.local(el.tag) == "rpc-error"), None)
        if error is not None:
            message = " ".join(t.strip() for t in error.itertext() if t.strip())
            raise ConfigSyntaxError(
                f"the reply is an rpc-error: {message}", path=source, line=(error.sourceline or 1) + offset
            )
        raise ConfigSyntaxError(
            f"no <configuration> in the XML (root element <{xmlsafe.local(root.tag)}>)",
            path=source,
            line=(root.sourceline or 1) + offset,
        )
    return found, offset


def _offset(raw: bytes) -> int:
    """File lines before the part parse_pasted hands to lxml (prompt lines, the XML declaration)."""
    start = raw.find(b"<")
    if start < 0:
        return 0
    skipped = start
    body = raw[start:]
    if body.startswith(b"<?xml"):
        end = body.find(b"?>")
        if end >= 0:
            rest = body[end + 2 :]
            skipped += end + 2 + (len(rest) - len(rest.lstrip()))
    return raw[:skipped].count(b"\n")


def wrapped_form(el: etree._Element) -> str | None:
    """The form ("text" or "set") when the element wraps a configuration in that form, else None."""
    return _WRAPPED.get(xmlsafe.local(el.tag))


def read_xml(el: etree._Element, source: str, offset: int) -> Node:
    """Build the tree from a ``<configuration>`` element."""
    root = Node((), [], None, 0, source)
    with paused_gc():
        _Reader(source, offset).children(_elements(el), root, ())
    return root


def _elements(el: etree._Element) -> list[etree._Element]:
    return [c for c in el if isinstance(c.tag, str)]


def _text(el: etree._Element) -> str:
    """An element's text: a value keeps its spaces (a description may start with one); indentation does not."""
    text = el.text or ""
    return text.strip() if "\n" in text or not text.strip() else text


def _is_value(el: etree._Element) -> bool:
    """A leaf element holding text (a key, a value, a leaf-list element)."""
    return bool(_text(el)) and not any(isinstance(c.tag, str) for c in el)


class _Reader:
    def __init__(self, source: str, offset: int) -> None:
        self.source = source
        self.offset = offset

    def children(self, kids: list[etree._Element], parent: Node, ctx: grammar.Context) -> None:
        annotation: str | None = None
        i = 0
        while i < len(kids):
            kid = kids[i]
            tag = xmlsafe.local(kid.tag)
            if tag == "comment" and "junos" in kid.tag.split("}", 1)[0]:
                text = _text(kid)
                if text.startswith("/*") and text.endswith("*/"):
                    text = text[2:-2].strip()
                annotation = text if annotation is None else f"{annotation}\n{text}"
                i += 1
                continue
            if tag == "undocumented":
                self.children(_elements(kid), parent, ctx)
                i += 1
                continue
            run = 1
            if _is_value(kid):
                while i + run < len(kids) and xmlsafe.local(kids[i + run].tag) == tag and _is_value(kids[i + run]):
                    run += 1
            node = self.element(kids[i : i + run], parent, ctx)
            if annotation is not None:
                node.annotation = annotation
                annotation = None
            i += run

    def element(self, els: list[etree._Element], parent: Node, ctx: grammar.Context) -> Node:
        el = els[0]
        tag = xmlsafe.local(el.tag)
        if len(els) > 1:  # a leaf-list: <members>a</members><members>b</members>
            values = tuple(escape(_text(e)) for e in els)
            return self.make(parent, (tag, *values), None, el, lst=(1, 1 + len(values)))
        x = _Element(el, tag, _elements(el), parent, ctx)
        if not x.kids:
            text = _text(el)
            if text and tag == grammar.value_element(ctx):  # <vrf-target><community>target:1:1</community>
                return self.make(parent, (escape(text),), None, el)
            return self.make(parent, (tag, escape(text)) if text else (tag,), None, el)
        for handler in (self._id_entry, self._hidden_entry, self._renamed, self._nest, self._keyed):
            node = handler(x)
            if node is not None:
                return node
        return self.block(x, x.kids, (tag, *x.extra), inline=False)

    def _id_entry(self, x: _Element) -> Node | None:
        """<interfaces><interface><name>ge-0/0/0</name>: ``ge-0/0/0 {``; <name-server><name>10.0.0.1</name>: an
        entry of ``name-server { }``."""
        if not x.valued:
            return None
        idl = grammar.id_list(x.ctx)
        if idl is not None and idl.xml == x.tag:
            return self.block(x, x.kids[1:], x.key + x.extra, inline=idl.inline)
        repeat = grammar.id_list((*x.ctx, x.tag)) if x.key_tag == "name" else None
        if repeat is None:
            return None
        holder = self.holder(x.parent, x.tag, x.el)
        return self.block(x, x.kids[1:], x.key + x.extra, inline=repeat.inline, parent=holder, ctx=(*x.ctx, x.tag))

    def _hidden_entry(self, x: _Element) -> Node | None:
        """Syslog <contents><name>any</name><notice/></contents>: ``any notice;``."""
        if not x.keyed or x.tag not in grammar.hidden_tags():
            return None
        stmt = grammar.statement(x.key[0], x.ctx)
        if stmt is None or not stmt.hidden:
            return None
        return self.block(x, x.kids[1:], x.key + x.extra, inline=stmt.inline)

    def _renamed(self, x: _Element) -> Node | None:
        """<policy><from-zone-name>A</from-zone-name><to-zone-name>B</...>: ``from-zone A to-zone B {``."""
        found = grammar.renamed(x.tag, x.key_tag) if x.valued else None
        if found is None:
            return None
        word, stmt = found
        head = [word]
        rest = list(x.kids)
        for i, key in enumerate(stmt.keys[: stmt.ids]):
            if key is None:
                following = stmt.keys[i + 1] if i + 1 < len(stmt.keys) else None
                head.append(str(following or "").removesuffix("-name"))
            elif rest and xmlsafe.local(rest[0].tag) == key:
                head.append(escape(_text(rest.pop(0))))
        for name in stmt.tail:  # ieee-802.3ad <bundle>ae0</bundle> is "802.3ad ae0"
            if rest and xmlsafe.local(rest[0].tag) == name and _is_value(rest[0]):
                head.append(escape(_text(rest.pop(0))))
        return self.block(x, rest, tuple(head), inline=stmt.inline)

    def _nest(self, x: _Element) -> Node | None:
        """<family><inet>...</inet></family>: ``family inet {``."""
        stmt = grammar.statement(x.tag, x.ctx)
        if stmt is None or stmt.xml != "nest":
            return None
        node = x.parent
        for kid in x.kids:
            inner = _Element(kid, xmlsafe.local(kid.tag), _elements(kid), x.parent, x.ctx)
            node = self.block(inner, inner.kids, (x.tag, inner.tag), inline=False)
            _flags(x.el, node)
        return node

    def _keyed(self, x: _Element) -> Node | None:
        """<unit><name>0</name>...: ``unit 0 {``."""
        stmt = grammar.statement(x.tag, x.ctx)
        if not x.keyed or x.key_tag not in (stmt.keys if stmt is not None else ("name",)):
            return None
        head = (x.tag, *x.key, *x.extra)
        rest = x.kids[1:]
        for name in stmt.tail if stmt is not None else ():  # address-book <address><name>A</name><ip-prefix>
            if rest and xmlsafe.local(rest[0].tag) == name and _is_value(rest[0]):
                head = (*head, escape(_text(rest[0])))
                rest = rest[1:]
        return self.block(x, rest, head, inline=bool(stmt and stmt.inline))

    def block(
        self,
        x: _Element,
        kids: list[etree._Element],
        head: tuple[str, ...],
        *,
        inline: bool,
        parent: Node | None = None,
        ctx: grammar.Context | None = None,
    ) -> Node:
        """A statement with words ``head`` whose other children are ``kids``: on one line when ``inline`` and they
        are all plain options, else a block."""
        parent = x.parent if parent is None else parent
        ctx = x.ctx if ctx is None else ctx
        if not kids or (inline and all(_is_plain(k) for k in kids)):
            words, lst = _inline_words(head, kids)
            if lst != (-1, -1):
                return self.make(parent, words, None, x.el, lst=lst)
        node = self.make(parent, head, [], x.el)
        self.children(kids, node, grammar.child_context(ctx, head))
        return node

    def holder(self, parent: Node, tag: str, el: etree._Element) -> Node:
        """The container a repeated list element's entries go into (``name-server { ... }``)."""
        children = parent.children or []
        if children and children[-1].tokens == (tag,) and children[-1].children is not None:
            return children[-1]
        return self.make(parent, (tag,), [], el, flags=False)

    def make(
        self,
        parent: Node,
        tokens: tuple[str, ...],
        children: list[Node] | None,
        el: etree._Element,
        *,
        lst: tuple[int, int] | None = None,
        flags: bool = True,
    ) -> Node:
        node = Node(tokens, children, parent, (el.sourceline or 0) + self.offset, self.source)
        node.quoted = quote_mask(tokens)
        if len(tokens) == 2 and grammar.always_quoted(tokens[0]):
            node.quoted |= 2
        node.lst = lst
        if flags:
            _flags(el, node)
        parent.add(node)
        return node


class _Element:
    """An element being read, with what the handlers look at."""

    __slots__ = ("ctx", "el", "extra", "key", "key_tag", "keyed", "kids", "parent", "tag", "valued")

    def __init__(
        self, el: etree._Element, tag: str, kids: list[etree._Element], parent: Node, ctx: grammar.Context
    ) -> None:
        self.el = el
        self.tag = tag
        self.kids = kids
        self.parent = parent
        self.ctx = ctx
        self.extra = tuple(escape(w) for w in _text(el).split()) if kids else ()  # words with no XML form
        self.key_tag = xmlsafe.local(kids[0].tag) if kids else ""
        self.valued = bool(kids) and _is_value(kids[0])
        self.keyed = self.valued and not grammar.is_container(tag, ctx)
        self.key: tuple[str, ...] = (escape(_text(kids[0])),) if kids else ()


def _inline_words(head: tuple[str, ...], kids: list[etree._Element]) -> tuple[tuple[str, ...], tuple[int, int] | None]:
    """A statement's words with its options on the same line; a repeated option is a list (``members [ a b ]``).
    The span is (-1, -1) when the options do not fit on one line (two lists)."""
    words = list(head)
    lst: tuple[int, int] | None = None
    i = 0
    while i < len(kids):
        tag = xmlsafe.local(kids[i].tag)
        run = 1
        while i + run < len(kids) and xmlsafe.local(kids[i + run].tag) == tag and _text(kids[i + run]):
            run += 1
        words.append(tag)
        if run > 1:
            if lst is not None:
                return (), (-1, -1)
            lst = (len(words), len(words) + run)
        words.extend(escape(_text(k)) for k in kids[i : i + run] if _text(k))
        i += run
    return tuple(words), lst


def _flags(el: etree._Element, node: Node) -> None:
    for name, value in el.attrib.items():
        local = xmlsafe.local(name)
        if local in _FLAG_ATTRS and value == local:
            node.flags |= _FLAG_ATTRS[local]
        elif local == "group":
            node.group = value


def _is_plain(el: etree._Element) -> bool:
    return not any(isinstance(c.tag, str) for c in el) and not any(xmlsafe.local(a) in _FLAG_ATTRS for a in el.attrib)


# --- writing -------------------------------------------------------------------------------------------------------
def write_xml(root: Node) -> str:
    """The tree as a ``<configuration>`` document (the junos: namespace declared for annotations)."""
    conf = etree.Element("configuration", nsmap={"junos": JUNOS_NS})
    _Writer().nodes(root.children or (), conf, ())
    etree.indent(conf, space="    ")
    return etree.tostring(conf, encoding="unicode") + "\n"


def _comment(parent: etree._Element, node: Node) -> None:
    if node.annotation is not None:
        etree.SubElement(parent, f"{{{JUNOS_NS}}}comment").text = f"/* {node.annotation} */"


class _Writer:
    def nodes(self, nodes: Sequence[Node], parent: etree._Element, ctx: grammar.Context) -> None:
        idl = grammar.id_list(ctx)
        for node in nodes:
            _comment(parent, node)
            if idl is not None and node.tokens[0] not in idl.keywords:
                tag = ctx[-1] if idl.xml == "repeat" else idl.xml
                self.entry(node, _flagged(etree.SubElement(parent, tag), node), ctx)
            else:
                self.statement(node, parent, ctx)

    def entry(self, node: Node, el: etree._Element, ctx: grammar.Context) -> None:
        """An entry of an id list: ``<name>`` first, then its options and children."""
        toks = [unescape(t) for t in node.tokens]
        etree.SubElement(el, "name").text = toks[0]
        self.tail(el, toks, 1, node)
        if node.children:
            self.nodes(node.children, el, grammar.child_context(ctx, node.tokens))

    def statement(self, node: Node, parent: etree._Element, ctx: grammar.Context) -> None:
        toks = [unescape(t) for t in node.tokens]
        word = toks[0]
        inner = grammar.child_context(ctx, node.tokens)
        sub = grammar.id_list(inner) if node.children is not None and len(toks) == 1 else None
        if sub is not None and sub.xml == "repeat":  # name-server { a; b; } -> <name-server><name>a</name>...
            for child in node.children or ():
                _comment(parent, child)
                el = _flagged(_flagged(etree.SubElement(parent, word), node), child)
                if child.tokens[0] in sub.keywords:
                    self.statement(child, el, inner)
                else:
                    self.entry(child, el, inner)
            return
        if grammar.value_element(ctx) and len(toks) == 1 and node.children is None and not _XML_NAME.match(word):
            _flagged(etree.SubElement(parent, str(grammar.value_element(ctx))), node).text = word
            return
        if not _XML_NAME.match(word) and grammar.statement(word, ctx) is None:  # no XML form: text of the parent
            parent.text = f"{parent.text} {' '.join(toks)}" if parent.text else " ".join(toks)
            return
        el, start = self.head(node, toks, parent, ctx)
        if el is None:
            return
        self.tail(el, toks, start, node)
        if node.children:
            self.nodes(node.children, el, inner)

    def head(
        self, node: Node, toks: list[str], parent: etree._Element, ctx: grammar.Context
    ) -> tuple[etree._Element | None, int]:
        """The element for the statement's keyword and identifiers; None when the statement was written whole."""
        word = toks[0]
        stmt = grammar.statement(word, ctx)
        if stmt is not None and stmt.hidden:  # syslog "any notice" -> <contents><name>any</name><notice/>
            el = _flagged(etree.SubElement(parent, stmt.xml), node)
            etree.SubElement(el, "name").text = word
            return el, 1
        if stmt is not None and stmt.xml == "nest" and len(toks) > 1:  # family inet -> <family><inet>
            return _flagged(etree.SubElement(etree.SubElement(parent, word), toks[1]), node), 2
        custom = stmt is not None and stmt.xml not in ("list", "nest")
        if stmt is not None and ((stmt.ids and len(toks) > 1) or custom):  # unit 0 -> <unit><name>0</name>
            el = _flagged(etree.SubElement(parent, stmt.xml if custom else word), node)
            for j in range(stmt.ids):
                key = stmt.keys[j] if j < len(stmt.keys) else None
                if key is not None and 1 + j < len(toks):
                    etree.SubElement(el, key).text = toks[1 + j]
            start = min(len(toks), 1 + stmt.ids)
            for name in stmt.tail:
                if start < len(toks) and node.lst is None:
                    etree.SubElement(el, name).text = toks[start]
                    start += 1
            return el, start
        if node.children is None and node.lst == (1, len(toks)):  # members [ a b ] -> <members>a</members>...
            for value in toks[1:]:
                _flagged(etree.SubElement(parent, word), node).text = value
            return None, 0
        if node.children is None and len(toks) == 2 and not grammar.is_container(word, ctx):
            _flagged(etree.SubElement(parent, word), node).text = toks[1]  # host-name r1
            return None, 0
        return _flagged(etree.SubElement(parent, word), node), 1

    @staticmethod
    def tail(el: etree._Element, toks: list[str], start: int, node: Node) -> None:
        """Words after a statement's head, as child elements: ``next-hop 10.0.0.1`` -> <next-hop>10.0.0.1</...>;
        a last lone word is an empty element (``emergency`` -> <emergency/>)."""
        lst = node.lst
        j = start
        n = len(toks)
        while j < n:
            word = toks[j]
            if not _XML_NAME.match(word):
                el.text = f"{el.text} {word}" if el.text else word  # no XML form known: kept as text
                j += 1
            elif lst is not None and lst[0] == j + 1:
                for value in toks[lst[0] : lst[1]]:
                    etree.SubElement(el, word).text = value
                j = lst[1]
            elif j + 1 < n:
                etree.SubElement(el, word).text = toks[j + 1]
                j += 2
            else:
                etree.SubElement(el, word)
                j += 1


def _flagged(el: etree._Element, node: Node) -> etree._Element:
    if node.flags & INACTIVE:
        el.set("inactive", "inactive")
    if node.flags & PROTECT:
        el.set("protect", "protect")
    if node.flags & REPLACE:
        el.set("replace", "replace")
    return el
