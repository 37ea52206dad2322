"""Platform support as data: which Junos trains a model runs, when each train's support ends, how far one upgrade
may jump (catalogs/platform-support.yaml; every fact there names its source, and what is not known says
``unknown``).

    support = load_support()                       # cached; PlatformSupport
    found = support.platform("ex4200-48t")         # Match(model=Platform | None, series=Platform | None)
    support.end_of_support(found.model, "15.1")    # a Dated fact (date + source) or None when unknown
    support.path("15.1F", "23.4")                  # trains of each hop, under the upgrade policy

Rules the data is read with (the file's header and README.md say the same):
- a model runs every train from the first to the last train documented for it (support is contiguous); its
  ``last_train``, when known, is where it stops;
- one hop may go at most ``releases_per_hop`` releases ahead, or from an EEOL train to one of the next
  ``eeol_releases_per_hop`` EEOL trains; an X or F train (15.1X49, 15.1F) counts as its base train (15.1).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fnmatch import fnmatchcase
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from msplus.errors import InputError, ProblemsError
from msplus.junos_release import ReleaseError, parse_train
from msplus.yamlsource import Locator, check_header, item_id, load_located, pydantic_message

DEFAULT_FILE = Path(__file__).resolve().parents[2] / "catalogs" / "platform-support.yaml"
SCHEMA_VERSION = 1
UNKNOWN = "unknown"


class SupportError(ProblemsError):
    """The platform support file does not validate (every problem with file, line, column and key)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    title: str
    url: str
    read_from: str | None = None  # where the facts were read when not from ``url`` itself (a copy of the page)
    note: str | None = None


class Policy(_Strict):
    releases_per_hop: int = Field(ge=1)
    eeol_releases_per_hop: int = Field(ge=0)
    source: str


class _OfTrain(_Strict):
    """A fact about one train; the train is checked to be a Junos train name."""

    train: str

    @field_validator("train")
    @classmethod
    def _train(cls, value: str) -> str:
        return _checked_train(value)


class Train(_OfTrain):
    """One train's milestones (Junos OS Dates & Milestones)."""

    released: date
    end_of_engineering: date
    end_of_support: date
    eeol: bool
    source: str


class Ran(_OfTrain):
    """A train the model is documented to run."""

    source: str


class LastTrain(Ran):
    note: str | None = None


class TrainDates(_OfTrain):
    """Dates of a train for this platform when they differ from the general ones (an extension for retired
    hardware)."""

    end_of_engineering: date
    end_of_support: date
    source: str


class Dated(_Strict):
    date: date
    source: str


