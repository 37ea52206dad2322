"""What a device is told to run: one recommendation per device that respects platform support.

- ``minimal_fix``: the lowest release of the device's own train that clears what that train can clear (the plan of
  analyzers/advisories/upgrade.py);
- ``recommended_release``: the lowest release, in a train the model runs (no later than its last train) and that is
  supported on the review date, that clears every matched entry a release can settle;
- ``path``: the release of each upgrade to get there when one hop is not allowed (the upgrade policy of the
  platform support data), each with the anticipated downtime of one upgrade on this node (PIIR's downtime table);
- ``action``: ``no_action`` (nothing a release can fix is matched), ``upgrade``, ``replace_hardware`` (the model
  runs no release that is still supported: end-of-life hardware), ``verify_support`` (what the model runs, or the
  release it runs, is not known: the basis says what is unknown, and no release is recommended);
- ``basis``: sentences for the customer, each fact with its source (title and address).

Releases named are real: fixed releases of the loaded catalogs' entries (``KnownReleases``), never made up. A
target is checked against the entries matched on the current release: re-run the review on the target before the
upgrade (the README says so).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from analyzers.advisories.catalog import Block, Entry
from analyzers.advisories.match import Assessment
from analyzers.advisories.support import Dated, LastTrain, Platform, PlatformSupport
from analyzers.advisories.upgrade import Plan, blocks_status, plan, still_open
from msplus.junos_release import JunosRelease

ACTIONS = ("upgrade", "no_action", "replace_hardware", "verify_support")
TRAIN_ONLY = " (a release of the train)"  # a hop through a train the catalogs name no release of


class KnownReleases:
    """Every release the loaded catalogs name as a fix, per train: the releases a path or a target can name."""

    def __init__(self, entries: tuple[Entry, ...]) -> None:
        by_train: dict[str, dict[str, JunosRelease]] = {}
        for entry in entries:
            for block in entry.blocks:
                for fixed in block.fixed_points():
                    by_train.setdefault(fixed.train, {}).setdefault(fixed.text, fixed)
        self.by_train = {t: sorted(r.values(), key=lambda x: x.sort_key) for t, r in by_train.items()}

    def in_train(self, train: str) -> list[JunosRelease]:
        return self.by_train.get(train, [])


@dataclass(frozen=True, slots=True)
class Hop:
    release: str  # a release, or "<train> (a release of the train)" when the catalogs name none in it
    train: str
    downtime: str | None

    def to_json(self) -> dict[str, object]:
        return {"release": self.release, "train": self.train, "downtime": self.downtime}


@dataclass(frozen=True, slots=True)
class Recommendation:
    model: str | None
    release: str | None
    action: str
    recommended_release: str | None = None
    minimal_fix: str | None = None
    path: tuple[Hop, ...] = ()
    basis: tuple[str, ...] = ()
    matched: tuple[str, ...] = ()
    still_open: tuple[str, ...] = ()  # matched entries the recommended release does not clear
    not_by_release: tuple[str, ...] = ()

    def to_json(self, device: str) -> dict[str, object]:
        return {"device": device, "model": self.model, "release": self.release, "action": self.action,
                "recommended_release": self.recommended_release, "minimal_fix": self.minimal_fix,
                "path": [h.release for h in self.path], "hops": [h.to_json() for h in self.path],
                "basis": list(self.basis), "matched": list(self.matched), "still_open": list(self.still_open),
                "not_settled_by_a_release": list(self.not_by_release)}


class Recommender:
    """Recommendations for one run (one review date): memoised per (model, release, matched entries, downtime)."""

    def __init__(self, support: PlatformSupport, known: KnownReleases, on: date) -> None:
        self.support = support
        self.known = known
        self.on = on
        self._memo: dict[tuple[object, ...], Recommendation] = {}

    def recommend(self, assessment: Assessment, downtime: str | None = None,
                  upgrade: Plan | None = None) -> Recommendation:
        """``upgrade``: the assessment's plan when the caller has it (own train only is enough)."""
        upgrade = upgrade or plan(assessment, next_trains=False)
        key = (assessment.targets[0].model, upgrade.release, upgrade.matched, upgrade.not_by_release, downtime)
        if key not in self._memo:
            self._memo[key] = _Case(self, assessment, upgrade, downtime).decide()
        return self._memo[key]

    def unreadable(self, model: str | None, release: str | None, problem: str) -> Recommendation:
        """A device whose release could not be read: nothing can be matched, the release must be checked."""
        return Recommendation(model, release, "verify_support", basis=(
            f"The release the device runs could not be read ({problem}): no advisory was matched and no release "
            "is recommended until it is known.",))


