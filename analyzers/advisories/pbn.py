"""Product Bug Notifications (PBN) as a feed: the interchange format, its importer, and the notifications of a period.

A PBN is a dated bulletin from Juniper Advanced Services announcing software defects with major service impact.
Engineers receive them as documents; this tool reads them in one JSON interchange format (``format_version`` 1):

    {
      "format": "msplus-pbn-feed", "format_version": 1,
      "name": "...", "sample": false,                  # sample: true marks a feed that is not a real PBN stream
      "notifications": [
        {
          "id": "PBN-2023-09",                          # unique in the feed
          "published": "2023-09-15",                    # publication date (ISO)
          "period": {"from": "2023-08-01", "to": "2023-08-31"},   # the period the bulletin covers
          "title": "...", "summary": "...",
          "defects": [
            {
              "pr": "1709837",                          # the problem report number (digits)
              "title": "...", "description": "...",
              "severity": "high",                       # critical | high | medium | low | unknown
              "product": "junos",                       # junos | junos-evolved
              "platforms": ["SRX Series"],              # empty: every platform of the product
              "affected": [                             # releases: per train, or "before" a release
                {"train": "21.2", "fixed": ["21.2R3-S7"]},
                {"train": "21.1", "introduced": "21.1R1"},           # no fix in that train
                {"before": "20.4R3-S10"}                              # every release before it
              ],
              "conditions": {"require": "any", "config": ["protocols bgp"]},   # configured features (optional)
              "impact": {"kinds": ["session_flap"], "downtime": "...", "text": "..."},
              "workaround": "...",
              "references": ["https://..."]
            }
          ]
        }
      ]
    }

``load_feed(path)`` checks the file (JSON syntax, shape, dates, releases, configuration patterns, duplicate ids)
and raises PbnFeedError listing every problem with file, line, column and key. Each defect becomes one catalog
entry of kind ``bug_notification`` (id ``<notification>/PR<number>``), matched like any advisory. PBNIR reviews
the notifications published in its period (``Feed.published_between``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from analyzers.advisories.catalog import Catalog, CatalogError, Entry, validate
from msplus.errors import InputError, ProblemsError
from msplus.junos_release import ReleaseError, parse_release
from msplus.yamlsource import Loc, Locator, load_located, pydantic_message

FORMAT = "msplus-pbn-feed"
FORMAT_VERSION = 1


class PbnFeedError(ProblemsError):
    """A feed that does not validate; ``problems`` holds every problem found."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PeriodIn(_Model):
    from_: date = Field(alias="from")
    to: date


class AffectedIn(_Model):
    train: str | None = None
    introduced: str | None = None
    fixed: list[str] = Field(default_factory=list)
    before: str | None = None


class ConditionsIn(_Model):
    require: Literal["any", "all"] = "any"
    config: list[str] = Field(min_length=1)


class ImpactIn(_Model):
    kinds: list[str] = Field(default_factory=list)
    downtime: str | None = None
    text: str | None = None


class DefectIn(_Model):
    pr: str = Field(pattern=r"^[0-9]{5,8}$")
    title: str = Field(min_length=1)
    description: str | None = None
    severity: Literal["critical", "high", "medium", "low", "unknown"] = "unknown"
    product: Literal["junos", "junos-evolved"] = "junos"
    platforms: list[str] = Field(default_factory=list)
    affected: list[AffectedIn] = Field(min_length=1)
    conditions: ConditionsIn | None = None
    impact: ImpactIn | None = None
    workaround: str | None = None
    references: list[str] = Field(default_factory=list)


class NotificationIn(_Model):
    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    published: date
    period: PeriodIn
    title: str = Field(min_length=1)
    summary: str | None = None
    defects: list[DefectIn] = Field(min_length=1)
    references: list[str] = Field(default_factory=list)


class FeedIn(_Model):
    format: Literal["msplus-pbn-feed"]
    format_version: int
    name: str | None = None
    sample: bool = False
    note: str | None = None
    notifications: list[NotificationIn]


