"""Verdicts for devices against catalog entries: ``affected``, ``not_affected`` or ``indeterminate``, with evidence.

An entry applies to a device when one of its ``affects`` blocks is for the device's product (Junos OS and Junos OS
Evolved never mix), a platform of the block covers the device's model (no platforms: every model), the release is
in an affected range (and in no unaffected one), and the entry's conditions hold. Each part is three-valued: an
unknown model, an unreadable range, a line card the profile does not describe, a configuration that was not
collected make the verdict ``indeterminate`` with the reason, never a silent ``affected``.

Speed: devices are grouped by everything the verdict depends on (product, model, release, hardware facts,
configuration digest); each group is matched once. Within a run, release checks are memoised per release through
an index of ranges by train, platform checks per model, and a configuration is read once per digest.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from fnmatch import fnmatchcase

from analyzers.advisories.cards import modules_present
from analyzers.advisories.catalog import Block, Catalog, Entry
from analyzers.advisories.configcheck import DeviceConfig, check
from analyzers.advisories.devices import Target
from analyzers.advisories.platforms import Platform
from analyzers.advisories.ranges import Key, Range, train_end, train_start
from msplus.junos_release import JunosRelease, ReleaseError, parse_release
from msplus.kinds import VerdictKind

AFFECTED: VerdictKind = "affected"
NOT_AFFECTED: VerdictKind = "not_affected"
INDETERMINATE: VerdictKind = "indeterminate"
_VERDICT: dict[bool | None, VerdictKind] = {True: AFFECTED, False: NOT_AFFECTED, None: INDETERMINATE}


@dataclass(frozen=True, slots=True)
class Verdict:
    entry: Entry
    verdict: VerdictKind
    evidence: tuple[str, ...]
    fixed_in: tuple[str, ...] = ()


@dataclass
class Assessment:
    """Every verdict for one group of identical devices (``targets``)."""

    targets: list[Target]
    release: JunosRelease | None
    verdicts: list[Verdict]
    blocks: dict[str, list[Block]] = field(default_factory=dict)  # entry id -> blocks that apply (for upgrades)


# ---------------------------------------------------------------------------------------------- release index

@dataclass
class Hit:
    status: bool | None  # True affected, False carved out, None unreadable range
    range: Range


class _ReleaseIndex:
    """Ranges by product and train, so a release is checked against the ranges that can concern it only."""

    def __init__(self, entries: tuple[Entry, ...]) -> None:
        self.by_train: dict[str, dict[str, list[tuple[int, int, Range]]]] = defaultdict(lambda: defaultdict(list))
        self.anywhere: dict[str, list[tuple[int, int, Range]]] = defaultdict(list)
        self.globbed: dict[str, list[tuple[int, int, Range]]] = defaultdict(list)
        self.default_affected: dict[str, set[int]] = defaultdict(set)
        for ei, entry in enumerate(entries):
            for bi, block in enumerate(entry.blocks):
                if block.default_affected:
                    self.default_affected[block.product].add(ei)
                for rng in (*block.ranges, *block.text_ranges):
                    item = (ei, bi, rng)
                    if rng.train is None:
                        self.anywhere[block.product].append(item)
                    elif "*" in rng.train:
                        self.globbed[block.product].append(item)
                    else:
                        self.by_train[block.product][rng.train.upper()].append(item)

    def candidates(self, product: str, train: str) -> Iterable[tuple[int, int, Range]]:
        """Ranges that may concern releases of ``train`` (upper case)."""
        yield from self.by_train[product].get(train, ())
        yield from self.anywhere[product]
        for item in self.globbed[product]:
            if fnmatchcase(train, item[2].train.upper()):  # type: ignore[union-attr]
                yield item


def range_hit(rng: Range, rel: JunosRelease, key: Key | None = None, train: str | None = None) -> Hit | None:
    """What one range says of ``rel``: affected, carved out, unreadable (and about its train), or nothing."""
    if not rng.parsed:
        return Hit(None, rng) if rng.concerns(rel) else None
    if rng.contains(rel, key, train):
        return Hit(rng.status == "affected", rng)
    return None


# ---------------------------------------------------------------------------------------------- matcher

class Matcher:
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.entries = catalog.entries
        self._index = _ReleaseIndex(self.entries)
        self._release_memo: dict[tuple[str, str], dict[tuple[int, int], list[Hit]]] = {}
        self._platform_memo: dict[tuple[str | None, str | None, str], tuple[bool | None, str, Platform]] = {}
        self._configs: dict[str | None, DeviceConfig] = {}
        self._product_entries: dict[str, list[int]] = defaultdict(list)
        for ei, entry in enumerate(self.entries):
            for product in {b.product for b in entry.blocks}:
                self._product_entries[product].append(ei)

    # -- public ---------------------------------------------------------------------------------------------------
    def config(self, target: Target) -> DeviceConfig:
        """The device's configuration as the matcher read it (once per digest): other analyses reuse it."""
        if target.config_digest not in self._configs:
            self._configs[target.config_digest] = DeviceConfig.read(target.config)
        return self._configs[target.config_digest]

    def assess(self, targets: Iterable[Target], *, include_unaffected: bool = False) -> list[Assessment]:
        """Group identical devices and match each group once. ``include_unaffected`` adds not_affected verdicts
        (with their evidence) for every entry; otherwise only affected and indeterminate ones are listed."""
        groups: dict[tuple[object, ...], list[Target]] = {}
        for target in targets:
            groups.setdefault(target.key(), []).append(target)
        return [self.assess_group(members, include_unaffected=include_unaffected) for members in groups.values()]

    def assess_group(self, members: list[Target], *, include_unaffected: bool = False) -> Assessment:
        target = members[0]
        rel, rel_problem = _release(target)
        if target.config_digest not in self._configs:
            self._configs[target.config_digest] = DeviceConfig.read(target.config)
        config = self._configs[target.config_digest]
        hits = self._hits(target.product, rel) if rel is not None else {}
        candidates = self._candidates(target.product, rel, hits)
        out = Assessment(members, rel, [])
        for ei in range(len(self.entries)) if include_unaffected else sorted(candidates):
            entry = self.entries[ei]
            verdict, blocks = self._verdict(ei, entry, target, rel, rel_problem, hits, config, ei in candidates)
            if verdict.verdict != NOT_AFFECTED or include_unaffected:
                out.verdicts.append(verdict)
            if verdict.verdict != NOT_AFFECTED:
                out.blocks[entry.id] = blocks
        return out

    # -- release --------------------------------------------------------------------------------------------------
    def _hits(self, product: str, rel: JunosRelease) -> dict[tuple[int, int], list[Hit]]:
        memo = (product, rel.text)
        if memo not in self._release_memo:
            if rel.daily is not None:  # a daily build: where in the train is unknown
                self._release_memo[memo] = self._daily_hits(product, rel)
            else:
                found: dict[tuple[int, int], list[Hit]] = defaultdict(list)
                key, train = rel.sort_key, rel.train.upper()
                for ei, bi, rng in self._index.candidates(product, train):
                    hit = range_hit(rng, rel, key, train)
                    if hit is not None:
                        found[(ei, bi)].append(hit)
                self._release_memo[memo] = dict(found)
        return self._release_memo[memo]

    def _daily_hits(self, product: str, rel: JunosRelease) -> dict[tuple[int, int], list[Hit]]:
        """A daily build gets the verdict its whole train has; where the train is split, the range is undecided."""
        early, late = self._hits(product, train_start(rel.train)), self._hits(product, train_end(rel.train))
        out: dict[tuple[int, int], list[Hit]] = {}
        for key in set(early) | set(late):
            a, b = hits_status(early.get(key, [])), hits_status(late.get(key, []))
            hits = early.get(key) or late.get(key) or []
            out[key] = hits if a == b else [Hit(None, Range(parsed=False, text=f"{rel.train}: fixed inside the "
                                                                             "train; a daily build's place is unknown",
                                                             source="daily"))]
        return out

    def _candidates(self, product: str, rel: JunosRelease | None, hits: dict[tuple[int, int], list[Hit]]) -> set[int]:
        """Entries that may not be not_affected: a range hit (affected or unreadable), an affected default, or a
        release that could not be read."""
        if rel is None:
            return set(self._product_entries[product])
        out = {ei for (ei, _bi), hs in hits.items() if hits_status(hs) is not False}
        return out | self._index.default_affected[product]

    # -- one entry ------------------------------------------------------------------------------------------------
    def _verdict(self, ei: int, entry: Entry, target: Target, rel: JunosRelease | None, rel_problem: str,
                 hits: dict[tuple[int, int], list[Hit]], config: DeviceConfig,
                 candidate: bool) -> tuple[Verdict, list[Block]]:
        applicable = [(bi, b) for bi, b in enumerate(entry.blocks) if b.product == target.product]
        if not applicable:
            names = ", ".join(dict.fromkeys(b.product_name for b in entry.blocks))
            return Verdict(entry, NOT_AFFECTED, (f"product: the entry concerns {names}; the device runs "
                                                 f"{'Junos OS Evolved' if target.evolved else 'Junos OS'}",)), []
        results = [(b, *self._block(ei, bi, b, target, rel, rel_problem, hits)) for bi, b in applicable]
        value = _any([v for _, v, _ in results])
        chosen = [(b, ev) for b, v, ev in results if v is value] if value is not None else \
            [(b, ev) for b, v, ev in results if v is not False]
        evidence = [e for _, ev in chosen for e in ev]
        blocks = [b for b, _ in chosen]
        if value is not False and entry.conditions is not None:
            outcome = check(entry.conditions, target, config)
            evidence.extend(outcome.evidence)
            value = _and([value, outcome.value])
        fixed = _fixed_in(blocks, rel) if value is not False else ()
        return Verdict(entry, _VERDICT[value], tuple(evidence), fixed), blocks

    def _block(self, ei: int, bi: int, block: Block, target: Target, rel: JunosRelease | None, rel_problem: str,
               hits: dict[tuple[int, int], list[Hit]]) -> tuple[bool | None, list[str]]:
        platform, p_evidence = self._platform(block, target)
        if platform is False:
            return False, p_evidence
        if rel is None:
            return _and([platform, None]), [*p_evidence, rel_problem]
        status, r_evidence = _release_verdict(block, rel, hits.get((ei, bi), []))
        return _and([platform, status]), [r_evidence, *p_evidence]

    def _platform(self, block: Block, target: Target) -> tuple[bool | None, list[str]]:
        if not block.platforms:
            return True, [f"platform: every {block.product_name} platform"]
        if not target.model:
            return None, ["platform: model unknown; the entry concerns "
                          + ", ".join(f'"{p.text}"' for p in block.platforms)]
        matched: list[str] = []
        unsure: list[str] = []
        for platform in block.platforms:
            value, text = self._platform_one(platform, target)
            if value is True:
                matched.append(text)
            elif value is None:
                unsure.append(text)
        if matched:
            hardware = [h for p in block.platforms for h in (*p.hardware, *p.components) if p.match(
                target.model, target.family)]
            if hardware:
                value, why = modules_present(hardware, target.modules)
                return value, [*matched, why]
            return True, matched
        if unsure:
            return None, unsure
        return False, [f"platform: model {target.model} is not among "
                       + ", ".join(f'"{p.text}"' for p in block.platforms)]

    def _platform_one(self, platform: Platform, target: Target) -> tuple[bool | None, str]:
        key = (target.model, target.family, platform.text)
        if key not in self._platform_memo:
            rule = platform.match(target.model or "", target.family)
            if rule is not None:
                self._platform_memo[key] = (True, f'platform: model {target.model} matches "{platform.text}"',
                                            platform)
            elif platform.unread or (platform.components and not platform.rules):
                self._platform_memo[key] = (None, f'platform: "{platform.text}" could not be read '
                                                  f"({', '.join(platform.unread or platform.components)})", platform)
            else:
                self._platform_memo[key] = (False, "", platform)
        value, text, _ = self._platform_memo[key]
        return value, text


