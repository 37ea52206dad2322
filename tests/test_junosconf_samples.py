"""The configuration model against real configurations (tests/data/config, see PROVENANCE.md there)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree

from msplus import xmlsafe
from msplus.errors import ConfigSyntaxError
from msplus.junosconf import load, parse, parse_set, parse_text, parse_xml

DATA = Path(__file__).resolve().parent / "data" / "config"
DISPLAY_SET = DATA / "juniper_display_set"
EZNC = DATA / "py-junos-eznc"


def suzieq_configs() -> list[tuple[str, str]]:
    """(device, configuration text) of every Junos entry in the suzieq captures (concatenated JSON arrays)."""
    found = []
    for path in sorted((DATA / "suzieq").glob("*/devconfig.output")):
        text = path.read_text(encoding="utf-8")
        decoder = json.JSONDecoder()
        pos = 0
        while pos < len(text):
            if text[pos].isspace():
                pos += 1
                continue
            entries, pos = decoder.raw_decode(text, pos)
            found.extend(
                (f"{path.parent.name}/{e['hostname']}", e["data"]) for e in entries if e["devtype"].startswith("junos")
            )
    return found


SUZIEQ = suzieq_configs()


def test_suzieq_captures_hold_the_expected_devices() -> None:
    assert len(SUZIEQ) == 13
    assert all(text.startswith("## Last commit") for _, text in SUZIEQ)


# --- display set equality: see test_junosconf_differential.py --------------------------------------------------
def test_set_lines_carry_their_source_line() -> None:
    tree = load(DISPLAY_SET / "example3.conf")
    conf = (DISPLAY_SET / "example3.conf").read_text(encoding="utf-8").splitlines()
    for line, node in tree.set_lines():
        assert node.source.endswith("example3.conf")
        written = conf[node.line - 1]
        # an entry of a list printed in one block ("name-server { 192.168.1.1; }") sits on its own line
        assert node.tokens[0] in written or node.tokens[-1] in written, (line, node.line, written)
    match = next(node for line, node in tree.set_lines() if "checksum" in line)
    assert match.line == 13 and conf[12].strip().startswith("checksum sha-256 13fa")


# --- round trips ---------------------------------------------------------------------------------------------------
def _without_empty_blocks_and_annotations(text: str) -> str:
    """Set form cannot say "an empty block" (``authentication { }`` after `| except SECRET-DATA`) nor carry
    annotations, so those are normalised before comparing text that went through set form."""
    out = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.strip().startswith("/*"):
            i += 1
            continue
        if line.endswith(" {") and i + 1 < len(lines) and lines[i + 1].strip() == "}":
            out.append(line[:-2] + ";")
            i += 2
            continue
        out.append(line)
        i += 1
    return "\n".join(out)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("example2", (DISPLAY_SET / "example2.conf").read_text()),
        ("example3", (DISPLAY_SET / "example3.conf").read_text()),
        *SUZIEQ,
    ],
    ids=lambda v: v if isinstance(v, str) and len(v) < 60 else "",
)
def test_text_to_set_to_text_is_stable(name: str, text: str) -> None:
    tree = parse_text(text, source=name)
    set_form = tree.to_set()
    again = parse_set(set_form, source=f"{name}.set")
    assert again.to_set() == set_form
    assert again.warnings == []
    # The grammar hints group set lines back into the statements the device printed.
    assert again.to_text() == _without_empty_blocks_and_annotations(tree.to_text()) + "\n"
    # And the text written is read back to the same configuration.
    assert parse_text(again.to_text()).to_set() == set_form


@pytest.mark.parametrize(("name", "text"), SUZIEQ[:4] + SUZIEQ[-6:], ids=lambda v: v if len(v) < 60 else "")
def test_xml_written_from_text_reads_back_to_the_same_set_lines(name: str, text: str) -> None:
    tree = parse_text(text, source=name)
    xml = tree.to_xml()
    back = parse_xml(xml, source=f"{name}.xml")
    assert back.to_set() == tree.to_set()
    assert back.to_text() == _without_empty_blocks_and_annotations(tree.to_text()) + "\n"


def test_text_printed_by_the_device_reads_as_written() -> None:
    """Reading and writing curly text changes nothing but comments: the device's own layout comes back."""
    for name, text in SUZIEQ:
        tree = parse_text(text, source=name)
        expected = "\n".join(line for line in text.splitlines() if not line.startswith("## Last commit"))
        assert tree.to_text().rstrip("\n") == expected.rstrip("\n"), name


