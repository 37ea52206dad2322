"""Rule patterns against the configuration model: wildcards and globs, [ lists ], statements written on one line
or as containers, and patterns that start at any depth."""

from __future__ import annotations

import pytest

from analyzers.cacr.context import match_path
from analyzers.cacr.patterns import find, find_below, index_by_word, parse_pattern
from msplus.junosconf import parse

CONFIG = """\
system {
    authentication-order [ tacplus password ];
    ntp {
        server 192.0.2.1 key 1 prefer;
        server 192.0.2.2;
        server 192.0.2.3 {
            key 2;
        }
    }
    processes {
        dhcp-service {
            traceoptions {
                flag all;
            }
        }
    }
}
interfaces {
    ge-0/0/0 {
        unit 0 {
            family inet {
                address 10.0.0.1/30;
            }
        }
    }
    xe-0/0/1 {
        mtu 9192;
    }
}
protocols {
    bgp {
        traceoptions {
            flag all;
        }
        group G {
            import [ A B ];
            neighbor 10.0.0.2;
        }
    }
}
"""


@pytest.fixture(scope="module")
def root():
    return parse(CONFIG, "p.conf").root


def test_wildcards_capture_and_globs_filter(root) -> None:
    found = find(parse_pattern("interfaces <*> unit <*> family <inet*> address <*>"), root)
    assert [m.captures for m in found] == [("ge-0/0/0", "0", "inet", "10.0.0.1/30")]
    assert [m.captures for m in find(parse_pattern("interfaces <xe-*>"), root)] == [("xe-0/0/1",)]
    assert find(parse_pattern("interfaces <et-*>"), root) == []


def test_a_statement_matches_whether_written_on_one_line_or_as_a_container(root) -> None:
    servers = find(parse_pattern("system ntp server <*>"), root)
    assert [m.captures for m in servers] == [("192.0.2.1",), ("192.0.2.2",), ("192.0.2.3",)]
    keyed = [m for m in servers if find_below(parse_pattern("key <*>"), m.node, m.used)]
    assert [m.captures for m in keyed] == [("192.0.2.1",), ("192.0.2.3",)]
    assert [m.captures for m in find(parse_pattern("system ntp server <*> key <*>"), root)] == [
        ("192.0.2.1", "1"), ("192.0.2.3", "2")]


def test_list_elements_match_one_at_a_time(root) -> None:
    (m,) = find(parse_pattern("system authentication-order password"), root)
    assert m.words() == ("authentication-order", "password")
    assert match_path(m) == "system authentication-order password"
    imports = find(parse_pattern("protocols bgp group <*> import <*>"), root)
    assert [m.captures for m in imports] == [("G", "A"), ("G", "B")]
    assert find(parse_pattern("system authentication-order radius"), root) == []


def test_a_leading_ellipsis_matches_at_any_depth(root) -> None:
    found = find(parse_pattern("... traceoptions flag all"), root, index_by_word(root))
    assert sorted(match_path(m) for m in found) == [
        "protocols bgp traceoptions flag all", "system processes dhcp-service traceoptions flag all"]


@pytest.mark.parametrize("text,problem", [
    ("", "empty pattern"),
    ("...", "empty pattern"),
    ("system ... ntp", "'...' is allowed only at the start"),
    ("interfaces <ge-*", "a wildcard is a whole word"),
    ("interfaces <<x>>", "unbalanced"),
])
def test_bad_patterns_are_refused_with_the_reason(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        parse_pattern(text)


def test_the_context_indexes_only_the_words_asked_for_and_adds_more_later() -> None:
    from analyzers.cacr.context import Context, Facts

    tree = parse(CONFIG, "p.conf")
    ctx = Context(tree, Facts())
    assert [match_path(m) for m in ctx.find(parse_pattern("... traceoptions flag all"))] == [
        "system processes dhcp-service traceoptions flag all", "protocols bgp traceoptions flag all"]
    assert set(ctx.by_word(["traceoptions"])) == {"traceoptions"}
    assert [m.captures for m in ctx.find(parse_pattern("... neighbor <*>"))] == [("10.0.0.2",)]
    assert [m.captures for m in ctx.find(parse_pattern("... <mt*> <*>"))] == [("mtu", "9192")]  # a glob first word
    assert len(ctx.by_word()) > 10
