"""The fix a finding names for one device: the lowest fixed release in the device's own train, or, when its train
has none, the lowest in the next train that has one. Pure: fixed releases and the device's release in, words out.
(Which release the device should be upgraded to overall is the upgrade plan's job: analyzers/advisories/upgrade.py.)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from msplus.junos_release import JunosRelease, ReleaseError, parse_release


@dataclass(frozen=True, slots=True)
class TrainFix:
    release: str | None  # the fix to name, None when no later fix is known
    where: str  # own | next | none
    train: str | None  # the device's train


def own_train_fix(fixed: Sequence[str], device_release: str | None) -> TrainFix:
    """The lowest fix in the device's train that is later than its release, else the lowest fix of the next train
    that has one. Fixes that do not parse, or belong to the other product, are ignored."""
    return _own_train_fix(tuple(fixed), device_release)


@lru_cache(maxsize=1 << 14)
def _own_train_fix(fixed: tuple[str, ...], device_release: str | None) -> TrainFix:
    # Asked once per finding: the same (fixes, release) pair recurs for every device of a profile and every entry
    # with the same fixes, and the answer is immutable.
    try:
        rel = parse_release(device_release) if device_release else None
    except ReleaseError:
        rel = None
    if rel is None:
        return TrainFix(None, "none", None)
    later: list[JunosRelease] = []
    for text in fixed:
        try:
            fix = parse_release(text)
        except ReleaseError:
            continue
        if fix.evolved == rel.evolved and fix.sort_key > rel.sort_key:
            later.append(fix)
    own = [f for f in later if f.train == rel.train]
    if own:
        return TrainFix(min(own, key=lambda f: f.sort_key).text, "own", rel.train)
    ahead = [f for f in later if f.train_key > rel.train_key]
    if ahead:
        first_train = min(f.train_key for f in ahead)
        best = min((f for f in ahead if f.train_key == first_train), key=lambda f: f.sort_key)
        return TrainFix(best.text, "next", rel.train)
    return TrainFix(None, "none", rel.train)


def sentence(fix: TrainFix) -> str | None:
    """The fix in words for the customer, or None when there is nothing to name."""
    if fix.where == "own":
        return f"Upgrade to {fix.release} or later: the first release of the device's {fix.train} train with the fix."
    if fix.where == "next":
        return (f"The device's {fix.train} train has no fixed release; the first fix in a later train is "
                f"{fix.release}.")
    return None
