"""CVE JSON 5 ``versions[]`` entries of a Juniper record turned into catalog ranges (plain dicts).

Shapes met in the real records (tests/data/advisories/juniper-cve, see SOURCES.md there):

    {version: "0" | "unspecified", lessThan: "20.4R3-S9"}         every release before 20.4R3-S9, older trains too
    {version: "21.2", lessThan: "21.2R3-S7"}                     the 21.2 train from its start
    {version: "22.3", lessThan: "22.3R2-S2, 22.3R3"}             several fixed points in the train (comma list,
                                                                 also with a missing comma or a trailing one)
    {version: "21.1R1", lessThan: "21.1*"}                       the rest of the train ("21.1*-EVO", "21.1-EVO*")
    {version: "21.1R1", lessThanOrEqual: "21.*"}                 every 21.x train from 21.1R1
    {version: "23.1R1-EVO", lessThanOrEqual: "23.2R2-EVO"}       an inclusive upper bound
    {version: "16.1R3-S8", lessThan: "16.1*", changes: [...]}    windows: the status changes at each point, in order
    {status: unaffected, ...}                                    a carve-out
    {version: "15.1R4, 15.1R5, 15.1R6"}, {version: "22.1"}       exact releases; a whole train
    {version: "11.4 prior to 11.4R13-S3"}                        free text
    {version: "22.2", lessThan: "22.3R2-S2"}                     the fix names another train: that train is used
                                                                 and the mismatch reported
In a Junos OS Evolved block a release written without -EVO ("23.2R1-S2") is read as Evolved, and a train
("22.1") as its Evolved train; the note says so. What cannot be read becomes a range with ``parsed: false``, the
original text and, when known, the train it is about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from analyzers.advisories.ranges import sort_fixed, train_start
from msplus.junos_release import JunosRelease, ReleaseError, parse_release, parse_train

_EMPTY = {"", "0", "unspecified", "*"}
_FREE = re.compile(r"^\s*(?P<train>\S+)\s+(?:versions\s+)?(?:prior to|before)\s+(?P<rest>.+)$", re.IGNORECASE)
_TRAIN_HINT = re.compile(r"\d{1,2}\.\d{1,2}(?:X\d+|F)?", re.IGNORECASE)


@dataclass
class Read:
    """Ranges for the catalog and, per CVE entry, how it was read: ("parsed"|"text", original text, detail)."""

    ranges: list[dict[str, Any]] = field(default_factory=list)
    accounts: list[tuple[str, str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def entry_text(item: dict[str, Any]) -> str:
    """A compact, faithful rendering of one versions[] entry for ``text`` fields and the summary."""
    parts = [str(item.get("version", ""))]
    if "lessThan" in item:
        parts.append(f"< {item['lessThan']}")
    if "lessThanOrEqual" in item:
        parts.append(f"<= {item['lessThanOrEqual']}")
    for change in item.get("changes") or ():
        parts.append(f"[{change.get('status')} at {change.get('at')}]")
    status = item.get("status", "affected")
    return " ".join(parts) + ("" if status == "affected" else f" ({status})")


def _base(train: str) -> str:
    m = _TRAIN_HINT.match(train)
    return re.sub(r"(X\d+|F)$", "", m.group(0), flags=re.IGNORECASE) if m else train


def _later(a: str, b: str) -> bool:
    """Whether train ``a`` comes after train ``b``."""
    try:
        return bool(train_start(a).sort_key > train_start(b).sort_key)
    except ReleaseError:
        return False


def read_versions(items: list[dict[str, Any]], evolved: bool) -> Read:
    out = Read()
    trains = set()
    for item in items:
        try:
            train = _as_train(str(item.get("version", "")).strip(), evolved, [])
        except ReleaseError:
            train = None
        if train:
            trains.add(train)
    # A fix in a train another entry names is a swapped pair, not a range running across trains
    # (CVE-2023-0026 lists "22.2 < 22.3R2-S2" and "22.3 < 22.2R3-S2").
    block_trains = frozenset(trains)
    for item in items:
        text = entry_text(item)
        try:
            ranges, notes = _read_one(item, evolved, block_trains)
        except ReleaseError as exc:
            out.ranges.append(_text_range(item, text, str(exc), evolved))
            out.accounts.append(("text", text, str(exc)))
            continue
        for rng in ranges:
            rng["text"] = text
            rng.setdefault("source", "versions" if not item.get("changes") else "changes")
            if item.get("status") == "unaffected":
                rng["status"] = "unaffected"
        out.ranges.extend(ranges)
        out.notes.extend(f"{text}: {n}" for n in notes)
        out.accounts.append(("parsed", text, f"{len(ranges)} range(s)" + (f"; {'; '.join(notes)}" if notes else "")))
    return out


def _text_range(item: dict[str, Any], text: str, reason: str, evolved: bool) -> dict[str, Any]:
    rng: dict[str, Any] = {"parsed": False, "text": text, "source": "versions", "note": reason}
    if item.get("status") == "unaffected":
        rng["status"] = "unaffected"
    train = _train_hint(str(item.get("version", "")), evolved) or _train_hint(str(item.get("lessThan", "")), evolved)
    if train:
        rng["train"] = train
    return rng


def _train_hint(text: str, evolved: bool) -> str | None:
    """The train an unreadable entry is about, loosely ("15.1X8 < 15.1X8.3" -> "15.1X8"): it only limits which
    devices the unreadable range can concern."""
    m = _TRAIN_HINT.match(text.strip())
    if not m:
        return None
    train = m.group(0).upper()
    return train + "-EVO" if evolved else train


# ---------------------------------------------------------------------------------------------- one entry

def _read_one(item: dict[str, Any], evolved: bool,
              trains: frozenset[str]) -> tuple[list[dict[str, Any]], list[str]]:
    notes: list[str] = []
    version = str(item.get("version", "")).strip()
    less = item.get("lessThan")
    less_eq = item.get("lessThanOrEqual")
    free = _FREE.match(version)
    if free and less is None:
        version, less = free["train"], free["rest"]
        notes.append("free text in version")
    if less is None and less_eq is None and not item.get("changes"):
        return _exact(version, evolved, notes), notes
    start, start_train = _start(version, evolved, notes)
    if item.get("changes"):
        return _windows(item, start, start_train, evolved, notes, trains), notes
    if less_eq is not None:
        return [_bounded(start, start_train, str(less_eq), evolved, notes, inclusive=True)], notes
    return _before(start, start_train, str(less), evolved, notes, trains), notes


def _exact(version: str, evolved: bool, notes: list[str]) -> list[dict[str, Any]]:
    """``22.1`` (the whole train) or ``15.1R4, 15.1R5`` (those releases, whatever their build)."""
    if version.lower() in _EMPTY or version.lower() == "n/a":
        raise ReleaseError(f"no release in {version!r}")
    out = []
    for word in _words(version):
        train = _as_train(word, evolved, notes)
        if train is not None:
            out.append({"train": train})
            continue
        rel = _release(word, evolved, notes)
        out.append({"introduced": rel.text, "last_affected": rel.text})
    return out


def _start(version: str, evolved: bool, notes: list[str]) -> tuple[JunosRelease | None, str | None]:
    """The first affected release, or a train the range starts (and, unless it runs on, stays) in."""
    if version.lower() in _EMPTY:
        return None, None
    train = _as_train(version, evolved, notes)
    if train is not None:
        return None, train
    return _release(version, evolved, notes), None


def _before(start: JunosRelease | None, start_train: str | None, less: str, evolved: bool,
            notes: list[str], trains: frozenset[str] = frozenset()) -> list[dict[str, Any]]:
    if "*" in less:
        return [_wildcard(start, start_train, less, evolved, notes)]
    bare = _as_train(less.strip().rstrip(","), evolved, notes)
    if bare is not None:  # "before the 21.4 train"
        return [_range(start, start_train, fixed=[bare])]
    fixes = [_release(w, evolved, notes) for w in _words(less)]
    by_train: dict[str, list[JunosRelease]] = {}
    for f in fixes:
        by_train.setdefault(f.train, []).append(f)
    own = start_train or (start.train if start else None)
    out = []
    ordered = sorted(by_train.items(), key=lambda kv: train_start(kv[0]).sort_key)
    for n, (train, group) in enumerate(ordered):
        fixed = [r.text for r in sort_fixed(group)]
        if start_train is None:
            # an open start ("0") or a release: the range runs over the trains before its fix; fixes in further
            # trains ("0 < 18.4R2-S9, 19.1R3") each hold for their own train
            out.append(_range(start, None, fixed=fixed) if n == 0 else _range(None, train, fixed=fixed))
            if n:
                notes.append(f"fixes in several trains: {train} taken as its own range")
        elif train == own or _base(train) == _base(own or train):
            # the train itself, or an F/X train of the same base ("15.1 < 15.1F6-S12, 15.1R7-S2")
            out.append(_range(None, train, fixed=fixed))
        elif train in trains or _later(own or train, train):
            notes.append(f"version names train {own} but the fix is in {train}: used {train}")
            out.append(_range(None, train, fixed=fixed))
        else:  # "21.1-EVO < 21.2R3-S8-EVO": from the start of 21.1 up to the fix in 21.2
            notes.append(f"runs from the start of {own} across trains to {', '.join(fixed)}")
            out.append({"introduced": own, "fixed": fixed})
    return out


def _bounded(start: JunosRelease | None, start_train: str | None, upper: str, evolved: bool, notes: list[str],
             *, inclusive: bool) -> dict[str, Any]:
    if "*" in upper:
        return _wildcard(start, start_train, upper, evolved, notes)
    last = _release(upper.strip().rstrip(","), evolved, notes)
    rng = _range(start, start_train)
    rng["last_affected"] = last.text
    return rng


def _wildcard(start: JunosRelease | None, start_train: str | None, text: str, evolved: bool,
              notes: list[str]) -> dict[str, Any]:
    """``19.2*``, ``21.1*-EVO``, ``21.1-EVO*``, ``12.1X46*``: the rest of the train; ``21.*``: every 21.x train."""
    base = text.replace("*", "").replace("-EVO", "").replace("-evo", "").strip()
    if base.endswith("."):
        glob = base + "*"
        return _range(start, glob + ("-EVO" if evolved else ""), keep_train=True)
    train, _ = parse_train(base)
    if start is not None and start.train.replace("-EVO", "").startswith(train) and start.train != train:
        train = start.train.replace("-EVO", "")  # "15.1*" after 15.1F6-S10: the rest of the 15.1F train
    if start_train is not None and start_train.replace("-EVO", "") != train:
        notes.append(f"version names train {start_train} but the wildcard is {text}: used {train}")
    return _range(start, train + ("-EVO" if evolved else ""), keep_train=True)


def _range(start: JunosRelease | None, train: str | None, fixed: list[str] | None = None,
           keep_train: bool = False) -> dict[str, Any]:
    rng: dict[str, Any] = {}
    if start is not None:
        rng["introduced"] = start.text
    if fixed:
        rng["fixed"] = fixed
    if train is not None and (start is None or keep_train):
        rng["train"] = train
    return rng


# ---------------------------------------------------------------------------------------------- changes[]

def _windows(item: dict[str, Any], start: JunosRelease | None, start_train: str | None, evolved: bool,
             notes: list[str], trains: frozenset[str]) -> list[dict[str, Any]]:
    """CVE ``changes[]``: from ``version`` the status is the entry's; it changes at each ``at`` (a comma list is
    several points). Points are taken per train, in release order; each run with the entry's status becomes a range
    that ends at the next point of the other status, or at ``lessThan`` when none follows."""
    status = "unaffected" if item.get("status") == "unaffected" else "affected"
    first: JunosRelease | str = start if start is not None else (start_train or "")
    points: list[tuple[JunosRelease | str, str]] = [(first, status)]
    for change in item["changes"]:
        for word in _words(str(change.get("at", ""))):
            points.append((_release(word, evolved, notes), str(change.get("status", "affected"))))
    end = item.get("lessThan") if item.get("lessThan") is not None else item.get("lessThanOrEqual")
    wildcard = end is not None and "*" in str(end)
    tail = [] if end is None or wildcard else _before(None, None, str(end), evolved, notes, trains)
    rest_train = _wildcard(start, start_train, str(end), evolved, notes).get("train") if wildcard else None
    by_train: dict[str, list[tuple[JunosRelease | str, str]]] = {}
    for point, st in points:
        by_train.setdefault(point.train if isinstance(point, JunosRelease) else point, []).append((point, st))
    out: list[dict[str, Any]] = []
    for train, pts in by_train.items():
        pts.sort(key=_point_key)
        end_fixed = next((t["fixed"] for t in tail if t.get("fixed") and _train_of(t["fixed"][0]) == train),
                         tail[0].get("fixed") if tail else None)
        run_out = rest_train if rest_train is not None and rest_train == train else (train or None)
        out.extend(_runs(pts, status, end_fixed, run_out))
    return out


def _point_key(point: tuple[JunosRelease | str, str]) -> tuple[object, ...]:
    return point[0].sort_key if isinstance(point[0], JunosRelease) else ((0,), ())


def _train_of(text: str) -> str:
    try:
        return parse_release(text).train
    except ReleaseError:
        return text


def _runs(pts: list[tuple[JunosRelease | str, str]], status: str, end_fixed: list[str] | None,
          end_train: str | None) -> list[dict[str, Any]]:
    """Ranges for the runs of ``status`` in sorted points; the last run ends at ``end_fixed`` or the train's end."""
    out: list[dict[str, Any]] = []
    i = 0
    while i < len(pts):
        point, st = pts[i]
        j = i + 1
        while j < len(pts) and pts[j][1] == st:
            j += 1
        if st == status:
            rng: dict[str, Any] = {}
            if isinstance(point, JunosRelease):
                rng["introduced"] = point.text
            elif point:
                rng["train"] = point
            if j < len(pts):
                nxt = pts[j][0]
                rng["fixed"] = [nxt.text if isinstance(nxt, JunosRelease) else nxt]
            elif end_fixed:
                rng["fixed"] = list(end_fixed)
            elif end_train:
                rng["train"] = end_train
            out.append(rng)
        i = j
    return out


