"""The model follows Juniper's schema: each reproduction of issue 11, and the input limits of issue 14."""

from __future__ import annotations

import time

import pytest
from lxml import etree

from msplus.errors import ConfigSyntaxError
from msplus.junosconf import parse, parse_set, parse_text, parse_xml
from msplus.junosconf import schema as sch
from msplus.junosconf.limits import limits


def set_lines(text: str) -> list[str]:
    return parse(text, source="t").to_set().splitlines()


def test_schema_records_its_release_and_source() -> None:
    s = sch.schema()
    assert s.release == "23.4R2"
    assert "github.com/Juniper/yang" in s.source
    assert s.families[0] == "junos-es/conf-with-extensions"


# --- 1. set input keeps every value of a list, leaf-list or flag ---------------------------------------------------
KEEP_BOTH = [
    ["set system services ssh no-passwords", "set system services ssh no-challenge-response"],
    ["set system ntp trusted-key 1", "set system ntp trusted-key 2"],
    ['set system login user a authentication ssh-rsa "ssh-rsa AAAA1 a@x"',
     'set system login user a authentication ssh-rsa "ssh-rsa AAAA2 b@x"'],
    ["set snmp community public clients 10.0.0.0/8", "set snmp community public clients 192.0.2.0/24"],
    ["set routing-instances R vrf-export a", "set routing-instances R vrf-export b"],
    ["set protocols bgp traceoptions flag update", "set protocols bgp traceoptions flag state"],
    ["set interfaces ge-0/0/0 unit 0 family inet filter input-list f1",
     "set interfaces ge-0/0/0 unit 0 family inet filter input-list f2"],
    ["set policy-options policy-statement p term t then install-nexthop lsp l1",
     "set policy-options policy-statement p term t then tunnel-attribute set"],
]  # fmt: skip


@pytest.mark.parametrize("lines", KEEP_BOTH, ids=lambda ls: ls[0].split()[2])
def test_set_input_keeps_both_values(lines: list[str]) -> None:
    tree = parse_set("\n".join(lines), source="t.set")
    assert tree.to_set().splitlines() == lines
    # and through text and XML
    assert set_lines(tree.to_text()) == lines
    assert parse_xml(tree.to_xml()).to_set().splitlines() == lines


def test_a_single_value_is_replaced_and_a_choice_keeps_one_case() -> None:
    tree = parse_set("set system host-name a\nset system host-name b\n"
                     "set routing-options static route 10.0.0.0/8 next-hop 192.0.2.1\n"
                     "set routing-options static route 10.0.0.0/8 discard\n")  # fmt: skip
    assert tree.to_set().splitlines() == [
        "set system host-name b",
        "set routing-options static route 10.0.0.0/8 discard",
    ]


# --- 2. --effective inherits into one-line statements --------------------------------------------------------------
def test_effective_inherits_into_a_one_line_route() -> None:
    text = """groups {
    g {
        routing-options {
            static {
                route <*> {
                    no-readvertise;
                }
            }
        }
    }
}
routing-options {
    apply-groups g;
    static {
        route 10.1.0.0/16 {
            next-hop 192.0.2.1;
        }
        route 10.0.0.0/8 next-hop 192.0.2.1;
    }
}
"""
    eff = parse_text(text).effective().to_set().splitlines()
    assert "set routing-options static route 10.0.0.0/8 no-readvertise" in eff
    assert "set routing-options static route 10.1.0.0/16 no-readvertise" in eff


# --- 3. set -> text keeps inactive: on the statement it belongs to --------------------------------------------------
def test_deactivate_of_a_leaf_stays_on_the_leaf() -> None:
    lines = [
        "set routing-options static route 10.99.0.0/16 next-hop 192.0.2.1",
        "set routing-options static route 10.99.0.0/16 no-readvertise",
        "deactivate routing-options static route 10.99.0.0/16 no-readvertise",
    ]
    tree = parse_set("\n".join(lines))
    text = tree.to_text()
    assert "inactive: no-readvertise;" in text and "inactive: route" not in text
    assert set_lines(text) == lines
    eff = parse_text(text).effective().to_set().splitlines()
    assert eff == ["set routing-options static route 10.99.0.0/16 next-hop 192.0.2.1"]


