"""Advisory matching for PBNIR and PIIR: catalogs loaded with provenance, verdicts and upgrade plans per device,
and the finding row of one verdict."""

from __future__ import annotations

import dataclasses
import operator
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from analyzers.advisories.catalog import Catalog, Entry, load_catalogs
from analyzers.advisories.devices import Target, from_snapshot
from analyzers.advisories.match import Matcher, Verdict
from analyzers.advisories.recommend import KnownReleases, Recommendation, Recommender
from analyzers.advisories.report import Group, Result
from analyzers.advisories.support import load_support
from analyzers.advisories.trainfix import own_train_fix, sentence
from analyzers.advisories.upgrade import Plan, plan
from analyzers.services import CATALOGS, Loaded
from analyzers.services.sources import describe
from msplus.gcpause import without_gc
from reports.model import FindingRow, severity_of_advisory

DEFAULT_CATALOGS = (CATALOGS / "juniper-cve.yaml",)
FIXES_SHOWN = 6  # fixed releases quoted in a recommendation before "..."


def load(paths: Sequence[Path]) -> Loaded:
    """Validate the advisory catalogs (CatalogError names file, line, column and entry for every problem)."""
    catalog = load_catalogs(list(paths))
    counts: dict[str, int] = {}
    for entry in catalog.entries:
        counts[entry.catalog] = counts.get(entry.catalog, 0) + 1
    sources = tuple(describe(Path(p), "advisories", counts.get(str(p), 0)) for p in paths)
    return Loaded(catalog, sources)


def caveats(loaded: Loaded, used: Iterable[Entry]) -> tuple[str, ...]:
    """A caveat for each demonstration catalog (its name says so) that findings came from."""
    paths = {Path(e.catalog).name for e in used}  # sources carry file names only (no local paths)
    return tuple(f"{s.path}: {s.name}. Its entries are invented examples, not Juniper data: findings from it "
                 "show how the review works and must not be sent to a customer as real."
                 for s in loaded.sources if s.path in paths and "demonstration" in (s.name or "").lower())


@dataclass(frozen=True, slots=True)
class DeviceVerdicts:
    device: str
    target: Target
    verdicts: tuple[Verdict, ...]  # affected and indeterminate only
    plan: Plan
    recommendation: Recommendation  # what the device is told to run (analyzers/advisories/upgrade.py)


def match(catalog: Catalog, snapshot: Path, devices: Sequence[str], on: date | None = None,
          downtime: Callable[[Target], str | None] | None = None) -> list[DeviceVerdicts]:
    """Verdicts and the upgrade recommendation (platform support on the review date ``on``, default today; per-hop
    downtime from ``downtime``) for each named device folder of the snapshot, in the order of ``devices``."""
    wanted = set(devices)
    targets = [t for t in from_snapshot(snapshot) if t.name in wanted]
    recommender = Recommender(load_support(), KnownReleases(catalog.entries), on or datetime.now(UTC).date())
    found: dict[str, DeviceVerdicts] = {}
    for assessment in Matcher(catalog).assess(targets):
        upgrade = plan(assessment, next_trains=False)
        first = assessment.targets[0]
        recommendation = recommender.recommend(assessment, downtime(first) if downtime else None, upgrade)
        verdicts = tuple(assessment.verdicts)  # one tuple per profile: consumers may work per profile by its id
        for target in assessment.targets:
            found[target.name] = DeviceVerdicts(target.name, target, verdicts, upgrade, recommendation)
    return [found[d] for d in devices if d in found]


_ROW_REST = operator.attrgetter(*(f.name for f in dataclasses.fields(FindingRow) if f.name != "device"))


def for_device(row: FindingRow, device: str) -> FindingRow:
    """``row`` for another device of the same profile (twice as fast as dataclasses.replace, which matters at
    hundreds of thousands of rows)."""
    return FindingRow(device, *_ROW_REST(row))


SOURCES = {"security_advisory": "security_advisory", "problem_report": "problem_report", "bug_notification": "pbn"}


