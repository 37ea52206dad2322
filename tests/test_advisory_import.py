"""The CVE importer on every real record (tests/data/advisories/juniper-cve, see PROVENANCE.md): the summary accounts
for every range and condition, every listed fixed release is not_affected, the release just below it (in its
range) is affected or - where a condition cannot be checked - indeterminate, models outside the platforms are
not_affected, and the shipped catalogs/juniper-cve.yaml is what the importer makes of these records."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from advisory_helpers import RECORDS, imported

from analyzers.advisories.catalog import Block, Catalog, Entry
from analyzers.advisories.devices import Target
from analyzers.advisories.match import Matcher
from msplus.junos_release import JunosRelease, parse_release

ROOT = Path(__file__).resolve().parent.parent
# Real models to stand for a block's platforms (the first one a platform rule covers is used).
MODELS = ["mx960", "mx480", "mx240", "mx304", "mx150", "qfx5120-48y", "qfx10002-36q", "qfx5100-48s", "qfx5200-32c",
          "qfx5110-48s", "qfx3500", "qfx3600", "qfx3000-g", "ex4300-48t", "ex4300-48mp", "ex4600-40f", "ex2300-24t",
          "ex3400-24t", "ex4100-48p", "ex4400-48t", "ex9204", "ex9200", "ex4650-48y", "ex2200-24t", "ex3200-24t",
          "ex3300-24t", "ex4200-48t", "ex4550-32f", "ex6210", "ex8208", "srx1500", "srx345", "srx4600", "srx5800",
          "srx380", "srx100", "srx650", "vsrx", "ptx10001-36mr", "ptx10003-80c", "ptx10008", "ptx10004", "ptx10016",
          "ptx1000", "acx7100-48l", "acx5448", "acx710", "nfx250", "nfx150", "nfx350", "crpd"]
# CVE-2023-4481 contradicts itself: {version: "21.1R1", lessThanOrEqual: "21.*"} makes every 21.x release affected,
# while other entries of the same record end at 21.2R3-S5, 21.3R3-S5, 21.4R3-S5 (changes[]) and 21.4R3-S7. The
# structured data is authoritative, so these fixes stay affected - and the summary says so.
CONTRADICTED = {("CVE-2023-4481", "21.2R3-S5"), ("CVE-2023-4481", "21.3R3-S5"), ("CVE-2023-4481", "21.4R3-S5"),
                ("CVE-2023-4481", "21.4R3-S7")}


def _records() -> dict[str, dict]:  # type: ignore[type-arg]
    return {json.loads(p.read_text())["cveMetadata"]["cveId"]: json.loads(p.read_text())
            for p in sorted(RECORDS.glob("*.json"))}


def test_every_record_is_imported_and_accounted_for() -> None:
    catalog, summaries, _ = imported()
    records = _records()
    assert len(records) == 157
    assert sorted(e.id for e in catalog.entries) == sorted(records)
    for cve, record in records.items():
        cna = record["containers"]["cna"]
        rec = summaries[cve]
        items = [v for a in cna.get("affected", ()) for v in a.get("versions", ())]
        structured = [v for v in items if str(v.get("version", "")).lower() != "n/a"]
        if structured:  # one account per versions[] entry
            assert len(rec.ranges) == len(structured), cve
        else:  # no structured data: what the description gives, or the description kept as text
            assert rec.ranges, cve
        assert {s for s, _, _ in rec.ranges} <= {"parsed", "text", "replaced", "other_product"}, cve
        assert all(detail for s, _, detail in rec.ranges if s != "parsed"), cve
        if cna.get("configurations"):
            assert rec.conditions, cve
            assert {s for s, _, _ in rec.conditions} <= {"parsed", "text", "hardware", "not_gating"}, cve


def test_summary_totals_and_what_was_kept_as_text() -> None:
    _, summaries, _ = imported()
    kept = {(cve, text) for cve, rec in summaries.items() for s, text, _ in rec.ranges if s == "text"}
    assert kept == {("CVE-2018-0026", "15.1X8 < 15.1X8.3"), ("CVE-2023-28985", "unspecified < SigPack 3598")}
    replaced = [(cve, t) for cve, rec in summaries.items() for s, t, _ in rec.ranges if s == "replaced"]
    assert replaced == [("CVE-2021-0211", "15.1X49 < 15.1X490-D240")]
    assert "solutions: 15.1X49 fixed in 15.1X49-D240" in summaries["CVE-2021-0211"].filled
    others = {cve for cve, rec in summaries.items() for s, _, _ in rec.ranges if s == "other_product"}
    assert others == {"CVE-2024-2973", "CVE-2024-30381", "CVE-2024-39563"}


def test_disagreements_between_versions_and_solutions_are_listed() -> None:
    _, summaries, _ = imported()
    dis = {cve: rec.disagreements for cve, rec in summaries.items()}
    # solutions name "22.1R3-J1" beside 22.1R3-S2; versions[] says {22.1 < 22.1R3-S2}
    assert any("22.1R3-J1" in d and "affected" in d for d in dis["CVE-2024-39545"])
    # solutions name "5.1X53-D235" (a typo for 15.1X53-D235): not used, and said so
    assert any("5.1X53-D235" in d and "typo" in d for d in dis["CVE-2018-0049"])
    for cve, release in CONTRADICTED:  # versions[] against itself
        assert any(f"versions[] names {release} as fixed but" in d for d in dis[cve]), release


def test_shipped_catalog_is_what_the_importer_makes() -> None:
    _, _, entries = imported()
    shipped = yaml.safe_load((ROOT / "catalogs" / "juniper-cve.yaml").read_text(encoding="utf-8"))
    assert shipped["schema_version"] == 1
    assert json.loads(json.dumps(shipped["entries"], default=str)) == json.loads(json.dumps(entries, default=str))


# ---------------------------------------------------------------------------------------------- verdicts

def _model(block: Block) -> str | None:
    if not block.platforms:
        return "mx960" if block.product == "junos" else "ptx10008"
    return next((m for m in MODELS if any(p.match(m, None) for p in block.platforms)), None)


def _below(f: JunosRelease) -> JunosRelease | None:
    """The release just below a fix on its line: one build, one D number, one service release, or the previous
    maintenance release."""
    text, evo = f.text.removesuffix("-EVO"), "-EVO" if f.evolved else ""
    if f.build:
        return parse_release(f"{text.rsplit('.', 1)[0]}.{f.build - 1}{evo}")
    if f.kind == "D" and f.maint and f.maint > 1:
        return parse_release(text.replace(f"-D{f.maint}", f"-D{f.maint - 1}") + evo)
    if f.service:
        return parse_release(text.replace(f"-S{f.service}", f"-S{f.service - 1}" if f.service > 1 else "") + evo)
    if f.kind in ("R", "F") and f.maint and f.maint > 1:
        return parse_release(text.replace(f"{f.kind}{f.maint}", f"{f.kind}{f.maint - 1}") + evo)
    return None


def _verdict(matcher: Matcher, model: str, release: JunosRelease) -> tuple[str, tuple[str, ...]]:
    v = matcher.assess([Target("dut", model, release.text, release.evolved)], include_unaffected=True)[0].verdicts[0]
    return v.verdict, v.evidence


def _cases() -> list[tuple[Entry, Block, str]]:
    catalog = imported()[0]
    out = []
    for e in catalog.entries:
        for b in e.blocks:
            model = _model(b) if b.product != "other" else None
            if model is not None and any(r.fixed for r in b.ranges):
                out.append((e, b, model))
    return out


def test_fixed_releases_are_not_affected_and_just_below_is_affected() -> None:
    fixes_checked = below_checked = 0
    failures = []
    for entry, block, model in _cases():
        matcher = Matcher(Catalog((entry,)))
        hardware = any(p.hardware or p.components for p in block.platforms)
        for rng in block.ranges:
            if rng.status != "affected":
                continue
            for f in rng.fixed:
                if f.maint is None:
                    continue
                fixes_checked += 1
                verdict, evidence = _verdict(matcher, model, f)
                if verdict != "not_affected" and (entry.id, f.text) not in CONTRADICTED:
                    failures.append((entry.id, f.text, verdict, evidence[:1]))
                low = _below(f)
                if low is None or not rng.contains(low):
                    continue
                below_checked += 1
                verdict, evidence = _verdict(matcher, model, low)
                checkable = entry.conditions is None and not hardware
                expected = {"affected"} if checkable else {"affected", "indeterminate"}
                if verdict not in expected:
                    failures.append((entry.id, low.text, verdict, evidence[:2]))
    assert not failures
    assert fixes_checked > 1500 and below_checked > 1500  # every record with ranges, not a sample


def test_models_outside_the_platforms_are_not_affected() -> None:
    checked = 0
    for entry, block, _model_in in _cases():
        same = [b for b in entry.blocks if b.product == block.product]
        if any(not b.platforms for b in same):
            continue  # some block of this product covers every platform
        outside = next((m for m in MODELS if not any(p.match(m, None) for b in same for p in b.platforms)), None)
        assert outside is not None, entry.id
        fix = next((f for r in block.ranges if r.status == "affected" for f in r.fixed if f.maint is not None), None)
        if fix is None:
            continue
        inside = _below(fix) or fix
        verdict, evidence = _verdict(Matcher(Catalog((entry,))), outside, inside)
        assert verdict == "not_affected", (entry.id, outside, inside.text, evidence)
        assert any(e.startswith(f"platform: model {outside} is not among") for e in evidence), evidence
        checked += 1
    assert checked > 60


@pytest.mark.parametrize(("cve", "model", "release", "platform_text"), [
    ("CVE-2023-36835", "qfx5120-48y", "21.4R2", "QFX10000 Series"),   # QFX10000 only
    ("CVE-2023-44203", "mx960", "21.4R3", "QFX5000 Series"),          # QFX5000, EX2300, ...
    ("CVE-2022-22192", "ptx10003-80c", "21.4R2-EVO", "PTX10004"),     # PTX10004/8/16, Evolved
    ("CVE-2024-30387", "acx7100-48l", "22.1R3", "ACX5448"),
])
def test_platform_evidence_names_the_rule(cve: str, model: str, release: str, platform_text: str) -> None:
    from advisory_helpers import verdict

    got = verdict(cve, model, release)
    assert got.verdict == "not_affected"
    assert any(e.startswith(f"platform: model {model} is not among") and platform_text in e for e in got.evidence)
