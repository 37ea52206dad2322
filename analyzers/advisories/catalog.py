"""Advisory catalogs: one YAML schema for security advisories, product bug notifications and problem reports.

    schema_version: 1
    name: Juniper security advisories          # optional: name, description, generated (free mappings)
    entries:
      - id: CVE-2023-36835                     # unique across the catalogs loaded together
        kind: security_advisory                # | bug_notification | problem_report
        advisory: JSA71640                     # optional; problem_reports: [PR numbers]
        title: "QFX10000 Series: All traffic will be dropped ..."
        published: "2023-07-12"
        severity: high                         # critical | high | medium | low | none | unknown
        cvss: [{version: "3.1", score: 7.5, severity: HIGH, vector: "CVSS:3.1/...", source: cna}]
        affects:                               # one block per product (and platform set)
          - product: junos                     # junos | junos-evolved | other (product_name says which)
            platforms: ["QFX10000 Series"]     # empty: every platform of the product
            default_status: unaffected         # releases in no range
            ranges:                            # see analyzers/advisories/ranges.py
              - {train: "20.4", fixed: [20.4R3-S5], source: versions, text: "20.4 < 20.4R3-S5"}
              - {introduced: 20.3R1, train: "20.3", source: changes}
              - {status: unaffected, fixed: ["21.1"]}          # a bare train in fixed/introduced: its start
              - {parsed: false, text: "unspecified < SigPack 3598"}   # kept as text: verdict indeterminate
        conditions:                            # optional: what must hold for exposure
          require: any                         # any | all
          items:
            - {kind: config, pattern: "vlans <*> vxlan", text: "[ vlans <vlan> vxlan ]"}
            - {kind: group, require: all, items: [...]}
            - {kind: hardware, fact: dual_re, equals: true}   # dual_re | virtual_chassis | cluster | module
            - {kind: text, text: "IPv6 enabled and configured"}  # not checkable: indeterminate
        impact: {kinds: [traffic_loss], downtime: "...", text: "..."}
        workaround: "..."
        recommendation: "..."
        references: [https://supportportal.juniper.net/JSA71640]

``load_catalogs(paths)`` validates (``schema_version`` first, then the shape with pydantic, then releases, trains
and patterns) and raises CatalogError naming file, line, column, entry id and key for every problem found.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from analyzers.advisories.platforms import Platform, resolve
from analyzers.advisories.ranges import Range, release_or_train_start
from msplus import datacache
from msplus.catalogfile import CatalogFormat, read_located, validate_catalog
from msplus.errors import InputError, ProblemsError
from msplus.junos_release import JunosRelease, ReleaseError, parse_train
from msplus.yamlsource import Loc, Locator

SCHEMA_VERSION = 1
KINDS = ("security_advisory", "bug_notification", "problem_report")
PRODUCTS = {"junos": "Junos OS", "junos-evolved": "Junos OS Evolved", "other": "another product"}
FACTS = ("dual_re", "virtual_chassis", "cluster", "module")


class CatalogError(ProblemsError):
    """A catalog that does not validate. ``problems`` holds every problem found (the message names the first)."""



# ---------------------------------------------------------------------------------------------- schema

class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RangeIn(_Model):
    status: Literal["affected", "unaffected"] = "affected"
    introduced: str | None = None
    fixed: list[str] = Field(default_factory=list)
    last_affected: str | None = None
    train: str | None = None
    source: Literal["versions", "changes", "solutions", "description", "manual"] = "manual"
    text: str | None = None
    note: str | None = None
    parsed: bool = True


class AffectsIn(_Model):
    product: Literal["junos", "junos-evolved", "other"]
    product_name: str | None = None
    platforms: list[str] = Field(default_factory=list)
    default_status: Literal["affected", "unaffected"] = "unaffected"
    ranges: list[RangeIn] = Field(default_factory=list)


class ConditionIn(_Model):
    kind: Literal["config", "hardware", "text", "group"]
    pattern: str | None = None
    fact: str | None = None
    equals: bool = True
    require: Literal["any", "all"] = "any"
    items: list[ConditionIn] = Field(default_factory=list)
    text: str | None = None


class ConditionsIn(_Model):
    require: Literal["any", "all"] = "any"
    items: list[ConditionIn] = Field(min_length=1)


class CvssIn(_Model):
    version: str
    score: float = Field(ge=0, le=10)
    severity: str | None = None
    vector: str | None = None
    source: str = "cna"


class ImpactIn(_Model):
    kinds: list[str] = Field(default_factory=list)
    downtime: str | None = None
    text: str | None = None


class SourceIn(_Model):
    record: str | None = None
    assigner: str | None = None
    updated: str | None = None
    data_version: str | None = None


class EntryIn(_Model):
    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:/-]*$")
    kind: Literal["security_advisory", "bug_notification", "problem_report"]
    advisory: str | None = None
    problem_reports: list[str] = Field(default_factory=list)
    title: str
    published: str | None = None
    severity: Literal["critical", "high", "medium", "low", "none", "unknown"] = "unknown"
    cvss: list[CvssIn] = Field(default_factory=list)
    affects: list[AffectsIn] = Field(min_length=1)
    conditions: ConditionsIn | None = None
    configuration_text: str | None = None
    impact: ImpactIn | None = None
    workaround: str | None = None
    recommendation: str | None = None
    references: list[str] = Field(default_factory=list)
    source: SourceIn | None = None
    notes: list[str] = Field(default_factory=list)

    @field_validator("published", mode="before")
    @classmethod
    def _date(cls, value: object) -> object:
        return value.isoformat() if isinstance(value, date) else value


class CatalogIn(_Model):
    schema_version: int
    name: str | None = None
    description: str | None = None
    generated: dict[str, Any] | None = None
    entries: list[EntryIn]


# ---------------------------------------------------------------------------------------------- compiled

@dataclass(frozen=True, slots=True)
class Condition:
    """A compiled condition: ``segments`` is the config pattern split at "..." (any depth)."""

    kind: str
    text: str = ""
    pattern: str = ""
    segments: tuple[tuple[str, ...], ...] = ()
    fact: str = ""
    equals: bool = True
    require: str = "any"
    items: tuple[Condition, ...] = ()


@dataclass(frozen=True, slots=True)
class Block:
    """One ``affects`` block: a product, its platforms and its ranges (parsed ones, and those kept as text)."""

    product: str
    product_name: str
    platforms: tuple[Platform, ...]
    default_affected: bool
    ranges: tuple[Range, ...]
    text_ranges: tuple[Range, ...]
    fixes: tuple[tuple[JunosRelease, Any], ...] = ()  # (fixed release, its sort key), sorted, no duplicates

    def fixed_points(self) -> list[JunosRelease]:
        return [f for f, _ in self.fixes]


@dataclass(frozen=True, slots=True)
class Entry:
    id: str
    kind: str
    title: str
    severity: str
    blocks: tuple[Block, ...]
    conditions: Condition | None
    model: EntryIn = field(repr=False)
    catalog: str = ""

    @property
    def advisory(self) -> str | None:
        return self.model.advisory


@dataclass(frozen=True, slots=True)
class Catalog:
    entries: tuple[Entry, ...]
    paths: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


# ---------------------------------------------------------------------------------------------- loading

def load_catalogs(paths: Sequence[str | Path]) -> Catalog:
    """Load and validate catalogs; ids must be unique across them. Raises CatalogError with every problem."""
    entries: list[Entry] = []
    warnings: list[str] = []
    seen: dict[str, str] = {}
    problems: list[InputError] = []
    for path in paths:
        try:
            catalog = load_catalog(path)
        except CatalogError as exc:
            problems.extend(exc.problems)
            continue
        for entry in catalog.entries:
            if entry.id in seen:
                problems.append(InputError(f"entry {entry.id} is also in {seen[entry.id]}", path=str(path),
                                           key="entries"))
            seen[entry.id] = str(path)
        entries.extend(catalog.entries)
        warnings.extend(catalog.warnings)
    if problems:
        raise CatalogError(problems)
    return Catalog(tuple(entries), tuple(str(p) for p in paths), tuple(warnings))


def load_catalog(path: str | Path) -> Catalog:
    """Load and validate one catalog; every problem is reported with its file, line, column, key and entry id.
    A catalog read before is taken from the data cache (msplus/datacache.py: its data as JSON, keyed by the file's
    bytes) and validated again; reading YAML with line marks is most of the cost of a large catalog."""
    try:
        content: bytes | None = Path(path).read_bytes()
    except OSError:
        content = None  # read_located says what is wrong, with the path
    if content is not None:
        cached = datacache.read(content, "catalog")
        if cached is not None:
            try:
                return validate(cached, Locator(str(path)))
            except CatalogError:
                pass  # not expected (only valid data is stored): the located read below reports with lines
    data, locator = read_located(path, CATALOG_FORMAT)
    catalog = validate(data, locator)
    if content is not None:
        datacache.write(content, "catalog", data)
    return catalog


def validate(data: Any, locator: Locator) -> Catalog:
    warnings: list[str] = []

    def compile_entry(model: EntryIn, loc: Loc, problems: list[InputError]) -> Entry | None:
        return _compile_entry(model, loc, locator, problems, warnings, locator.path)

    loaded = validate_catalog(data, locator, CATALOG_FORMAT, compile_entry)
    return Catalog(loaded.items, (locator.path,), tuple(warnings))


def _error(locator: Locator, problem: str, loc: Loc, entry_id: object = None) -> InputError:
    where = f" (entry {entry_id})" if entry_id else ""
    return locator.error(problem + where, loc)


def _compile_entry(model: EntryIn, loc: Loc, locator: Locator, problems: list[InputError], warnings: list[str],
                   path: str) -> Entry | None:
    before = len(problems)
    blocks = []
    for b_index, block in enumerate(model.affects):
        b_loc: Loc = (*loc, "affects", b_index)
        blocks.append(_compile_block(block, b_loc, locator, problems, model.id))
        for name in block.platforms:
            if not resolve(name).readable:
                warnings.append(f"{path}: {model.id}: platform {name!r} is not fully understood "
                                f"({', '.join(resolve(name).unread)}): devices it may cover get indeterminate")
    conditions = None
    if model.conditions is not None:
        conditions = Condition(kind="group", require=model.conditions.require, items=tuple(
            _compile_condition(c, (*loc, "conditions", "items", i), locator, problems, model.id)
            for i, c in enumerate(model.conditions.items)))
    for k_index, kind in enumerate(model.impact.kinds if model.impact else ()):
        from analyzers.advisories.impact import kinds

        if kind not in kinds():
            problems.append(_error(locator, f"unknown impact kind {kind!r} (known: {', '.join(kinds())})",
                                   (*loc, "impact", "kinds", k_index), model.id))
    if len(problems) > before:
        return None
    return Entry(model.id, model.kind, model.title, model.severity, tuple(blocks), conditions, model, path)


def _compile_block(block: AffectsIn, loc: Loc, locator: Locator, problems: list[InputError], entry_id: str) -> Block:
    evolved = block.product == "junos-evolved"
    parsed: list[Range] = []
    text: list[Range] = []
    for r_index, rng in enumerate(block.ranges):
        r_loc: Loc = (*loc, "ranges", r_index)
        if not rng.parsed or block.product == "other":
            if rng.parsed:
                problems.append(_error(locator, "ranges of a product other than Junos OS / Evolved are kept as text "
                                                "(parsed: false)", (*r_loc, "parsed"), entry_id))
            if not rng.text:
                problems.append(_error(locator, "a range kept as text needs its text", r_loc, entry_id))
            text.append(Range(status=rng.status, train=rng.train, text=rng.text or "", source=rng.source,
                              parsed=False))
            continue
        compiled = _compile_range(rng, evolved, r_loc, locator, problems, entry_id)
        if compiled is not None:
            parsed.append(compiled)
    platforms = tuple(resolve(p) for p in block.platforms)
    fixes = {f.text: f for r in parsed if r.status == "affected" for f in r.fixed if f.maint is not None}
    ordered = tuple(sorted(((f, f.sort_key) for f in fixes.values()), key=lambda fk: fk[1]))
    return Block(block.product, block.product_name or PRODUCTS[block.product], platforms,
                 block.default_status == "affected", tuple(parsed), tuple(text), ordered)


def _compile_range(rng: RangeIn, evolved: bool, loc: Loc, locator: Locator, problems: list[InputError],
                   entry_id: str) -> Range | None:
    before = len(problems)

    def release(value: str, key: Loc) -> JunosRelease | None:
        try:
            rel = release_or_train_start(value, evolved=False)
        except ReleaseError as exc:
            problems.append(_error(locator, str(exc), key, entry_id))
            return None
        if rel.evolved != evolved:
            want = "a Junos OS Evolved release (-EVO)" if evolved else "a Junos OS release (no -EVO)"
            problems.append(_error(locator, f"{value!r} is not {want}, as the block's product says", key, entry_id))
            return None
        return rel

    introduced = release(rng.introduced, (*loc, "introduced")) if rng.introduced else None
    last = release(rng.last_affected, (*loc, "last_affected")) if rng.last_affected else None
    fixed = [release(f, (*loc, "fixed", i)) for i, f in enumerate(rng.fixed)]
    trains = {f.train for f in fixed if f is not None}
    if len(trains) > 1:
        problems.append(_error(locator, f"fixed releases of one range must be in one train (found "
                                        f"{', '.join(sorted(trains))}); use one range per train",
                               (*loc, "fixed"), entry_id))
    if rng.train is not None and not _valid_train(rng.train, evolved):
        problems.append(_error(locator, f"not a Junos train{' of Junos OS Evolved' if evolved else ''}: "
                                        f"{rng.train!r} (e.g. 21.4, 15.1X49, 21.*{'-EVO' if evolved else ''})",
                               (*loc, "train"), entry_id))
    if len(problems) > before:
        return None
    good = sorted((f for f in fixed if f is not None), key=lambda r: r.sort_key)
    return Range(status=rng.status, introduced=introduced, fixed=tuple(good), last_affected=last, train=rng.train,
                 text=rng.text or "", source=rng.source)


def _valid_train(train: str, evolved: bool) -> bool:
    if train.upper().endswith("-EVO") != evolved:
        return False
    if "*" in train:
        return bool(re.fullmatch(r"\d{1,2}\.\*(?:-EVO)?", train, re.IGNORECASE))
    try:
        parse_train(train)
    except ReleaseError:
        return False
    return True


def _compile_condition(cond: ConditionIn, loc: Loc, locator: Locator, problems: list[InputError],
                       entry_id: str) -> Condition:
    text = cond.text or ""
    if cond.kind == "config":
        words = (cond.pattern or "").split()
        if not words or words[0] == "...":
            problems.append(_error(locator, "a config condition needs a pattern starting with a hierarchy word",
                                   (*loc, "pattern"), entry_id))
            return Condition("config", text)
        segments = _segments(words)
        return Condition("config", text or cond.pattern or "", pattern=" ".join(words), segments=segments)
    if cond.kind == "group":
        if not cond.items:
            problems.append(_error(locator, "a group needs items", (*loc, "items"), entry_id))
        items = tuple(_compile_condition(c, (*loc, "items", i), locator, problems, entry_id)
                      for i, c in enumerate(cond.items))
        return Condition("group", text, require=cond.require, items=items)
    if cond.kind == "hardware":
        fact = cond.fact or "module"
        if fact not in FACTS:
            problems.append(_error(locator, f"unknown hardware fact {fact!r} (known: {', '.join(FACTS)})",
                                   (*loc, "fact"), entry_id))
        return Condition("hardware", text, fact=fact, equals=cond.equals)
    if not text:
        problems.append(_error(locator, "a text condition needs its text", loc, entry_id))
    return Condition("text", text)


def _segments(words: list[str]) -> tuple[tuple[str, ...], ...]:
    out: list[list[str]] = [[]]
    for w in words:
        if w == "...":
            if out[-1]:
                out.append([])
        else:
            out[-1].append(w)
    return tuple(tuple(s) for s in out if s)


CATALOG_FORMAT = CatalogFormat(model=CatalogIn, error=CatalogError, version=SCHEMA_VERSION, list_key="entries",
                               item_word="entry", shape="schema_version and entries")