class Platform(_Strict):
    id: str
    name: str
    level: Literal["model", "series"] = "model"
    models: tuple[str, ...] = Field(min_length=1)  # lower-case globs on the model a device reports
    product: Literal["junos", "junos-evolved"]
    first_release: Literal["unknown"] | Ran
    runs: tuple[Ran, ...] = Field(min_length=1)
    last_train: Literal["unknown"] | LastTrain
    train_dates: tuple[TrainDates, ...] = ()
    hardware_end_of_support: Literal["unknown"] | Dated
    successor: str | None = None

    @field_validator("models")
    @classmethod
    def _models(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if any(m != m.lower() for m in value):
            raise ValueError("model patterns are lower case (devices report lower-case models)")
        return value

    @property
    def newest_documented(self) -> Ran:
        return max(self.runs, key=lambda r: train_key(r.train))


class _File(_Strict):
    schema_version: int
    name: str | None = None
    sources: dict[str, Source]
    upgrade_policy: Policy
    trains: tuple[Train, ...]
    platforms: tuple[Platform, ...]


def _checked_train(value: str) -> str:
    try:
        return parse_train(value)[0]
    except ReleaseError as exc:
        raise ValueError(str(exc)) from exc


def train_key(train: str) -> tuple[int, int, int, int]:
    """Orders train names: 15.1 < 15.1F < 15.1X49 < 16.1 (the order of msplus.junos_release)."""
    base, _, rest = train.removesuffix("-EVO").partition("X")
    major, minor = base.removesuffix("F").split(".")
    branch = 2 if rest else 1 if base.endswith("F") else 0
    return (int(major), int(minor), branch, int(rest or 0))


def base_train(train: str) -> str:
    """The mainline train an X or F train branches from: 15.1X49 -> 15.1, 15.1F -> 15.1."""
    return train.removesuffix("-EVO").split("X")[0].removesuffix("F")


@dataclass(frozen=True, slots=True)
class Match:
    model: Platform | None  # the model's own entry
    series: Platform | None  # its series' entry (what advisories say of the whole series)


class PlatformSupport:
    """The validated file with the lookups the upgrade recommendation needs (all memoised per run)."""

    def __init__(self, data: _File, path: str) -> None:
        self.file = path
        self.sources = data.sources
        self.policy = data.upgrade_policy
        self.platforms = data.platforms
        self._trains = {t.train: t for t in data.trains}
        mainline = sorted((t for t in self._trains if base_train(t) == t), key=train_key)
        self.sequence: tuple[str, ...] = tuple(mainline)  # Junos OS trains in release order
        self._index = {t: i for i, t in enumerate(mainline)}
        self._eeol = [t for t in mainline if self._trains[t].eeol]
        self._match: dict[str, Match] = {}

    # ------------------------------------------------------------------ lookups

    def platform(self, model: str | None) -> Match:
        key = (model or "").lower()
        if key not in self._match:
            own = next((p for p in self.platforms if p.level == "model" and _fits(p, key)), None) if key else None
            series = next((p for p in self.platforms if p.level == "series" and _fits(p, key)), None) if key else None
            self._match[key] = Match(own, series)
        return self._match[key]

    def train(self, train: str) -> Train | None:
        """The general milestones of a Junos OS train (None: not in the data, or a Junos OS Evolved train)."""
        return self._trains.get(train)

    def end_of_support(self, platform: Platform | None, train: str) -> Dated | None:
        """When ``train`` stops being supported on ``platform`` (its own extension first), or None if unknown."""
        if platform is not None:
            own = next((d for d in platform.train_dates if d.train == train), None)
            if own is not None:
                return Dated(date=own.end_of_support, source=own.source)
        general = self._trains.get(train)
        return Dated(date=general.end_of_support, source=general.source) if general else None

    def source(self, source_id: str) -> Source:
        return self.sources[source_id]

    def cite(self, source_id: str) -> str:
        """A source for a sentence a customer reads: its title and address."""
        src = self.sources[source_id]
        return f"{src.title}, {src.url}"

    # ------------------------------------------------------------------ which trains a model may be sent to

    def limit(self, platform: Platform) -> Ran:
        """The newest train the model may be sent to: its last train when known, else the newest documented."""
        if isinstance(platform.last_train, LastTrain):
            return platform.last_train
        return platform.newest_documented

    def target_trains(self, platform: Platform, current: str, on: date) -> list[str]:
        """Mainline trains at or after ``current`` (its base, for X/F trains) that the model runs and that are
        supported on ``on``, in release order."""
        limit = train_key(self.limit(platform).train)
        start = train_key(base_train(current))
        out = []
        for train in self.sequence:
            key = train_key(train)
            if key < start or key > limit:
                continue
            eos = self.end_of_support(platform, train)
            if eos is not None and eos.date >= on:
                out.append(train)
        return out

    # ------------------------------------------------------------------ hops

    def hop_allowed(self, frm: str, to: str) -> bool:
        a, b = self._index.get(base_train(frm)), self._index.get(base_train(to))
        if a is None or b is None:
            return False
        if b - a <= self.policy.releases_per_hop:
            return True
        base_a, base_b = base_train(frm), base_train(to)
        if base_a in self._eeol and base_b in self._eeol:
            return self._eeol.index(base_b) - self._eeol.index(base_a) <= self.policy.eeol_releases_per_hop
        return False

    def path(self, frm: str, to: str) -> list[str] | None:
        """The trains of each hop from train ``frm`` to train ``to`` (``to`` last; empty when ``to`` is ``frm``),
        each hop as far as the policy allows; None when a train is not in the data (no path can be said)."""
        if base_train(frm) not in self._index or to not in self._index:
            return None
        if frm == to:
            return []
        hops: list[str] = []
        here = frm
        while here != to:
            ahead = [t for t in self.sequence[self._index[base_train(here)] + 1: self._index[to] + 1]]
            reachable = [t for t in ahead if self.hop_allowed(here, t)]
            if not reachable:
                return None
            here = reachable[-1]
            hops.append(here)
        return hops


def _fits(platform: Platform, model: str) -> bool:
    return any(fnmatchcase(model, pattern) for pattern in platform.models)


# ---------------------------------------------------------------------------------------------- loading

@cache
def load_support(path: str | Path = DEFAULT_FILE) -> PlatformSupport:
    """Read and validate the platform support file. Raises SupportError with every problem located."""
    data, locator = load_located(path, InputError)
    header = check_header(data, locator, version=SCHEMA_VERSION, shape="schema_version, sources, trains, platforms")
    if header:
        raise SupportError(header)
    try:
        parsed = _File.model_validate(data)
    except ValidationError as exc:
        raise SupportError([_located(err, data, locator) for err in exc.errors(include_url=False,
                                                                                 include_input=False)]) from None
    problems = _cross_checks(parsed, locator)
    if problems:
        raise SupportError(problems)
    return PlatformSupport(parsed, str(path))


def _located(err: Any, data: object, locator: Locator) -> InputError:
    loc = tuple(p for p in err["loc"] if isinstance(p, (str, int)))
    error = locator.error(pydantic_message(err), loc)
    platform = item_id(data, loc, "platforms")
    if platform is not None:
        error.problem += f" (platform {platform})"
    return error


def _cross_checks(data: _File, locator: Locator) -> list[InputError]:
    """Every source id named exists; train and platform ids are unique."""
    problems: list[InputError] = []
    known = set(data.sources)

    def need(source: str, loc: tuple[str | int, ...]) -> None:
        if source not in known:
            problems.append(locator.error(f"unknown source {source!r} (not under sources:)", loc))

    need(data.upgrade_policy.source, ("upgrade_policy", "source"))
    seen_trains: set[str] = set()
    for i, train in enumerate(data.trains):
        need(train.source, ("trains", i, "source"))
        if train.train in seen_trains:
            problems.append(locator.error(f"train {train.train} listed twice", ("trains", i, "train")))
        seen_trains.add(train.train)
    seen: set[str] = set()
    for i, p in enumerate(data.platforms):
        if p.id in seen:
            problems.append(locator.error(f"platform id {p.id} listed twice", ("platforms", i, "id")))
        seen.add(p.id)
        for j, ran in enumerate(p.runs):
            need(ran.source, ("platforms", i, "runs", j, "source"))
        for field_name in ("first_release", "last_train", "hardware_end_of_support"):
            value = getattr(p, field_name)
            if value != UNKNOWN:
                need(value.source, ("platforms", i, field_name, "source"))
        for j, dates in enumerate(p.train_dates):
            need(dates.source, ("platforms", i, "train_dates", j, "source"))
    return problems
