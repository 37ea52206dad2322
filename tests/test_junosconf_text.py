"""Curly text: each trap real configurations hold, one test each, and malformed input with line and column."""

from __future__ import annotations

import pytest

from msplus.errors import ConfigSyntaxError
from msplus.junosconf import parse, parse_text


def set_of(text: str) -> list[str]:
    return parse_text(text, source="t.conf").to_set().splitlines()


# --- inactive / protect / replace ----------------------------------------------------------------------------------
def test_inactive_statement_prints_deactivate_right_after_its_set_lines() -> None:
    text = """interfaces {
    inactive: ge-0/0/1 {
        description spare;
        unit 0 {
            family inet {
                address 10.0.1.1/24;
            }
        }
    }
    ge-0/0/2 {
        inactive: disable;
        mtu 9000;
    }
}
"""
    assert set_of(text) == [
        "set interfaces ge-0/0/1 description spare",
        "set interfaces ge-0/0/1 unit 0 family inet address 10.0.1.1/24",
        "deactivate interfaces ge-0/0/1",
        "set interfaces ge-0/0/2 disable",
        "deactivate interfaces ge-0/0/2 disable",
        "set interfaces ge-0/0/2 mtu 9000",
    ]
    tree = parse_text(text)
    assert tree.find("interfaces ge-0/0/1").inactive
    assert tree.to_text() == text


def test_deactivate_path_names_a_leaf_by_its_keyword_and_a_list_entry_by_its_key() -> None:
    text = """system {
    inactive: host-name r1;
}
interfaces {
    lo0 {
        unit 0 {
            family inet {
                inactive: address 10.0.0.1/32;
            }
        }
    }
}
"""
    assert set_of(text) == [
        "set system host-name r1",
        "deactivate system host-name",
        "set interfaces lo0 unit 0 family inet address 10.0.0.1/32",
        "deactivate interfaces lo0 unit 0 family inet address 10.0.0.1/32",
    ]


def test_nested_inactive_statements_each_print_their_deactivate_line() -> None:
    text = (
        "inactive: protocols {\n    bgp {\n        inactive: group a {\n"
        "            type internal;\n        }\n    }\n}\n"
    )
    assert set_of(text) == [
        "set protocols bgp group a type internal",
        "deactivate protocols bgp group a",
        "deactivate protocols",
    ]


def test_protect_prints_protect_lines() -> None:
    text = "protect: system {\n    host-name r1;\n    protect: login {\n        message hello;\n    }\n}\n"
    assert set_of(text) == [
        "set system host-name r1",
        "set system login message hello",
        "protect system login",
        "protect system",
    ]
    assert parse_text(text).find("system login").protected
    assert parse_text(text).to_text() == text


def test_protect_and_inactive_together() -> None:
    text = "protect: inactive: snmp {\n    location lab;\n}\n"
    assert set_of(text) == ["set snmp location lab", "deactivate snmp", "protect snmp"]
    assert parse_text(text).to_text() == text


def test_replace_tag_is_kept_in_text_and_not_printed_in_set_form() -> None:
    text = "replace: interfaces {\n    ge-0/0/0 {\n        mtu 1500;\n    }\n}\n"
    tree = parse_text(text)
    assert tree.to_set() == "set interfaces ge-0/0/0 mtu 1500\n"
    assert tree.to_text() == text


# --- annotations and comments ---------------------------------------------------------------------------------------
def test_annotation_attaches_to_the_following_statement() -> None:
    text = "system {\n    /* the name */\n    host-name r1;\n    domain-name example.net;\n}\n"
    tree = parse_text(text)
    assert tree.find("system host-name").annotation == "the name"
    assert tree.find("system domain-name").annotation is None
    assert tree.to_set() == "set system host-name r1\nset system domain-name example.net\n"
    assert tree.to_text() == text


def test_multi_line_annotation() -> None:
    text = "/* first line\n   second line */\ninterfaces {\n    ge-0/0/0 {\n        mtu 1500;\n    }\n}\n"
    tree = parse_text(text)
    node = tree.find("interfaces")
    assert node.annotation == "first line\n   second line"
    assert node.line == 3
    assert tree.to_text() == text


