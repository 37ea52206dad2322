"""The output of ``catalog match``: match rows and one upgrade recommendation per device, as one JSON object, as
JSON lines, or as a text table.

JSON contract (also read by the review reports)::

    {"review_date": "2026-12-04",
     "entries":  [{id, advisory, kind, title, severity, impact}, ...],   # once per entry the rows name
     "matches":  [{device, model, release, id, advisory, severity, verdict, evidence, fixed_in,
                   recommended_release}, ...],              # one per (device, entry); not_affected only with --all
     "upgrades": [{device, model, release, action, recommended_release, minimal_fix, path, hops, basis, matched,
                   still_open, not_settled_by_a_release}, ...]}   # one per device (analyzers/advisories/upgrade.py)

``fixed_in`` lists the fix of the device's own train first. ``--format jsonl`` writes the same objects one per
line, each with ``"record"``: ``entry`` (first), then per device its ``match`` rows and its ``upgrade``.

Size and speed: the output grows with the rows, never with rows x trains (the upgrade plan is not repeated per
row). Devices with the same profile share their rows, so each row is serialised once per profile and only the
device name is spliced in per device; output is written in chunks as it is produced (memory does not grow with
the fleet for jsonl).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any, TextIO

from analyzers.advisories.catalog import Entry
from analyzers.advisories.devices import Target
from analyzers.advisories.match import Assessment, Verdict
from analyzers.advisories.recommend import Recommendation
from msplus.junos_release import ReleaseError, parse_release

_ORDER = {"affected": 0, "indeterminate": 1, "not_affected": 2}
_SEVERITY = {"critical": 0, "high": 1, "medium": 2, "low": 3, "none": 4, "unknown": 5}


@dataclass(frozen=True, slots=True)
class Group:
    """Devices with one profile: their shared verdicts and recommendation (``assessment`` None: not matched)."""

    assessment: Assessment | None
    recommendation: Recommendation


@dataclass(frozen=True, slots=True)
class Result:
    groups: tuple[Group, ...]
    unmatched: tuple[tuple[Target, Recommendation], ...]  # devices whose release could not be read
    on: date

    def devices(self) -> list[tuple[str, Target, Group]]:
        """Every device by name, with its group."""
        out = [(t.name, t, g) for g in self.groups if g.assessment for t in g.assessment.targets]
        out += [(t.name, t, Group(None, rec)) for t, rec in self.unmatched]
        out.sort(key=lambda x: x[0])
        return out


def ordered(verdicts: Sequence[Verdict]) -> list[Verdict]:
    return sorted(verdicts, key=lambda v: (_ORDER[v.verdict], _SEVERITY[v.entry.severity], v.entry.id))


def own_train_first(fixed_in: Sequence[str], train: str | None) -> list[str]:
    """The fix of the device's own train first, then the others in their order."""
    if not train:
        return list(fixed_in)
    own = [f for f in fixed_in if _train_of(f) == train]
    return own + [f for f in fixed_in if _train_of(f) != train]


@cache
def _train_of(release: str) -> str | None:
    try:
        return parse_release(release).train
    except ReleaseError:
        return None


def match_row(target: Target, assessment: Assessment, v: Verdict, recommended: str | None) -> dict[str, Any]:
    train = assessment.release.train if assessment.release else None
    return {"device": target.name, "model": target.model, "release": target.version, "id": v.entry.id,
            "advisory": v.entry.advisory, "severity": v.entry.severity, "verdict": v.verdict,
            "evidence": list(v.evidence), "fixed_in": own_train_first(v.fixed_in, train),
            "recommended_release": recommended}


def entry_facts(entry: Entry) -> dict[str, Any]:
    """What a row's ``id`` stands for, listed once per entry (not repeated on every row)."""
    impact = entry.model.impact
    return {"id": entry.id, "advisory": entry.advisory, "kind": entry.kind, "title": entry.title,
            "severity": entry.severity,
            "impact": {"kinds": list(impact.kinds), "downtime": impact.downtime} if impact else None}


def _entries(result: Result) -> list[Entry]:
    seen: dict[str, Entry] = {}
    for g in result.groups:
        if g.assessment is not None:
            for v in g.assessment.verdicts:
                seen.setdefault(v.entry.id, v.entry)
    return [seen[i] for i in sorted(seen)]


# ---------------------------------------------------------------------------------------------- serialisation

_NAMELESS = '{"device": ""'


def _fragment(obj: dict[str, Any]) -> str:
    """``obj`` serialised without its device name: the rest of the object after ``{"device": ...``."""
    text = json.dumps({**obj, "device": ""}, ensure_ascii=False)
    assert text.startswith(_NAMELESS)
    return text[len(_NAMELESS):]


_NAME = "\x00"  # where the device name goes in a profile's text (json.dumps never writes a raw NUL)