@dataclass
class _Case:
    """One recommendation being decided: the steps below each settle it or pass it on."""

    r: Recommender
    assessment: Assessment
    upgrade: Plan
    downtime: str | None
    notes: list[str] = field(default_factory=list)

    def decide(self) -> Recommendation:
        s, rel, model = self.r.support, self.assessment.release, self.assessment.targets[0].model
        if rel is None:
            return self.out("verify_support", "The release the device runs is not known: no release is recommended "
                                              "until it is.")
        settled = {i: self.assessment.blocks.get(i, []) for i in self.upgrade.matched
                   if i not in self.upgrade.not_by_release}
        if self.upgrade.not_by_release:
            n = len(self.upgrade.not_by_release)
            self.notes.append(f"{n} matched advisor{'y' if n == 1 else 'ies'} cannot be settled by a Junos release "
                              f"({', '.join(self.upgrade.not_by_release)}): follow the advisory's own remedy.")
        found = s.platform(model)
        if not settled:
            return self.clean(found.model, rel)
        pf = found.model
        if pf is None:
            return self.out("verify_support", f"Model {model or '(not reported)'} is not in the platform support "
                            "data: which Junos trains it runs is unknown, so no release is recommended.",
                            *_series_hint(s, found.series, model, rel.train, self.r.on))
        unknown = self.unknown_product(pf, rel) or self.retired(pf, rel, found.series, model)
        if unknown is not None:
            return unknown
        return self.target(pf, rel, settled)

    # ------------------------------------------------------------------ steps

    def out(self, action: str, *basis: str, **more: object) -> Recommendation:
        minimal = self.upgrade.own.release if self.upgrade.own else None
        return Recommendation(model=self.assessment.targets[0].model, release=self.upgrade.release, action=action,
                              matched=self.upgrade.matched, not_by_release=self.upgrade.not_by_release,
                              basis=(*basis, *self.notes), minimal_fix=minimal, **more)  # type: ignore[arg-type]

    def clean(self, pf: Platform | None, rel: JunosRelease) -> Recommendation:
        s = self.r.support
        basis = [f"No advisory that a software release fixes matches this device "
                 f"({self.assessment.targets[0].model or 'model unknown'}, {rel})."]
        eos = s.end_of_support(pf, rel.train) if not rel.evolved else None
        if eos is not None and eos.date < self.r.on:
            basis.append(f"Its train {rel.train} reached end of support on {eos.date} ({s.cite(eos.source)}): plan a "
                         "move to a supported train.")
        return self.out("no_action", *basis)

    def unknown_product(self, pf: Platform, rel: JunosRelease) -> Recommendation | None:
        s = self.r.support
        if (pf.product == "junos-evolved") != rel.evolved:
            running = "Junos OS Evolved" if rel.evolved else "Junos OS"
            return self.out("verify_support", f"The platform data lists the {pf.name} with {_product(pf.product)}, "
                            f"but the device reports {rel} ({running}): confirm what the device runs.")
        if rel.evolved:
            newest = pf.newest_documented
            return self.out("verify_support", "The support dates of Junos OS Evolved trains are not in the platform "
                            f"data, so no train can be shown to be supported on {self.r.on}. The {pf.name} is "
                            f"documented on Evolved trains up to {newest.train} ({s.cite(newest.source)}).")
        return None

    def retired(self, pf: Platform, rel: JunosRelease, series: Platform | None,
                model: str | None) -> Recommendation | None:
        """End-of-life hardware (replace it) or a model whose supported trains are unknown (verify)."""
        s, on = self.r.support, self.r.on
        hardware = pf.hardware_end_of_support
        if isinstance(hardware, Dated) and hardware.date < on:
            return self.out("replace_hardware", f"The {pf.name} hardware reached end of support on {hardware.date} "
                            f"({s.cite(hardware.source)}): Juniper no longer supports it, whatever release it runs. "
                            "Replace the hardware; no software release is recommended.", *self.interim(rel))
        if s.target_trains(pf, rel.train, on):
            return None
        limit = s.limit(pf)
        if isinstance(pf.last_train, LastTrain):
            eos = s.end_of_support(pf, limit.train)
            ended = f", whose support ended on {eos.date} ({s.cite(eos.source)})" if eos else ""
            return self.out("replace_hardware", f"The {pf.name} runs no Junos train after {limit.train} "
                            f"({s.cite(limit.source)}){ended}: no release it can run is still supported. Replace the "
                            "hardware; no software release is recommended.", *self.interim(rel))
        successor = (f"Note: {pf.successor}.",) if pf.successor else ()
        return self.out("verify_support", f"The newest Junos train documented for the {pf.name} is {limit.train} "
                        f"({s.cite(limit.source)}), and no train from {rel.train} up to it is supported on {on}; "
                        f"whether the {pf.name} runs a later train is not in the platform data, so no release is "
                        "recommended.", *successor, *_series_hint(s, series, model, rel.train, on))

    def interim(self, rel: JunosRelease) -> tuple[str, ...]:
        if not self.upgrade.own:
            return ()
        return (f"Until it is replaced, {self.upgrade.own.release} is the lowest release of its own train "
                f"{rel.train} that clears the matched advisories it can; that train is no longer supported.",)

    def target(self, pf: Platform, rel: JunosRelease, settled: dict[str, list[Block]]) -> Recommendation:
        s, on, known = self.r.support, self.r.on, self.r.known
        trains = s.target_trains(pf, rel.train, on)
        chosen = _first_clearing(trains, rel, settled, known)
        if chosen is None:
            unfixable = [i for i, blocks in settled.items() if not any(
                blocks_status(blocks, c) is False for t in trains for c in _candidates(t, rel, {i: blocks}, known))]
            if unfixable:
                self.notes.append(f"No release named in the catalogs clears {', '.join(unfixable)} on a supported "
                                  f"train the {pf.name} runs: apply the advisory's workaround and check again when a "
                                  "fix is published.")
                settled = {i: blocks for i, blocks in settled.items() if i not in unfixable}
                own_eos = s.end_of_support(pf, rel.train)
                if not settled and own_eos is not None and own_eos.date >= on:
                    return self.out("no_action", f"Nothing a release can fix is left for this device ({rel}, a train "
                                    f"supported until {own_eos.date}).")
                chosen = _first_clearing(trains, rel, settled, known)
        if chosen is None:
            partial = [x for x in (_fewest_open(t, rel, settled, known) for t in trains) if x is not None]
            if not partial:
                return self.out("verify_support", f"No release of the supported trains the {pf.name} runs "
                                f"({', '.join(trains)}) is named in the catalogs, so none can be shown to clear the "
                                "matched advisories: choose one with Juniper's suggested releases and re-run the "
                                "review on it.")
            chosen = min(partial, key=lambda x: (len(x[2]), trains.index(x[0])))
        return self.upgrade_to(pf, rel, len(settled), *chosen)

    def upgrade_to(self, pf: Platform, rel: JunosRelease, settled: int, train: str, release: JunosRelease,
                   still_open: tuple[str, ...]) -> Recommendation:
        s, on = self.r.support, self.r.on
        trains = s.path(rel.train, train)
        if trains is None:
            return self.out("verify_support", f"No upgrade path from {rel.train} to {train} can be drawn from the "
                            "platform data.")
        hops = [*(Hop(_hop_release(t, self.r.known), t, self.downtime) for t in trains[:-1]),
                Hop(release.text, train, self.downtime)]
        limit, eos = s.limit(pf), s.end_of_support(pf, train)
        assert eos is not None  # target_trains() keeps supported trains only
        basis = [_clears(release.text, train, settled, still_open),
                 f"The {pf.name} runs {train} (Junos trains are documented for it up to {limit.train}: "
                 f"{s.cite(limit.source)}); {train} is supported until {eos.date} ({s.cite(eos.source)})."]
        own, own_eos = self.upgrade.own, s.end_of_support(pf, rel.train)
        if train != rel.train and own_eos is not None and own_eos.date < on:
            basis.append(f"The device's own train {rel.train} reached end of support on {own_eos.date}"
                         + (f"; its lowest release that clears what it can is {own.release}." if own else "."))
        elif train != rel.train and own is not None:
            basis.append(f"The lowest release of the device's own train {rel.train} that clears what it can is "
                         f"{own.release}" + (", which does not clear them all." if own.still_open else "."))
        if len(hops) > 1:
            policy = s.policy
            basis.append(f"One upgrade may go at most {policy.releases_per_hop} releases ahead, or from an EEOL "
                         f"release to one of the next {policy.eeol_releases_per_hop} EEOL releases "
                         f"({s.cite(policy.source)}): {len(hops)} upgrades, through "
                         f"{', '.join(h.release for h in hops[:-1])}.")
            if any(h.release.endswith(TRAIN_ONLY) for h in hops):
                basis.append("Where a hop names a train, the catalogs name no release of it: take Juniper's "
                             "suggested release of that train.")
        if self.downtime:
            basis.append(f"Anticipated downtime of each upgrade on this node: {self.downtime}.")
        return self.out("upgrade", *basis, recommended_release=release.text, path=tuple(hops),
                        still_open=still_open)


