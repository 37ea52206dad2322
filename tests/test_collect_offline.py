"""The offline collector: customer folders (tests/data/offline/<case>/, real files, see PROVENANCE.md) recognised by
content, saved as received, profiled like a device; what is not recognised is listed with the reason."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import pytest

from collectors.run import collect_inventory, print_summary
from msplus.records import Device, Inventory
from snapshots.layout import read_meta

DATA = Path(__file__).parent / "data" / "offline"


def collect(tmp_path: Path, *cases: str, purposes: tuple[str, ...] = ("facts", "configuration")) -> Path:
    devices = tuple(Device(name=case, driver="offline", files=DATA / case) for case in cases)
    inventory = Inventory(path=tmp_path / "inventory.yaml", customer=None, devices=devices)
    out = tmp_path / "snap"
    collect_inventory(inventory, out, workers=2, purposes=purposes)
    return out


def ignored(meta: dict) -> dict[str, str]:
    return {i["file"]: i["reason"] for i in meta["notes"]["ignored"]}


def test_cli_text_folder(tmp_path: Path) -> None:
    out = collect(tmp_path, "cli-text")
    folder = out / "cli-text"
    meta = read_meta(folder)
    assert meta["ok"], meta["error"]
    # saved as received, under the plan's names with the form's extension
    assert (folder / "software-information.txt").read_bytes() == (DATA / "cli-text" / "a.txt").read_bytes()
    assert (folder / "chassis-inventory.txt").read_bytes() == (DATA / "cli-text" / "b.txt").read_bytes()
    assert (folder / "configuration.conf").read_bytes() == (DATA / "cli-text" / "c.txt").read_bytes()
    profile = json.loads((folder / "profile.json").read_text())
    assert (profile["model"], profile["version"], profile["serial_number"], profile["family"]) == (
        "qfx5100-48t-6q", "21.4R3-S3.4", "XXXXXXXX0000", "qfx")
    why = ignored(meta)
    assert set(why) == {"uptime.txt", "cluster.txt", "PROVENANCE.md"}
    assert why["uptime.txt"].startswith("not recognised")
    assert meta["notes"]["source:software-information.txt"] == "a.txt"


def test_xml_replies_recognised_by_root_element(tmp_path: Path) -> None:
    out = collect(tmp_path, "xml-replies")
    folder = out / "xml-replies"
    meta = read_meta(folder)
    assert meta["ok"], meta["error"]
    files = {r["file"]: r for r in meta["replies"]}
    assert set(files) >= {"software-information.xml", "chassis-inventory.xml", "system-uptime-information.xml",
                          "chassis-cluster-status.xml", "configuration.xml"}
    for name, rec in files.items():  # the recorded hash is the hash of the saved file
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == rec["sha256"]
    why = ignored(meta)
    assert "JSON" in why["7"]
    assert "<file-content>" in why["8"]
    assert why["6"] == "answers get-environment-information, which this collection does not ask for"
    profile = json.loads((folder / "profile.json").read_text())
    assert (profile["hostname"], profile["version"], profile["serial_number"]) == (
        "firefly", "12.1X46-D15.3", "aaf5fe5f9b88")
    assert profile["cluster"] is True  # the cluster status file in this folder says so


def test_pasted_replies_with_prompt_missing_wrapper_and_undeclared_prefix(tmp_path: Path) -> None:
    out = collect(tmp_path, "pasted", purposes=("facts",))
    folder = out / "pasted"
    meta = read_meta(folder)
    assert meta["ok"], meta["error"]
    why = ignored(meta)
    # the ncclient reply (with its ]]>]]> trailer) was read, and lost to the other show version by name order
    assert why["zz-other-version"] == "another file already answers get-software-information"
    assert meta["notes"]["source:chassis-inventory.xml"] == "hw-pasted (show chassis hardware | display xml)"
    profile = json.loads((folder / "profile.json").read_text())
    assert (profile["hostname"], profile["model"], profile["version"]) == ("R3_re0", "mx240", "14.2-20141220.0")
    assert profile["serial_number"] == "aaf5fe5f9b88"  # from the pasted, prompt-topped chassis inventory
    assert profile["family"] == "vmx"  # RE-VMX in the unwrapped route-engine reply


def test_set_lines_and_curly_text_one_configuration_kept(tmp_path: Path) -> None:
    out = collect(tmp_path, "set-lines")
    meta = read_meta(out / "set-lines")
    assert meta["ok"], meta["error"]
    assert (out / "set-lines" / "configuration.conf").is_file()
    assert not (out / "set-lines" / "configuration.set").exists()
    assert ignored(meta)["config.set"] == "another file already answers get-configuration"
    profile = json.loads((out / "set-lines" / "profile.json").read_text())
    assert (profile["hostname"], profile["model"], profile["version"]) == ("leaf01", "vqfx-10000", "19.4R1.10")


def test_configuration_text_reply_saved_as_text(tmp_path: Path) -> None:
    out = collect(tmp_path, "config-text-reply")
    meta = read_meta(out / "config-text-reply")
    assert meta["ok"], meta["error"]
    text = (out / "config-text-reply" / "configuration.conf").read_text()
    assert "<configuration-text>" not in text and "system {" in text


def test_missing_required_files_fail_but_keep_what_was_there(tmp_path: Path) -> None:
    out = collect(tmp_path, "only-config", "cli-text")
    meta = read_meta(out / "only-config")
    assert not meta["ok"]
    assert meta["error"]["kind"] == "malformed_reply"
    assert "get-software-information (show version)" in meta["error"]["message"]
    assert (out / "only-config" / "configuration.conf").is_file()  # kept
    assert read_meta(out / "cli-text")["ok"]  # the other device went on


def test_show_version_alone_is_partial_not_failed(tmp_path: Path) -> None:
    """A folder with only `show version` gives a complete profile (model, release, host name): the device is
    partial, with the replies it lacks named, and assessed on what there is."""
    folder = tmp_path / "customer"
    folder.mkdir()
    (folder / "show-version.txt").write_bytes((DATA / "cli-text" / "a.txt").read_bytes())
    inventory = Inventory(path=tmp_path / "i.yaml", customer=None,
                          devices=(Device(name="v1", driver="offline", files=folder),))
    [result] = collect_inventory(inventory, tmp_path / "snap", purposes=("facts", "configuration"))
    assert result.ok and result.status == "partial"
    assert result.missing == ("get-chassis-inventory (show chassis hardware)",
                              "get-configuration (show configuration)")
    meta = read_meta(tmp_path / "snap" / "v1")
    assert meta["status"] == "partial" and meta["ok"] and meta["error"] is None
    assert meta["notes"]["missing"] == list(result.missing)
    profile = json.loads((tmp_path / "snap" / "v1" / "profile.json").read_text(encoding="utf-8"))
    assert (profile["model"], profile["version"], profile["hostname"]) == ("qfx5100-48t-6q", "21.4R3-S3.4",
                                                                          "asxx.xx.xx")
    summary = io.StringIO()
    print_summary([result], tmp_path / "snap", file=summary)
    assert "partial" in summary.getvalue() and "show chassis hardware" in summary.getvalue()


def test_set_lines_alone_are_a_configuration(tmp_path: Path) -> None:
    folder = tmp_path / "customer"
    folder.mkdir()
    (folder / "x").write_bytes((DATA / "set-lines" / "config.set").read_bytes())
    (folder / "y").write_bytes((DATA / "cli-text" / "a.txt").read_bytes())
    (folder / "z").write_bytes((DATA / "cli-text" / "b.txt").read_bytes())
    (folder / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    (folder / "empty.txt").write_bytes(b"")
    inventory = Inventory(path=tmp_path / "i.yaml", customer=None,
                          devices=(Device(name="c1", driver="offline", files=folder),))
    [result] = collect_inventory(inventory, tmp_path / "snap", purposes=("facts", "configuration"))
    assert result.ok, result.error
    meta = read_meta(tmp_path / "snap" / "c1")
    assert (tmp_path / "snap" / "c1" / "configuration.set").read_bytes() == (folder / "x").read_bytes()
    assert ignored(meta) == {"empty.txt": "empty file"}  # hidden files are not customer data


@pytest.mark.parametrize("case", sorted(p.name for p in DATA.iterdir()))
def test_every_offline_file_has_provenance(case: str) -> None:
    text = (DATA / case / "PROVENANCE.md").read_text()
    for f in (DATA / case).iterdir():
        if f.name != "PROVENANCE.md":
            assert f"| {f.name} |" in text
