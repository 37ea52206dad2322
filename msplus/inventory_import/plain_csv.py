"""A plain CSV of devices, one per row: ``name,host`` and optionally ``port,driver,username,site,role,serial,tags``
(tags separated by spaces or semicolons). Every row is a device to assess; an unknown column is refused, so a typo
is not silently dropped."""

from __future__ import annotations

from pathlib import Path

from msplus.errors import InputError
from msplus.inventory_import import csvfile
from msplus.inventory_import.model import Candidate
from msplus.records import DRIVERS

COLUMNS = ("name", "host", "port", "driver", "username", "site", "role", "serial", "tags")


def read(path: Path) -> list[Candidate]:
    header, body = csvfile.rows(path)
    unknown = [h for h in header if h not in COLUMNS]
    if unknown or "name" not in header:
        problem = f"unknown column {unknown[0]!r}" if unknown else "no name column"
        raise InputError(f"{problem} (columns: {', '.join(COLUMNS)}; name and host are required)", path=str(path),
                         line=1)
    out = []
    for line, row in body:
        port = row.get("port") or None
        if port is not None and not port.isdigit():
            raise InputError(f"port {port!r} is not a number", path=str(path), line=line, key="port")
        driver = row.get("driver") or None
        if driver is not None and driver not in DRIVERS:
            raise InputError(f"unknown driver {driver!r} (expected one of {', '.join(DRIVERS)})", path=str(path),
                             line=line, key="driver")
        out.append(Candidate(
            name=row.get("name") or f"row-{line}",
            host=row.get("host") or None,
            where=f"{path.name}:{line}",
            junos=True,
            port=int(port) if port else None,
            driver=driver,
            username=row.get("username") or None,
            site=row.get("site") or None,
            role=row.get("role") or None,
            serial=row.get("serial") or None,
            tags=tuple(t for t in (row.get("tags") or "").replace(";", " ").split() if t),
        ))
    return out
