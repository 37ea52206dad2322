"""Shared by the report and assess tests: the simulated lab served on ephemeral ports with an inventory file that
points at them, one collection of it, and a ledger with the lab customer registered.

The lab's own inventory (inventories/lab.yaml) listens on port 830; tests use ports the OS picks, so they write a
copy of the inventory with those ports (and absolute ``simulate:`` paths) into a temporary folder.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from lab.server import LabServer, load_device_folder
from lab.testing import client_environment
from ledger.ledger import Ledger, open_ledger
from msplus.inventory import load_inventory

ROOT = Path(__file__).resolve().parents[1]
LAB_INVENTORY = ROOT / "inventories" / "lab.yaml"
LAB_CHANGE = ROOT / "inventories" / "lab-change.set"
DAY = date(2026, 6, 1)  # inside the lab customer's care contract (2026-01-01 .. 2027-12-31)
EXCLUDED = "sg-leaf-1"  # its serial is not on the lab customer's care contract
XSS = "<script>alert(1)</script>"


@dataclasses.dataclass
class Lab:
    server: LabServer
    inventory: Path  # an inventory file pointing at the served ports
    names: tuple[str, ...]

    def contacted(self) -> dict[str, list[str]]:
        """Device -> RPCs it received (empty lists: never contacted)."""
        return {name: self.server.rpc_log(name) for name in self.names}

    def clear(self) -> None:
        for name in self.names:
            self.server.clear_rpc_log(name)


def inventory_data(**customer_changes: Any) -> dict[str, Any]:
    """inventories/lab.yaml as data, ``simulate:`` paths made absolute, customer fields replaced."""
    data = yaml.safe_load(LAB_INVENTORY.read_text(encoding="utf-8"))
    for device in data["devices"]:
        device["simulate"] = str((LAB_INVENTORY.parent / device["simulate"]).resolve())
    data["customer"].update(customer_changes)
    return data


def write_inventory(path: Path, data: dict[str, Any], ports: dict[str, int] | None = None) -> Path:
    for device in data["devices"]:
        if ports and device["name"] in ports:
            device["port"] = ports[device["name"]]
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


@contextmanager
def served_lab(folder: Path) -> Iterator[Lab]:
    """Every lab device on its loopback address and an OS-chosen port; clients with HOME in ``folder``."""
    inventory = load_inventory(LAB_INVENTORY)
    sims = [load_device_folder(d.simulate, name=d.name, host=d.host or "127.0.0.1", port=0, username=d.username,
                               password=d.password) for d in inventory.devices if d.simulate]
    with client_environment(folder / "home"), LabServer(sims) as server:
        ports = {d.name: server.address(d.name)[1] for d in inventory.devices}
        path = write_inventory(folder / "lab.yaml", inventory_data(), ports)
        yield Lab(server, path, tuple(ports))


def ledger_with_credits(path: Path, inventory: Path, credits: int = 100) -> str:
    """A fresh SQLite ledger with the inventory's customer registered and ``credits`` bought on DAY."""
    url = f"sqlite:///{path}"
    with open_at(url) as ledger:
        ledger.register_inventory(inventory, DAY)
        if credits:
            ledger.purchase("acme-sg", credits, DAY, reference="test")
    return url


def open_at(url: str) -> Ledger:
    return open_ledger(url, today=lambda: DAY)


def redemptions(url: str, customer: str = "acme-sg") -> list[tuple[str | None, str | None, int]]:
    with open_at(url) as ledger:
        return [(e.service, e.request_id, e.credits) for e in ledger.statement(customer, DAY) if e.type == "redemption"]


def tainted_snapshot(source: Path, target: Path) -> Path:
    """A copy of a lab snapshot with hostile text where devices put their own text: sg-core-1's host name in
    profile.json and a BGP neighbour description in its configuration (quoted as evidence by CACR)."""
    shutil.copytree(source, target)
    folder = target / "sg-core-1"
    profile = json.loads((folder / "profile.json").read_text(encoding="utf-8"))
    profile["hostname"] = XSS
    (folder / "profile.json").write_text(json.dumps(profile), encoding="utf-8")
    config = (folder / "configuration.conf").read_text(encoding="utf-8")
    assert "description TOR1CRP-SEC-FW01;" in config
    config = config.replace("description TOR1CRP-SEC-FW01;", f'description "{XSS} | `x` *y*";')
    (folder / "configuration.conf").write_text(config, encoding="utf-8")
    return target
