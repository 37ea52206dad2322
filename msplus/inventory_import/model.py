"""What every importer produces: candidate devices as read from the source, and the selection of the ones this tool
can assess (Junos, with an address), each left-out device with its reason.

An importer only reads its format; choosing, renaming and de-duplicating happen once, here, for every source.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

from msplus.secrets import Secret
from msplus.yamlsource import load_data_file

PLATFORMS_FILE = Path(__file__).with_name("platforms.yaml")
_NAME_OK = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
# DNS labels; "_" is not in RFC 1123 but /etc/hosts and most resolvers accept it, and lab inventories use it
_HOST_LABEL = re.compile(r"^(?!-)[A-Za-z0-9_-]{1,63}(?<!-)$")


@dataclass(frozen=True, slots=True)
class Candidate:
    """One device as the source describes it. ``junos``: the source says it runs Junos (True), says it runs
    something else (False), or does not say (None). ``platform`` is the source's own words, for the report."""

    name: str
    host: str | None
    where: str  # the place in the source: "hosts.yaml: dev2.group_1", "netbox.csv:14"
    junos: bool | None = None
    platform: str | None = None
    port: int | None = None
    driver: str | None = None
    username: str | None = None
    password: Secret | None = field(default=None, repr=False)
    site: str | None = None
    role: str | None = None
    tags: tuple[str, ...] = ()
    serial: str | None = None
    excluded: str | None = None  # the source itself says to leave it out (NetBox: "status Offline")


@dataclass(frozen=True, slots=True)
class Skipped:
    name: str
    where: str
    reason: str


@dataclass(frozen=True, slots=True)
class Selection:
    """The devices to write (names made valid, one device per address) and every device left out, with why."""

    source: str
    kind: str
    devices: tuple[Candidate, ...]
    skipped: tuple[Skipped, ...]
    renamed: tuple[tuple[str, str], ...] = ()  # (name in the source, name written)

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "from": self.kind,
            "devices": [{"name": d.name, "host": d.host, "port": d.port, "driver": d.driver, "platform": d.platform,
                         "where": d.where} for d in self.devices],
            "skipped": [{"name": s.name, "where": s.where, "reason": s.reason} for s in self.skipped],
            "renamed": [{"from": a, "to": b} for a, b in self.renamed],
        }


@cache
def platforms() -> dict[str, Any]:
    """The platform knowledge of ``platforms.yaml`` (which names mean Junos in each source)."""
    return load_data_file(PLATFORMS_FILE)


def is_junos_word(value: str | None, list_key: str) -> bool:
    return bool(value) and str(value).strip().lower() in {str(v).lower() for v in platforms()[list_key]}


def select(candidates: list[Candidate], *, source: str, kind: str, all_platforms: bool = False) -> Selection:
    """Keep the Junos devices (every device with ``all_platforms``) that have a usable address; give each a valid,
    unique name; keep the first device of each address and port."""
    devices: list[Candidate] = []
    skipped: list[Skipped] = []
    renamed: list[tuple[str, str]] = []
    names: dict[str, str] = {}
    endpoints: dict[tuple[str, int | None], str] = {}
    for c in candidates:
        if c.excluded:
            skipped.append(Skipped(c.name, c.where, c.excluded))
            continue
        if not all_platforms and c.junos is not True:
            said = f"platform {c.platform}" if c.platform else "no platform given"
            skipped.append(Skipped(c.name, c.where, f"not a Junos device ({said}; --all-platforms imports it)"))
            continue
        problem = host_problem(c.host)
        if problem:
            skipped.append(Skipped(c.name, c.where, problem))
            continue
        name = valid_name(c.name)
        if name.lower() in names:
            skipped.append(Skipped(c.name, c.where, f"its name {name!r} is already used by {names[name.lower()]}"))
            continue
        endpoint = (str(c.host).lower(), c.port)
        if endpoint in endpoints:
            port = f":{c.port}" if c.port else ""
            skipped.append(Skipped(c.name, c.where, f"{c.host}{port} is also the address of {endpoints[endpoint]} "
                                                    "(kept that one)"))
            continue
        if name != c.name:
            renamed.append((c.name, name))
        names[name.lower()] = c.name
        endpoints[endpoint] = c.name
        devices.append(replace(c, name=name))
    return Selection(source, kind, tuple(devices), tuple(skipped), tuple(renamed))


def valid_name(name: str) -> str:
    """A device name this tool accepts (it also names the snapshot folder): other characters become ``-``."""
    if _NAME_OK.match(name):
        return name
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-._")[:128]
    return cleaned or "device"


def host_problem(host: str | None) -> str | None:
    """Why ``host`` cannot be connected to (None when it is an IP address or a DNS name)."""
    if not host:
        return "no address (no management IP or host name in the source)"
    text = str(host).strip()
    try:
        ipaddress.ip_address(text)
        return None
    except ValueError:
        pass
    labels = text.rstrip(".").split(".")
    if len(text) <= 253 and all(_HOST_LABEL.match(label) for label in labels):
        return None
    return f"address {text!r} is neither an IP address nor a host name"


def interface_address(value: str | None) -> str | None:
    """``10.66.5.26/24`` (NetBox, containerlab) -> ``10.66.5.26``; anything else unchanged."""
    if not value:
        return None
    text = str(value).strip()
    if "/" in text:
        try:
            return str(ipaddress.ip_interface(text).ip)
        except ValueError:
            return text
    return text or None