# --- 4. XML as Junos writes it ----------------------------------------------------------------------------------------
DEVICE_XML = """<rpc-reply><configuration>
  <routing-options><autonomous-system><as-number>65432</as-number></autonomous-system></routing-options>
  <policy-options><prefix-list><name>PL</name><prefix-list-item><name>10.0.0.0/8</name></prefix-list-item>
  </prefix-list></policy-options>
  <system><ntp><threshold><value>300</value><action>accept</action></threshold></ntp></system>
  <security><zones><functional-zone><management><interfaces><name>ge-0/0/1.0</name></interfaces></management>
  </functional-zone></zones></security>
</configuration></rpc-reply>"""


def test_xml_elements_without_cli_keyword_read_as_junos_prints_them() -> None:
    assert parse_xml(DEVICE_XML).to_set().splitlines() == [
        "set routing-options autonomous-system 65432",
        "set policy-options prefix-list PL 10.0.0.0/8",
        "set system ntp threshold 300",
        "set system ntp threshold action accept",
        "set security zones functional-zone management interfaces ge-0/0/1.0",
    ]


def test_written_xml_has_keys_as_elements_no_mixed_content_and_no_values_as_names() -> None:
    text = """system {
    syslog {
        file messages {
            any notice;
        }
    }
}
protocols {
    isis {
        level 1 disable;
    }
}
routing-instances {
    mgmt_junos {
        description mgmt;
    }
}
security {
    policies {
        from-zone trust to-zone untrust {
            inactive: policy p {
                match {
                    source-address any;
                }
                then {
                    permit;
                }
            }
        }
    }
}
"""
    xml = parse_text(text).to_xml()
    root = etree.fromstring(xml.encode())
    for el in root.iter():
        if len(el):
            assert not (el.text or "").strip(), f"mixed content in <{el.tag}>"
    assert root.find("system/syslog/file/contents/name").text == "any"
    assert root.find("system/syslog/file/contents/notice") is not None
    assert root.find("routing-instances/instance/name").text == "mgmt_junos"
    level = root.find("protocols/isis/level")
    assert level.findtext("name") == "1" and level.find("disable") is not None
    policy = root.find("security/policies/policy")
    assert (policy.findtext("from-zone-name"), policy.findtext("to-zone-name")) == ("trust", "untrust")
    assert policy.find("policy").get("inactive") == "inactive"
    assert parse_xml(xml).to_set() == parse_text(text).to_set()


def test_replace_and_delete_operations_in_xml() -> None:
    xml = ('<configuration><system replace="replace"><host-name>r1</host-name></system>'
           '<protocols><bgp operation="delete"/></protocols></configuration>')  # fmt: skip
    tree = parse_xml(xml)
    assert tree.to_set().splitlines() == ["set system host-name r1", "delete protocols bgp"]
    assert "replace: system {" in tree.to_text() and "delete: bgp;" in tree.to_text()
    back = etree.fromstring(tree.to_xml().encode())
    assert back.find("system").get("replace") == "replace"
    assert back.find("protocols/bgp").get("delete") == "delete"


# --- 5. text details ------------------------------------------------------------------------------------------------
def test_a_repeated_leaf_keeps_the_last_value_as_junos_does() -> None:
    text = (
        "policy-options {\n    policy-statement p {\n        then {\n"
        "            metric 200;\n            metric 50;\n        }\n    }\n}\n"
    )
    assert set_lines(text) == ["set policy-options policy-statement p then metric 50"]


def test_delete_tag_in_a_load_file() -> None:
    tree = parse_text("protocols {\n    delete: bgp;\n}\n")
    assert tree.to_set() == "delete protocols bgp\n"
    assert "bgp" not in tree.effective().to_set()


def test_display_omit_output_reads() -> None:
    text = "system {\n    host-name r1;\n    login { /* OMITTED */ };\n}\n"
    assert set_lines(text) == ["set system host-name r1", "set system login"]


def test_pasted_prompt_lines_before_and_after() -> None:
    text = ("{master:0}\nlab@r1> show configuration | no-more\nsystem {\n    host-name r1;\n}\n\n"
            "{master:0}\nlab@r1> \n")  # fmt: skip
    assert set_lines(text) == ["set system host-name r1"]
    assert set_lines("show configuration\nsystem {\n    host-name r1;\n}\n") == ["set system host-name r1"]


