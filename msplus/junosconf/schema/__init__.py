"""The Junos configuration schema, as derived from Juniper's YANG by ``build_grammar.py`` (see that file and
``PROVENANCE.md`` here), and how statement words map onto it.

A schema node is a container, a list (entries named by key values), a leaf-list, a flag (a leaf without value) or
a leaf with one value. Every statement of a tree carries the id of its schema node (``Node.schema``), or UNKNOWN
for a statement the schema does not know (kept as written, listed by ``ConfigTree.unknown()``).

``step(sid, words, i)`` is the one rule that splits words into statements, used by every reader: for ``set
interfaces ge-0/0/0 unit 0 family inet address 10.0.0.1/24`` it yields ``interfaces`` (container), ``ge-0/0/0``
(an entry of the list ``interface``, whose keyword is not written), ``unit 0`` (list entry), ``family`` and
``inet`` (containers), ``address 10.0.0.1/24`` (list entry).
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

RELEASE_FILE = Path(__file__).with_name("junos-23.4R2.json.gz")

CONTAINER, LIST, LEAF_LIST, FLAG, LEAF = "c", "l", "L", "f", "v"
PRESENCE, ORDERED, NOKEYWORD, ONELINER, ONELINER_PLUS, HOMOGENEOUS, NAMELESS = 1, 2, 4, 8, 16, 32, 64
UNKNOWN = -1

# CLI words that YANG cannot spell (an identifier cannot start with a digit) or spells differently, per parent
# keyword ("*" for anywhere): CLI word -> schema (XML) name.
ALIASES: dict[str, str] = {"802.3ad": "ieee-802.3ad", "from-zone": "policy"}
XML_TO_CLI = {v: k for k, v in ALIASES.items()}
# Where an alias applies (the XML name exists elsewhere as itself): schema name -> parent keywords.
ALIAS_PARENTS = {"policy": frozenset({"policies"})}
# Containers whose children are printed on the container's line in curly text: ``family inet {`` is the container
# ``family`` holding the container ``inet``.
FLATTENED = frozenset({"family"})
# Lists whose entries Junos prints in one block under the list keyword (``name-server { 10.0.0.1; }``): the
# "homogeneous" lists of the extension set, and these, which the YANG does not mark (list keyword -> parent
# keywords where it applies, None for anywhere).
GROUPED: dict[str, frozenset[str] | None] = {
    "groups": frozenset({""}),
    "name-server": None,
    "radius-server": None,
    "tacplus-server": None,
    "targets": None,
    "system-services": None,
    "protocols": frozenset({"host-inbound-traffic"}),
    "interfaces": frozenset({"security-zone", "functional-zone", "management"}),
    "providers": None,
    "clients": None,
    "source-address": frozenset({"from"}),
    "destination-address": frozenset({"from"}),
    "address": frozenset({"from"}),
    "source-prefix-list": frozenset({"from"}),
    "destination-prefix-list": frozenset({"from"}),
}
# Values Junos always prints in quotes (secrets), even when they hold no space or punctuation.
ALWAYS_QUOTED = frozenset(
    {"encrypted-password", "secret", "authentication-key", "ascii-text", "hexadecimal", "pre-shared-key",
     "simple-password", "md5-key", "key"}
)  # fmt: skip
# Key leaves written without keyword that the YANG does not mark (route-filter 10.0.0.0/8 upto /24): the
# "choice" keys, whose value is itself a word; choice-value follows only these choice-ident values.
NOKEYWORD_KEYS = frozenset({"choice-ident", "choice-value"})
CHOICE_WITH_VALUE = frozenset({"upto", "through", "prefix-length-range", "address-mask"})
# Lists whose second key is written with a keyword other than its XML name (``from-zone A to-zone B``).
KEY_WORDS = {("policy", "to-zone-name"): "to-zone"}


@dataclass(frozen=True, slots=True)
class SchemaNode:
    kind: str
    flags: int
    children: dict[str, int]
    keys: tuple[str, ...]
    choice: dict[str, str]
    nameless: int  # id of a list child whose keyword is not written, or UNKNOWN
    nokeyword: str | None  # name of a value leaf child written without its name (``autonomous-system 65432``)


class _Nodes:
    """Schema nodes built from the compact rows on first use (a configuration touches a few hundred of them)."""

    __slots__ = ("_built", "_rows")

    def __init__(self, rows: list[list[Any]]) -> None:
        self._rows = rows
        self._built: list[SchemaNode | None] = [None] * len(rows)

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, sid: int) -> SchemaNode:
        found = self._built[sid]
        if found is None:
            found = self._built[sid] = _build(self._rows, sid)
        return found


def _build(rows: list[list[Any]], sid: int) -> SchemaNode:
    row = rows[sid]
    kind, flags, children = row[0], row[1], row[2]
    keys = tuple(row[3]) if len(row) > 3 else ()
    choice = row[4] if len(row) > 4 else {}
    nameless = UNKNOWN
    nokeyword = None
    for name, cid in children.items():
        child = rows[cid]
        if child[0] == LIST and child[1] & NAMELESS and nameless == UNKNOWN:
            nameless = cid
        elif child[0] in (LEAF, LEAF_LIST) and child[1] & NOKEYWORD and name not in keys and nokeyword is None:
            nokeyword = name
    return SchemaNode(kind, flags, children, keys, choice, nameless, nokeyword)


@dataclass(frozen=True, slots=True)
class Schema:
    release: str
    source: str
    families: tuple[str, ...]
    nodes: _Nodes
    root: int


@cache
def schema() -> Schema:
    """The shipped schema, loaded once (the compact file; nodes are built as they are used)."""
    with gzip.open(RELEASE_FILE, "rb") as fh:
        raw = json.loads(fh.read())
    return Schema(raw["release"], raw["source"], tuple(raw["families"]), _Nodes(raw["nodes"]), raw["root"])


def node(sid: int) -> SchemaNode | None:
    return schema().nodes[sid] if sid >= 0 else None


def root() -> int:
    return schema().root


def child_id(sid: int, word: str, parent_word: str = "") -> int:
    """The schema id of the keyword ``word`` directly inside ``sid`` (CLI aliases applied), or UNKNOWN."""
    if sid < 0:
        return UNKNOWN
    children = schema().nodes[sid].children
    found = children.get(word)
    if found is not None:
        return found
    alias = ALIASES.get(word)
    if alias is not None and (alias not in ALIAS_PARENTS or parent_word in ALIAS_PARENTS[alias]):
        return children.get(alias, UNKNOWN)
    return UNKNOWN


def _step_cached(sid: int, word: str, parent_word: str) -> tuple[int, str, int]:
    """(child schema id, kind, words taken when enough words follow; -1: depends on the words) for a statement
    starting with ``word``. Keywords are looked up in the node's children; anything else (an interface name, a
    prefix) is answered per node, so names never fill a cache."""
    sn = schema().nodes[sid]
    cid = sn.children.get(word)
    if cid is None:
        alias = ALIASES.get(word)
        if alias is not None and (alias not in ALIAS_PARENTS or parent_word in ALIAS_PARENTS[alias]):
            cid = sn.children.get(alias)
    if cid is not None:
        return _keyword_step(cid)
    return _name_step(sid)


@cache
def _keyword_step(cid: int) -> tuple[int, str, int]:
    child = schema().nodes[cid]
    kind = child.kind
    if kind in (CONTAINER, FLAG):
        return cid, kind, 1
    if kind == LIST:
        keys = _key_words(child)
        return cid, kind, -1 if keys < 0 else 1 + keys
    return cid, kind, 2  # a leaf or leaf-list: keyword and value


@cache
def _name_step(sid: int) -> tuple[int, str, int]:
    """A word that is no keyword of ``sid``: an entry of its nameless list, its keyword-less value, or unknown."""
    sn = schema().nodes[sid]
    if sn.nameless >= 0:
        keys = _key_words(schema().nodes[sn.nameless])
        return sn.nameless, LIST, keys
    if sn.nokeyword is not None:
        nk = sn.children[sn.nokeyword]
        return nk, schema().nodes[nk].kind, 1
    return UNKNOWN, "", 0


FIRST_STEPS: dict[tuple[int, str], tuple[int, str, int]] = {}  # keyword steps already answered (bounded by the schema)


def step_first(sid: int, word: str, parent_word: str) -> tuple[int, str, int]:
    """``_step_cached`` for readers' hot loops: a keyword's answer is remembered per (node, word); names (an
    interface, a prefix) are not, so they never fill memory."""
    found = FIRST_STEPS.get((sid, word))
    if found is not None:
        return found
    found = _step_cached(sid, word, parent_word)
    if word in schema().nodes[sid].children:
        FIRST_STEPS[(sid, word)] = found
    return found


def key_keyword(list_node: SchemaNode, n: int) -> str | None:
    """The word written before key ``n`` of a list entry, or None when its value stands alone (always the first
    key; ``to-zone`` before a security policy's second key)."""
    if n == 0:
        return None
    key = list_node.keys[n]
    if key in NOKEYWORD_KEYS:
        return None
    kid = list_node.children.get(key)
    if kid is not None and schema().nodes[kid].flags & NOKEYWORD:
        return None
    return next((cli for (_lst, k), cli in KEY_WORDS.items() if k == key), key)


def _key_words(list_node: SchemaNode) -> int:
    """Words the keys of a list entry take; -1 when it depends on the words (a choice-ident key)."""
    if "choice-ident" in list_node.keys:
        return -1
    return max(sum(1 if key_keyword(list_node, n) is None else 2 for n in range(len(list_node.keys))), 1)


def step(sid: int, words: tuple[str, ...] | list[str], i: int, parent_word: str = "") -> tuple[int, str, int]:
    """The next statement in ``words[i:]`` inside schema node ``sid``: (its schema id, kind, number of words).
    An unknown statement takes every remaining word (kind "")."""
    rest = len(words) - i
    if sid < 0:
        return UNKNOWN, "", rest
    cid, kind, take = _step_cached(sid, words[i], parent_word)
    if cid < 0:
        return UNKNOWN, "", rest
    if take < 0:  # "route-filter 10.0.0.0/8 exact" / "... upto /24": the choice word says whether a value follows
        head = 0 if schema().nodes[cid].flags & NAMELESS else 1
        at = i + head + 1  # the choice-ident word
        take = head + 2 + (1 if at < len(words) and words[at] in CHOICE_WITH_VALUE else 0)
    return cid, kind, min(take, rest)


def identity_length(sid: int, tokens: tuple[str, ...]) -> int:
    """How many of a statement's words name it in ``deactivate``/``delete`` (a leaf: its keyword; a leaf written
    without keyword or a list entry: all its words)."""
    sn = node(sid)
    if sn is None:
        return len(tokens)
    if sn.kind in (LEAF, LEAF_LIST) and len(tokens) > 1:
        return 1
    return len(tokens)


def xml_name(parent_sid: int, word: str) -> str:
    """The XML element name for a statement keyword inside ``parent_sid`` (``802.3ad`` -> ``ieee-802.3ad``; a
    word the schema has as itself stays)."""
    if word not in ALIASES or parent_sid < 0 or word in schema().nodes[parent_sid].children:
        return word
    return ALIASES[word]


def is_single_value(sid: int) -> bool:
    sn = node(sid)
    return sn is not None and sn.kind == LEAF


def is_unknown(sid: int) -> bool:
    return sid < 0


def release() -> str:
    return schema().release
