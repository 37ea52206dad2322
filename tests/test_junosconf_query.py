"""Queries analyzers use: find, match, values, node fields, and a node's text."""

from __future__ import annotations

from msplus.junosconf import parse_set, parse_text

TEXT = """system {
    host-name r1;
    name-server {
        192.0.2.53;
        192.0.2.54;
    }
}
interfaces {
    ge-0/0/0 {
        unit 0 {
            family inet {
                address 10.0.0.1/24;
            }
        }
        unit 10 {
            family inet6;
        }
    }
    xe-0/0/1 {
        unit 0;
    }
}
protocols {
    bgp {
        group ext {
            neighbor 192.0.2.1 {
                peer-as 65001;
            }
            neighbor 192.0.2.2;
        }
        group int {
            neighbor 10.0.0.2;
        }
    }
}
vlans {
    v10 {
        vlan-id 10;
        vxlan {
            vni 10010;
        }
    }
    v20 {
        vlan-id 20;
    }
}
"""


def test_node_fields_for_containers_and_leaves() -> None:
    tree = parse_text(TEXT)
    unit = tree.find(["interfaces", "ge-0/0/0", "unit", "0"])
    assert unit is not None
    assert (unit.name, unit.identifiers, unit.value, unit.is_leaf) == ("unit", ("0",), "0", False)
    assert unit.path == ("interfaces", "ge-0/0/0", "unit", "0")
    leaf = tree.find("system host-name")
    assert (leaf.name, leaf.value, leaf.is_leaf) == ("host-name", "r1", True)
    interface = tree.find("interfaces ge-0/0/0")
    assert interface.name == "ge-0/0/0" and [c.name for c in interface.children] == ["unit", "unit"]
    assert [c.tokens for c in interface.children_named("unit")] == [("unit", "0"), ("unit", "10")]
    # one node per schema statement: "family inet6;" is the container family holding the container inet6
    family = interface.child("unit", "10").children[0]
    assert family.tokens == ("family",) and family.children[0].tokens == ("inet6",)


def test_find_returns_none_for_absent_paths() -> None:
    tree = parse_text(TEXT)
    assert tree.find("interfaces ge-0/0/9") is None
    assert tree.find("system host-name r2") is None
    assert tree.find("") is None


def test_match_with_wildcards() -> None:
    tree = parse_text(TEXT)
    neighbors = tree.match("protocols bgp group <*> neighbor <*>")
    assert [n.tokens[1] for n in neighbors] == ["192.0.2.1", "192.0.2.2", "10.0.0.2"]
    assert [n.path[1] for n in tree.match("vlans <vlan> vxlan")] == ["v10"]
    assert [n.path for n in tree.match("interfaces <ge-*> unit <*>")] == [
        ("interfaces", "ge-0/0/0", "unit", "0"),
        ("interfaces", "ge-0/0/0", "unit", "10"),
    ]
    assert [n.value for n in tree.match(["vlans", "<*>", "vlan-id"])] == ["10", "20"]


def test_values_do_not_depend_on_statement_grouping() -> None:
    text_tree = parse_text(TEXT)
    set_tree = parse_set(text_tree.to_set())
    for tree in (text_tree, set_tree):
        assert tree.values("system name-server") == ["192.0.2.53", "192.0.2.54"]
        assert tree.get("protocols bgp group ext neighbor 192.0.2.1 peer-as") == "65001"
        assert tree.get("system location") is None


def test_find_all_gives_every_statement_at_a_path() -> None:
    tree = parse_text(TEXT)
    assert [n.value for n in tree.find_all("protocols bgp group")] == ["ext", "int"]


def test_node_text_is_what_show_configuration_path_prints() -> None:
    tree = parse_text(TEXT)
    assert tree.find("protocols bgp group ext").to_text() == (
        "neighbor 192.0.2.1 {\n    peer-as 65001;\n}\nneighbor 192.0.2.2;\n"
    )
    assert tree.find("system host-name").to_text() == "host-name r1;\n"
    assert tree.find("vlans v20").to_text(include_self=True) == "v20 {\n    vlan-id 20;\n}\n"


def test_iter_walks_in_configuration_order() -> None:
    tree = parse_text("a {\n    b;\n    c {\n        d;\n    }\n}\ne;\n")
    assert [n.name for n in tree.iter()] == ["a", "b", "c", "d", "e"]
