"""Platform names in advisories ("MX Series", "QFX5000 Series", "PTX10001-36MR", "SRX 5000 Series with SPC2")
turned into rules on device models, with the knowledge in platforms.yaml.

``resolve(name)`` gives a Platform: the rules it stands for (any of them may match), hardware qualifiers ("SPC2")
that the profile cannot settle, and ``unread`` words it could not place. ``platforms_in_title(title)`` finds the
platform list of a title such as "Junos OS: MX Series: ..." for records without ``platforms[]``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from msplus.yamlsource import load_data_file

DATA = Path(__file__).with_name("platforms.yaml")
_ITEM = re.compile(
    r"^(?P<neg>all\s+non-?)?(?P<fam>[A-Za-z]+)\s*-?\s*(?P<num>\d+)?(?P<k>K)?(?P<suffix>(?:-[A-Za-z0-9]+)*[a-z]?)"
    r"\s*(?P<series>series)?$",
    re.IGNORECASE,
)
_QUALIFIER = re.compile(r"^(?P<base>.+?)\s+(?:with|using)\s+(?P<hw>.+)$", re.IGNORECASE)
_SPLIT = re.compile(r"\s*(?:,|;|\band\b|\bor\b|&)\s*", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Rule:
    """One way a model can match: ``pattern`` on the model (from its start), or the profile ``family``;
    ``negate`` turns it around ("All non-SRX Series")."""

    name: str
    pattern: re.Pattern[str] | None = None
    family: str | None = None
    negate: bool = False

    def matches(self, model: str, family: str | None) -> bool:
        hit = bool(self.pattern and self.pattern.match(model)) or bool(self.family and family == self.family)
        return hit != self.negate


@dataclass(frozen=True, slots=True)
class Platform:
    text: str
    rules: tuple[Rule, ...] = ()
    hardware: tuple[str, ...] = ()  # qualifiers the profile cannot settle ("SPC3", "MPC10E")
    components: tuple[str, ...] = ()  # software named as a platform ("Paragon Active Assurance Test Agent")
    unread: tuple[str, ...] = ()  # words that are no platform this file knows

    @property
    def readable(self) -> bool:
        return not self.unread

    def match(self, model: str, family: str | None) -> Rule | None:
        return next((r for r in self.rules if r.matches(model, family)), None)


@dataclass(frozen=True, slots=True)
class _Knowledge:
    families: dict[str, tuple[str | None, str | None]]  # lowercase family word -> (models regex, profile family)
    aliases: dict[str, tuple[str | None, str | None]]
    ignore: frozenset[str]
    components: tuple[str, ...]


@cache
def _knowledge() -> _Knowledge:
    raw = load_data_file(DATA)

    def spec(value: dict[str, str]) -> tuple[str | None, str | None]:
        return (value.get("models"), value.get("family"))

    return _Knowledge(
        families={k.lower(): spec(v) for k, v in raw["families"].items()},
        aliases={k.lower(): spec(v) for k, v in raw["aliases"].items()},
        ignore=frozenset(w.lower() for w in raw["ignore"]),
        components=tuple(raw.get("components") or ()),
    )


@cache
def resolve(text: str) -> Platform:
    """The rules a platform name stands for. Never raises: what is not understood is kept in ``unread``."""
    know = _knowledge()
    clean = re.sub(r"\([^)]*\)", " ", text.replace("\u00a0", " "))
    clean = re.sub(r"\s+", " ", clean).strip()
    for component in know.components:
        if component.lower() in clean.lower():
            rest = re.sub(re.escape(component), " ", clean, flags=re.IGNORECASE)
            inner = resolve(rest) if rest.strip(" ,") else Platform(text)
            return Platform(text, inner.rules, inner.hardware, (*inner.components, component), inner.unread)
    rules: list[Rule] = []
    hardware: list[str] = []
    unread: list[str] = []
    qualified = False
    for written in (i for i in _SPLIT.split(clean) if i):
        qual = _QUALIFIER.match(written)
        item, hw = (qual["base"], qual["hw"]) if qual else (written, "")
        found = _item_rules(item, know)
        if found is None:
            if qualified and re.fullmatch(r"[A-Za-z0-9/ -]+", item):
                hardware.append(item)  # "MX Series with SPC3 and MS-MPC": the tail belongs to the qualifier
                continue
            unread.append(item)
            continue
        rules.extend(found)
        qualified = bool(qual)
        if qual:
            hardware.append(hw)
    return Platform(text, tuple(rules), tuple(hardware), (), tuple(unread))


def _item_rules(item: str, know: _Knowledge) -> list[Rule] | None:
    """Rules for one list item; None when a part of it is not a platform name."""
    key = item.strip().lower()
    if key in know.aliases:
        return [_rule(item, *know.aliases[key])]
    series_group = bool(re.search(r"series\s*$", item, re.IGNORECASE))
    out: list[Rule] = []
    for part in (p for p in re.split(r"\s*/\s*", item) if p):
        if part.lower() in know.ignore:
            continue
        if part.lower() in know.aliases:
            out.append(_rule(part, *know.aliases[part.lower()]))
            continue
        rule = _one(part, know, series_group)
        if rule is None:
            words = part.split()
            singles = [_one(w, know, series_group) for w in words if w.lower() not in know.ignore]
            if len(words) < 2 or any(r is None for r in singles):
                return None
            out.extend(r for r in singles if r is not None)  # "SRX550m SRX650": a missing comma
            continue
        out.append(rule)
    return out or None


def _one(part: str, know: _Knowledge, series_group: bool) -> Rule | None:
    m = _ITEM.match(part.strip())
    if not m or m["fam"].lower() not in know.families:
        return None
    models, family = know.families[m["fam"].lower()]
    negate = bool(m["neg"])
    if not m["num"]:
        if m["suffix"]:
            return None
        return _rule(part, models, family, negate)
    base = (models or m["fam"]).lower()
    num = m["num"]
    if m["series"] or m["k"] or series_group:
        if m["k"]:
            number = num + r"\d{3}"
        else:
            stem = num.rstrip("0") or num[:1]
            number = stem + (rf"\d{{{len(num) - len(stem)}}}" if len(num) > len(stem) else "")
    else:
        number = num
    suffix = re.escape(m["suffix"].lower())
    tail = "" if suffix else r"(?!\d)"
    return Rule(part.strip(), re.compile(rf"(?:{base}){number}{suffix}{tail}", re.IGNORECASE), None, negate)


def _rule(name: str, models: str | None, family: str | None, negate: bool = False) -> Rule:
    return Rule(name.strip(), re.compile(models, re.IGNORECASE) if models else None, family, negate)


# ---------------------------------------------------------------------------------------------- titles

_PRODUCT_SEGMENT = re.compile(
    r"^(?:junos(?: os)?(?: evolved)?(?: and junos os evolved)?|\d{4}-\d{2}|out[- ]of[- ]cycle security "
    r"(?:bulletin|advisory))\s*$",
    re.IGNORECASE,
)


def platforms_in_title(title: str) -> list[str]:
    """The platform names at the start of a title: "Junos OS: SRX 300 Series: Specific..." -> ["SRX 300 Series"]."""
    segments = [s.strip() for s in title.replace("\u00a0", " ").split(": ")]
    while segments and _PRODUCT_SEGMENT.match(segments[0]):
        segments.pop(0)
    found: list[str] = []
    for segment in segments[:-1]:
        platform = resolve(segment)
        if not platform.rules or platform.unread:
            break
        found.append(segment)
    return found