@dataclass(frozen=True, slots=True)
class Notification:
    id: str
    published: date
    period_from: date
    period_to: date
    title: str
    summary: str | None
    entries: tuple[Entry, ...]  # one per defect (kind bug_notification)
    references: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Feed:
    path: str
    name: str
    sample: bool
    notifications: tuple[Notification, ...]

    def published_between(self, after: date | None, until: date) -> tuple[Notification, ...]:
        """Notifications published after ``after`` (None: from the first) and on or before ``until``."""
        return tuple(n for n in self.notifications
                     if (after is None or n.published > after) and n.published <= until)

    def catalog(self, notifications: Sequence[Notification] | None = None) -> Catalog:
        chosen = self.notifications if notifications is None else notifications
        return Catalog(tuple(e for n in chosen for e in n.entries), (self.path,))


def load_feeds(paths: Sequence[str | Path]) -> list[Feed]:
    """JSON feeds, and YAML advisory catalogs holding bug notifications (each ``bug_notification`` entry one
    notification; other kinds are not PBNs and are left out)."""
    problems: list[InputError] = []
    feeds = []
    for path in paths:
        try:
            feeds.append(load_feed(path) if Path(path).suffix.lower() not in (".yaml", ".yml") else
                         _from_catalog(path))
        except (PbnFeedError, CatalogError) as exc:
            problems.extend(exc.problems)
    if problems:
        raise PbnFeedError(problems)
    return feeds


def _from_catalog(path: str | Path) -> Feed:
    from analyzers.advisories.catalog import load_catalog

    catalog = load_catalog(path)
    notes = []
    for e in catalog.entries:
        if e.kind != "bug_notification":
            continue
        day = date.fromisoformat(e.model.published) if e.model.published else date.min
        notes.append(Notification(e.advisory or e.id, day, day, day, e.title, None, (e,), tuple(e.model.references)))
    return Feed(str(path), Path(path).name, False, tuple(sorted(notes, key=lambda n: (n.published, n.id))))


def load_feed(path: str | Path) -> Feed:
    """Read and check one feed file. Raises PbnFeedError naming file, line, column and key of every problem."""
    p = Path(path)
    try:
        json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise PbnFeedError([InputError("file not found", path=str(p))]) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise PbnFeedError([InputError(f"cannot read: {exc}", path=str(p))]) from exc
    except json.JSONDecodeError as exc:
        raise PbnFeedError([InputError(f"not valid JSON: {exc.msg}", path=str(p), line=exc.lineno,
                                       column=exc.colno)]) from exc
    try:
        data, locator = load_located(p)  # JSON is YAML: this gives every value's line and column
    except InputError as exc:
        raise PbnFeedError([exc]) from exc
    return _validate(data, locator)


def _validate(data: Any, locator: Locator) -> Feed:
    if not isinstance(data, dict):
        raise PbnFeedError([InputError("expected a JSON object with format, format_version and notifications",
                                       path=locator.path, line=1)])
    if data.get("format_version") != FORMAT_VERSION:
        raise PbnFeedError([locator.error(f"unsupported format_version {data.get('format_version')!r} (this tool "
                                          f"reads {FORMAT_VERSION})", ("format_version",))])
    try:
        feed = FeedIn.model_validate(data)
    except ValidationError as exc:
        raise PbnFeedError([locator.error(pydantic_message(e) + _where(data, tuple(e["loc"])), tuple(e["loc"]))
                            for e in exc.errors(include_url=False)][:50]) from None
    problems: list[InputError] = []
    seen: dict[str, int] = {}
    for i, n in enumerate(feed.notifications):
        loc: Loc = ("notifications", i)
        if n.id in seen:
            problems.append(locator.error(f"duplicate notification id {n.id} (first at notifications[{seen[n.id]}])",
                                          (*loc, "id")))
        seen.setdefault(n.id, i)
        if n.period.from_ > n.period.to:
            problems.append(locator.error("the period ends before it starts", (*loc, "period")))
        prs: set[str] = set()
        for j, d in enumerate(n.defects):
            if d.pr in prs:
                problems.append(locator.error(f"PR {d.pr} is listed twice in {n.id}", (*loc, "defects", j, "pr")))
            prs.add(d.pr)
            _check_releases(d, (*loc, "defects", j), locator, problems)
    if problems:
        raise PbnFeedError(problems[:50])
    notifications = tuple(_notification(n, i, locator, problems) for i, n in enumerate(feed.notifications))
    if problems:
        raise PbnFeedError(problems[:50])
    return Feed(locator.path, feed.name or Path(locator.path).name, feed.sample,
                tuple(sorted(notifications, key=lambda n: (n.published, n.id))))