# ---------------------------------------------------------------------------------------------- helpers

def _product(product: str) -> str:
    return "Junos OS Evolved" if product == "junos-evolved" else "Junos OS"


def _clears(release: str, train: str, matched: int, still_open: tuple[str, ...]) -> str:
    if not still_open:
        return (f"{release} is the lowest release of {train} that clears the {matched} matched "
                f"advisor{'y' if matched == 1 else 'ies'} a release can fix.")
    return (f"No release of a supported train the model runs clears every matched advisory; {release} leaves the "
            f"fewest open ({', '.join(still_open)}).")


def _series_hint(s: PlatformSupport, series: Platform | None, model: str | None, current: str,
                 on: date) -> tuple[str, ...]:
    """What the series data says, as a candidate to confirm for the model (never a recommendation)."""
    if series is None:
        return ()
    trains = s.target_trains(series, current, on)
    if not trains:
        return ()
    newest = series.newest_documented
    return (f"Advisories name the {series.name} on trains up to {newest.train} ({s.cite(newest.source)}), and "
            f"{trains[-1]} is supported on {on}: confirm that {model} runs {trains[-1]} before planning on it.",)


def _hop_release(train: str, known: KnownReleases) -> str:
    """The release an intermediate hop names: the newest release of the train the catalogs name."""
    releases = known.in_train(train)
    return releases[-1].text if releases else f"{train}{TRAIN_ONLY}"