class _Texts:
    """Each profile's rows and upgrade as JSON text with a placeholder for the device name, serialised once per
    profile: a device's output is one ``str.replace`` of it (C speed), whatever the number of rows."""

    def __init__(self, jsonl: bool) -> None:
        self.jsonl = jsonl
        self._memo: dict[int, tuple[str, str]] = {}

    def of(self, g: Group) -> tuple[str, str]:
        """(the rows, the upgrade), each to be completed with ``.replace(_NAME, json name)``."""
        key = id(g.recommendation) if g.assessment is None else id(g.assessment)
        if key not in self._memo:
            rows: list[str] = []
            if g.assessment is not None:
                first = g.assessment.targets[0]
                rows = [_fragment(match_row(first, g.assessment, v, g.recommendation.recommended_release))
                        for v in ordered(g.assessment.verdicts)]
            if self.jsonl:
                head_row, head_up, sep = '{"record": "match", "device": ', '{"record": "upgrade", "device": ', "\n"
            else:
                head_row, head_up, sep = '{"device": ', '{"device": ', ",\n"
            self._memo[key] = (sep.join(head_row + _NAME + r for r in rows),
                               head_up + _NAME + _fragment(g.recommendation.to_json("")))
        return self._memo[key]


class _Chunked:
    """Writes pieces joined by ``sep`` in chunks of about a megabyte."""

    def __init__(self, out: TextIO, sep: str) -> None:
        self.out, self.sep = out, sep
        self.parts: list[str] = []
        self.size = 0
        self.started = False

    def add(self, text: str) -> None:
        if not text:
            return
        self.parts.append(text)
        self.size += len(text)
        if self.size > 1_000_000:
            self.flush()

    def flush(self) -> None:
        if self.parts:
            self.out.write((self.sep if self.started else "") + self.sep.join(self.parts))
            self.started = True
            self.parts.clear()
            self.size = 0


def write_json(out: TextIO, result: Result) -> None:
    """One JSON object: review_date, matches, upgrades. Written in chunks, never held whole."""
    texts = _Texts(jsonl=False)
    devices = [(json.dumps(name, ensure_ascii=False), g) for name, _, g in result.devices()]
    out.write('{"review_date": ' + json.dumps(result.on.isoformat()) + ',\n"entries": [\n')
    out.write(",\n".join(json.dumps(entry_facts(e), ensure_ascii=False) for e in _entries(result)))
    out.write('\n],\n"matches": [\n')
    rows = _Chunked(out, ",\n")
    for name, g in devices:
        rows.add(texts.of(g)[0].replace(_NAME, name))
    rows.flush()
    out.write('\n],\n"upgrades": [\n')
    upgrades = _Chunked(out, ",\n")
    for name, g in devices:
        upgrades.add(texts.of(g)[1].replace(_NAME, name))
    upgrades.flush()
    out.write("\n]}\n")


def write_jsonl(out: TextIO, result: Result) -> None:
    """One object per line: each device's match rows, then its upgrade; written as it goes."""
    texts = _Texts(jsonl=True)
    lines = _Chunked(out, "\n")
    for entry in _entries(result):
        lines.add(json.dumps({"record": "entry", **entry_facts(entry)}, ensure_ascii=False))
    for name, _, g in result.devices():
        rows, upgrade = texts.of(g)
        quoted = json.dumps(name, ensure_ascii=False)
        lines.add(rows.replace(_NAME, quoted))
        lines.add(upgrade.replace(_NAME, quoted))
    lines.flush()
    if lines.started:
        out.write("\n")


def write_csv(out: TextIO, result: Result) -> None:
    """The match rows as CSV, one line per device and entry (lists as JSON text in their cell), then nothing else:
    the upgrades are in the json and jsonl forms."""
    import csv

    fields = ("device", "model", "release", "id", "advisory", "severity", "verdict", "evidence", "fixed_in",
              "recommended_release")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(fields)
    cells: dict[int, list[list[object]]] = {}  # per profile, without the device name
    for name, target, g in result.devices():
        if g.assessment is None:
            continue
        if id(g.assessment) not in cells:
            cells[id(g.assessment)] = [
                [json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v
                 for k, v in match_row(target, g.assessment, verdict, g.recommendation.recommended_release).items()
                 if k != "device"] for verdict in ordered(g.assessment.verdicts)]
        writer.writerows([name, *row] for row in cells[id(g.assessment)])


def table(result: Result) -> str:
    """A plain-text table: one line per pair with its first evidence line, then one upgrade line per device."""
    header = ("DEVICE", "RELEASE", "ID", "SEVERITY", "VERDICT", "WHY")
    lines = [header]
    devices = result.devices()
    for name, target, g in devices:
        if g.assessment is None:
            continue
        for v in ordered(g.assessment.verdicts):
            why = next((e for e in v.evidence if not e.startswith("platform")), v.evidence[0] if v.evidence else "")
            lines.append((name, target.version or "?", v.entry.id, v.entry.severity, v.verdict, why[:90]))
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(header) - 1)]
    text = "".join("  ".join(str(c).ljust(w) for c, w in zip(line[:-1], widths, strict=True)) + "  " + line[-1]
                   + "\n" for line in lines)
    text += "\n"
    for name, _, g in devices:
        rec = g.recommendation
        matched = len(rec.matched)
        release = rec.recommended_release or "none"
        path = f" via {', '.join(h.release for h in rec.path[:-1])}" if len(rec.path) > 1 else ""
        text += (f"{name}: {matched} matched entr{'y' if matched == 1 else 'ies'}; {rec.action.replace('_', ' ')}; "
                 f"recommended release {release}{path}\n")
        if rec.action in ("replace_hardware", "verify_support") and rec.basis:
            text += f"    {rec.basis[0]}\n"
    return text
