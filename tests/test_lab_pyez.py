"""PyEZ (unmodified, over real SSH) against every shipped simulated device: facts, RPCs, configuration forms,
errors, and both NETCONF framings."""

from __future__ import annotations

import pytest
from jnpr.junos import Device
from jnpr.junos.exception import RpcError
from lxml import etree
from ncclient.transport.session import NetconfBase

from lab.server import LabServer
from lab.testing import client_environment, raw_netconf, shipped_devices
from msplus import xmlsafe

# What each shipped device must look like to PyEZ. A new device folder without a row here fails
# test_every_device_has_expectations.
EXPECTED = {
    "vsrx-firefly": dict(hostname="firefly", model="FIREFLY-PERIMETER", version="12.1X46-D15.3",
                         serial="aaf5fe5f9b88", two_re=False, cluster=False, vc=False, personality="SRX_BRANCH"),
    "vmx": dict(hostname="TOR1CRP-DGW-RT01", model="VMX", version="18.2R1.9", serial="VM611B595318",
                two_re=False, cluster=False, vc=False, personality="MX"),
    "mx480-dual-re": dict(hostname="baku", model="MX480", version="15.1F5.15-C1.12", serial="JN1249018AFB",
                          two_re=True, cluster=False, vc=False, personality="MX"),
    "mx960": dict(hostname="testnode", model="MX960", version="19.4R3.11", serial="JN1248F59AFA",
                  two_re=False, cluster=False, vc=False, personality="MX"),
    "srx345-cluster": dict(hostname="lab-fw-node0", model="SRX345", version="19.4R3-S1.3", serial="DS1319AF0037",
                           two_re=False, cluster=True, vc=False, personality="SRX_BRANCH"),
    "ex4200-vc": dict(hostname="rppdt-ex4200a", model="EX4200-48T", version="13.3R2.2", serial="BP0212121453",
                      two_re=True, cluster=False, vc=True, personality="SWITCH"),
    "ptx10008-evo": dict(hostname="lab-ptx-evo", model="PTX10008", version="21.4R3-S3.4-EVO", serial="LABEVO000001",
                         two_re=True, cluster=False, vc=False, personality="PTX"),
    # PyEZ's personality regex ("^(EX)|(QFX)") does not match "VQFX-10000": None is what a real vQFX gets too.
    "vqfx-leaf01": dict(hostname="leaf01", model="VQFX-10000", version="19.4R1.10", serial="66124662877",
                        two_re=False, cluster=False, vc=False, personality=None),
    # Poor-health copies for the health sweep (lab/devices/*-degraded/PROVENANCE.md).
    "mx960-degraded": dict(hostname="testnode-b", model="MX960", version="19.4R3.11", serial="JN1248F5DEG1",
                           two_re=False, cluster=False, vc=False, personality="MX"),
    "vmx-degraded": dict(hostname="TOR1CRP-DGW-RT02", model="VMX", version="18.2R1.9", serial="VM611B59DEG2",
                         two_re=False, cluster=False, vc=False, personality="MX"),
}


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory):
    sims = shipped_devices(host_prefix="127.0.2.", first=1)
    with client_environment(tmp_path_factory.mktemp("home")), LabServer(sims) as server:
        yield server


def connect(lab: LabServer, name: str, timeout: float = 10) -> Device:
    host, port = lab.address(name)
    dev = Device(host, port=port, user="lab", passwd="lab123", gather_facts=False, hostkey_verify=False)
    dev.open()
    dev.timeout = timeout
    return dev


