"""Juniper CNA records in CVE JSON 5 turned into catalog entries, with a summary that accounts for every range and
condition (read, or kept as text) and for every disagreement between ``versions[]`` and ``solutions[]``.

Which data wins: structured ``versions[]`` data is authoritative. The fixed releases that ``solutions[]`` names
fill in trains ``versions[]`` does not cover for that product (no affected range touches the train), and replace a
versions entry that could not be read when they name its train. A solutions fix that versions says is affected,
and a versions fix that solutions does not name, are listed as disagreements; neither changes the ranges.
Every Juniper record is imported: the product (Junos OS, Junos OS Evolved, or another) decides which devices an
entry can apply to; ranges of other products are kept as text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analyzers.advisories import conditions, impact, platforms, solutions, versions
from analyzers.advisories.cve_shape import shape_problems
from analyzers.advisories.ranges import Range, release_or_train_start
from msplus.errors import InputError, ProblemsError
from msplus.jsonsource import load_json
from msplus.junos_release import JunosRelease, ReleaseError, parse_release

_PRODUCTS = {"junos os": "junos", "junos": "junos", "junos os evolved": "junos-evolved"}
_JSA = re.compile(r"\bJSA\d{4,6}\b")
_SEVERITIES = ("critical", "high", "medium", "low", "none")
_NO_WORKAROUND = re.compile(r"^\s*there are no (?:known |viable )?workarounds?", re.IGNORECASE)


@dataclass
class RecordSummary:
    """What became of one record. ``ranges``/``conditions``: (status, text, detail) per versions entry / prose
    piece; status is "parsed", "text", "hardware", "not_gating", "other_product" or "replaced"."""

    id: str
    file: str
    products: list[str] = field(default_factory=list)
    ranges: list[tuple[str, str, str]] = field(default_factory=list)
    conditions: list[tuple[str, str, str]] = field(default_factory=list)
    filled: list[str] = field(default_factory=list)
    disagreements: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class Summary:
    records: list[RecordSummary] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, reason): not a Juniper CNA record

    def totals(self) -> dict[str, int]:
        out = {"records": len(self.records), "entries": len(self.records), "skipped": len(self.skipped)}
        for rec in self.records:
            for status, _, _ in rec.ranges:
                out[f"ranges_{status}"] = out.get(f"ranges_{status}", 0) + 1
            for status, _, _ in rec.conditions:
                out[f"conditions_{status}"] = out.get(f"conditions_{status}", 0) + 1
            out["trains_filled_from_solutions"] = out.get("trains_filled_from_solutions", 0) + len(rec.filled)
            out["disagreements"] = out.get("disagreements", 0) + len(rec.disagreements)
        return out

    def to_json(self) -> dict[str, Any]:
        return {"totals": self.totals(), "skipped": [{"file": f, "reason": r} for f, r in self.skipped],
                "records": [rec.__dict__ for rec in self.records]}


# ---------------------------------------------------------------------------------------------- files

def record_files(sources: Iterable[str | Path]) -> list[Path]:
    """JSON files named, and every *.json in folders named (sorted). Raises InputError for a missing source."""
    out: list[Path] = []
    for src in sources:
        p = Path(src)
        if p.is_dir():
            out.extend(sorted(p.glob("*.json")))
        elif p.is_file():
            out.append(p)
        else:
            raise InputError("no such file or folder", path=str(p))
    return out


class CveImportError(ProblemsError):
    """Records that could not be imported; ``problems`` has one line per problem, naming the file and the field."""


def import_files(files: Iterable[Path]) -> tuple[list[dict[str, Any]], Summary]:
    """Every record read and imported. Raises CveImportError listing every record that could not be (after trying
    them all), so a catalog is only ever written from a complete import."""
    entries: list[dict[str, Any]] = []
    summary = Summary()
    problems: list[InputError] = []
    for path in files:
        try:
            record = load_json(path)
        except InputError as exc:
            problems.append(InputError(f"not a readable CVE JSON record: {exc.problem}", path=exc.path,
                                       line=exc.line, column=exc.column))
            continue
        if not _cve_record(record):
            summary.skipped.append((path.name, "not a CVE JSON 5 record"))
            continue
        shape = shape_problems(record)
        if shape:
            problems.extend(InputError(p, path=str(path)) for p in shape)
            continue
        reason = _not_juniper(record)
        if reason:
            summary.skipped.append((path.name, reason))
            continue
        try:
            entry, rec = import_record(record, path.name)
        except (ReleaseError, ValueError, TypeError, KeyError, AttributeError) as exc:
            # The shape was checked; what is left is content this importer has not met. Reported for the record
            # (the import is refused), never a traceback.
            problems.append(InputError(f"could not be imported ({type(exc).__name__}: {exc})", path=str(path)))
            continue
        entries.append(entry)
        summary.records.append(rec)
    if problems:
        raise CveImportError(problems)
    return entries, summary


def _cve_record(record: Any) -> bool:
    return isinstance(record, dict) and record.get("dataType") == "CVE_RECORD" and "containers" in record


def _not_juniper(record: dict[str, Any]) -> str | None:
    meta = record.get("cveMetadata") or {}
    cna = record["containers"].get("cna") or {}
    assigner = str(meta.get("assignerShortName", "")).lower()
    vendors = " ".join(str(a.get("vendor", "")) for a in cna.get("affected") or ())
    text = " ".join(d.get("value", "") for d in cna.get("descriptions") or ())
    if assigner == "juniper" or "juniper" in vendors.lower() or "juniper" in text.lower():
        return None
    return f"not a Juniper record (assigner {assigner or 'unknown'})"


# ---------------------------------------------------------------------------------------------- one record

def import_record(record: dict[str, Any], file: str) -> tuple[dict[str, Any], RecordSummary]:
    cna = record["containers"]["cna"]
    cve_id = record["cveMetadata"]["cveId"]
    rec = RecordSummary(cve_id, file)
    description = " ".join(d.get("value", "") for d in cna.get("descriptions") or () if d.get("lang", "en")[:2] == "en")
    title = (cna.get("title") or "").strip() or _first_sentence(description)
    blocks = [_block(a, cna, description, title, rec) for a in cna.get("affected") or ()]
    _fill_from_solutions(blocks, [s.get("value", "") for s in cna.get("solutions") or ()], rec)
    prose = [c.get("value", "") for c in cna.get("configurations") or ()]
    read = conditions.read_prose(prose)
    rec.conditions = read.accounts
    entry: dict[str, Any] = {
        "id": cve_id,
        "kind": "security_advisory",
        "advisory": _advisory(cna),
        "problem_reports": [str(d) for d in (cna.get("source") or {}).get("defect") or ()],
        "title": title,
        "published": _date(cna.get("datePublic") or record["cveMetadata"].get("datePublished")),
    }
    cvss = _cvss(cna, record["containers"].get("adp") or [])
    entry["severity"] = _severity(cvss)
    entry["cvss"] = cvss
    entry["affects"] = [b.out for b in blocks]
    if read.conditions:
        entry["conditions"] = read.conditions
    elif not any(status == "not_gating" for status, _, _ in read.accounts):
        # configurations[] says nothing (and not "no configuration is required"): a feature the title names must
        # be configured for the device to be exposed (J-Web, BGP, ...)
        items, named = conditions.features_named(title, description)
        if items:
            entry["conditions"] = {"require": "any", "items": items}
            rec.conditions.extend(("feature", n, "named in the title or description") for n in named)
    if prose:
        entry["configuration_text"] = conditions.normalise("\n\n".join(prose)).strip()
    entry["impact"] = {**impact.classify(f"{title}. {description}"), "text": description.strip()}
    workaround = "\n\n".join(w.get("value", "").strip() for w in cna.get("workarounds") or () if w.get("value"))
    if workaround:
        entry["workaround"] = workaround
    real_workaround = bool(workaround) and not _NO_WORKAROUND.search(workaround)
    entry["recommendation"] = _recommendation(blocks, real_workaround)
    entry["references"] = [r["url"] for r in cna.get("references") or () if r.get("url")]
    entry["source"] = {"record": file, "assigner": record["cveMetadata"].get("assignerShortName"),
                       "updated": _date(record["cveMetadata"].get("dateUpdated")),
                       "data_version": record.get("dataVersion")}
    notes = [*rec.notes]
    if notes:
        entry["notes"] = notes
    rec.products = [b.out["product"] if b.out["product"] != "other" else b.out.get("product_name", "other")
                    for b in blocks]
    return {k: v for k, v in entry.items() if v not in (None, [], "")}, rec


@dataclass
class _Block:
    out: dict[str, Any]
    evolved: bool
    product: str
    platforms: list[str]
    parsed: list[Range] = field(default_factory=list)  # from versions[], compiled, for coverage and disagreements


def _block(affected: dict[str, Any], cna: dict[str, Any], description: str, title: str,
           rec: RecordSummary) -> _Block:
    name = str(affected.get("product") or "").strip()
    product = _PRODUCTS.get(name.lower())
    if product is None and name.lower() in ("n/a", ""):
        product = "junos-evolved" if "junos os evolved" in description.lower() else \
            "junos" if "junos" in description.lower() else None
        if product:
            rec.notes.append(f"product {name!r}: {PRODUCT_NAMES[product]} according to the description")
    if name.lower() == "junos":
        rec.notes.append("product 'Junos' read as Junos OS")
    out: dict[str, Any] = {"product": product or "other"}
    if product is None or name.lower() not in _PRODUCTS:
        out["product_name"] = name or "n/a"
    evolved = product == "junos-evolved"
    plats = [str(p) for p in affected.get("platforms") or () if str(p).strip()]
    if not plats and product is not None:
        plats = platforms.platforms_in_title(title)
        if plats:
            rec.notes.append(f"platforms from the title: {', '.join(plats)}")
        elif name.lower() in ("n/a", "") and (found := solutions.platforms_in_description(description)):
            plats = [found]
            rec.notes.append(f"platforms from the description: {found}")
    if plats:
        out["platforms"] = plats
    if affected.get("defaultStatus") in ("affected", "unaffected"):
        out["default_status"] = affected["defaultStatus"]
    block = _Block(out, evolved, product or "other", plats)
    items = [v for v in affected.get("versions") or () if isinstance(v, dict)]
    if product is None:
        out["ranges"] = [{"parsed": False, "source": "versions", "text": versions.entry_text(v)} for v in items]
        rec.ranges.extend(("other_product", versions.entry_text(v), f"product {name}: not a Junos release")
                          for v in items)
        return block
    if all(str(v.get("version", "")).lower() == "n/a" for v in items):
        out["ranges"] = _from_description(description, evolved, rec)
    else:
        read = versions.read_versions(items, evolved)
        out["ranges"] = read.ranges
        rec.ranges.extend(read.accounts)
        rec.notes.extend(read.notes)
    block.parsed = [r for r in (_compile(d, evolved) for d in out["ranges"]) if r is not None]
    rec.disagreements.extend(_self_contradictions(block.parsed))
    return block


def _self_contradictions(parsed: list[Range]) -> list[str]:
    """Fixes one versions[] entry names that another entry of the block keeps affected (CVE-2023-4481's
    {21.1R1 <= 21.*} against {21.4 < 21.4R3-S7})."""
    out = []
    for rng in parsed:
        for f in rng.fixed if rng.status == "affected" else ():
            if f.maint is None or any(o.status == "unaffected" and o.contains(f) for o in parsed):
                continue
            other = next((o for o in parsed if o is not rng and o.status == "affected" and o.contains(f)), None)
            if other is not None:
                out.append(f"versions[] names {f} as fixed but {other.text or other.describe()!r} keeps it affected")
    return list(dict.fromkeys(out))


PRODUCT_NAMES = {"junos": "Junos OS", "junos-evolved": "Junos OS Evolved"}


def _from_description(description: str, evolved: bool, rec: RecordSummary) -> list[dict[str, Any]]:
    """Records with no structured data: "... before 12.1X46-D45, 12.1X46-D50, 12.1X47 before 12.1X47-D35"."""
    by_train: dict[str, list[JunosRelease]] = {}
    for text in solutions.releases_in_description(description):
        rel = parse_release(text)
        if rel.evolved == evolved and versions.plausible(rel):
            by_train.setdefault(rel.train, []).append(rel)
    out: list[dict[str, Any]] = []
    for train, fixes in by_train.items():
        fixed = [f.text for f in sorted(set(fixes), key=lambda r: r.sort_key)]
        text = f"description: {train} before {', '.join(fixed)}"
        out.append({"train": train, "fixed": fixed, "source": "description", "text": text})
        rec.ranges.append(("parsed", text, "from the description (the record has no structured data)"))
    if not out:
        out.append({"parsed": False, "source": "description", "text": description.strip()[:500]})
        rec.ranges.append(("text", description.strip()[:120], "no structured data and no release list"))
    elif re.search(r"\bon [A-Z]{2,4}\w*(?:/\w+)* series\b", description):
        rec.notes.append("the description limits some ranges to platforms; the ranges apply to every platform listed")
    return out


def _compile(d: dict[str, Any], evolved: bool) -> Range | None:
    if d.get("parsed") is False:
        return None
    try:
        fixed = tuple(sorted((release_or_train_start(f, evolved=False) for f in d.get("fixed", ())),
                             key=lambda r: r.sort_key))
        return Range(status=d.get("status", "affected"),
                     introduced=release_or_train_start(d["introduced"], False) if d.get("introduced") else None,
                     fixed=fixed,
                     last_affected=parse_release(d["last_affected"]) if d.get("last_affected") else None,
                     train=d.get("train"), text=d.get("text", ""), source=d.get("source", "versions"))
    except ReleaseError:
        return None


# ---------------------------------------------------------------------------------------------- solutions

def _fill_from_solutions(blocks: list[_Block], texts: list[str], rec: RecordSummary) -> None:
    read = solutions.read_solutions([t for t in texts if t])
    if read.respins:
        rec.notes.append(f"solutions name respins: {', '.join(read.respins)}")
    by_product: dict[str, list[tuple[JunosRelease, _Block | None, bool]]] = {}
    for section in read.sections:
        for text in section.releases:
            target = _target(section.name, text, blocks)
            if target is None:
                continue
            product, block = target
            try:
                rel = parse_release(text)
                if product == "junos-evolved" and not rel.evolved:
                    rel = parse_release(text + "-EVO")
            except ReleaseError:
                rec.disagreements.append(f"solutions: {text!r} is not a release")
                continue
            if not versions.plausible(rel):
                rec.disagreements.append(f"solutions: implausible release {text!r} (typo?), not used")
                continue
            by_product.setdefault(product, []).append((rel, block, text in section.pending))
    for product, fixes in by_product.items():
        _fill_product(product, [b for b in blocks if b.product == product], fixes, rec)


def _target(section: str, text: str, blocks: list[_Block]) -> tuple[str, _Block | None] | None:
    """Which product (and, for a platform section such as "NFX Series", which block) a solutions release is for."""
    evo = text.upper().endswith("-EVO")
    products = {b.product for b in blocks}
    if section.lower().startswith("junos os evolved") or evo:
        product = "junos-evolved"
    elif section.lower().startswith("junos"):
        product = "junos"
    else:
        product = "junos" if "junos" in products or "junos-evolved" not in products else "junos-evolved"
        for block in blocks:
            if block.product == product and any(p.lower() == section.lower() for p in block.platforms):
                return product, block
    if product not in products:
        return None
    return product, None


def _fill_product(product: str, blocks: list[_Block], fixes: list[tuple[JunosRelease, _Block | None, bool]],
                  rec: RecordSummary) -> None:
    parsed = [(b, r) for b in blocks for r in b.parsed if r.source in ("versions", "changes", "description")]
    named = {f.text for f, _, _ in fixes}
    for rel, target, _pending in fixes:
        pool = [r for b, r in parsed if target is None or b is target]
        if any(r.status == "unaffected" and r.contains(rel) for r in pool):
            continue
        hit = next((r for r in pool if r.status == "affected" and r.contains(rel)), None)
        if hit is not None:
            rec.disagreements.append(f"solutions name {rel} as fixed; versions[] says it is affected "
                                     f"({hit.text or hit.describe()})")
    unnamed = dict.fromkeys(f.text for _b, rng in parsed if rng.status == "affected" for f in rng.fixed
                            if f.maint is not None and f.text not in named)
    rec.disagreements.extend(f"versions[] names {f} as fixed; solutions[] does not" for f in unnamed)
    by_train: dict[tuple[str, int], list[JunosRelease]] = {}
    for rel, target, _pending in fixes:
        covered = any(r.status == "affected" and r.touches_train(rel.train)
                      for b, r in parsed if target is None or b is target)
        if covered:
            continue
        by_train.setdefault((rel.train, id(target) if target is not None else 0), []).append(rel)
    for (train, target_id), rels in by_train.items():
        if first_of_train(min(rels, key=lambda r: r.sort_key)):
            continue  # the lowest fix listed is the train's first release: the whole train is fixed
        target = next((t for r, t, _ in fixes if r.train == train and id(t) == target_id), None)
        unread = [b for b in blocks if any(d.get("parsed") is False and d.get("train") == train
                                           for d in b.out["ranges"])]
        block = target or (unread[0] if len(unread) == 1 else None) or _general_block(blocks)
        if block is None:
            rec.disagreements.append(f"solutions name fixes in {train} but several platform-specific blocks could "
                                     "take them: not filled")
            continue
        fixed = [r.text for r in sorted(set(rels), key=lambda r: r.sort_key)]
        text = f"solutions: {train} fixed in {', '.join(fixed)}"
        rng: dict[str, Any] = {"train": train, "fixed": fixed, "source": "solutions", "text": text}
        replaced = [d for d in block.out["ranges"] if d.get("parsed") is False and d.get("train") == train]
        for d in replaced:
            block.out["ranges"].remove(d)
            rng["note"] = f"replaces the unreadable versions[] entry {d['text']!r}"
            _mark_replaced(rec, d["text"])
        block.out["ranges"].append(rng)
        rec.filled.append(text)


def first_of_train(rel: JunosRelease) -> bool:
    """Whether ``rel`` is its train's first release (21.4R1, 15.1F1): nothing of the train was released before it.
    When solutions[] names it beside later fixes of the same train ("22.2R1, 22.2R2"), the lowest one, R1, is the
    train's first fix, so no release of the train is affected."""
    return rel.kind in ("R", "F") and rel.maint == 1 and rel.service == 0