def test_hash_starts_a_comment_only_at_the_start_of_a_token() -> None:
    text = """# a comment line
system {
    host-name r1; # trailing comment { with a brace
    # indented comment line;
    login {
        message a#b;
    }
}
"""
    assert set_of(text) == ["set system host-name r1", "set system login message a#b"]


def test_secret_data_marker_is_dropped_and_the_value_kept() -> None:
    text = 'system {\n    root-authentication {\n        encrypted-password "$6$x$y/z."; ## SECRET-DATA\n    }\n}\n'
    tree = parse_text(text)
    assert set_of(text) == ['set system root-authentication encrypted-password "$6$x$y/z."']
    assert tree.get("system root-authentication encrypted-password") == "$6$x$y/z."
    assert "SECRET-DATA" not in tree.to_text()


# --- quoting -------------------------------------------------------------------------------------------------------
def test_quoted_strings_hold_braces_semicolons_and_hash() -> None:
    text = 'interfaces {\n    ge-0/0/0 {\n        description "a {b}; c # d \\"e\\"";\n    }\n}\n'
    tree = parse_text(text)
    assert tree.get("interfaces ge-0/0/0 description") == 'a {b}; c # d \\"e\\"'
    assert set_of(text) == ['set interfaces ge-0/0/0 description "a {b}; c # d \\"e\\""']
    assert tree.to_text() == text


def test_values_keep_the_quoting_of_the_input() -> None:
    text = 'snmp {\n    description "lab";\n    location lab-1;\n    contact "ops team";\n}\n'
    assert set_of(text) == ['set snmp description "lab"', "set snmp location lab-1", 'set snmp contact "ops team"']


def test_quoted_string_may_span_lines() -> None:
    text = 'system {\n    login {\n        message "line one\nline two";\n    }\n    host-name r1;\n}\n'
    tree = parse_text(text)
    assert tree.get("system login message") == "line one\nline two"
    assert tree.find("system host-name").line == 6


# --- lists ---------------------------------------------------------------------------------------------------------
def test_bracket_list_gives_one_set_line_per_element() -> None:
    text = "apply-groups [ common site ];\nsystem {\n    authentication-order [ radius password ];\n}\n"
    assert set_of(text) == [
        "set apply-groups common",
        "set apply-groups site",
        "set system authentication-order radius",
        "set system authentication-order password",
    ]


def test_multi_word_leaves_keep_their_words() -> None:
    text = """policy-options {
    policy-statement p {
        term t {
            from protocol [ bgp static ];
            then {
                community add FOO;
                accept;
            }
        }
    }
}
"""
    assert set_of(text) == [
        "set policy-options policy-statement p term t from protocol bgp",
        "set policy-options policy-statement p term t from protocol static",
        "set policy-options policy-statement p term t then community add FOO",
        "set policy-options policy-statement p term t then accept",
    ]
    tree = parse_text(text)
    assert tree.values("policy-options policy-statement p term t from protocol") == ["bgp", "static"]
    assert tree.to_text() == text


def test_version_prints_as_set_version() -> None:
    assert set_of("version 21.4R3.15;\n") == ["set version 21.4R3.15"]


# --- line numbers --------------------------------------------------------------------------------------------------
def test_every_node_knows_its_line_and_source() -> None:
    text = "\n\nsystem {\n    host-name r1;\n\n    services {\n        ssh;\n    }\n}\n"
    tree = parse_text(text, source="r1.conf")
    assert [(n.line, n.source) for n in tree.iter()] == [(3, "r1.conf"), (4, "r1.conf"), (6, "r1.conf"), (7, "r1.conf")]
    assert tree.find("system services ssh").where == "r1.conf:7"


def test_statement_split_over_lines_takes_the_line_of_its_first_word() -> None:
    tree = parse_text("system {\n    host-name\n        r1;\n}\n")
    assert tree.find("system host-name").line == 2
    assert tree.get("system host-name") == "r1"