def test_every_device_has_expectations(lab: LabServer) -> None:
    assert sorted(lab.names()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_facts(lab: LabServer, name: str) -> None:
    want = EXPECTED[name]
    dev = connect(lab, name)
    try:
        text = str(dev.facts)  # every fact, as a user printing them would
        facts = dev.facts
        assert want["hostname"] in text
        assert facts["hostname"] == want["hostname"]
        assert facts["model"] == want["model"]
        assert facts["version"] == want["version"]
        assert facts["serialnumber"] == want["serial"]
        assert facts["2RE"] is want["two_re"]
        assert facts["srx_cluster"] is want["cluster"]
        assert facts["vc_capable"] is want["vc"]
        assert facts["personality"] == want["personality"]
        assert facts["RE0"]["mastership_state"] == "master"
        assert facts["HOME"] == "/var/home/lab"
        assert facts["current_re"]  # IRI table and private addresses agree with the software reply
        assert dev.uptime and dev.uptime > 0
    finally:
        dev.close()
    assert "close-session" in lab.rpc_log(name)


def test_dual_re_facts(lab: LabServer) -> None:
    dev = connect(lab, "mx480-dual-re")
    try:
        assert dev.facts["RE1"]["mastership_state"] == "backup"
        assert dev.facts["version_RE0"] == "15.1F5.15-C1.12"
        assert dev.facts["version_RE1"] == "15.1F5.15"
        assert dev.facts["hostname_info"] == {"re0": "baku", "re1": "baku1"}
        assert dev.facts["switch_style"] == "BRIDGE_DOMAIN"
    finally:
        dev.close()


def test_evolved_facts(lab: LabServer) -> None:
    lab.clear_rpc_log("ptx10008-evo")
    dev = connect(lab, "ptx10008-evo")
    try:
        assert dev.facts["_is_linux"] is True  # /usr/share/cevo/cevo_version exists
        assert dev.facts["current_re"] == ["re0"]  # from get-system-nodes-information, not the IRI table
        assert dev.facts["vmhost"] is False
        assert dev.facts["version_RE1"] == "21.4R3-S3.4-EVO"
    finally:
        dev.close()
    log = lab.rpc_log("ptx10008-evo")
    assert "get-system-nodes-information" in log
    assert "request-shell-execute" not in log


def test_cluster_and_vc_facts(lab: LabServer) -> None:
    dev = connect(lab, "srx345-cluster")
    try:
        assert dev.facts["srx_cluster_id"] == "1"
        groups = dev.facts["srx_cluster_redundancy_group"]
        assert sorted(groups) == ["0", "1", "3"]
        assert groups["0"]["node1"]["status"] == "lost"
        assert dev.facts["current_re"] == ["node0"]
    finally:
        dev.close()
    dev = connect(lab, "ex4200-vc")
    try:
        assert dev.facts["vc_master"] == "0"
        assert dev.facts["vc_mode"] == "Enabled"
        assert sorted(dev.facts["model_info"]) == ["fpc0", "fpc1"]
        assert dev.facts["switch_style"] == "VLAN"
    finally:
        dev.close()


def test_rpcs_and_configuration_forms(lab: LabServer) -> None:
    dev = connect(lab, "vmx")
    try:
        sw = dev.rpc.get_software_information()
        assert sw.tag == "software-information"
        assert sw.findtext("host-name") == "TOR1CRP-DGW-RT01"
        stored = lab.device("vmx").config.text

        text = dev.rpc.get_config(options={"format": "text"})
        assert text.tag == "configuration-text"
        assert text.text == stored

        set_form = dev.rpc.get_config(options={"format": "set"})
        assert set_form.tag == "configuration-set"
        assert "set system host-name TOR1CRP-DGW-RT01" in set_form.text.splitlines()

        xml_form = dev.rpc.get_config()
        assert xml_form.tag == "configuration"
        assert xml_form.findtext("system/host-name") == "TOR1CRP-DGW-RT01"
        assert xml_form.find("interfaces") is not None

        flt = etree.XML("<configuration><system><login/></system></configuration>")
        part = dev.rpc.get_config(filter_xml=flt)
        assert part.find("system/login/user") is not None
        assert part.find("system/host-name") is None
        assert part.find("interfaces") is None
        empty = dev.rpc.get_config(filter_xml=etree.XML("<configuration><snmp/></configuration>"))
        assert empty.tag == "configuration" and len(empty) == 0
    finally:
        dev.close()


def test_inherited_configuration(lab: LabServer) -> None:
    # mx480's host-names live in groups re0/re1: only the effective (inherit) view shows one under system.
    dev = connect(lab, "mx480-dual-re")
    try:
        flt = etree.XML("<configuration><system><host-name/></system></configuration>")
        plain = dev.rpc.get_config(filter_xml=flt)
        effective = dev.rpc.get_config(filter_xml=flt, options={"inherit": "inherit"})
        assert plain.findtext("system/host-name") is None
        assert effective.findtext("system/host-name") == "baku"
    finally:
        dev.close()


def test_errors_a_device_gives(lab: LabServer) -> None:
    dev = connect(lab, "vmx")
    try:
        with pytest.raises(RpcError) as unknown:
            dev.rpc.get_bogus_widget_information()
        assert unknown.value.rpc_error["bad_element"] == "get-bogus-widget-information"
        assert unknown.value.rpc_error["message"] == "syntax error"

        with pytest.raises(RpcError):  # PyEZ's node-slicing probe must not succeed on a normal device
            dev.rpc.get_software_information(all_servers=True)

        cluster = dev.rpc.get_chassis_cluster_status()  # in-band <xnm:error>, not <rpc-error>
        assert cluster.tag == "error"
        assert "Chassis cluster is not enabled" in cluster.findtext("message")

        with pytest.raises(RpcError) as bad_cmd:
            dev.rpc.cli("show bridge mac-table count", format="xml")
        assert bad_cmd.value.rpc_error["bad_element"] == "bridge"
    finally:
        dev.close()


def test_command_rpc(lab: LabServer) -> None:
    dev = connect(lab, "mx480-dual-re")
    try:
        out = dev.rpc.cli("show version", format="text")
        assert out.tag == "output"
        lines = out.text.strip().splitlines()
        assert lines[:3] == ["Hostname: baku", "Model: mx480", "Junos: 15.1F5.15-C1.12"]
        both = dev.rpc.cli("show version invoke-on all-routing-engines", format="xml")
        assert [i.findtext("re-name") for i in both.findall("multi-routing-engine-item")] == ["re0", "re1"]
        config = dev.rpc.cli("show configuration", format="text")
        assert "apply-groups [ re0 re1 ];" in config.findtext("configuration-output")
        uptime = dev.rpc.get_system_uptime_information({"format": "text"})
        assert uptime.tag == "output" and "time-length" in uptime.text
    finally:
        dev.close()
    assert "command" in lab.rpc_log("mx480-dual-re")


def test_netconf_11_negotiated_by_default(lab: LabServer) -> None:
    dev = connect(lab, "vsrx-firefly")
    try:
        assert dev._conn._session._base == NetconfBase.BASE_11
        assert dev.rpc.get_software_information().findtext("host-name") == "firefly"
    finally:
        dev.close()


def test_netconf_10_when_the_device_offers_only_10(lab: LabServer) -> None:
    sim = lab.device("vsrx-firefly")
    sim.netconf_versions = ("1.0",)
    try:
        dev = connect(lab, "vsrx-firefly")
        try:
            assert dev._conn._session._base == NetconfBase.BASE_10
            assert dev.facts["version"] == "12.1X46-D15.3"
        finally:
            dev.close()
    finally:
        sim.netconf_versions = ("1.0", "1.1")


@pytest.mark.parametrize("versions", [("1.0",), ("1.0", "1.1")])
def test_raw_client_framing_and_message_ids(lab: LabServer, versions: tuple[str, ...]) -> None:
    host, port = lab.address("vqfx-leaf01")
    session = raw_netconf(host, port, "lab", "lab123",
                          ["<get-software-information/>", "<get-system-storage/>", "<close-session/>"],
                          versions=versions, hello_prefix=b"\n\n")
    assert session.chunked is ("1.1" in versions)
    assert b"urn:ietf:params:netconf:base:1.1" in session.hello
    replies = [xmlsafe.parse(r) for r in session.replies]
    assert [r.get("message-id") for r in replies] == ["1", "2", "3"]
    assert replies[0].findtext(".//{*}host-name") == "leaf01"
    assert replies[2].find("{*}ok") is not None


def test_netconf_get_config(lab: LabServer) -> None:
    dev = connect(lab, "vsrx-firefly")
    try:
        # The standard NETCONF <get-config> with a subtree filter (ncclient's own operation).
        reply = dev._conn.get_config(source="running", filter=(
            "subtree", "<configuration><system><services/></system></configuration>"))
        assert reply.xpath("//data/configuration/system/services/netconf")
        assert not reply.xpath("//interfaces")
    finally:
        dev.close()
