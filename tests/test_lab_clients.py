"""netmiko (juniper_junos, the CLI over an interactive shell) and napalm (junos driver) against the lab."""

from __future__ import annotations

import pytest
from lxml import etree
from napalm import get_network_driver
from netmiko import ConnectHandler

from lab.server import LabServer
from lab.testing import client_environment, shipped_devices
from msplus import xmlsafe


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory):
    sims = shipped_devices(host_prefix="127.0.5.", first=1)
    with client_environment(tmp_path_factory.mktemp("home")), LabServer(sims) as server:
        yield server


def netmiko(lab: LabServer, name: str):
    host, port = lab.address(name)
    return ConnectHandler(device_type="juniper_junos", host=host, port=port, username="lab", password="lab123",
                          use_keys=False, allow_agent=False, ssh_config_file=None)


def test_netmiko_cli(lab: LabServer) -> None:
    conn = netmiko(lab, "ex4200-vc")
    try:
        assert conn.base_prompt == "lab@rppdt-ex4200a"
        xml = conn.send_command("show version | display xml")
        reply = xmlsafe.parse_pasted(xml)
        assert xmlsafe.local(reply.tag) == "rpc-reply"
        assert reply.findtext(".//software-information/host-name") == "rppdt-ex4200a"
        assert reply.findtext(".//cli/banner") == "{master:0}"

        text = conn.send_command("show version")
        assert text.splitlines()[:3] == ["Hostname: rppdt-ex4200a", "Model: ex4200-48t", "Junos: 13.3R2.2"]

        set_lines = conn.send_command("show configuration | display set | no-more").splitlines()
        assert "set system host-name rppdt-ex4200a" in set_lines
        assert all(line.startswith("set ") for line in set_lines)
        assert set_lines == lab.device("ex4200-vc").config.set_text().splitlines()

        assert conn.send_command("show configuration system services").splitlines()[0] == "ssh {"

        unknown = conn.send_command("show widgets please")
        assert "unknown command." in unknown
        caret = unknown.splitlines()[0]
        assert caret.strip() == "^" and caret.index("^") == len("lab@rppdt-ex4200a> show ")

        abbreviated = conn.send_command("sh chas hard")
        assert "BP0212121453" in abbreviated
    finally:
        conn.disconnect()
    assert "get-chassis-inventory" in lab.rpc_log("ex4200-vc")


def test_netmiko_set_cli_answers(lab: LabServer) -> None:
    conn = netmiko(lab, "vmx")
    try:
        assert "Disabling complete-on-space" in conn.send_command("set cli complete-on-space off")
        assert "Screen length set to 0" in conn.send_command("set cli screen-length 0")
        assert "Screen width set to 511" in conn.send_command("set cli screen-width 511")
        # Every table command the device has a reply for answers in XML.
        bgp = xmlsafe.parse_pasted(conn.send_command("show bgp summary | display xml"))
        assert bgp.find(".//{*}bgp-peer") is not None
    finally:
        conn.disconnect()


def test_napalm_getters(lab: LabServer) -> None:
    driver = get_network_driver("junos")
    for name, model, serial in [("mx480-dual-re", "MX480", "JN1249018AFB"),
                                ("srx345-cluster", "SRX345", "DS1319AF0037"),
                                ("ex4200-vc", "EX4200-48T", "BP0212121453")]:
        host, port = lab.address(name)
        dev = driver(host, "lab", "lab123", timeout=10, optional_args={"port": port})
        dev.open()
        try:
            facts = dev.get_facts()
            assert (facts["model"], facts["serial_number"]) == (model, serial)
            assert facts["uptime"] > 0
            assert facts["interface_list"]

            env = dev.get_environment()
            assert env["cpu"], name  # needs <slot> (or the cluster's re-name) on route-engine entries
            assert env["memory"]["available_ram"] > 0
            assert env["temperature"]

            config = dev.get_config()
            stored = lab.device(name).config.text
            assert config["running"] == stored and config["candidate"] == stored

            interfaces = dev.get_interfaces()
            assert len(interfaces) >= len(facts["interface_list"])
        finally:
            dev.close()
    assert "get-environment-information" in lab.rpc_log("srx345-cluster")


def test_napalm_dual_re_environment(lab: LabServer) -> None:
    host, port = lab.address("mx480-dual-re")
    dev = get_network_driver("junos")(host, "lab", "lab123", timeout=10, optional_args={"port": port})
    dev.open()
    try:
        assert sorted(dev.get_environment()["cpu"]) == ["0", "1"]
    finally:
        dev.close()


def test_cli_xml_matches_netconf_reply(lab: LabServer) -> None:
    """`| display xml` shows the same payload NETCONF returns (same source reply)."""
    conn = netmiko(lab, "vqfx-leaf01")
    try:
        cli = xmlsafe.parse_pasted(conn.send_command("show system storage | display xml"))
    finally:
        conn.disconnect()
    stored = lab.device("vqfx-leaf01").lookup("get-system-storage", {})
    assert stored is not None
    names = [e.text for e in cli.iter("{*}filesystem-name")]
    assert names == [e.text for e in stored.payload.iter("{*}filesystem-name")]
    assert len(names) > 10
    assert etree.QName(cli).localname == "rpc-reply"
