"""Junos XML (``<configuration>``, as ``get-configuration`` or ``show configuration | display xml`` gives it).

Reading accepts the reply as customers paste it (through msplus.xmlsafe.parse_pasted: no entity expansion, prompt
lines and ``]]>]]>`` tolerated, undeclared ``junos:`` prefixes), with or without ``<rpc-reply>``, and also the text
and set forms wrapped in XML (``<configuration-text>``, ``<configuration-output>``, ``<configuration-set>``).

Junos XML names every schema node: a container is an element; a list entry is an element holding its keys as
elements first (``<interface><name>ge-0/0/0</name>``, the list keyword written or not in curly text); a leaf-list
value, one element each; a flag, an empty element; a leaf written without keyword in curly text
(``autonomous-system 65432``) is still its element (``<as-number>``). ``inactive="inactive"``,
``protect="protect"``, ``replace="replace"`` and ``delete="delete"`` (or ``operation="delete"``) are attributes.
A statement the schema does not know is mapped generically (``<keyword>value</keyword>``,
``<keyword><name>id</name>...``) and marked unknown; words that cannot be element names go into
``<unknown-statement words="..."/>``.
"""

from __future__ import annotations

import re

from lxml import etree

from msplus import xmlsafe
from msplus.errors import ConfigSyntaxError, MalformedReplyError
from msplus.gcpause import paused_gc
from msplus.junosconf import schema as sch
from msplus.junosconf.limits import limits
from msplus.junosconf.node import (
    DELETE,
    INACTIVE,
    PROTECT,
    REPLACE,
    Node,
    escape,
    needs_quotes,
    quote_mask,
    unescape,
)

JUNOS_NS = "http://xml.juniper.net/junos/*/junos"
_FLAG_ATTRS = {"inactive": INACTIVE, "protect": PROTECT, "replace": REPLACE, "delete": DELETE}
UNKNOWN_TAG = "unknown-statement"  # words of a statement the schema lacks that are no XML names
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
    """Build the tree from a ``<configuration>`` element (iteratively: lxml already bounds the depth)."""
    root = Node((), [], None, 0, source)
    root.schema = sch.root()
    with paused_gc():
        _Reader(source, offset).run(el, root)
    return root


def _elements(el: etree._Element) -> list[etree._Element]:
    return [c for c in el if isinstance(c.tag, str)]


def _text(el: etree._Element) -> str:
    """An element's text: a value keeps its spaces (a description may start with one); indentation does not."""
    text = el.text or ""
    return text.strip() if "\n" in text or not text.strip() else text


