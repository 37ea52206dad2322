"""Reading the CLI text customers paste: ``show version`` and ``show chassis hardware``.

Only what a profile needs: per routing engine / member the hostname, model and Junos release; the chassis serial
number and the routing engines from the hardware table. Multi-member output (``fpc0:``, ``node0:``, ``re0:``
headers followed by a dashed line) is split into sections.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_SECTION = re.compile(r"^(?P<name>[A-Za-z][\w-]*\d):\s*$")
_DASHES = re.compile(r"^-{10,}\s*$")
_PROMPT = re.compile(r"^\S+@\S+[>#%]\s?.*$|^\{[\w:]+\}\s*$")
_BRACKET = re.compile(r"\[([^\]]+)\]")
# Package comments that carry the running release on releases without a "Junos:" line, best first.
_RELEASE_PACKAGES = (
    "JUNOS Software Release",
    "JUNOS Base OS boot",
    "JUNOS EX Software Suite",
    "JUNOS EX  Software Suite",
    "JUNOS Base OS Software Suite",
)


@dataclass
class VersionSection:
    name: str  # "" for single-RE output, else fpc0 / node1 / re0 ...
    hostname: str | None = None
    model: str | None = None
    version: str | None = None
    packages: list[str] = field(default_factory=list)


def split_sections(text: str) -> list[tuple[str, list[str]]]:
    """``[(section name or "", lines)]``; prompts and ``{master:0}`` banners are dropped."""
    lines = [ln.rstrip("\r") for ln in text.splitlines()]
    sections: list[tuple[str, list[str]]] = [("", [])]
    for index, line in enumerate(lines):
        match = _SECTION.match(line)
        if match and index + 1 < len(lines) and _DASHES.match(lines[index + 1]):
            sections.append((match["name"], []))
            continue
        if _DASHES.match(line) or _PROMPT.match(line):
            continue
        sections[-1][1].append(line)
    return [(name, body) for name, body in sections if name or any(s.strip() for s in body)]


def parse_show_version(text: str) -> list[VersionSection]:
    out = []
    for name, lines in split_sections(text):
        section = VersionSection(name)
        for line in lines:
            key, _, value = line.partition(":")
            value = value.strip()
            if key == "Hostname":
                section.hostname = value
            elif key == "Model":
                section.model = value
            elif key in ("Junos", "JUNOS OS Release", "Junos OS Release") and value:
                section.version = value.split()[0]  # "19.4R1.10 limited": the release is the first word
            elif _BRACKET.search(line):
                section.packages.append(line.strip())
        if section.version is None:
            section.version = _release_from_packages(section.packages)
        if section.hostname or section.model or section.version:
            out.append(section)
    return out


def _release_from_packages(packages: list[str]) -> str | None:
    for prefix in _RELEASE_PACKAGES:
        for line in packages:
            if line.startswith(prefix + " ["):
                match = _BRACKET.search(line)
                if match:
                    return match.group(1)
    return None


@dataclass
class HardwareSection:
    name: str
    chassis_serial: str | None = None
    chassis_description: str | None = None
    routing_engines: list[str] = field(default_factory=list)  # description (RE model) of each "Routing Engine n"


def parse_chassis_hardware(text: str) -> list[HardwareSection]:
    out = []
    for name, lines in split_sections(text):
        section = HardwareSection(name)
        columns = None
        for line in lines:
            if line.startswith("Item") and "Serial number" in line:
                columns = (line.index("Version"), line.index("Serial number"),
                           line.index("Description") if "Description" in line else None)
                continue
            if columns is None:
                continue
            item, serial, description = _cells(line, columns)
            if item == "Chassis":
                section.chassis_serial = serial
                section.chassis_description = description
            elif re.fullmatch(r"Routing Engine( \d+)?", item):
                section.routing_engines.append(description or "")
        if columns is not None:
            out.append(section)
    return out


def _cells(line: str, columns: tuple[int, int, int | None]) -> tuple[str, str | None, str | None]:
    version_at, serial_at, description_at = columns
    # An indented item is a sub-module (never the chassis or an RE), so the item is kept unstripped on the left.
    item = line[:version_at].rstrip()
    serial = line[serial_at:description_at].strip() if len(line) > serial_at else ""
    description = line[description_at:].strip() if description_at is not None and len(line) > description_at else ""
    return item, serial or None, description or None


def looks_like_show_version(text: str) -> bool:
    head = "\n".join(line for _, lines in split_sections(text)[:1] for line in lines[:6])
    return bool(re.search(r"^Hostname: \S+", head, re.M) and re.search(r"^Model: \S+", head, re.M))


def looks_like_chassis_hardware(text: str) -> bool:
    return bool(re.search(r"^Hardware inventory:\s*$", text[:4096], re.M)
                and re.search(r"^Item\s+Version\s+Part number\s+Serial number", text[:4096], re.M))
