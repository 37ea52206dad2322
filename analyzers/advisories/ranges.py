"""Affected ranges of Junos releases and what they say about one release.

A range is ``introduced`` (inclusive, None = from the beginning), ``fixed`` (the releases where it is fixed),
``last_affected`` (inclusive upper bound, from ``lessThanOrEqual``) and ``train`` (the range stays inside this train;
a glob such as ``21.*`` for every 21.x train). Releases compare with ``JunosRelease.sort_key``, so a range that says
"before 20.4R3-S7" covers older trains too, and Junos OS and Junos OS Evolved never meet (a range is per product).

Several fixed releases in one train are fixed points on different maintenance lines: ``22.3R2-S2, 22.3R3`` fixes
22.3R2 from S2 on and everything from 22.3R3 on, so 22.3R2-S1 is affected and 22.3R2-S5 is not. A release is fixed
when it is at or past the last fixed point, or past a fixed point on its own line (same maintenance release; for
X-train D releases the same hundred, because D numbers are per-platform branches: D68, D235, D495, D590).

A range that could not be read keeps only its text (``parsed`` False) and, when known, the train it is about; it
cannot say whether a release is in it, so it makes a release of that train undecided instead of guessing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any

from msplus.junos_release import JunosRelease, ReleaseError, parse_release

AFFECTED, UNAFFECTED = "affected", "unaffected"
_TRAIN = re.compile(r"^(\d{1,2})\.(\d{1,2})(?:(X)(\d{2,3})|(F))?(-EVO)?$", re.IGNORECASE)
_FAR = 10**6  # a maintenance number no train reaches: the end-of-train probe


def train_start(train: str) -> JunosRelease:
    """A release that sorts before every numbered release of ``train`` ("the start of 21.4")."""
    major, minor, xtrain, kind, evolved = _train_parts(train)
    return JunosRelease(text=train, major=major, minor=minor, kind="daily", maint=None, xtrain=xtrain,
                        evolved=evolved) if kind != "F" else JunosRelease(
        text=train, major=major, minor=minor, kind="F", maint=-1, evolved=evolved)


def train_end(train: str) -> JunosRelease:
    """A release that sorts after every real release of ``train`` (a probe, never shown)."""
    major, minor, xtrain, kind, evolved = _train_parts(train)
    return JunosRelease(text=f"{train} (end)", major=major, minor=minor, kind=kind, maint=_FAR, xtrain=xtrain,
                        evolved=evolved)


def _train_parts(train: str) -> tuple[int, int, int | None, str, bool]:
    m = _TRAIN.match(train.strip())
    if not m:
        raise ReleaseError(f"not a Junos train: {train!r}")
    xtrain = int(m[4]) if m[3] else None
    kind = "D" if xtrain is not None else "F" if m[5] else "R"
    return int(m[1]), int(m[2]), xtrain, kind, m[6] is not None


Key = tuple[Any, ...]
Line = tuple[str, str, int | None]


def line_of(rel: JunosRelease) -> Line:
    """The maintenance line a service release belongs to (see the module docstring)."""
    if rel.kind == "D":
        return (rel.train, "D", None if rel.maint is None else rel.maint // 100)
    return (rel.train, rel.kind, rel.maint)


def _upto(rel: JunosRelease, ref: JunosRelease) -> tuple[object, ...]:
    """``rel``'s sort key cut to the precision of ``ref``: ``15.1R4.9`` is "15.1R4" when ``ref`` names no build."""
    train_key, pos = rel.sort_key
    if ref.build is None and ref.custom is None and pos[0] >= 0:
        pos = (pos[0], pos[1], pos[2], 0, (0, 0, 0))
    return (train_key, pos)