def _candidates(train: str, rel: JunosRelease, settled: dict[str, list[Block]],
                known: KnownReleases) -> list[JunosRelease]:
    """Releases of ``train`` after ``rel`` that may be the lowest to clear ``settled``: the fixes the entries name
    in the train, and the train's first named release (which clears everything when no entry concerns the train)."""
    found: dict[str, JunosRelease] = {}
    for blocks in settled.values():
        for block in blocks:
            for fixed in block.fixed_points():
                if fixed.train == train and fixed.sort_key > rel.sort_key:
                    found.setdefault(fixed.text, fixed)
    later = [k for k in known.in_train(train) if k.sort_key > rel.sort_key]
    if later:
        found.setdefault(later[0].text, later[0])
    return sorted(found.values(), key=lambda x: x.sort_key)


def _first_clearing(trains: list[str], rel: JunosRelease, settled: dict[str, list[Block]],
                    known: KnownReleases) -> tuple[str, JunosRelease, tuple[str, ...]] | None:
    for train in trains:
        for candidate in _candidates(train, rel, settled, known):
            if not any(blocks_status(blocks, candidate) is not False for blocks in settled.values()):
                return (train, candidate, ())
    return None


def _fewest_open(train: str, rel: JunosRelease, settled: dict[str, list[Block]],
                 known: KnownReleases) -> tuple[str, JunosRelease, tuple[str, ...]] | None:
    best: tuple[str, JunosRelease, tuple[str, ...]] | None = None
    for candidate in _candidates(train, rel, settled, known):
        still = tuple(still_open(candidate, settled))
        if best is None or len(still) < len(best[2]):
            best = (train, candidate, still)
    return best
