"""Inventories from where engineers keep them: Nornir, Ansible, containerlab, NetBox, plain CSV.

One small module per source reads its format into ``Candidate`` records (``model.py``); ``select`` keeps the Junos
devices with an address, makes names valid and unique, and says why each other device was left out; ``writer``
writes this tool's inventory YAML atomically after validating it with the inventory loader.

    selection = import_devices("nornir", Path("hosts.yaml"))
    write(selection, Path("inventory.yaml"), Credentials(password_env="NET_PASSWORD"), command="...")
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from msplus.errors import InputError
from msplus.inventory_import import ansible, containerlab, netbox, nornir, plain_csv
from msplus.inventory_import.model import Candidate, Selection, Skipped, select
from msplus.inventory_import.writer import Credentials, write


@dataclass(frozen=True, slots=True)
class Importer:
    name: str
    describes: str
    read: Callable[[Path], list[Candidate]]


IMPORTERS: dict[str, Importer] = {
    i.name: i for i in (
        Importer("nornir", "Nornir SimpleInventory hosts file (groups and defaults files beside it) or its folder",
                 nornir.read),
        Importer("ansible", "Ansible inventory, YAML or INI", ansible.read),
        Importer("containerlab", "containerlab topology file (*.clab.yml)", containerlab.read),
        Importer("netbox-csv", "NetBox device export (CSV)", netbox.read),
        Importer("csv", "plain CSV: name,host[,port,driver,username,site,role,serial,tags]", plain_csv.read),
    )
}


def import_devices(kind: str, path: Path, *, all_platforms: bool = False) -> Selection:
    """Read ``path`` as a ``kind`` inventory and select the devices to import. Raises InputError for unreadable or
    malformed input, naming the file and, where known, the line."""
    importer = IMPORTERS.get(kind)
    if importer is None:
        raise InputError(f"unknown source {kind!r} (expected one of {', '.join(IMPORTERS)})")
    if not path.exists():
        raise InputError("no such file or folder", path=str(path))
    candidates = importer.read(path)
    return select(candidates, source=str(path), kind=kind, all_platforms=all_platforms)


__all__ = ["IMPORTERS", "Candidate", "Credentials", "Importer", "Selection", "Skipped", "import_devices", "write"]
