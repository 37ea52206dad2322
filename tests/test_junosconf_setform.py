"""Set form: reading set lines into statements, and applying set/delete/deactivate... commands to a tree."""

from __future__ import annotations

import pytest

from msplus.errors import ConfigSyntaxError
from msplus.junosconf import parse_set, parse_text

SET_LINES = """set version 18.2R1.9
set system host-name r1
set system services ssh root-login allow
set system services netconf ssh
set system name-server 192.0.2.53
set system syslog file messages any notice
set system syslog file messages match "!(.*FOO.*)"
set interfaces ge-0/0/0 description "uplink to core"
set interfaces ge-0/0/0 unit 0 family inet address 10.0.0.1/24
set interfaces ge-0/0/0 unit 0 family inet address 10.0.0.2/24
set policy-options policy-statement p term t from protocol bgp
set policy-options policy-statement p term t from protocol static
set policy-options policy-statement p term t then accept
set protocols bgp group ext neighbor 192.0.2.1 peer-as 65001
set protocols bgp group ext neighbor 192.0.2.2
deactivate protocols bgp group ext neighbor 192.0.2.2
set switch-options vrf-target target:65000:1
set switch-options vrf-target auto
"""

EXPECTED_TEXT = """version 18.2R1.9;
system {
    host-name r1;
    services {
        ssh {
            root-login allow;
        }
        netconf {
            ssh;
        }
    }
    name-server {
        192.0.2.53;
    }
    syslog {
        file messages {
            any notice;
            match "!(.*FOO.*)";
        }
    }
}
interfaces {
    ge-0/0/0 {
        description "uplink to core";
        unit 0 {
            family inet {
                address 10.0.0.1/24;
                address 10.0.0.2/24;
            }
        }
    }
}
policy-options {
    policy-statement p {
        term t {
            from protocol [ bgp static ];
            then accept;
        }
    }
}
protocols {
    bgp {
        group ext {
            neighbor 192.0.2.1 {
                peer-as 65001;
            }
            inactive: neighbor 192.0.2.2;
        }
    }
}
switch-options {
    vrf-target {
        target:65000:1;
        auto;
    }
}
"""


def test_set_lines_group_into_the_statements_junos_prints() -> None:
    tree = parse_set(SET_LINES, source="r1.set")
    assert tree.form == "set"
    assert tree.to_text() == EXPECTED_TEXT
    assert tree.to_set() == SET_LINES


def test_set_nodes_know_their_line() -> None:
    tree = parse_set(SET_LINES, source="r1.set")
    assert tree.find("interfaces ge-0/0/0 unit 0 family inet address 10.0.0.2/24").line == 10
    assert tree.find("protocols bgp group ext neighbor 192.0.2.2").where == "r1.set:15"


def test_set_lines_with_a_bracket_list() -> None:
    tree = parse_set("set system authentication-order [ radius password ]\nset apply-groups [ a b ]\n")
    assert tree.to_set() == (
        "set system authentication-order radius\nset system authentication-order password\n"
        "set apply-groups a\nset apply-groups b\n"
    )
    assert tree.to_text() == "system {\n    authentication-order [ radius password ];\n}\napply-groups [ a b ];\n"


def tree_with(text: str = "system {\n    host-name r1;\n}\n"):
    return parse_text(text, source="base.conf")


def test_set_new_statement_is_added() -> None:
    tree = tree_with()
    result = tree.apply_set_line("set system domain-name example.net", 7)
    assert (result.op, result.status, result.line) == ("set", "added", 7)
    assert result.nodes[0].tokens == ("domain-name", "example.net")
    assert tree.get("system domain-name") == "example.net"


def test_set_existing_statement_exists() -> None:
    result = tree_with().apply_set_line("set system host-name r1", 1)
    assert result.status == "exists"


def test_set_replaces_a_single_value() -> None:
    tree = tree_with()
    result = tree.apply_set_line("set system host-name r2", 3, source="change.set")
    assert result.status == "replaced" and result.old == ("host-name", "r1")
    assert tree.to_set() == "set system host-name r2\n"
    assert tree.find("system host-name").where == "change.set:3"


def test_set_adds_to_a_leaf_list() -> None:
    tree = tree_with("policy-options {\n    community c members 65000:1;\n}\n")
    assert tree.apply_set_line("set policy-options community c members 65000:2").status == "added"
    assert tree.apply_set_line("set policy-options community c members 65000:1").status == "exists"
    assert tree.to_text() == "policy-options {\n    community c members [ 65000:1 65000:2 ];\n}\n"


def test_set_gives_a_presence_statement_options() -> None:
    tree = tree_with("system {\n    services {\n        ssh;\n    }\n}\n")
    tree.apply_set_line("set system services ssh root-login deny")
    assert (
        tree.to_text() == "system {\n    services {\n        ssh {\n            root-login deny;\n        }\n    }\n}\n"
    )


