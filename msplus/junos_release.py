"""Junos release strings, parsed and ordered the way Juniper numbers them (no dependencies).

Shapes handled (all seen on devices or in advisories):

    21.4R3-S5.4      train 21.4, maintenance release R3, service release S5, build 4
    21.4R3-S7.9      a respin of S7 (build 9 follows build 4)
    15.1X49-D220     X train 15.1X49, maintenance D220
    12.3X48-D105.4   X train with build
    15.1F6-S10       15.1 feature-velocity train (15.1F), F6, S10
    17.4I0           internal build
    18.2R1-S1        R release with a service release
    23.2R1-EVO       Junos OS Evolved (also 22.4R3-S2-EVO, 20.4R3-S1.3-EVO)
    19.4B1, 20.1B2.3 betas (before R1 of their train)
    15.1F5.15-C1.12  customer special (C1, build 12) on top of a base release
    22.1R3-J1        a J special on top of a base release (named as a fix in CVE-2024-39545)
    17.3-2017-07-02.0_RELEASE_173_THROTTLE, 15.1-20161209.0   daily/developer builds (train known, position not)

Within a train: I < B < R (F and X-D releases form trains of their own), then the maintenance number, then the
service release (none = 0), then the build, then a special (C before J, after its base and before the next service
release). Junos OS and Junos OS Evolved
releases are never ordered against each other: their trains are distinct.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache, total_ordering

from msplus.errors import AssessError
from msplus.limits import limits


class ReleaseError(AssessError, ValueError):
    """Text that is not a Junos release."""


_RELEASE = re.compile(
    r"""^
    (?P<major>\d{1,2})\.(?P<minor>\d{1,2})
    (?:
        X(?P<xtrain>\d{2,3})(?:-D(?P<dnum>\d+))?                    # 15.1X49-D220
      | (?P<kind>[RBIF])(?P<maint>\d+)                              # R3, B1, I0, F6
        (?:-S(?P<service>\d+))?                                     # -S5
    )
    (?:\.(?P<build>\d+))?                                           # .4
    (?:-(?P<special>[CJ])(?P<custom>\d+)(?:\.(?P<custom_build>\d+))?)?   # -C1.12 (customer special), -J1
    (?P<evo>-EVO)?
    $""",
    re.VERBOSE | re.IGNORECASE,
)
# Daily/developer builds: "17.3-2017-07-02.0_RELEASE_173_THROTTLE", "15.1-20161209.0", "14.2-20141220.0"
_DAILY = re.compile(r"^(?P<major>\d{1,2})\.(?P<minor>\d{1,2})-(?P<date>\d{4}-?\d{2}-?\d{2})(?:\.\d+)?(?:_\S*)?$")
_KIND_RANK = {"I": 0, "B": 1, "R": 2, "F": 2, "D": 2}
_SPECIAL_RANK = {"C": 1, "J": 2}


@total_ordering
@dataclass(frozen=True, slots=True)
class JunosRelease:
    """One parsed release. ``train`` is what fixes are listed per (``21.4``, ``15.1X49``, ``15.1F``)."""

    text: str
    major: int
    minor: int
    kind: str  # R (release), B (beta), I (internal), F (feature velocity), D (X-train D release), daily
    maint: int | None  # R3 -> 3, D220 -> 220; None for a bare X train ("15.1X49") or a daily build
    service: int = 0  # -S5 -> 5
    build: int | None = None  # .4 -> 4
    xtrain: int | None = None  # X49 -> 49
    custom: tuple[int, int] | None = None  # -C1.12 -> (1, 12)
    evolved: bool = False
    daily: str | None = None  # date of a daily build
    special: str = "C"  # the letter of the special release ("C" customer special, "J"), when ``custom`` is set

    @property
    def train(self) -> str:
        base = f"{self.major}.{self.minor}"
        if self.xtrain is not None:
            base += f"X{self.xtrain}"
        elif self.kind == "F":
            base += "F"
        return base + ("-EVO" if self.evolved else "")

    @property
    def train_key(self) -> tuple[int, int, int, int, bool]:
        """Orders trains: 15.1 < 15.1F < 15.1X49 < 15.2 (X and F trains branch off their base release)."""
        branch = 0 if self.xtrain is None and self.kind != "F" else 1 if self.kind == "F" else 2
        return (self.major, self.minor, branch, self.xtrain or 0, self.evolved)

    @property
    def position(self) -> tuple[int, int, int, int, tuple[int, int, int]]:
        """Order within the train; a daily build sorts before every numbered release of its train."""
        if self.daily is not None or self.maint is None:
            return (-1, 0, 0, 0, (0, 0, 0))
        special = (_SPECIAL_RANK[self.special], *self.custom) if self.custom else (0, 0, 0)
        return (_KIND_RANK[self.kind], self.maint, self.service, self.build or 0, special)

    @property
    def sort_key(self) -> tuple[tuple[int, int, int, int, bool], tuple[int, int, int, int, tuple[int, int, int]]]:
        return (self.train_key, self.position)

    @property
    def base(self) -> str:
        """The release without build or customer special: ``21.4R3-S5``, ``15.1X49-D220``."""
        if self.daily is not None:
            return self.text
        out = f"{self.major}.{self.minor}"
        if self.xtrain is not None:
            out += f"X{self.xtrain}" + (f"-D{self.maint}" if self.maint is not None else "")
        else:
            out += f"{self.kind}{self.maint}" + (f"-S{self.service}" if self.service else "")
        return out + ("-EVO" if self.evolved else "")

    def same_train(self, other: JunosRelease) -> bool:
        return self.train == other.train

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, JunosRelease):
            return NotImplemented
        if self.evolved != other.evolved:
            raise TypeError(f"cannot order Junos OS and Junos OS Evolved releases ({self.text} vs {other.text})")
        return self.sort_key < other.sort_key

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, JunosRelease):
            return NotImplemented
        return self.sort_key == other.sort_key

    def __hash__(self) -> int:
        return hash(self.sort_key)

    def __str__(self) -> str:
        return self.text


def parse_release(text: str) -> JunosRelease:
    """Parse one release string. Raises ReleaseError for anything that is not a Junos release."""
    if not isinstance(text, str):
        raise ReleaseError(f"not a Junos release: {text!r}")
    return _parse(text)


@lru_cache(maxsize=1 << 14)
def _parse(text: str) -> JunosRelease:
    """A fleet repeats a few hundred releases and a catalog a few thousand fixes, parsed again for every profile and
    finding; the result is immutable, so each string is parsed once (a string that fails is not remembered)."""
    cleaned = text.strip()
    _check_size(cleaned)
    match = _RELEASE.match(cleaned)
    if match:
        return _from_match(cleaned, match)
    daily = _DAILY.match(cleaned)
    if daily:
        return JunosRelease(text=cleaned, major=int(daily["major"]), minor=int(daily["minor"]), kind="daily",
                            maint=None, daily=daily["date"].replace("-", ""))
    raise ReleaseError(f"not a Junos release: {text!r} (expected a form such as 21.4R3-S5.4, 15.1X49-D220 or "
                       "22.4R3-S2-EVO)")


_DIGITS = re.compile(r"\d+")


def _check_size(text: str) -> None:
    """Refuse text too long to be a release, or with a number too long for one (limits.yaml): a 5,000-digit
    service number would otherwise reach int() and fail there, or order wrongly against real releases."""
    lim = limits().release
    if len(text) > lim.max_length:
        raise ReleaseError(f"not a Junos release: {text[:40]!r}... ({len(text):,} characters; a release has at most "
                           f"{lim.max_length})")
    longest = max((len(m) for m in _DIGITS.findall(text)), default=0)
    if longest > lim.max_digits:
        raise ReleaseError(f"not a Junos release: {text[:40]!r}{'...' if len(text) > 40 else ''} (a number of "
                           f"{longest:,} digits; a release's numbers have at most {lim.max_digits})")


def _from_match(text: str, m: re.Match[str]) -> JunosRelease:
    evolved = m["evo"] is not None
    custom = (int(m["custom"]), int(m["custom_build"] or 0)) if m["custom"] else None
    special = (m["special"] or "C").upper()
    build = int(m["build"]) if m["build"] else None
    if m["xtrain"]:
        return JunosRelease(text=text, major=int(m["major"]), minor=int(m["minor"]), kind="D",
                            maint=int(m["dnum"]) if m["dnum"] else None, build=build, xtrain=int(m["xtrain"]),
                            custom=custom, evolved=evolved, special=special)
    return JunosRelease(text=text, major=int(m["major"]), minor=int(m["minor"]), kind=m["kind"].upper(),
                        maint=int(m["maint"]), service=int(m["service"] or 0), build=build, custom=custom,
                        evolved=evolved, special=special)


def parse_train(text: str) -> tuple[str, bool]:
    """A train name as advisories write it (``21.4``, ``15.1X49``, ``20.4-EVO``, ``15.1F``) -> (train, evolved)."""
    cleaned = text.strip()
    _check_size(cleaned)
    m = re.fullmatch(r"(\d{1,2}\.\d{1,2})(X\d{2,3}|F)?(-EVO)?", cleaned, re.IGNORECASE)
    if not m:
        raise ReleaseError(f"not a Junos train: {text!r}")
    return (m[1] + (m[2] or "").upper() + ("-EVO" if m[3] else ""), m[3] is not None)


def is_evolved(text: str) -> bool:
    """True for a Junos OS Evolved release string (the -EVO suffix)."""
    return text.strip().upper().endswith("-EVO")