# ---------------------------------------------------------------------------------------------- words

def _words(text: str) -> list[str]:
    """Releases in a list: commas, trailing commas, missing commas and stray spaces all happen."""
    return [w for w in re.split(r"[,\s]+", text.strip()) if w]


def _as_train(word: str, evolved: bool, notes: list[str]) -> str | None:
    """``21.2`` / ``21.2-EVO`` / ``15.1X49`` as a train, or None when ``word`` is not a bare train."""
    try:
        train, is_evo = parse_train(word)
    except ReleaseError:
        return None
    if is_evo and not evolved:
        raise ReleaseError(f"Junos OS Evolved train {word!r} in a Junos OS block")
    return train if is_evo or not evolved else train + "-EVO"


def _release(word: str, evolved: bool, notes: list[str]) -> JunosRelease:
    rel = parse_release(word.strip().rstrip("*,"))
    if rel.evolved and not evolved:
        raise ReleaseError(f"Junos OS Evolved release {word!r} in a Junos OS block")
    if evolved and not rel.evolved:
        rel = parse_release(rel.text + "-EVO")
        notes.append(f"{word} read as {rel.text}")
    if not plausible(rel):
        raise ReleaseError(f"implausible release {word!r} (typo?)")
    return rel


def plausible(rel: JunosRelease) -> bool:
    """Junos releases named in advisories are 10.x or later; X trains are numbered below 100."""
    return rel.major >= 10 and (rel.xtrain is None or rel.xtrain < 100)
