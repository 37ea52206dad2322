"""Device folders: the shipped ones are valid and internally consistent; bad ones are refused with precise errors
(file, line, key, problem) before anything is served. No network here."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from lab.device import load_device_folder
from lab.server import LabServer
from lab.testing import DEVICES, shipped_devices
from msplus.errors import DeviceFolderError
from msplus.inventory import load_inventory
from msplus.junosconf import parse

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = sorted(p for p in DEVICES.iterdir() if p.is_dir())


def test_at_least_the_required_platforms_ship() -> None:
    models = {s.identity.model for s in shipped_devices()}
    assert {"firefly-perimeter", "vmx", "mx480", "srx345", "ex4200-48t", "vqfx-10000"} <= models
    releases = {s.identity.release for s in shipped_devices()}
    assert len(releases) >= 5


@pytest.mark.parametrize("folder", SHIPPED, ids=lambda p: p.name)
def test_shipped_folder_is_consistent(folder: Path) -> None:
    sim = load_device_folder(folder)
    ident = sim.identity
    assert ident.hostname and ident.model and ident.release and ident.serial
    tree = parse(sim.config.text, source=str(folder / "config.conf")).effective()
    assert tree.get("system host-name") == ident.hostname, "config host-name must match software-information"
    # Development images write their builder string there instead (the vQFX capture does): both are real.
    assert tree.get("version") == ident.release or re.match(r"^\d{8}\.\d+_builder", tree.get("version") or "")
    provenance = (folder / "PROVENANCE.md").read_text()
    for item in folder.iterdir():
        if item.name not in {"PROVENANCE.md", "device.yaml"}:
            assert f"| {item.name} |" in provenance, f"{item.name} has no provenance row"
    assert re.search(r"\| [0-9a-f]{12} \| Apache-2\.0 \|", provenance)


def test_readme_table_and_lab_inventory_agree_with_folders() -> None:
    readme = (DEVICES / "README.md").read_text()
    inventory = load_inventory(ROOT / "inventories" / "lab.yaml")
    served = {d.simulate.name: d for d in inventory.devices if d.simulate}
    assert sorted(served) == [p.name for p in SHIPPED]
    contract = set(inventory.customer.care_contract.serials)
    uncovered = []
    for folder in SHIPPED:
        ident = load_device_folder(folder).identity
        assert f"| {folder.name} |" in readme
        assert ident.serial in readme and ident.release in readme
        assert served[folder.name].serial == ident.serial
        assert served[folder.name].host.startswith("127.0.1.") and served[folder.name].port == 830
        if ident.serial not in contract:
            uncovered.append(folder.name)
    assert len(uncovered) == 1  # one device left off the care contract on purpose


def copy_device(tmp_path: Path, name: str = "vmx") -> Path:
    dest = tmp_path / name
    shutil.copytree(DEVICES / name, dest)
    return dest


def refused(folder: Path) -> DeviceFolderError:
    with pytest.raises(DeviceFolderError) as err:
        load_device_folder(folder)
    return err.value


def test_bad_device_yaml_is_refused_with_place_and_key(tmp_path: Path) -> None:
    folder = copy_device(tmp_path)
    for variant in folder.glob("*@*.xml"):  # the cases below replace device.yaml, which lists the variants
        variant.unlink()
    yaml_path = folder / "device.yaml"
    cases = [
        ("faults:\n  hang_on: [get-foo, Bad_Name]\n", 2, "faults.hang_on[1]", "not an RPC name"),
        ("latency: {default: 0.1, get-x: -1}\n", 1, "latency.get-x", "greater than or equal to 0"),
        ("schema_version: 2\n", 1, "schema_version", "Input should be 1"),
        ("faultz: {}\n", 1, "faultz", "unknown key"),
        ("faults: {large_reply: {rpc: get-x, megabytes: 0}}\n", 1, "faults.large_reply.megabytes", "greater than 0"),
        ("variants:\n  - {rpc: file-show, args: {filename: x}, file: nope.xml}\n", 2, "variants[0].file",
         "no such reply file"),
        ("credentials: {authorized_keys: [missing.pub]}\n", 1, "credentials.authorized_keys[0]", "cannot read key"),
        ("netconf: {versions: ['2.0']}\n", 1, "netconf.versions[0]", "'1.0' or '1.1'"),
        ("faults: [\n", 2, None, "invalid YAML"),
    ]
    for text, line, key, problem in cases:
        yaml_path.write_text(text)
        err = refused(folder)
        assert err.path == str(yaml_path), text
        assert err.line == line, (text, str(err))
        assert err.key == key, (text, str(err))
        assert problem in err.problem, (text, str(err))


def test_bad_folder_contents_are_refused(tmp_path: Path) -> None:
    folder = copy_device(tmp_path)
    (folder / "notes.txt").write_text("x")
    assert "unexpected file" in refused(folder).problem
    (folder / "notes.txt").unlink()

    bad = "<system-storage-information>\n<filesystem>\n</system-storage-information>"
    (folder / "get-system-storage.xml").write_text(bad)
    err = refused(folder)
    assert err.path == str(folder / "get-system-storage.xml") and err.line == 3 and "malformed XML" in err.problem
    (folder / "get-system-storage.xml").write_text('<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>')
    assert "DTD or entities" in refused(folder).problem
    (folder / "get-system-storage.xml").unlink()

    (folder / "get-foo@unused.xml").write_text("<foo/>")
    assert "variant reply is not used" in refused(folder).problem
    (folder / "get-foo@unused.xml").unlink()

    (folder / "get-software-information.xml").unlink()
    assert "get-software-information.xml is required" in refused(folder).problem
    assert "not a folder" in refused(tmp_path / "absent").problem


def test_bad_configuration_is_refused(tmp_path: Path) -> None:
    from msplus.errors import ConfigSyntaxError

    folder = copy_device(tmp_path)
    (folder / "config.conf").write_text("system {\n    host-name x;\n}\n}\n")
    with pytest.raises(ConfigSyntaxError) as err:
        load_device_folder(folder)
    assert err.value.line == 4


def test_lab_refuses_duplicate_names_and_addresses() -> None:
    a = load_device_folder(DEVICES / "vmx", name="a", host="127.0.6.1", port=2222)
    b = load_device_folder(DEVICES / "vmx", name="a", host="127.0.6.2", port=2222)
    c = load_device_folder(DEVICES / "vmx", name="c", host="127.0.6.1", port=2222)
    with pytest.raises(DeviceFolderError, match="used twice"):
        LabServer([a, b])
    with pytest.raises(DeviceFolderError, match=r"127\.0\.6\.1:2222 is used twice"):
        LabServer([a, c])


def test_runtime_reply_replacement() -> None:
    sim = load_device_folder(DEVICES / "vmx")
    sim.set_reply("get-alarm-information", "<alarm-information><alarm-summary><active-alarm-count>1"
                                           "</active-alarm-count></alarm-summary></alarm-information>")
    reply = sim.lookup("get-alarm-information", {})
    assert reply is not None and reply.payload.findtext(".//active-alarm-count") == "1"
    sim.remove_reply("get-alarm-information")
    assert sim.lookup("get-alarm-information", {}) is None
