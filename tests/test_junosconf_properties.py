"""Property tests (Hypothesis): configurations generated from the schema itself keep their set lines through every
form: set -> text -> set, set -> XML -> set, text -> XML -> text, and a second round changes nothing.

Budget: a fixed number of examples and no deadline, so the whole file runs in a few seconds in CI; raise
HYPOTHESIS_PROFILE=long (below) to search longer by hand.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from msplus.junosconf import parse_set, parse_text, parse_xml
from msplus.junosconf import schema as sch
from msplus.junosconf.node import needs_quotes

settings.register_profile(
    "ci", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
settings.register_profile("long", max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")

# Values that are never keywords: names, addresses, and strings Junos prints in quotes.
VALUES = st.sampled_from(
    ["x1", "ge-0/0/0", "10.0.0.1/24", "192.0.2.1", "65000:100", "x_y.z", "a b", "$9$abc.def", "left (x)", "*"]
)


def _quote(value: str) -> str:
    """Quoted where Junos quotes (the XML form carries no quotes, so the model quotes what needs it)."""
    return f'"{value}"' if needs_quotes(value) else value


@st.composite
def set_line(draw: st.DrawFn) -> list[str]:  # noqa: PLR0912  (one walk, one case per kind of schema node)
    """One set line: a random walk down the schema from the top, ending on a leaf, flag or leaf-list value (or
    on a statement the schema does not know)."""
    schema = sch.schema()
    sid = schema.root
    words: list[str] = []
    parent_word = ""
    for _depth in range(draw(st.integers(min_value=1, max_value=7))):
        node = schema.nodes[sid]
        names = sorted(n for n in node.children if n not in node.keys and not n.startswith("apply-"))
        if not names:
            break
        name = draw(st.sampled_from(names))
        cid = node.children[name]
        child = schema.nodes[cid]
        word = name
        if name in sch.XML_TO_CLI and parent_word in sch.ALIAS_PARENTS.get(name, frozenset({parent_word})) \
                and sch.XML_TO_CLI[name] not in node.children:
            word = sch.XML_TO_CLI[name]
        if child.kind == sch.LIST:
            if not child.flags & sch.NAMELESS:
                words.append(word)
            for n, key in enumerate(child.keys):
                keyword = sch.key_keyword(child, n)
                if keyword is not None:
                    words.append(keyword)
                if key == "choice-ident":
                    words.append(draw(st.sampled_from(["exact", "orlonger", "upto"])))
                    if words[-1] == "upto":
                        words.append("/24")
                    break
                words.append(_quote(draw(VALUES)))
            sid, parent_word = cid, word
            continue
        if child.kind == sch.CONTAINER:
            words.append(word)
            sid, parent_word = cid, word
            continue
        if child.flags & sch.NOKEYWORD:
            words.append(_quote(draw(VALUES)))
        elif child.kind == sch.FLAG:
            words.append(word)
        else:
            value = draw(VALUES)  # secrets are printed in quotes whatever they hold
            words.extend([word, f'"{value}"' if word in sch.ALWAYS_QUOTED else _quote(value)])
        return words
    if draw(st.booleans()):
        words.extend(["zz-unknown-knob", "7"])  # a statement from another release: kept
    return words or ["system", "host-name", "x1"]


@st.composite
def configuration(draw: st.DrawFn) -> str:
    lines = draw(st.lists(set_line(), min_size=1, max_size=12))
    out = ["set " + " ".join(words) for words in lines]
    # (a statement the schema lacks is one unit from the first statement made for it, so a deactivate naming a
    # path above it depends on what was read before: flags only in configurations without one)
    flaggable = [] if any("zz-unknown-knob" in words for words in lines) else lines
    for words in draw(st.lists(st.sampled_from(flaggable), max_size=2)) if flaggable else []:
        cut = draw(st.integers(min_value=1, max_value=len(words)))
        out.append(draw(st.sampled_from(["deactivate ", "protect "])) + " ".join(words[:cut]))
    return "\n".join(out) + "\n"


@settings(settings.get_profile(PROFILE))
@given(configuration())
def test_set_text_xml_round_trips(config: str) -> None:
    tree = parse_set(config, source="gen.set")
    lines = tree.to_set()
    text = tree.to_text()
    # A statement the schema lacks is kept from the first word the schema does not know, so where it sits among
    # known siblings can depend on the order it was met in: with one, the same lines, in any order.
    same = (lambda a, b: a == b) if "zz-unknown-knob" not in config else (lambda a, b: sorted(a) == sorted(b))
    assert same(parse_text(text, source="gen.conf").to_set().splitlines(), lines.splitlines())
    assert same(parse_xml(tree.to_xml(), source="gen.xml").to_set().splitlines(), lines.splitlines())
    assert same(parse_set(lines, source="again.set").to_set().splitlines(), lines.splitlines())
    assert same(parse_text(text).to_text().splitlines(), text.splitlines())
    assert same(parse_text(parse_xml(tree.to_xml()).to_text()).to_set().splitlines(), lines.splitlines())


@settings(settings.get_profile(PROFILE))
@given(configuration())
def test_effective_view_is_stable(config: str) -> None:
    tree = parse_set(config)
    eff = tree.effective()
    assert parse_text(eff.to_text()).to_set() == eff.to_set()
    assert not any(line.startswith("deactivate ") for line in eff.to_set().splitlines())
