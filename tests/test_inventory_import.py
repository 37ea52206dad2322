"""``inventory import``: Nornir, Ansible (YAML and INI), containerlab, NetBox and plain CSV inventories, each read
from real files of those projects (tests/data/inventories/PROVENANCE.md), written as this tool's inventory and
validated by the inventory loader."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from msplus.errors import InputError
from msplus.inventory import load_inventory
from msplus.inventory_import import Credentials, import_devices, write

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "inventories"


def _written(tmp_path: Path, kind: str, source: Path, credentials: Credentials | None = None, **options: bool):
    selection = import_devices(kind, source, **options)
    out = tmp_path / "inventory.yaml"
    write(selection, out, credentials or Credentials(), command="test")
    return selection, load_inventory(out, environ={"NETPW": "secret-from-env"}), out


def _skips(selection) -> dict[str, str]:
    return {s.name: s.reason for s in selection.skipped}


def test_nornir_groups_give_platform_and_user_and_duplicate_addresses_are_left_out(tmp_path: Path) -> None:
    selection, inventory, out = _written(tmp_path, "nornir", DATA / "nornir-pyez" / "hosts.yml",
                                         Credentials(password_env="NETPW"))
    names = [d.name for d in inventory.devices]
    assert names == ["vMX-PE1", "vMX-PE2", "vMX2", "vMX3", "vMX4", "vMX5", "vMX6", "vMX7", "vMX8"]
    assert inventory.device("vMX3").host == "10.10.21.69"
    assert {d.username for d in inventory.devices} == {"knox"}  # from junos_group
    assert {d.driver for d in inventory.devices} == {"pyez"} and {d.port for d in inventory.devices} == {830}
    assert inventory.device("vMX3").password.reveal() == "secret-from-env"
    skips = _skips(selection)
    assert "10.10.21.174 is also the address of vMX-PE2" in skips["vMX1"]
    assert "10.10.21.190 is also the address of vMX8" in skips["vMX9"]
    text = out.read_text()
    assert "juniper1" not in text  # the group's password is not copied without --keep-passwords
    assert "#   vMX1 (hosts.yml:44): 10.10.21.174 is also the address of vMX-PE2" in text


def test_nornir3_nested_groups_null_values_and_defaults(tmp_path: Path) -> None:
    selection, inventory, _ = _written(tmp_path, "nornir", DATA / "nornir-core", Credentials(keep=True))
    assert [d.name for d in inventory.devices] == ["dev2.group_1"]  # the only junos host (a folder was given)
    dev2 = inventory.devices[0]
    assert dev2.host == "dev2.group_1" and dev2.port == 22  # Nornir's own port, kept
    assert dev2.username == "root"  # null on the host and its groups: from defaults.yaml
    assert dev2.password.reveal() == "from_group1"  # null on the host: group_1's, before parent_group's
    assert dev2.tags == ("group_1",)
    assert "platform eos" in _skips(selection)["dev1.group_1"]
    assert "platform linux" in _skips(selection)["dev4.group_2"]


def test_nornir_all_platforms_takes_site_and_role_from_data(tmp_path: Path) -> None:
    _, inventory, _ = _written(tmp_path, "nornir", DATA / "nornir-core" / "hosts.yaml", all_platforms=True)
    dev1 = inventory.device("dev1.group_1")
    assert (dev1.site, dev1.role) == ("site1", "www")  # site from group_1's data, role from the host's data
    assert inventory.device("dev3.group_2").site == "site2"
    assert len(inventory.devices) == 5


def test_ansible_ini_group_vars_and_children(tmp_path: Path) -> None:
    selection, inventory, _ = _written(tmp_path, "ansible", DATA / "ansible-workshops" / "hosts")
    assert [d.name for d in inventory.devices] == ["rtr3"]
    rtr3 = inventory.devices[0]
    assert (rtr3.host, rtr3.username, rtr3.driver, rtr3.port) == ("3.14.132.20", "ec2-user", "pyez", 830)
    assert set(rtr3.tags) == {"juniper", "dc1"}
    skips = _skips(selection)
    assert "platform ios" in skips["rtr1"] and "platform eos" in skips["rtr2"]
    assert "no platform given" in skips["ansible"]


def test_ansible_yaml_children_inherit_vars_and_network_cli_means_netmiko(tmp_path: Path) -> None:
    selection = import_devices("ansible", DATA / "ansible-docs" / "inventory.yml")
    assert not selection.devices  # vyos and servers only
    assert "platform vyos.vyos.vyos" in _skips(selection)["leaf01"]
    _, inventory, _ = _written(tmp_path, "ansible", DATA / "ansible-docs" / "inventory.yml", all_platforms=True)
    leaf = inventory.device("leaf01")  # its vars come from the parent group "network" through children
    assert (leaf.host, leaf.username, leaf.driver, leaf.port) == ("10.16.10.11", "my_vyos_user", "netmiko", 22)
    assert inventory.device("webserver02").username == "my_server_user"


def test_ansible_containerlab_kind_groups_and_placeholder_addresses() -> None:
    selection = import_devices("ansible", DATA / "ansible-docs" / "containerlab-generated.yml")
    skips = _skips(selection)
    # in the crpd group, so Junos; but its address is containerlab's documentation placeholder
    assert skips["clab-ansible-r1"] == "address '<mgmt-ipv4-address>' is neither an IP address nor a host name"
    assert "not a Junos device" in skips["clab-ansible-r2"]


@pytest.mark.parametrize(("topology", "node", "host", "kind"), [
    ("vr02.clab.yml", "vmx", "clab-vr02-vmx", "vr-vmx"),
    ("vxlan-vmx.clab.yml", "vmx", "clab-vxlan-vmx", "juniper_vmx"),
    ("srlvjunos02.clab.yml", "vevo", "clab-srlvjunos02-vevo", "juniper_vjunosevolved"),
    ("srlcrpd01.clab.yml", "crpd", "clab-srlcrpd01-crpd", "crpd"),
])
def test_containerlab_junos_kinds(tmp_path: Path, topology: str, node: str, host: str, kind: str) -> None:
    selection, inventory, _ = _written(tmp_path, "containerlab", DATA / "containerlab" / topology)
    assert [(d.name, d.host) for d in inventory.devices] == [(node, host)]
    assert selection.devices[0].platform == f"containerlab kind {kind}"
    expected_user = None if kind == "crpd" else "admin"  # vrnetlab images' documented user; cRPD's not stated
    assert inventory.devices[0].username == expected_user
    assert all("not a Junos device" in s.reason for s in selection.skipped)  # the SR Linux nodes


def test_containerlab_fixed_addresses_and_kind_credentials(tmp_path: Path) -> None:
    assert not import_devices("containerlab", DATA / "containerlab" / "topo_inv_kind_creds.yml").devices
    _, inventory, _ = _written(tmp_path, "containerlab", DATA / "containerlab" / "topo_inv_kind_creds.yml",
                               Credentials(keep=True), all_platforms=True)
    n2 = inventory.device("n2")
    assert (n2.host, n2.username, n2.password.reveal()) == ("192.168.78.2", "kinduser", "kindpass")


def test_netbox_export_without_juniper_devices_imports_nothing_by_default() -> None:
    selection = import_devices("netbox-csv", DATA / "netbox" / "netbox_devices.csv")
    assert not selection.devices and len(selection.skipped) == 32
    assert "platform Cisco, 7942" in _skips(selection)["SEPC8F9F9695446"]
    assert "iPad (7th generation, Wi-Fi)" in _skips(selection)["MPMR iPad 2"]  # a quoted comma stays in its cell
    assert not import_devices("netbox-csv", DATA / "netbox" / "default-view.csv").devices


def test_netbox_export_all_platforms_maps_columns(tmp_path: Path) -> None:
    selection, inventory, _ = _written(tmp_path, "netbox-csv", DATA / "netbox" / "netbox_devices.csv",
                                       all_platforms=True)
    assert [d.name for d in inventory.devices] == ["ctrl-01", "c40-01"]
    ctrl = inventory.device("ctrl-01")
    assert (ctrl.host, ctrl.site, ctrl.role) == ("192.168.13.14", "Main Building", "Other")  # /24 removed
    assert _skips(selection)["CR3-C01"].startswith("no address")


def test_netbox_juniper_rows_renamed_and_out_of_service(tmp_path: Path) -> None:
    # The real export's header with rows of our own: Juniper devices as NetBox writes them.
    header = (DATA / "netbox" / "netbox_devices.csv").read_text().splitlines()[0]
    cells = header.split(",")

    def row(**values: str) -> str:
        return ",".join(values.get(c, "") for c in cells)

    csv_file = tmp_path / "export.csv"
    csv_file.write_text("\n".join([
        header,
        row(Name="sg core 1", Status="Active", Site="SG1", Role="Core", Manufacturer="Juniper", Type="MX480",
            **{"IP Address": "10.0.0.1/24", "IPv4 Address": "10.0.0.1/24", "Serial number": "JN123"}),
        row(Name="sg-fw-1", Status="Offline", Manufacturer="Juniper", **{"IP Address": "10.0.0.2/24"}),
        row(Name="sg-qfx", Status="Active", Manufacturer="Acme", Platform="Junos", **{"IPv4 Address": "10.0.0.3/24"}),
    ]) + "\n")
    selection, inventory, _ = _written(tmp_path, "netbox-csv", csv_file)
    assert [(d.name, d.host, d.serial) for d in inventory.devices] == [
        ("sg-core-1", "10.0.0.1", "JN123"), ("sg-qfx", "10.0.0.3", None)]
    assert selection.renamed == (("sg core 1", "sg-core-1"),)
    assert "status Offline" in _skips(selection)["sg-fw-1"]


def test_plain_csv(tmp_path: Path) -> None:
    source = tmp_path / "devices.csv"
    source.write_text("name;host;port;driver;site;tags\nsg-core-1;10.1.1.1;;;SG1;pe core\n"
                      "sg-fw-1;10.1.1.2;22;netmiko;SG2;\n", encoding="utf-8-sig")
    _, inventory, _ = _written(tmp_path, "csv", source)
    core, fw = inventory.devices
    assert (core.host, core.port, core.driver, core.site, core.tags) == ("10.1.1.1", 830, "pyez", "SG1", ("pe", "core"))
    assert (fw.port, fw.driver) == (22, "netmiko")
    bad = tmp_path / "bad.csv"
    bad.write_text("name,hostname\nr1,10.0.0.1\n")
    with pytest.raises(InputError, match="unknown column 'hostname'") as exc:
        import_devices("csv", bad)
    assert exc.value.line == 1


def test_malformed_sources_name_file_and_line(tmp_path: Path) -> None:
    broken = tmp_path / "hosts.yaml"
    broken.write_text("r1:\n  hostname: [10.0.0.1\n")
    with pytest.raises(InputError) as exc:
        import_devices("nornir", broken)
    assert exc.value.path == str(broken) and exc.value.line is not None
    ini = tmp_path / "hosts"
    ini.write_text("[junos\nr1 ansible_host=10.0.0.1\n")
    with pytest.raises(InputError, match="section header") as exc:
        import_devices("ansible", ini)
    assert exc.value.line == 1
    topo = tmp_path / "lab.clab.yml"
    topo.write_text("topology:\n  nodes:\n    r1: {kind: juniper_vmx}\n")
    with pytest.raises(InputError, match="no name"):
        import_devices("containerlab", topo)


def _cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "run_assessment.py"), "inventory", "import", *args],
                          check=False, capture_output=True, text=True, cwd=cwd, timeout=60)


def test_cli_writes_validated_inventory_and_refuses_to_overwrite(tmp_path: Path) -> None:
    out = tmp_path / "inventory.yaml"
    result = _cli("--from", "containerlab", str(DATA / "containerlab" / "vr02.clab.yml"), "--out", str(out),
                  "--password-prompt")
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""  # the summary is on stderr
    assert "left out srl (vr02.clab.yml:5): not a Junos device" in result.stderr
    assert "password_prompt: true" in out.read_text()
    before = out.read_text()
    again = _cli("--from", "ansible", str(DATA / "ansible-workshops" / "hosts"), "--out", str(out))
    assert again.returncode == 2 and "already exists (--force replaces it)" in again.stderr
    assert out.read_text() == before and list(tmp_path.iterdir()) == [out]  # no temporary file left behind


def test_cli_json_summary_and_nothing_to_import(tmp_path: Path) -> None:
    out = tmp_path / "inv.yaml"
    result = _cli("--from", "ansible", str(DATA / "ansible-workshops" / "hosts"), "--out", str(out),
                  "--format", "json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert [d["name"] for d in summary["devices"]] == ["rtr3"]
    assert {s["name"] for s in summary["skipped"]} == {"rtr1", "rtr2", "rtr4", "ansible"}
    none = _cli("--from", "netbox-csv", str(DATA / "netbox" / "default-view.csv"), "--out", str(tmp_path / "x.yaml"))
    assert none.returncode == 2 and "no device to import (2 left out" in none.stderr
    assert "Traceback" not in none.stderr and not (tmp_path / "x.yaml").exists()


def test_cli_keep_passwords_makes_the_file_private(tmp_path: Path) -> None:
    out = tmp_path / "lab.yaml"
    result = _cli("--from", "nornir", str(DATA / "nornir-pyez" / "hosts.yml"), "--out", str(out), "--keep-passwords")
    assert result.returncode == 0, result.stderr
    assert "password: juniper1" in out.read_text()
    assert out.stat().st_mode & 0o777 == 0o600
    assert "juniper1" not in result.stderr + result.stdout