class _Reader:
    def __init__(self, source: str, offset: int) -> None:
        self.source = source
        self.offset = offset
        self.max_depth = limits().max_depth

    def run(self, top: etree._Element, root: Node) -> None:
        work: list[tuple[list[etree._Element], Node, int]] = [(_elements(top), root, 0)]
        while work:
            kids, parent, depth = work.pop()
            if depth > self.max_depth:
                line = (kids[0].sourceline or 0) + self.offset if kids else None
                raise ConfigSyntaxError(
                    f"statements nested more than {self.max_depth} deep (limit in limits.yaml)", path=self.source,
                    line=line,
                )
            annotation: str | None = None
            i = 0
            while i < len(kids):
                kid = kids[i]
                tag = xmlsafe.local(kid.tag)
                if tag == "comment" and _annotation(kid, parent):
                    text = _text(kid)
                    if text.startswith("/*") and text.endswith("*/"):
                        text = text[2:-2].strip()
                    annotation = text if annotation is None else f"{annotation}\n{text}"
                    i += 1
                    continue
                if tag == "undocumented":
                    kids[i : i + 1] = _elements(kid)
                    continue
                node, inner, used = self.element(kids, i, tag, parent)
                if annotation is not None:
                    node.annotation = annotation
                    annotation = None
                if inner:
                    work.append((inner, node, depth + 1))
                i += used

    def element(
        self, kids: list[etree._Element], i: int, tag: str, parent: Node
    ) -> tuple[Node, list[etree._Element], int]:
        """The node for ``kids[i]`` (and following elements of a leaf-list), the elements to read inside it, and
        how many elements it used."""
        el = kids[i]
        sid = parent.schema
        cid = sch.schema().nodes[sid].children.get(tag, sch.UNKNOWN) if sid >= 0 else sch.UNKNOWN
        inner = _elements(el)
        if cid < 0:
            return self.unknown(el, tag, inner, parent)
        sn = sch.schema().nodes[cid]
        kind = sn.kind
        if kind in (sch.CONTAINER, sch.LIST, sch.FLAG) and not inner and _text(el):
            return self.unknown(el, tag, inner, parent)  # words where the schema has none: kept as written
        word = sch.XML_TO_CLI.get(tag, tag) if tag in sch.XML_TO_CLI and _alias_here(tag, parent) else tag
        if kind == sch.LEAF_LIST:
            return self.leaf_list(kids, i, word, parent, cid)
        if kind in (sch.FLAG, sch.LEAF):
            flag = kind == sch.FLAG
            return (self.make(parent, (word,), None, el, cid) if flag else self.leaf(el, word, sn, parent, cid)), [], 1
        if kind == sch.LIST:
            tokens, rest = _list_words(sn, word, inner)
            nameless = bool(sn.flags & sch.NAMELESS)
            if nameless:
                tokens = tokens[1:]
            node = self.make(parent, tokens, [] if rest else None, el, cid, values=0 if nameless else 1)
            return node, rest, 1
        return self.make(parent, (word,), [] if inner else None, el, cid), inner, 1

    def leaf_list(
        self, kids: list[etree._Element], i: int, word: str, parent: Node, cid: int
    ) -> tuple[Node, list[etree._Element], int]:
        """Consecutive elements of a leaf-list: one statement (``members [ a b ]``)."""
        el = kids[i]
        run = 1
        while i + run < len(kids) and kids[i + run].tag == el.tag and not _elements(kids[i + run]):
            run += 1
        values = tuple(escape(_text(k)) for k in kids[i : i + run])
        node = self.make(parent, (word, *values), None, el, cid, values=1)
        if run > 1:
            node.lst = (1, 1 + run)
        return node, [], run

    def leaf(self, el: etree._Element, word: str, sn: sch.SchemaNode, parent: Node, cid: int) -> Node:
        text = escape(_text(el))
        if sn.flags & sch.NOKEYWORD:
            return self.make(parent, (text,), None, el, cid, values=0)
        node = self.make(parent, (word, text) if text else (word,), None, el, cid, values=1)
        if text and word in sch.ALWAYS_QUOTED:
            node.quoted |= 2  # secrets are printed in quotes whatever they hold
        return node

    def unknown(
        self, el: etree._Element, tag: str, inner: list[etree._Element], parent: Node
    ) -> tuple[Node, list[etree._Element], int]:
        """An element the schema lacks: kept with its words (``<a>b c</a>``: ``a b c``), marked unknown."""
        if tag == UNKNOWN_TAG:
            from msplus.junosconf.setform import tokenize

            line = (el.sourceline or 0) + self.offset
            cmd = tokenize("set " + el.get("words", ""), line, self.source)
            words = tuple(cmd.words) if cmd is not None and cmd.words else (tag,)
            node = self.make(parent, words, [] if inner else None, el, sch.UNKNOWN)
            node.quoted = cmd.quoted if cmd is not None else 0
            return node, inner, 1
        text = _text(el)
        if inner:
            first = inner[0]
            if xmlsafe.local(first.tag) == "name" and not _elements(first) and _text(first):
                words = (tag, *(escape(w) for w in _text(first).split()))
                return self.make(parent, words, [] if inner[1:] else None, el, sch.UNKNOWN, values=1), inner[1:], 1
            return self.make(parent, (tag,), [], el, sch.UNKNOWN), inner, 1
        words = (tag, *(escape(w) for w in text.split())) if text else (tag,)
        return self.make(parent, words, None, el, sch.UNKNOWN, values=1), [], 1

    def make(
        self,
        parent: Node,
        tokens: tuple[str, ...],
        children: list[Node] | None,
        el: etree._Element,
        sid: int,
        *,
        values: int | None = None,
    ) -> Node:
        """A node under ``parent``; ``values``: index of the first value word (quoted where Junos quotes)."""
        node = Node(tokens, children, parent, (el.sourceline or 0) + self.offset, self.source)
        node.schema = sid
        if values is not None:
            node.quoted = quote_mask(tokens[values:]) << values
        _flags(el, node)
        parent.add(node)
        return node


def _annotation(el: etree._Element, parent: Node) -> bool:
    """``<junos:comment>``, or ``<comment>/* ... */</comment>`` where the schema has no comment statement (PyEZ
    removes namespaces from replies)."""
    if "junos" in el.tag.split("}", 1)[0]:
        return True
    text = _text(el)
    sn = sch.node(parent.schema)
    return text.startswith("/*") and text.endswith("*/") and (sn is None or "comment" not in sn.children)


def _alias_here(tag: str, parent: Node) -> bool:
    parents = sch.ALIAS_PARENTS.get(tag)
    return parents is None or (bool(parent.tokens) and parent.tokens[0] in parents)


def _list_words(
    sn: sch.SchemaNode, word: str, inner: list[etree._Element]
) -> tuple[tuple[str, ...], list[etree._Element]]:
    """A list entry's words from its key elements (``from-zone A to-zone B`` for a security policy) and the
    elements left for its children."""
    words = [word]
    rest = list(inner)
    for n, key in enumerate(sn.keys):
        at = next((j for j, k in enumerate(rest) if xmlsafe.local(k.tag) == key and not _elements(k)), None)
        if at is None:
            continue
        value = escape(_text(rest.pop(at)))
        keyword = sch.key_keyword(sn, n)
        if keyword is not None:
            words.append(keyword)
        words.append(value)
    return tuple(words), rest