def source_of(entry: Entry) -> str:
    """What a finding from ``entry`` is, in the report's words: pbn, problem_report or security_advisory."""
    return SOURCES[entry.kind]


def finding(device: str, verdict: Verdict, recommended: str | None, *, source: str | None = None,
            release: str | None = None) -> FindingRow:
    entry = verdict.entry
    why = [e for e in verdict.evidence if not e.startswith("platform")]
    message = f"{verdict.verdict}: {why[0] if why else entry.title}"
    return FindingRow(
        device=device, id=entry.id, title=entry.title, severity=severity_of_advisory(entry.severity),
        category=entry.kind, status=verdict.verdict, message=message, evidence=verdict.evidence,
        recommendation=recommendation(entry, verdict.fixed_in, recommended,
                                      confirm=verdict.verdict == "indeterminate", release=release),
        reference=entry.advisory or entry.id, source=source or source_of(entry),
    )


GENERIC = "Upgrade to a fixed release for the device's train ("  # the importer's list of every train's fix


def recommendation(entry: Entry, fixed_in: Sequence[str], recommended: str | None, *, confirm: bool = False,
                   release: str | None = None) -> str:
    """The fix for the device's own train (else the next train's) when ``release`` is given, the entry's own
    recommendation (its list of every train's fixes only when no device is named), the device's upgrade target and
    the workaround. ``confirm``: the verdict is indeterminate, so the recommendation holds once exposure is
    confirmed."""
    model = entry.model
    parts = []
    if confirm:
        parts.append("Confirm what the evidence could not settle; if the device is exposed:")
    own = sentence(own_train_fix(fixed_in, release)) if release else None
    own_text = model.recommendation and not model.recommendation.startswith(GENERIC)
    if own_text:
        parts.append(" ".join((model.recommendation or "").split()))
    if own:
        parts.append(own)
    elif not own_text and model.recommendation and not release:
        parts.append(" ".join(model.recommendation.split()))
    elif not own_text and fixed_in and not release:
        fixes = ", ".join(fixed_in[:FIXES_SHOWN]) + (" ..." if len(fixed_in) > FIXES_SHOWN else "")
        parts.append(f"Upgrade to a fixed release ({fixes}).")
    elif not own_text:
        parts.append("No fixed release is named for this device's train; apply the workaround or follow the "
                     "advisory.")
    if recommended:
        parts.append(f"Upgrade target for this device: {recommended}.")
    if model.workaround:
        parts.append("Workaround: " + " ".join(model.workaround.split()))
    return " ".join(parts)


def impact_text(entry: Entry) -> tuple[tuple[str, ...], str | None]:
    """(impact kinds, anticipated downtime if the issue is hit) from the catalog entry."""
    impact = entry.model.impact
    if impact is None:
        return (), None
    downtime = " ".join(impact.downtime.split()) if impact.downtime else None
    return tuple(impact.kinds), downtime


@without_gc
def match_devices(catalog: Catalog, targets: Sequence[Target], on: date, *,
                  include_unaffected: bool = False) -> Result:
    """``catalog match``: verdicts for the devices whose release can be read and one recommendation per profile
    (platform support on ``on``, per-hop downtime of the node's shape); the others are listed with a
    ``verify_support`` recommendation and matched against nothing."""
    from analyzers.advisories.devices import release_problem
    from analyzers.services.downtime import PerShape

    readable = [t for t in targets if release_problem(t) is None]
    recommender = Recommender(load_support(), KnownReleases(catalog.entries), on)
    matcher = Matcher(catalog)
    downtime = PerShape(lambda t: matcher.config(t).tree)
    groups = tuple(Group(a, recommender.recommend(a, downtime(a.targets[0]).upgrade))
                   for a in matcher.assess(readable, include_unaffected=include_unaffected))
    unmatched = tuple((t, recommender.unreadable(t.model, t.version, _reason(release_problem(t))))
                      for t in targets if release_problem(t) is not None)
    return Result(groups, unmatched, on)


def _reason(problem: str | None) -> str:
    """The reason without the file and line (a recommendation is read by a customer)."""
    return (problem or "unknown").partition(": version: ")[2] or (problem or "unknown")