def test_delete_of_an_absent_path_is_reported_not_raised() -> None:
    tree = tree_with()
    result = tree.apply_set_line("delete system domain-name", 12)
    assert result.status == "absent"
    assert str(result) == "line 12: delete of absent path 'system domain-name'"
    assert tree.to_set() == "set system host-name r1\n"


def test_parse_set_collects_absent_deletes_as_warnings() -> None:
    tree = parse_set("set system host-name r1\ndelete system location\n", source="c.set")
    assert tree.warnings == ["c.set:line 2: delete of absent path 'system location'"]


def test_delete_removes_a_statement_by_keyword_or_whole_path() -> None:
    tree = tree_with("system {\n    host-name r1;\n    services {\n        ssh;\n        telnet;\n    }\n}\n")
    assert tree.apply_set_line("delete system host-name").status == "deleted"
    assert tree.apply_set_line("delete system services telnet").status == "deleted"
    assert tree.to_set() == "set system services ssh\n"


def test_delete_one_element_of_a_list() -> None:
    tree = tree_with("system {\n    authentication-order [ radius tacplus password ];\n}\n")
    tree.apply_set_line("delete system authentication-order tacplus")
    assert tree.to_text() == "system {\n    authentication-order [ radius password ];\n}\n"
    tree.apply_set_line("delete system authentication-order radius")
    assert tree.to_text() == "system {\n    authentication-order password;\n}\n"


def test_deactivate_and_activate() -> None:
    tree = tree_with()
    assert tree.apply_set_line("deactivate system host-name").status == "changed"
    assert tree.to_set() == "set system host-name r1\ndeactivate system host-name\n"
    assert tree.apply_set_line("deactivate system host-name").status == "unchanged"
    assert tree.apply_set_line("activate system host-name").status == "changed"
    assert tree.to_set() == "set system host-name r1\n"
    assert tree.apply_set_line("deactivate system location").status == "absent"


def test_protect_and_unprotect() -> None:
    tree = tree_with()
    tree.apply_set_line("protect system")
    assert tree.to_set() == "set system host-name r1\nprotect system\n"
    tree.apply_set_line("unprotect system")
    assert tree.to_set() == "set system host-name r1\n"


def test_edit_top_and_annotate() -> None:
    tree = tree_with()
    tree.apply_set_line("edit system")
    tree.apply_set_line("set location building-1")
    tree.apply_set_line('annotate host-name "the name"')
    tree.apply_set_line("top")
    tree.apply_set_line("set snmp location lab")
    assert tree.to_text() == (
        "system {\n    /* the name */\n    host-name r1;\n    location building-1;\n}\nsnmp {\n    location lab;\n}\n"
    )


def test_insert_rename_and_copy() -> None:
    tree = tree_with(
        "policy-options {\n    policy-statement p {\n        term a {\n            then accept;\n        }\n"
        "        term b {\n            then reject;\n        }\n    }\n}\n"
    )
    assert tree.apply_set_line("insert policy-options policy-statement p term b before term a").status == "moved"
    assert [n.tokens for n in tree.find("policy-options policy-statement p").children] == [("term", "b"), ("term", "a")]
    assert tree.apply_set_line("rename policy-options policy-statement p term a to term z").status == "changed"
    # "then accept;" is the container then holding the flag accept (one node per schema statement)
    assert tree.get("policy-options policy-statement p term z then") == "accept"
    tree.apply_set_line("copy policy-options policy-statement p to policy-statement q")
    assert tree.values("policy-options policy-statement q term b then") == ["reject"]
    assert tree.apply_set_line("insert policy-options policy-statement p term b after term x").status == "absent"


@pytest.mark.parametrize(
    ("line", "column", "problem"),
    [
        ('set system host-name "r1', 22, "unterminated quoted string"),
        ("show configuration", 1, "not a configuration command"),
        ("set system { host-name r1; }", 12, "'{' in a set command"),
        ("set system authentication-order [ radius", 41, "'[' not closed"),
        ("set system ] x", 12, "misplaced ']'"),
        ("delete", 7, "needs a path"),
    ],
)
def test_lines_that_do_not_parse_raise_with_column(line: str, column: int, problem: str) -> None:
    tree = tree_with()
    with pytest.raises(ConfigSyntaxError) as err:
        tree.apply_set_line(line, 9, source="change.set")
    assert (err.value.path, err.value.line, err.value.column) == ("change.set", 9, column)
    assert problem in err.value.problem


def test_parse_set_refuses_curly_text_with_its_line() -> None:
    with pytest.raises(ConfigSyntaxError) as err:
        parse_set("set system host-name r1\nsystem {\n", source="mixed.set")
    assert err.value.line == 2