def _where(data: Any, loc: Loc) -> str:
    if len(loc) >= 2 and loc[0] == "notifications" and isinstance(loc[1], int):
        try:
            return f" (notification {data['notifications'][loc[1]]['id']})"
        except (KeyError, IndexError, TypeError):
            return ""
    return ""


def _check_releases(d: DefectIn, loc: Loc, locator: Locator, problems: list[InputError]) -> None:
    evolved = d.product == "junos-evolved"
    for k, a in enumerate(d.affected):
        a_loc: Loc = (*loc, "affected", k)
        if a.before is None and a.train is None:
            problems.append(locator.error("an affected range names a train or a release it is before", a_loc))
        if a.before is not None and (a.fixed or a.train):
            problems.append(locator.error('"before" stands alone (it means every release before it)', a_loc))
        named: list[tuple[Loc, str | None]] = [(("introduced",), a.introduced), (("before",), a.before),
                                               *((("fixed", i), f) for i, f in enumerate(a.fixed))]
        for key, text in named:
            if text is None:
                continue
            try:
                rel = parse_release(text)
            except ReleaseError as exc:
                problems.append(locator.error(str(exc), (*a_loc, *key)))
                continue
            if rel.evolved != evolved:
                problems.append(locator.error(f"{text!r} does not belong to the defect's product ({d.product})",
                                              (*a_loc, *key)))
            elif a.train and key[0] != "before" and rel.train.upper() != a.train.upper():
                problems.append(locator.error(f"{text} is not in train {a.train}", (*a_loc, *key)))


def _notification(n: NotificationIn, index: int, locator: Locator, problems: list[InputError]) -> Notification:
    entries = [_entry(n, d) for d in n.defects]
    try:
        catalog = validate({"schema_version": 1, "entries": entries}, Locator(locator.path))
    except CatalogError as exc:  # what only the catalog checks (configuration patterns, impact kinds)
        problems.extend(InputError(f"{p.problem} (notification {n.id})", path=locator.path,
                                   key=f"notifications[{index}]") for p in exc.problems)
        return Notification(n.id, n.published, n.period.from_, n.period.to, n.title, n.summary, (), ())
    return Notification(n.id, n.published, n.period.from_, n.period.to, n.title, n.summary, catalog.entries,
                        tuple(n.references))


def _entry(n: NotificationIn, d: DefectIn) -> dict[str, Any]:
    ranges: list[dict[str, Any]] = []
    for a in d.affected:
        if a.before is not None:
            ranges.append({"fixed": [a.before], "source": "manual", "text": f"releases before {a.before}"})
            continue
        text = (f"{a.train} before {', '.join(a.fixed)}" if a.fixed else
                f"{a.train} from {a.introduced}, no fix in the train" if a.introduced else f"the whole {a.train} train")
        ranges.append({"train": a.train, "introduced": a.introduced, "fixed": list(a.fixed), "source": "manual",
                       "text": text})
    entry: dict[str, Any] = {
        "id": f"{n.id}/PR{d.pr}", "kind": "bug_notification", "advisory": n.id, "problem_reports": [d.pr],
        "title": d.title, "published": n.published.isoformat(), "severity": d.severity,
        "affects": [{"product": d.product, "platforms": list(d.platforms), "ranges": ranges}],
        "references": list(d.references) or list(n.references),
    }
    if d.conditions is not None:
        entry["conditions"] = {"require": d.conditions.require, "items": [
            {"kind": "config", "pattern": c, "text": f"[ {c} ]"} for c in d.conditions.config]}
    if d.impact is not None:
        entry["impact"] = d.impact.model_dump()
    if d.workaround:
        entry["workaround"] = d.workaround
    if d.description:
        entry["notes"] = [d.description]
    return entry
