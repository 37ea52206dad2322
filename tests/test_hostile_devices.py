"""Issue 14, devices and files: an offline folder's links that leave the folder are not followed."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from collectors.run import collect_inventory
from msplus.records import Device, Inventory

DATA = Path(__file__).parent / "data" / "offline"


def test_offline_link_out_of_the_folder_is_not_read(tmp_path: Path) -> None:
    secret = tmp_path / "shadow"
    secret.write_text("root:$6$SECRET-HASH-LINE:19000:0:99999:7:::\n", encoding="utf-8")
    folder = tmp_path / "customer"
    shutil.copytree(DATA / "cli-text", folder)
    os.symlink(secret, folder / "show-version.txt")
    os.symlink("/etc/shadow", folder / "etc-shadow.txt")
    os.symlink(folder / "a.txt", folder / "inside-link.txt")  # a link within the folder is fine
    inventory = Inventory(path=tmp_path / "inventory.yaml", customer=None,
                          devices=(Device(name="r1", driver="offline", files=folder),))
    out = tmp_path / "snap"
    [result] = collect_inventory(inventory, out, workers=1, purposes=("facts", "configuration"))
    assert result.ok, result.error
    written = b"".join(p.read_bytes() for p in (out / "r1").iterdir())
    assert b"SECRET-HASH-LINE" not in written and b"root:" not in written
    meta = json.loads((out / "r1" / "meta.json").read_text(encoding="utf-8"))
    why = {i["file"]: i["reason"] for i in meta["notes"]["ignored"]}
    assert why["show-version.txt"] == why["etc-shadow.txt"] == "a link to a file outside the folder; not read"
    assert "inside-link.txt" in why and "outside" not in why["inside-link.txt"]