# --- the same configuration as text and as XML ---------------------------------------------------------------------
def test_eznc_xml_and_text_of_the_same_configuration_agree() -> None:
    xml = load(EZNC / "get-configuration.xml")
    text = load(EZNC / "show-configuration.xml")  # <configuration-output> holding the text form
    assert (xml.form, text.form) == ("xml", "text")
    assert xml.to_set() == text.to_set()
    assert xml.to_text() == text.to_text()
    assert len(xml.set_lines()) == 47
    assert 'set system root-authentication encrypted-password "$1$kmSqRIU6$9EogG7ow0DWiww9mev8.b."' in text.to_set()
    # queue-size sits in <undocumented> in XML and carries "## Warning: ... deprecated" in text
    assert text.get("security screen ids-option untrust-screen tcp syn-flood queue-size") == "2000"
    assert xml.get("security screen ids-option untrust-screen tcp syn-flood queue-size") == "2000"


def _normalised(el: etree._Element, depth: int = 0) -> list[str]:
    """Element names and texts, indented: what both documents must agree on (namespaces, attributes,
    whitespace and the <undocumented> wrapper aside)."""
    out = []
    for child in el:
        if not isinstance(child.tag, str):
            continue
        if xmlsafe.local(child.tag) == "undocumented":
            out.extend(_normalised(child, depth))
            continue
        text = (child.text or "").strip()
        out.append(f"{'  ' * depth}{xmlsafe.local(child.tag)} {text}".rstrip())
        out.extend(_normalised(child, depth + 1))
    return out


def test_xml_written_from_the_text_form_equals_the_device_xml() -> None:
    text = load(EZNC / "show-configuration.xml")
    device = xmlsafe.unwrap_reply(xmlsafe.parse((EZNC / "get-configuration.xml").read_bytes()))
    ours = xmlsafe.parse(text.to_xml())
    assert _normalised(ours) == _normalised(device)


def test_xml_line_numbers_are_file_lines() -> None:
    tree = load(EZNC / "get-configuration.xml")
    node = tree.find("system host-name")
    assert node is not None and node.line == 5
    # an entry's line is its element's: <interfaces> (line 184) holding <name>ge-0/0/0.0</name>
    assert tree.find("security zones security-zone untrust interfaces ge-0/0/0.0").line == 184
    text = load(EZNC / "show-configuration.xml")
    assert text.find("system host-name").line == 6  # line 1 <configuration-information>, 2 the output tag


def test_inherited_data_in_xml_names_its_group() -> None:
    tree = load(EZNC / "get-configuration-user.xml")
    user = tree.find("system login user test")
    assert user is not None and user.group == "global"
    assert tree.find("system login user test full-name").group == "member0"
    assert 'set system login user test full-name "Test User"' in tree.to_set()
    assert "set system login user test shell csh" in tree.to_set()  # from <undocumented>


def test_multi_line_xml_values_are_single_values() -> None:
    tree = load(DATA / "napalm" / "get_config__database_candidate__format_text.txt")
    assert tree.form == "xml"
    keys = tree.find_all("system login user dummy-test authentication")
    assert len(keys) == 1
    lines = [line for line in tree.to_set().splitlines() if "ssh-" in line]
    assert [line.split()[6] for line in lines] == ["ssh-rsa", "ssh-dsa", "ssh-ecdsa"]
    assert all(line.endswith('mircea@master-roshi"') for line in lines)


# --- real malformed input ------------------------------------------------------------------------------------------
def test_napalm_mock_with_an_extra_brace_is_refused_at_its_line() -> None:
    path = DATA / "napalm" / "get_config__database_committed__format_text.xml"
    with pytest.raises(ConfigSyntaxError) as err:
        load(path)
    assert (err.value.line, err.value.column) == (39, 1)
    assert "unbalanced '}'" in str(err.value)
    assert path.read_text().splitlines()[38] == "}"


def test_an_rpc_error_reply_is_not_a_configuration() -> None:
    with pytest.raises(ConfigSyntaxError, match=r"rpc-error: .*permission denied") as err:
        load(EZNC / "domain_file_get-configuration.xml")
    assert err.value.line == 2


def test_form_is_detected() -> None:
    assert parse((DISPLAY_SET / "example2.set").read_text()).form == "set"
    assert parse((DISPLAY_SET / "example2.conf").read_bytes()).form == "text"
    assert parse((EZNC / "get-configuration.xml").read_bytes()).form == "xml"


def test_example3_set_sample_read_as_commands_reports_its_early_deactivate() -> None:
    """Loaded as commands, the sample's ``deactivate system scripts commit`` comes before that statement exists
    (Junos would refuse it too); the model reports it instead of guessing, and applies the final annotate."""
    tree = load(DISPLAY_SET / "example3.set")
    assert tree.warnings == [
        f"{DISPLAY_SET / 'example3.set'}:line 4: deactivate of absent path 'system scripts commit'"
    ]
    assert not tree.find("system scripts commit").inactive
    assert tree.find("system").annotation == "this is the system config"
    text = load(DISPLAY_SET / "example3.conf")
    assert tree.to_set().replace("deactivate system scripts commit\n", "") == text.to_set().replace(
        "deactivate system scripts commit\n", ""
    )