def _general_block(blocks: list[_Block]) -> _Block | None:
    if len(blocks) == 1:
        return blocks[0]
    general = [b for b in blocks if not b.platforms]
    return general[0] if len(general) == 1 else None


def _mark_replaced(rec: RecordSummary, text: str) -> None:
    for i, (status, t, detail) in enumerate(rec.ranges):
        if status == "text" and t == text:
            rec.ranges[i] = ("replaced", t, f"{detail}; replaced by the fix solutions[] names for its train")


# ---------------------------------------------------------------------------------------------- metadata

def _advisory(cna: dict[str, Any]) -> str | None:
    source = cna.get("source") or {}
    if source.get("advisory"):
        return str(source["advisory"])
    for ref in cna.get("references") or ():
        m = _JSA.search(str(ref.get("url", "")))
        if m:
            return m.group(0)
    return None


def _cvss(cna: dict[str, Any], adp: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    containers = [("cna", cna), *((str((a.get("providerMetadata") or {}).get("shortName", "adp")), a) for a in adp)]
    for source, container in containers:
        for metric in container.get("metrics") or ():
            for key, value in metric.items():
                if not key.startswith("cvssV") or not isinstance(value, dict) or "baseScore" not in value:
                    continue
                out.append({"version": str(value.get("version") or key[5:].replace("_", ".")),
                            "score": float(value["baseScore"]), "severity": value.get("baseSeverity"),
                            "vector": value.get("vectorString"), "source": source})
    return out


def _severity(cvss: list[dict[str, Any]]) -> str:
    """The CNA's CVSS 3.1 base severity, else its 4.0, else its 3.0, else an ADP's; "unknown" without any."""
    def pick(source_cna: bool, version: str) -> str | None:
        for c in cvss:
            if (c["source"] == "cna") == source_cna and c["version"] == version and c.get("severity"):
                return str(c["severity"]).lower()
        return None

    for source_cna, version in ((True, "3.1"), (True, "4.0"), (True, "3.0"), (False, "3.1"), (False, "4.0")):
        found = pick(source_cna, version)
        if found in _SEVERITIES:
            return found
    return "unknown"


def _recommendation(blocks: list[_Block], workaround: bool) -> str:
    fixes: list[str] = []
    for b in blocks:
        for d in b.out.get("ranges", ()):
            if d.get("status", "affected") == "affected" and d.get("parsed", True):
                fixes.extend(f for f in d.get("fixed", ()) if any(c.isalpha() for c in f.split(".", 1)[-1]))
    text = ("Upgrade to a fixed release for the device's train (" + ", ".join(dict.fromkeys(fixes)) + ") or later"
            if fixes else "No fixed release is named for the affected trains: upgrade to an unaffected train")
    return text + ("; until then apply the workaround." if workaround else ".")


def _first_sentence(text: str) -> str:
    sentence = re.split(r"(?<=[.!?])\s", text.strip(), maxsplit=1)[0]
    return sentence[:200]


def _date(value: Any) -> str | None:
    return str(value)[:10] if value else None