# ---------------------------------------------------------------------------------------------- helpers

def _release(target: Target) -> tuple[JunosRelease | None, str]:
    if not target.version:
        return None, "release: unknown (" + ("; ".join(target.problems) or "not in the profile") + ")"
    try:
        return parse_release(target.version), ""
    except ReleaseError as exc:
        return None, f"release: {exc}"


def hits_status(hits: list[Hit]) -> bool | None:
    """Carve-outs win; then an affected range; then an unreadable one (None); no hit: False (default handled
    by the caller)."""
    if any(h.status is False for h in hits):
        return False
    if any(h.status is True for h in hits):
        return True
    if hits:
        return None
    return False


def release_status(block: Block, rel: JunosRelease, hits: list[Hit]) -> tuple[bool | None, str, Range | None]:
    """The release part of a block's verdict: (value, why, range). ``why`` is one of carved_out, affected, unread,
    past_fix, default_affected, no_range. Carve-outs win over affected ranges, which win over unreadable ones.
    With ``default_status: affected`` a release in no range is affected, except at or past a fix the block names
    for its train (a record giving fixes under an "affected" default means them)."""
    for value, why in ((False, "carved_out"), (True, "affected"), (None, "unread")):
        hit = next((h for h in hits if h.status is value), None)
        if hit is not None:
            return value, why, hit.range
    passed = next((r for r in block.ranges if r.status == "affected" and r.fixed and r.fixed[-1].train == rel.train
                   and r.in_train(rel) and r.fixed_at(rel)), None)
    if passed is not None:
        return False, "past_fix", passed
    if block.default_affected:
        return True, "default_affected", None
    return False, "no_range", None


