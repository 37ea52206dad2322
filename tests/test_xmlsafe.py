"""Device XML is parsed with entity expansion and external entities off, and customer pastes are accepted."""

from __future__ import annotations

import time

import pytest

from msplus.errors import MalformedReplyError
from msplus.xmlsafe import local, parse, parse_pasted, strip_namespaces, unwrap_reply

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">]>
<rpc-reply><software-information><host-name>&lol9;</host-name></software-information></rpc-reply>"""

EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rpc-reply><software-information><host-name>&xxe;</host-name></software-information></rpc-reply>"""


def test_entity_declarations_are_refused_quickly() -> None:
    for payload in (BILLION_LAUGHS, EXTERNAL):
        start = time.perf_counter()
        with pytest.raises(MalformedReplyError, match="DTD"):
            parse(payload, source="r1")
        assert time.perf_counter() - start < 0.5


def test_malformed_xml_names_source_and_position() -> None:
    with pytest.raises(MalformedReplyError) as err:
        parse(b"<rpc-reply>\n<software-information>\n<host-name>r1</host-nam>\n", source="r1/software.xml")
    assert str(err.value).startswith("r1/software.xml:3:")


def test_empty_reply() -> None:
    with pytest.raises(MalformedReplyError, match="empty"):
        parse(b"   \n")


def test_pasted_reply_with_prompt_and_undeclared_prefix() -> None:
    pasted = (
        "lab@r1> show system uptime | display xml\n"
        "<rpc-reply>\n<system-uptime-information>\n"
        '<system-booted-time><time-length junos:seconds="3600">01:00:00</time-length></system-booted-time>\n'
        "</system-uptime-information>\n</rpc-reply>\n\n{master:0}\nlab@r1> "
    )
    root = strip_namespaces(unwrap_reply(parse_pasted(pasted, source="paste")))
    assert local(root.tag) == "system-uptime-information"
    assert root.find(".//time-length").get("seconds") == "3600"


def test_netconf_10_end_marker_and_xml_declaration() -> None:
    text = '<?xml version="1.0"?>\n<rpc-reply xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><ok/></rpc-reply>\n]]>]]>'
    root = parse_pasted(text)
    assert local(root.tag) == "rpc-reply"
    assert local(unwrap_reply(root).tag) == "ok"


def test_huge_text_node_is_accepted() -> None:
    big = b"<configuration-text>" + b"x" * (11 * 1024 * 1024) + b"</configuration-text>"
    assert len(parse(big).text) == 11 * 1024 * 1024
