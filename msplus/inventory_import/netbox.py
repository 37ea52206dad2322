"""NetBox's device export (Devices -> Export -> "Current view" or "All data (CSV)"), and the same columns under
their API/bulk-import names (``device_type``, ``primary_ip4``). A device is Junos when its manufacturer is Juniper
or its platform names Junos. The address is the primary IPv4 (else the primary IP, else the primary IPv6) without
its prefix length. Devices whose status says they are not in service (offline, planned, ...) are left out.
"""

from __future__ import annotations

from pathlib import Path

from msplus.errors import InputError
from msplus.inventory_import import csvfile
from msplus.inventory_import.model import Candidate, interface_address, is_junos_word, platforms

# our field -> the column names NetBox versions use for it (normalised: lower case, letters and digits only)
COLUMNS = {
    "name": ("name",),
    "status": ("status",),
    "site": ("site",),
    "role": ("role", "devicerole"),
    "manufacturer": ("manufacturer",),
    "type": ("type", "devicetype"),
    "platform": ("platform",),
    "serial": ("serialnumber", "serial"),
    "ipv4": ("ipv4address", "primaryipv4", "primaryip4"),
    "ip": ("ipaddress", "primaryip"),
    "ipv6": ("ipv6address", "primaryipv6", "primaryip6"),
    "tags": ("tags",),
}
NOT_IN_SERVICE = {"offline", "planned", "staged", "failed", "inventory", "decommissioning"}


def read(path: Path) -> list[Candidate]:
    header, body = csvfile.rows(path)
    column = {field: next((c for c in names if c in header), None) for field, names in COLUMNS.items()}
    if column["name"] is None:
        raise InputError("no Name column: is this a NetBox device export?", path=str(path), line=1)
    if not (column["ipv4"] or column["ip"] or column["ipv6"]):
        raise InputError("no IP Address, IPv4 Address or Primary IPv4 column: add it to the exported view",
                         path=str(path), line=1)
    words = [w.lower() for w in platforms()["netbox_platform_words"]]
    out = []
    for line, row in body:
        def get(field: str, row: dict[str, str] = row) -> str | None:
            name = column[field]
            return (row.get(name) or None) if name else None

        manufacturer, platform, status = get("manufacturer"), get("platform"), get("status")
        junos: bool | None = None
        if manufacturer or platform:
            junos = is_junos_word(manufacturer, "netbox_manufacturers") or any(
                w in (platform or "").lower() for w in words)
        described = ", ".join(p for p in (manufacturer, get("type"), platform) if p) or None
        out.append(Candidate(
            name=get("name") or f"row-{line}",
            host=interface_address(get("ipv4") or get("ip") or get("ipv6")),
            where=f"{path.name}:{line}",
            junos=junos,
            platform=described,
            site=get("site"),
            role=get("role"),
            serial=get("serial"),
            tags=tuple(t.strip() for t in (get("tags") or "").split(",") if t.strip()),
            excluded=f"status {status}: not in service" if status and status.lower() in NOT_IN_SERVICE else None,
        ))
    return out
