"""The simulator's get-configuration XML, fetched by unmodified PyEZ over NETCONF, reads back through the model to
the same set lines as the device's config.conf: for every shipped device."""

from __future__ import annotations

import pytest
from jnpr.junos import Device
from lxml import etree

from lab.server import LabServer
from lab.testing import client_environment, shipped_devices
from msplus.junosconf import parse, parse_xml


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory):
    sims = shipped_devices(host_prefix="127.0.11.", first=1)
    with client_environment(tmp_path_factory.mktemp("home")), LabServer(sims) as server:
        yield server


def test_every_device_configuration_round_trips_through_pyez_xml(lab: LabServer) -> None:
    checked = 0
    for name in sorted(lab.names()):
        stored = lab.device(name).config
        if not stored.text.strip():
            continue
        host, port = lab.address(name)
        dev = Device(host, port=port, user="lab", passwd="lab123", gather_facts=False, hostkey_verify=False)
        dev.open()
        try:
            dev.timeout = 30
            reply = dev.rpc.get_config()
        finally:
            dev.close()
        assert reply.tag == "configuration"
        for el in reply.iter():
            if isinstance(el.tag, str) and len(el):
                assert not (el.text or "").strip(), f"{name}: mixed content in <{el.tag}>"
        xml = etree.tostring(reply, encoding="unicode")
        expected = parse(stored.text, source=name).to_set()
        assert parse_xml(xml, source=f"{name}.xml").to_set() == expected, name
        checked += 1
    assert checked >= 8