def _release_verdict(block: Block, rel: JunosRelease, hits: list[Hit]) -> tuple[bool | None, str]:
    value, why, rng = release_status(block, rel, hits)
    if why == "carved_out" and rng is not None:
        return value, f"release {rel} is in an unaffected range: {rng.describe()}{_src(rng)}"
    if why == "affected" and rng is not None:
        fix = " (fixed)" if rng.fixed else " (no fix in this range)"
        return value, f"release {rel} is in {rng.describe()}{fix}{_src(rng)}"
    if why == "unread" and rng is not None:
        return value, f"release {rel}: range {rng.text!r} could not be read{_src(rng)}"
    if why == "past_fix" and rng is not None:
        return value, f"release {rel} is at or past the fix ({rng.describe()}{_src(rng)})"
    if why == "default_affected":
        return value, f"release {rel} is in no listed range and the record's default status is affected"
    return value, f"release {rel} is in no affected range of this entry"


_SOURCES = {"solutions": "the advisory's list of fixed releases", "changes": "the advisory's release changes",
            "description": "the advisory's description", "daily": "the train's releases"}


def _src(rng: Range) -> str:
    """Where a range came from, in words a customer reads (never the source format's field names)."""
    return "" if rng.source in ("versions", "manual") else f", as given by {_SOURCES.get(rng.source, 'the advisory')}"


def _fixed_in(blocks: list[Block], rel: JunosRelease | None) -> tuple[str, ...]:
    """Fixed releases of the applicable blocks that could be an upgrade: later than the device's release, in its
    train or a later one."""
    if rel is None:
        return tuple(dict.fromkeys(f.text for b in blocks for f, _ in b.fixes))
    key, train_key = rel.sort_key, rel.train_key
    found = [(k, f) for b in blocks for f, k in b.fixes if k[0] >= train_key and k > key]
    if len(blocks) > 1:
        found.sort(key=lambda kf: kf[0])
    return tuple(dict.fromkeys(f.text for _, f in found))


def _any(values: list[bool | None]) -> bool | None:
    if True in values:
        return True
    return None if None in values else False


def _and(values: list[bool | None]) -> bool | None:
    if False in values:
        return False
    return None if None in values else True