@dataclass(frozen=True, slots=True)
class Range:
    """One affected (or, with ``status`` unaffected, carved-out) range. See the module docstring."""

    status: str = AFFECTED
    introduced: JunosRelease | None = None
    fixed: tuple[JunosRelease, ...] = ()
    last_affected: JunosRelease | None = None
    train: str | None = None
    text: str = ""
    source: str = "versions"
    parsed: bool = True
    # sort keys and lines worked out once: matching thousands of releases compares against them
    _keys: tuple[Key, ...] = field(default=(), repr=False, compare=False)
    _lines: dict[Line, tuple[Key, ...]] = field(default_factory=dict, repr=False, compare=False)
    _intro: Key | None = field(default=None, repr=False, compare=False)
    _exact_train: str | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.train is not None and "*" not in self.train:
            object.__setattr__(self, "_exact_train", self.train.upper())
        keys = tuple(f.sort_key for f in self.fixed)
        lines: dict[Line, list[Key]] = {}
        for f, key in zip(self.fixed, keys, strict=True):
            lines.setdefault(line_of(f), []).append(key)
        object.__setattr__(self, "_keys", keys)
        object.__setattr__(self, "_lines", {k: tuple(v) for k, v in lines.items()})
        object.__setattr__(self, "_intro", self.introduced.sort_key if self.introduced is not None else None)

    def in_train(self, rel: JunosRelease, train: str | None = None) -> bool:
        """Whether ``rel`` is in the range's train (``train``: ``rel.train.upper()`` when the caller has it)."""
        if self.train is None:
            return True
        train = train if train is not None else rel.train.upper()
        if self._exact_train is not None:
            return train == self._exact_train
        return fnmatchcase(train, self.train.upper())

    def contains(self, rel: JunosRelease, key: Key | None = None, train: str | None = None) -> bool:
        """Whether ``rel`` is in this (parsed) range. ``key`` and ``train``: ``rel.sort_key`` and
        ``rel.train.upper()`` when the caller has them (matching compares one release with many ranges)."""
        if self.train is not None and not self.in_train(rel, train):
            return False
        key = key if key is not None else rel.sort_key
        if self._intro is not None and key < self._intro:
            return False
        if self.last_affected is not None and _upto(rel, self.last_affected) > self.last_affected.sort_key:
            return False
        return not self.fixed_at(rel, key)

    def fixed_at(self, rel: JunosRelease, key: Key | None = None) -> bool:
        """Whether ``rel`` is at or past a fixed point of this range (on its line, or past the last one)."""
        if not self._keys:
            return False
        key = key if key is not None else rel.sort_key
        if key >= self._keys[-1]:
            return True
        same_line = self._lines.get(line_of(rel))
        return same_line is not None and any(k <= key for k in same_line)

    def concerns(self, rel: JunosRelease) -> bool:
        """For an unparsed range: whether it may be about ``rel`` (its train, or any release when unknown)."""
        return self.train is None or self.in_train(rel)

    def touches_train(self, train: str) -> bool:
        """Whether a parsed range decides any release of ``train`` (used to tell which trains a record covers)."""
        if self.train is not None:
            return fnmatchcase(train.upper(), self.train.upper())
        ends = [r for r in (self.introduced, self.last_affected, *self.fixed) if r is not None]
        if any(r.train == train for r in ends):
            return True
        return self.contains(train_start(train)) or self.contains(train_end(train))

    def describe(self) -> str:
        """``21.4 before 21.4R3-S7``, ``releases before 20.4R3-S7``, ``21.1R1 and later 21.1 releases``."""
        if not self.parsed:
            return f"unreadable range {self.text!r}"
        fixed = ", ".join(str(f) for f in self.fixed)
        scope = self.train or ""
        if self.introduced is not None:
            start = f"{self.introduced}" if self.introduced.maint is not None else f"the start of {self.introduced}"
            end = (f" up to (not including) {fixed}" if self.fixed else f" up to {self.last_affected}"
                   if self.last_affected is not None else f" and later {scope} releases".replace("  ", " "))
            return start + end
        if self.last_affected is not None:
            return f"{scope + ' ' if scope else ''}releases up to {self.last_affected}"
        if self.fixed:
            return f"{scope} before {fixed}" if scope else f"releases before {fixed}"
        return f"the whole {scope} train" if scope else "every release"


def release_or_train_start(text: str, evolved: bool) -> JunosRelease:
    """A release, or a bare train (``21.4``) meaning its start. Raises ReleaseError."""
    try:
        return parse_release(text)
    except ReleaseError as exc:
        suffix = "-EVO" if evolved and not text.upper().endswith("-EVO") else ""
        try:
            return train_start(text + suffix)
        except ReleaseError:
            raise exc from None


def sort_fixed(fixed: list[JunosRelease]) -> tuple[JunosRelease, ...]:
    return tuple(sorted(dict.fromkeys(fixed), key=lambda r: r.sort_key))