# --- unknown statements are kept and listed ---------------------------------------------------------------------------
def test_unknown_statements_are_kept_as_written_and_listed() -> None:
    text = "system {\n    host-name r1;\n    future-knob 7;\n}\nnew-top-level {\n    x y;\n}\n"
    tree = parse_text(text)
    assert tree.to_set().splitlines() == [
        "set system host-name r1", "set system future-knob 7", "set new-top-level x y",
    ]  # fmt: skip
    assert [n.tokens for n in tree.unknown()] == [("future-knob", "7"), ("new-top-level",)]
    assert tree.to_text() == text
    assert parse_xml(tree.to_xml()).to_set() == tree.to_set()


# --- apply-groups "${node}" -------------------------------------------------------------------------------------------
CLUSTER = """groups {
    node0 {
        system {
            host-name fw-node0;
        }
    }
    node1 {
        system {
            host-name fw-node1;
        }
    }
}
apply-groups "${node}";
"""


def test_node_variable_expands_for_the_cluster_node() -> None:
    tree = parse_text(CLUSTER)
    assert tree.effective(node="node1").get("system host-name") == "fw-node1"
    assert tree.effective(node="node0").get("system host-name") == "fw-node0"
    unresolved = tree.effective()
    assert unresolved.get("system host-name") is None
    assert any("${node}" in w for w in unresolved.warnings)


# --- limits (issue 14) ---------------------------------------------------------------------------------------------
def test_nesting_a_million_deep_is_refused_quickly_with_line_and_column() -> None:
    depth = 1_000_000
    text = "a {\n" * depth + "}\n" * depth
    started = time.monotonic()
    with pytest.raises(ConfigSyntaxError) as err:
        parse_text(text, source="deep.conf")
    assert time.monotonic() - started < 5
    max_depth = limits().max_depth
    assert (err.value.path, err.value.line) == ("deep.conf", max_depth + 1)
    assert err.value.column is not None and "nested more than" in err.value.problem


def test_deep_xml_is_refused() -> None:
    depth = 100_000
    xml = "<configuration>" + "<a>" * depth + "</a>" * depth + "</configuration>"
    with pytest.raises(ConfigSyntaxError):
        parse_xml(xml, source="deep.xml")


def test_a_set_line_of_20000_words_is_refused_quickly() -> None:
    line = "set " + " ".join(f"w{i}" for i in range(20_000))
    started = time.monotonic()
    with pytest.raises(ConfigSyntaxError) as err:
        parse_set(line, source="long.set")
    assert time.monotonic() - started < 5
    assert err.value.line == 1 and err.value.column is not None and "words" in err.value.problem


def test_set_lines_cost_is_linear_in_their_words(monkeypatch: pytest.MonkeyPatch) -> None:
    from msplus.junosconf import limits as limits_module

    wide = limits_module.Limits(max_depth=10**7, max_line_length=10**8, max_words=10**7)
    monkeypatch.setattr(limits_module, "limits", lambda: wide)
    monkeypatch.setattr("msplus.junosconf.setform.limits", lambda: wide)

    def cost(words: int) -> float:
        line = "set system " + " ".join(f"w{i}" for i in range(words))
        started = time.perf_counter()
        tree = parse_set(line)
        assert len(tree.to_set()) > words
        return time.perf_counter() - started

    small, large = cost(20_000), cost(200_000)
    assert large < 5
    assert large < 10 * small * 4 + 0.5  # 10x the words: about 10x the time (generous for a loaded machine)


def test_an_over_long_line_is_refused_with_its_place() -> None:
    text = "system {\n    description \"" + "x" * (limits().max_line_length + 1) + "\";\n}\n"
    with pytest.raises(ConfigSyntaxError) as err:
        parse_text(text, source="long.conf")
    assert err.value.line == 2 and "longer than" in err.value.problem


def test_a_snapshot_of_a_cluster_node_expands_node_for_that_node(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    import argparse
    import json

    from app.commands.config_show import show

    (tmp_path / "configuration.conf").write_text(CLUSTER + "system {\n    location {\n        building b1;\n    }\n}\n")
    profile = {"hostname": "fw-node1", "model": "SRX345", "family": "srx", "version": "19.4R3-S1.3",
               "evolved": False, "serial_number": None, "routing_engines": 1, "uptime_seconds": None,
               "cluster": True}  # fmt: skip
    (tmp_path / "profile.json").write_text(json.dumps(profile))
    args = argparse.Namespace(file=str(tmp_path), as_format="set", effective=True, node=None, unknown=False)
    assert show(args) == 0
    assert "set system host-name fw-node1" in capsys.readouterr().out.splitlines()