# --- malformed input: line and column ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "line", "column", "problem"),
    [
        ("system {\n    host-name r1;\n}\n}\n", 4, 1, "unbalanced '}'"),
        ("system {\n    host-name r1;\n", 2, 18, "'{' at line 1, column 8"),
        ("system {\n    host-name r1;\n}\ninterfaces {\n    ge-0/0/0 {\n        description foo", 6, 24, "truncated"),
        ("system {\n    host-name r1;\n    stray text\n}\n", 4, 1, "missing ';' after 'stray text'"),
        ('system {\n    host-name "r1;\n}\n', 2, 15, "unterminated quoted string"),
        ("system {\n    /* note\n    host-name r1;\n}\n", 2, 5, "unterminated comment"),
        ("system {\n    host-name r1\x00;\n}\n", 2, 17, "binary content"),
        ("system {\n    ;\n}\n", 2, 5, "';' without a statement"),
        ("system {\n    authentication-order [ radius;\n}\n", 2, 34, "list not closed"),
        ("system {\n    host-name ] r1;\n}\n", 2, 15, "']' without '['"),
        ("system {\n    inactive:\n}\n", 3, 1, "tag"),
        ("{\n}\n", 1, 1, "'{' without a statement"),
    ],
    ids=[
        "extra-close",
        "unclosed",
        "truncated",
        "stray-text",
        "quote",
        "comment",
        "nul",
        "empty-statement",
        "open-list",
        "close-list",
        "dangling-tag",
        "nameless-block",
    ],
)
def test_malformed_text_is_refused_with_line_and_column(text: str, line: int, column: int, problem: str) -> None:
    with pytest.raises(ConfigSyntaxError) as err:
        parse_text(text, source="bad.conf")
    assert (err.value.line, err.value.column) == (line, column)
    assert problem in err.value.problem
    assert str(err.value).startswith(f"bad.conf:{line}:{column}: ")


def test_binary_file_is_refused() -> None:
    with pytest.raises(ConfigSyntaxError, match="binary content") as err:
        parse(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", source="image.png")
    assert err.value.line == 1


def test_invalid_utf8_is_refused_at_its_place() -> None:
    with pytest.raises(ConfigSyntaxError) as err:
        parse(b"system {\n    host-name r\xff1;\n}\n", source="x.conf")
    assert (err.value.line, err.value.column) == (2, 16)


def test_prompt_lines_around_a_paste_are_ignored_and_lines_keep_their_numbers() -> None:
    text = "admin@r1> show configuration\n## Last commit: 2024-01-01\nsystem {\n    host-name r1;\n}\n\n{master:0}\n"
    tree = parse(text, source="paste.txt")
    assert tree.form == "text"
    assert tree.find("system host-name").line == 4


# --- speed ---------------------------------------------------------------------------------------------------------
def _config(units: int) -> str:
    body = "".join(
        f'    ge-0/0/{i % 48}{i // 48} {{\n        description "port {i}";\n        unit 0 {{\n'
        f"            family inet {{\n                address 10.{i % 250}.0.1/24;\n"
        "            }\n        }\n    }\n"
        for i in range(units)
    )
    return f"interfaces {{\n{body}}}\n"


def test_parsing_is_linear_in_input() -> None:
    import time

    small, large = _config(2_500), _config(25_000)  # 20,002 and 200,002 lines
    assert large.count("\n") == 200_002

    def best(text: str) -> float:
        times = []
        for _ in range(3):
            start = time.perf_counter()
            parse_text(text)
            times.append(time.perf_counter() - start)
        return min(times)

    t_small, t_large = best(small), best(large)
    assert t_large < 2.5, f"200,000 lines took {t_large:.2f}s"  # about 0.3 s here; generous for a loaded CI box
    assert t_large / t_small < 20, f"10x the input took {t_large / t_small:.1f}x the time"


def test_windows_line_endings() -> None:
    tree = parse_text('system {\r\n    host-name "r 1";\r\n    inactive: location lab;\r\n}\r\n')
    assert tree.to_set() == 'set system host-name "r 1"\nset system location lab\ndeactivate system location\n'
    assert tree.find("system location").line == 3
