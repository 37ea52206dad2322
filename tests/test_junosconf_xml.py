"""XML form: reading get-configuration replies as pasted, and writing <configuration>."""

from __future__ import annotations

import pytest
from lxml import etree

from msplus import xmlsafe
from msplus.errors import ConfigSyntaxError
from msplus.junosconf import parse, parse_text, parse_xml

REPLY = """admin@r1> show configuration | display xml
<rpc-reply xmlns="urn:ietf:params:xml:ns:netconf:base:1.0" xmlns:junos="http://xml.juniper.net/junos/21.4R3/junos">
    <configuration xmlns="http://xml.juniper.net/xnm/1.1/xnm" junos:changed-seconds="1700000000"
                   junos:changed-localtime="2023-11-14 22:13:20 UTC">
        <version>21.4R3.15</version>
        <junos:comment>/* the system */</junos:comment>
        <system>
            <host-name>r1</host-name>
            <services inactive="inactive">
                <ssh>
                </ssh>
            </services>
            <login protect="protect">
                <message>hello world</message>
            </login>
        </system>
        <interfaces>
            <interface junos:changed-seconds="1700000000">
                <name>ge-0/0/0</name>
                <description>to "core"</description>
                <unit>
                    <name>0</name>
                    <family>
                        <inet>
                            <address>
                                <name>10.0.0.1/24</name>
                            </address>
                        </inet>
                    </family>
                </unit>
            </interface>
        </interfaces>
        <policy-options>
            <policy-statement>
                <name>p</name>
                <term>
                    <name>t</name>
                    <from>
                        <protocol>bgp</protocol>
                        <protocol>static</protocol>
                    </from>
                    <then>
                        <accept/>
                    </then>
                </term>
            </policy-statement>
        </policy-options>
    </configuration>
    <cli>
        <banner></banner>
    </cli>
</rpc-reply>
]]>]]>
{master:0}
admin@r1>"""


def test_reply_with_prompt_namespaces_and_attributes_is_read() -> None:
    tree = parse(REPLY, source="r1.xml")
    assert tree.form == "xml"
    assert tree.to_set().splitlines() == [
        "set version 21.4R3.15",
        "set system host-name r1",
        "set system services ssh",
        "deactivate system services",
        'set system login message "hello world"',
        "protect system login",
        'set interfaces ge-0/0/0 description "to \\"core\\""',
        "set interfaces ge-0/0/0 unit 0 family inet address 10.0.0.1/24",
        "set policy-options policy-statement p term t from protocol bgp",
        "set policy-options policy-statement p term t from protocol static",
        "set policy-options policy-statement p term t then accept",
    ]


def test_xml_comment_is_an_annotation_and_lines_are_file_lines() -> None:
    tree = parse(REPLY, source="r1.xml")
    system = tree.find("system")
    assert system.annotation == "the system"
    assert system.line == 7
    assert tree.find("interfaces ge-0/0/0").line == 18  # the <interface> element
    assert tree.to_text().startswith("version 21.4R3.15;\n/* the system */\nsystem {\n")


def test_text_from_xml_is_what_the_device_prints() -> None:
    text = parse(REPLY).to_text()
    assert "            from protocol [ bgp static ];\n            then accept;\n" in text
    assert "    inactive: services {\n        ssh;\n    }\n" in text
    assert '        description "to \\"core\\"";\n' in text


def test_written_xml_is_a_configuration_element_that_reads_back() -> None:
    text = """/* note */
system {
    host-name r1;
    inactive: services {
        ssh;
    }
}
protect: snmp {
    community public {
        authorization read-only;
    }
}
"""
    tree = parse_text(text)
    xml = tree.to_xml()
    root = xmlsafe.parse(xml)
    assert root.tag == "configuration"
    system = root.find("system")
    assert system.findtext("host-name") == "r1"
    assert system.find("services").get("inactive") == "inactive"
    assert root.find("snmp").get("protect") == "protect"
    assert root.find("snmp/community/name").text == "public"
    comment = root[0]
    assert etree.QName(comment).localname == "comment" and comment.text == "/* note */"
    back = parse_xml(xml)
    assert back.to_text() == text
    assert back.to_set() == tree.to_set()


def test_groups_and_wildcards_survive_xml() -> None:
    text = """groups {
    jumbo {
        interfaces {
            <ge-*> {
                mtu 9192;
            }
        }
    }
}
apply-groups jumbo;
interfaces {
    ge-0/0/0 {
        unit 0;
    }
}
"""
    tree = parse_text(text)
    root = xmlsafe.parse(tree.to_xml())
    assert root.find("groups/name").text == "jumbo"
    assert root.find("groups/interfaces/interface/name").text == "<ge-*>"
    assert root.findtext("apply-groups") == "jumbo"
    back = parse_xml(tree.to_xml())
    assert back.to_text() == text
    assert back.effective().to_set() == "set interfaces ge-0/0/0 unit 0\nset interfaces ge-0/0/0 mtu 9192\n"


def test_set_form_wrapped_in_xml() -> None:
    xml = (
        "<rpc-reply><configuration-set>\nset system host-name r1\nset system location lab\n"
        "</configuration-set></rpc-reply>"
    )
    tree = parse_xml(xml, source="s.xml")
    assert tree.form == "set"
    assert tree.find("system location").line == 3


@pytest.mark.parametrize(
    ("xml", "line", "problem"),
    [
        ("<configuration>\n  <system>\n    <host-name>r1</system>\n</configuration>", 3, "mismatch"),
        ("<rpc-reply>\n  <system-information/>\n</rpc-reply>", 1, "no <configuration>"),
    ],
)
def test_malformed_xml_is_refused_with_its_place(xml: str, line: int, problem: str) -> None:
    with pytest.raises(ConfigSyntaxError) as err:
        parse_xml(xml, source="bad.xml")
    assert (err.value.path, err.value.line) == ("bad.xml", line)
    assert problem.lower() in str(err.value).lower()


def test_truncated_xml_names_line_and_column() -> None:
    with pytest.raises(ConfigSyntaxError) as err:
        parse_xml("admin@r1> show\n<configuration>\n  <system>\n", source="cut.xml")
    assert err.value.line is not None and err.value.line >= 3
    assert err.value.column is not None


def test_entity_declarations_are_refused() -> None:
    xml = (
        '<?xml version="1.0"?>\n<!DOCTYPE c [<!ENTITY x "boom">]>\n'
        "<configuration><version>&x;</version></configuration>"
    )
    with pytest.raises(ConfigSyntaxError, match="DTD"):
        parse_xml(xml, source="evil.xml")
