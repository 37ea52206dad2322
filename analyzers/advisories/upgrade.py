"""One upgrade per device instead of a list of fixes: the lowest release in the device's own train, and in each of
the next trains, that clears every matched entry (affected or indeterminate), and what it still leaves open.

Candidates are the fixed releases the matched entries name (a release that is no fix of any of them cannot be
the lowest to clear them). A candidate clears an entry when the entry's ranges, for the blocks that apply to the
device, do not put the candidate in an affected (or unreadable) range. In a train, the target is the lowest
candidate that clears everything the train's highest candidate clears; entries it cannot clear stay open.
``recommended`` is the own-train target when it leaves nothing open, else the first next-train target that does.
Entries no Junos release can settle (a fix that is a signature pack, a range kept as text for every release) are
listed apart and do not block a recommendation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from analyzers.advisories.catalog import Block
from analyzers.advisories.match import Assessment, range_hit, release_status
from msplus.junos_release import JunosRelease

NEXT_TRAINS = 4  # how many later trains a plan lists (plus the first one that clears everything)


@dataclass(frozen=True, slots=True)
class Target:
    train: str
    release: str
    still_open: tuple[str, ...]  # entry ids this release does not clear


@dataclass(frozen=True, slots=True)
class Plan:
    release: str | None
    own: Target | None
    next: tuple[Target, ...] = ()
    recommended: str | None = None
    matched: tuple[str, ...] = field(default=())
    not_by_release: tuple[str, ...] = ()  # matched entries no Junos release settles (a SigPack fix, ...)

    def to_json(self) -> dict[str, object]:
        def one(t: Target | None) -> dict[str, object] | None:
            return None if t is None else {"train": t.train, "release": t.release, "still_open": list(t.still_open)}

        return {"release": self.release, "matched": list(self.matched), "own_train": one(self.own),
                "next_trains": [one(t) for t in self.next], "recommended_release": self.recommended,
                "not_settled_by_a_release": list(self.not_by_release)}


def plan(assessment: Assessment) -> Plan:
    rel = assessment.release
    every = {v.entry.id: assessment.blocks.get(v.entry.id, []) for v in assessment.verdicts
             if v.verdict != "not_affected"}
    outside = tuple(i for i, blocks in every.items() if release_independent(blocks))
    matched = {i: blocks for i, blocks in every.items() if i not in outside}
    if rel is None or not matched:
        return Plan(rel.text if rel else None, None, (), None, tuple(every), outside)
    candidates: dict[str, dict[str, JunosRelease]] = {}
    for blocks in matched.values():
        for block in blocks:
            for f in block.fixed_points():
                if f.train_key >= rel.train_key and f.sort_key > rel.sort_key:
                    candidates.setdefault(f.train, {}).setdefault(f.text, f)
    trains = sorted(candidates, key=lambda t: next(iter(candidates[t].values())).train_key)
    own = _target(rel.train, candidates.get(rel.train, {}), matched) if rel.train in candidates else None
    later = [x for x in (_target(t, candidates[t], matched) for t in trains if t != rel.train) if x is not None]
    clearing = next((t for t in later if not t.still_open), None)
    shown = later[:NEXT_TRAINS]
    if clearing is not None and clearing not in shown:
        shown.append(clearing)  # the first train that clears everything, even when it is further away
    recommended = own.release if own and not own.still_open else (clearing.release if clearing else None)
    return Plan(rel.text, own, tuple(shown), recommended, tuple(every), outside)


def _target(train: str, releases: dict[str, JunosRelease], matched: dict[str, list[Block]]) -> Target | None:
    ordered = sorted(releases.values(), key=lambda r: r.sort_key)
    if not ordered:
        return None
    best_open = _open(ordered[-1], matched)
    for candidate in ordered:
        still = _open(candidate, matched)
        if set(still) <= set(best_open):
            return Target(train, candidate.text, tuple(still))
    return Target(train, ordered[-1].text, tuple(best_open))


def _open(candidate: JunosRelease, matched: dict[str, list[Block]]) -> list[str]:
    return [entry_id for entry_id, blocks in matched.items() if _blocks_status(blocks, candidate) is not False]


def _blocks_status(blocks: list[Block], rel: JunosRelease) -> bool | None:
    """The release part of a verdict for ``rel`` (True affected, False clear, None unreadable)."""
    values = []
    for block in blocks:
        hits = [h for h in (range_hit(r, rel) for r in (*block.ranges, *block.text_ranges)) if h is not None]
        values.append(release_status(block, rel, hits)[0])
    if True in values:
        return True
    return None if None in values else False


def release_independent(blocks: list[Block]) -> bool:
    """Whether no Junos release can settle the entry: a range kept as text that concerns every release
    ("unspecified < SigPack 3598"). Such entries are reported, not counted against an upgrade target."""
    return any(not r.parsed and r.train is None and r.status == "affected" for b in blocks for r in b.text_ranges)
