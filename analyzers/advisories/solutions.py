"""Fixed releases named in prose: the CVE ``solutions[]`` text, and the description of records without structured
data ("Junos OS before 12.1X46-D45, 12.1X46-D50, 12.1X47 before 12.1X47-D35, ...").

Solutions read like "Junos OS: 20.4R3-S8, 21.2R3-S6*, ... and all subsequent releases; Junos OS Evolved: ...";
sections may be per product or per platform ("SRX Series: ...; NFX Series: ..."). Only the lists up to "and all
subsequent releases" count: notes after it ("NOTE: While 12.3R12-S5 ... are not vulnerable", respins, "except for
21.4R3-S6 which is affected") are not fixes. Respins named after "re-released" are kept apart for the summary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from msplus.junos_release import ReleaseError, parse_release

RELEASE = re.compile(
    r"(?<![\w.])\d{1,2}\.\d{1,2}(?:R\d+(?:-S\d+)?|X\d{1,3}-D\d+|F\d+(?:-S\d+)?)(?:\.\d+)?(?:-[CJ]\d+(?:\.\d+)?)?"
    r"(?:-EVO)?(?P<pending>\*)?(?![\w])",
    re.IGNORECASE,
)
_HEADER = re.compile(
    r"(?:^|[\n:;|]\s*|resolve (?:this|these) specific issues?:\s*)"
    r"(?P<name>Junos OS Evolved|Junos OS|Junos|[A-Z]{2,4}\s?\d*\s?Series)\s*:?(?=\s*\d|\s*\n|\s*\||\s*$)",
)
_END = re.compile(r"and (?:all )?subsequent (?:releases|versions)|of (?:these|this) branch(?:es)?", re.IGNORECASE)
_RESPIN = re.compile(r"re-released", re.IGNORECASE)


@dataclass
class Section:
    """Fixed releases under one heading: ``name`` is "Junos OS", "Junos OS Evolved", "SRX Series" or "" (none)."""

    name: str
    releases: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)  # marked "*" (pending or future publication)


@dataclass
class Solutions:
    sections: list[Section] = field(default_factory=list)
    respins: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # releases named outside the fix lists (notes)


def read_solutions(texts: list[str]) -> Solutions:
    out = Solutions()
    for text in texts:
        _read_text(text.replace("\u00a0", " "), out)
    return out


def _read_text(text: str, out: Solutions) -> None:
    heads = [(m.start("name"), m.end(), m.group("name").strip()) for m in _HEADER.finditer(text)]
    if not heads or RELEASE.search(text[: heads[0][0]]):
        heads.insert(0, (0, 0, ""))
    for (_, body_start, name), nxt in zip(heads, [*heads[1:], (len(text), len(text), "")], strict=False):
        body = text[body_start : nxt[0]]
        end = _END.search(body)
        listed, rest = (body[: end.start()], body[end.end() :]) if end else (body, "")
        section = Section(name)
        for m in RELEASE.finditer(listed):
            rel = m.group(0).rstrip("*")
            section.releases.append(rel)
            if m.group("pending"):
                section.pending.append(rel)
        if section.releases:
            out.sections.append(section)
        target = out.respins if _RESPIN.search(rest) else out.ignored
        target.extend(m.group(0).rstrip("*") for m in RELEASE.finditer(rest))


# ---------------------------------------------------------------------------------------------- descriptions

_BEFORE = re.compile(r"\b(?:before|prior to)\b", re.IGNORECASE)


def releases_in_description(text: str) -> list[str]:
    """Fixed releases of a description that lists ranges in prose ("15.1X49 before 15.1X49-D40"): every release
    named after the first "before" / "prior to". Empty when there is no such list."""
    first = _BEFORE.search(text)
    if not first:
        return []
    out = []
    for m in RELEASE.finditer(text, first.end()):
        if re.match(r"\s+(?:versions\s+)?(?:before|prior to)\b", text[m.end() :], re.IGNORECASE):
            continue  # "15.1F4 before 15.1F4-S2": a train written like a release
        try:
            parse_release(m.group(0).rstrip("*"))
        except ReleaseError:
            continue
        out.append(m.group(0).rstrip("*"))
    return out


_ON_PLATFORMS = re.compile(r"^\s*On ([^.;:]+?) (?:series|devices|platforms),", re.IGNORECASE)


def platforms_in_description(text: str) -> str | None:
    """"On EX2300, EX3400, EX4600, QFX3K and QFX5K series, firewall filter..." -> the platform list."""
    m = _ON_PLATFORMS.match(text)
    return m.group(1) if m else None
