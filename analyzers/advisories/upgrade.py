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


def plan(assessment: Assessment, *, next_trains: bool = True) -> Plan:
    """The device's own-train target and (``next_trains``) the targets of the next trains. Without next trains it is
    cheap: what the recommendation (analyzers/advisories/recommend.py) needs of it."""
    rel = assessment.release
    every = {v.entry.id: assessment.blocks.get(v.entry.id, []) for v in assessment.verdicts
             if v.verdict != "not_affected"}
    outside = tuple(i for i, blocks in every.items() if release_independent(blocks))
    matched = {i: blocks for i, blocks in every.items() if i not in outside}
    if rel is None or not matched:
        return Plan(rel.text if rel else None, None, (), None, tuple(every), outside)
    candidates: dict[str, dict[str, JunosRelease]] = {}
    rel_key = rel.sort_key
    own_train = rel_key[0]
    for blocks in matched.values():
        for block in blocks:
            for f, key in block.fixes:  # (release, sort key), keys computed once when the catalog was loaded
                if key > rel_key and (key[0] == own_train or (next_trains and key[0] > own_train)):
                    candidates.setdefault(f.train, {}).setdefault(f.text, f)
    own = _target(rel.train, candidates.get(rel.train, {}), matched) if rel.train in candidates else None
    if not next_trains:
        return Plan(rel.text, own, (), own.release if own and not own.still_open else None, tuple(every), outside)
    trains = sorted(candidates, key=lambda t: next(iter(candidates[t].values())).train_key)
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
    best_open = still_open(ordered[-1], matched)
    guess = _first_guess(ordered, matched, set(best_open))
    if guess is not None:
        return Target(train, guess.text, tuple(still_open(guess, matched)))
    for candidate in ordered:
        still = still_open(candidate, matched)
        if set(still) <= set(best_open):
            return Target(train, candidate.text, tuple(still))
    return Target(train, ordered[-1].text, tuple(best_open))


def _first_guess(ordered: list[JunosRelease], matched: dict[str, list[Block]],
                 best_open: set[str]) -> JunosRelease | None:
    """The lowest candidate that clears what the highest clears, found per entry by bisection (an entry fixed at a
    release stays fixed after it, as ranges are written); None when that does not hold for the result (the caller
    then tries every candidate in order)."""
    lowest = 0
    for entry_id, blocks in matched.items():
        if entry_id in best_open:
            continue
        lo, hi = lowest, len(ordered) - 1  # the highest candidate clears this entry
        while lo < hi:
            mid = (lo + hi) // 2
            if blocks_status(blocks, ordered[mid]) is False:
                hi = mid
            else:
                lo = mid + 1
        lowest = max(lowest, lo)
    guess = ordered[lowest]
    return guess if set(still_open(guess, matched)) <= best_open else None


def still_open(candidate: JunosRelease, matched: dict[str, list[Block]]) -> list[str]:
    return [entry_id for entry_id, blocks in matched.items() if blocks_status(blocks, candidate) is not False]


# (ids of the blocks, release) -> (the blocks, status): a fleet asks the same few questions for many profiles. The
# blocks are kept in the value so their ids cannot be reused while the entry lives.
_STATUS: dict[tuple[tuple[int, ...], str], tuple[list[Block], bool | None]] = {}
_STATUS_MAX = 500_000


def blocks_status(blocks: list[Block], rel: JunosRelease) -> bool | None:
    """The release part of a verdict for ``rel`` (True affected, False clear, None unreadable), memoised."""
    memo = (tuple(id(b) for b in blocks), rel.text)
    found = _STATUS.get(memo)
    if found is not None:
        return found[1]
    if len(_STATUS) > _STATUS_MAX:
        _STATUS.clear()
    values = []
    key, train = rel.sort_key, rel.train.upper()
    for block in blocks:
        hits = [h for h in (range_hit(r, rel, key, train) for r in (*block.ranges, *block.text_ranges))
                if h is not None]
        values.append(release_status(block, rel, hits)[0])
    status = True if True in values else None if None in values else False
    _STATUS[memo] = (blocks, status)
    return status


def release_independent(blocks: list[Block]) -> bool:
    """Whether no Junos release can settle the entry: a range kept as text that concerns every release
    ("unspecified < SigPack 3598"). Such entries are reported, not counted against an upgrade target."""
    return any(not r.parsed and r.train is None and r.status == "affected" for b in blocks for r in b.text_ranges)