def _flags(el: etree._Element, node: Node) -> None:
    for name, value in el.attrib.items():
        local = xmlsafe.local(name)
        if local in _FLAG_ATTRS and value == local:
            node.flags |= _FLAG_ATTRS[local]
        elif local == "operation" and value in _FLAG_ATTRS:
            node.flags |= _FLAG_ATTRS[value]
        elif local == "group":
            node.group = value


# --- writing -------------------------------------------------------------------------------------------------------
def write_xml(root: Node) -> str:
    """The tree as a ``<configuration>`` document (the junos: namespace declared for annotations)."""
    conf = etree.Element("configuration", nsmap={"junos": JUNOS_NS})
    work: list[tuple[Node, etree._Element]] = [(c, conf) for c in reversed(root.children or ())]
    while work:
        node, parent = work.pop()
        if node.annotation is not None:
            etree.SubElement(parent, f"{{{JUNOS_NS}}}comment").text = f"/* {node.annotation} */"
        el = _element(node, parent)
        if el is not None and node.children:
            work.extend((c, el) for c in reversed(node.children))
    etree.indent(conf, space="    ")
    return etree.tostring(conf, encoding="unicode") + "\n"


def _element(node: Node, parent: etree._Element) -> etree._Element | None:
    """Write ``node``'s own element(s) under ``parent``; the element its children go in (None for a leaf-list)."""
    toks = [unescape(t) for t in node.tokens]
    sn = sch.node(node.schema)
    if sn is None:
        return _unknown(node, toks, parent)
    kind = sn.kind
    name = sch.xml_name(node.parent.schema if node.parent is not None else -1, toks[0])
    if kind == sch.LEAF_LIST:
        for value in toks[1:]:
            _flagged(etree.SubElement(parent, name), node).text = value
        return None
    if kind == sch.LEAF:
        if sn.flags & sch.NOKEYWORD and node.parent is not None:
            leaf = _nokeyword_name(node)
            _flagged(etree.SubElement(parent, leaf), node).text = toks[0]
        else:
            el = _flagged(etree.SubElement(parent, name), node)
            if len(toks) > 1:
                el.text = " ".join(toks[1:])
        return None
    if kind == sch.LIST:
        nameless = bool(sn.flags & sch.NAMELESS)
        list_name = _list_name(node) if nameless else name
        el = _flagged(etree.SubElement(parent, list_name), node)
        values = toks if nameless else toks[1:]
        j = 0
        for n, key in enumerate(sn.keys):
            if j >= len(values):
                break
            if sch.key_keyword(sn, n) is not None:
                j += 1  # the key's keyword ("to-zone")
            if j < len(values):
                etree.SubElement(el, key).text = values[j]
            j += 1
        return el
    return _flagged(etree.SubElement(parent, name), node)


def _list_name(node: Node) -> str:
    """The XML name of a nameless list entry (``interface`` for ``ge-0/0/0`` under ``interfaces``)."""
    parent = node.parent
    psn = sch.node(parent.schema) if parent is not None else None
    if psn is not None:
        for name, cid in psn.children.items():
            if cid == node.schema and psn.nameless == cid:
                return name
        for name, cid in psn.children.items():
            if cid == node.schema:
                return name
    return "name"


def _nokeyword_name(node: Node) -> str:
    parent = node.parent
    psn = sch.node(parent.schema) if parent is not None else None
    if psn is not None and psn.nokeyword is not None:
        return psn.nokeyword
    return "name"


def _unknown(node: Node, toks: list[str], parent: etree._Element) -> etree._Element:
    word = toks[0]
    if not _XML_NAME.match(word) or node.quoted or node.lst is not None or any(needs_quotes(t) for t in toks[1:]):
        el = _flagged(etree.SubElement(parent, UNKNOWN_TAG), node)
        q = node.quoted
        el.set("words", " ".join(f'"{t}"' if q >> i & 1 else t for i, t in enumerate(node.tokens)))
        return el
    el = _flagged(etree.SubElement(parent, word), node)
    if len(toks) > 1:
        if node.children is not None:
            etree.SubElement(el, "name").text = " ".join(toks[1:])
        else:
            el.text = " ".join(toks[1:])
    return el


def _flagged(el: etree._Element, node: Node) -> etree._Element:
    if node.flags & INACTIVE:
        el.set("inactive", "inactive")
    if node.flags & PROTECT:
        el.set("protect", "protect")
    if node.flags & REPLACE:
        el.set("replace", "replace")
    if node.flags & DELETE:
        el.set("delete", "delete")
    return el
