"""Each fault a device.yaml can inject, observed from a real client: latency, a hung RPC, a dropped connection
(on an RPC or after N RPCs), malformed XML, a very large reply, and replies declaring entities. Faults are set on
the running device (as the health-sweep tests will do); device.yaml parsing of the same faults is checked too."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from jnpr.junos import Device
from jnpr.junos.exception import ConnectClosedError, RpcTimeoutError
from lxml import etree

from lab.server import LabServer, load_device_folder
from lab.testing import DEVICES, client_environment, raw_netconf
from msplus import xmlsafe
from msplus.errors import MalformedReplyError


@pytest.fixture
def lab(tmp_path_factory: pytest.TempPathFactory):
    sim = load_device_folder(DEVICES / "vmx", name="r1", host="127.0.4.1", port=0)
    with client_environment(tmp_path_factory.mktemp("home")), LabServer([sim]) as server:
        yield server


def connect(lab: LabServer, timeout: float = 5) -> Device:
    host, port = lab.address("r1")
    dev = Device(host, port=port, user="lab", passwd="lab123", gather_facts=False, hostkey_verify=False)
    dev.open()
    dev.timeout = timeout
    return dev


def test_latency_per_rpc(lab: LabServer) -> None:
    lab.device("r1").latency = {"default": 0.0, "get-system-storage": 0.4}
    dev = connect(lab)
    try:
        start = time.monotonic()
        dev.rpc.get_software_information()
        fast = time.monotonic() - start
        start = time.monotonic()
        dev.rpc.get_system_storage()
        slow = time.monotonic() - start
    finally:
        dev.close()
    assert slow >= 0.4
    assert fast < 0.3


def test_hang_ends_in_client_timeout(lab: LabServer) -> None:
    lab.device("r1").faults.hang_on.add("get-bgp-summary-information")
    dev = connect(lab, timeout=1)
    assert dev.rpc.get_software_information() is not None
    start = time.monotonic()
    with pytest.raises(RpcTimeoutError):
        dev.rpc.get_bgp_summary_information()
    assert 0.9 <= time.monotonic() - start < 5
    assert lab.rpc_log("r1")[-1] == "get-bgp-summary-information"


def test_disconnect_on_rpc(lab: LabServer) -> None:
    lab.device("r1").faults.disconnect_on.add("get-chassis-inventory")
    dev = connect(lab)
    assert dev.rpc.get_software_information() is not None
    with pytest.raises(ConnectClosedError):
        dev.rpc.get_chassis_inventory()
    assert dev.connected is False


def test_disconnect_after_n_rpcs(lab: LabServer) -> None:
    lab.device("r1").faults.disconnect_after_rpcs = 2
    dev = connect(lab)
    dev.rpc.get_software_information()
    dev.rpc.get_system_uptime_information()
    with pytest.raises(ConnectClosedError):
        dev.rpc.get_chassis_inventory()


def test_malformed_xml(lab: LabServer) -> None:
    lab.device("r1").faults.malformed_xml.add("get-system-storage")
    dev = connect(lab)
    try:
        with pytest.raises(etree.XMLSyntaxError), pytest.warns(RuntimeWarning):  # PyEZ: "unknown exception"
            dev.rpc.get_system_storage()
    finally:
        dev.close()
    host, port = lab.address("r1")
    raw = raw_netconf(host, port, "lab", "lab123", ["<get-system-storage/>"]).replies[0]
    assert raw.startswith(b"<rpc-reply")
    with pytest.raises(MalformedReplyError, match="malformed XML"):
        xmlsafe.parse(raw)


def test_large_reply(lab: LabServer) -> None:
    lab.device("r1").faults.large_reply = ("get-interface-information", 2.0)
    dev = connect(lab, timeout=30)
    try:
        reply = dev.rpc.get_interface_information(extensive=True)
    finally:
        dev.close()
    assert reply.tag == "interface-information"
    assert len(reply.findall("physical-interface")) > 2000
    assert len(etree.tostring(reply)) > 1_500_000  # namespaces stripped by the client: a bit under 2 MiB


@pytest.mark.parametrize(("fault", "marker"), [
    ("entity_expansion", b'<!ENTITY lol9 "&lol8;'),
    ("external_entity", b'<!ENTITY xxe SYSTEM "file:///etc/passwd">'),
])
def test_entity_declarations(lab: LabServer, fault: str, marker: bytes) -> None:
    getattr(lab.device("r1").faults, fault).add("get-system-core-dumps")
    host, port = lab.address("r1")
    raw = raw_netconf(host, port, "lab", "lab123", ["<get-system-core-dumps/>"]).replies[0]
    assert raw.startswith(b"<!DOCTYPE rpc-reply [")
    assert marker in raw
    with pytest.raises(MalformedReplyError, match="DTD or entities"):
        xmlsafe.parse(raw)
    dev = connect(lab)  # what an unguarded PyEZ client gets: a parse error (libxml2 limits), never the expansion
    try:
        with pytest.raises(etree.XMLSyntaxError), pytest.warns(RuntimeWarning):
            dev.rpc.get_system_core_dumps()
    finally:
        dev.close()


def test_faults_from_device_yaml(tmp_path: Path) -> None:
    folder = tmp_path / "dev"
    folder.mkdir()
    software = (DEVICES / "vmx" / "get-software-information.xml").read_bytes()
    (folder / "get-software-information.xml").write_bytes(software)
    (folder / "device.yaml").write_text(
        "schema_version: 1\n"
        "latency: {default: 0.01, get-configuration: 0.5}\n"
        "faults:\n"
        "  reject_auth: true\n"
        "  hang_on: [get-bgp-summary-information]\n"
        "  disconnect_after_rpcs: 3\n"
        "  disconnect_on: [get-fpc-information]\n"
        "  malformed_xml: [get-system-storage]\n"
        "  large_reply: {rpc: get-interface-information, megabytes: 20}\n"
        "  entity_expansion: [get-system-core-dumps]\n"
        "  external_entity: [get-commit-information]\n"
    )
    sim = load_device_folder(folder)
    f = sim.faults
    assert f.reject_auth and f.hang_on == {"get-bgp-summary-information"} and f.disconnect_after_rpcs == 3
    assert f.disconnect_on == {"get-fpc-information"} and f.malformed_xml == {"get-system-storage"}
    assert f.large_reply == ("get-interface-information", 20.0)
    assert f.entity_expansion == {"get-system-core-dumps"} and f.external_entity == {"get-commit-information"}
    assert sim.latency_for("get-configuration") == 0.5
    assert sim.latency_for("get-software-information") == 0.01


def test_xml_faults_through_the_cli(lab: LabServer) -> None:
    """The CLI's `| display xml` carries the same faults as NETCONF (the netmiko collector reads XML that way)."""
    from netmiko import ConnectHandler

    faults = lab.device("r1").faults
    faults.malformed_xml.add("get-chassis-inventory")
    faults.entity_expansion.add("get-system-storage")
    faults.large_reply = ("get-interface-information", 1.0)
    host, port = lab.address("r1")
    conn = ConnectHandler(device_type="juniper_junos", host=host, port=port, username="lab", password="lab123",
                          use_keys=False, allow_agent=False)
    try:
        cut = conn.send_command("show chassis hardware | display xml")
        with pytest.raises(MalformedReplyError, match="malformed XML"):
            xmlsafe.parse_pasted(cut)
        laughs = conn.send_command("show system storage | display xml")
        assert laughs.startswith("<!DOCTYPE rpc-reply [")
        large = conn.send_command("show interfaces extensive | display xml | no-more", read_timeout=30)
        assert len(large) > 900_000
        assert len(xmlsafe.parse_pasted(large).findall(".//{*}physical-interface")) > 1000
        fine = conn.send_command("show version | display xml")
        assert xmlsafe.parse_pasted(fine).findtext(".//host-name") == "TOR1CRP-DGW-RT01"
    finally:
        conn.disconnect()
