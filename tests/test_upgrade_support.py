"""Upgrade recommendations that respect platform support, on the lab's real model/release pairs and the real CVE
catalog (catalogs/juniper-cve.yaml, imported from Juniper's records): what each device is told to run, the path
when one hop is not allowed, and what is said when support is unknown or over.

The platform facts come from catalogs/platform-support.yaml (each with its source); the review dates below are
chosen around the dates that file records (EX4200 hardware end of support 2024-06-30, 22.4 end of support
2026-06-22, 15.1 on the EX4200 until 2021-05-01).
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from itertools import pairwise
from pathlib import Path

import pytest
from advisory_helpers import entry

from analyzers.advisories.catalog import Catalog, load_catalogs
from analyzers.advisories.devices import Target
from analyzers.advisories.match import Matcher
from analyzers.advisories.recommend import KnownReleases, Recommendation, Recommender
from analyzers.advisories.support import SupportError, base_train, load_support
from msplus.junos_release import parse_release

ROOT = Path(__file__).resolve().parents[1]
CVE = ROOT / "catalogs" / "juniper-cve.yaml"
REVIEW = date(2026, 12, 4)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalogs([CVE])


def recommend(catalog: Catalog, model: str, release: str, on: date = REVIEW, engines: int = 1) -> Recommendation:
    support = load_support()
    target = Target("dev", model, release, release.endswith("-EVO"), routing_engines=engines)
    assessment = Matcher(catalog).assess([target])[0]
    return Recommender(support, KnownReleases(catalog.entries), on).recommend(assessment, "full outage")


# ---------------------------------------------------------------------------------------------- the data

def test_every_platform_fact_names_a_source_with_an_address() -> None:
    support = load_support()
    assert support.sources and all(s.url.startswith("https://") for s in support.sources.values())
    for p in support.platforms:
        for fact in (p.first_release, p.last_train, p.hardware_end_of_support, *p.runs, *p.train_dates):
            assert fact == "unknown" or fact.source in support.sources, (p.id, fact)
    lab = {"vsrx", "vmx", "mx480", "mx960", "srx345", "ex4200-48t", "vqfx-10000", "ptx10008", "firefly-perimeter"}
    assert all(support.platform(m).model is not None for m in lab)  # the lab's models are all described
    assert support.train("23.4") is not None and support.train("23.4").end_of_support == date(2029, 6, 26)
    assert support.train("24.2") is None  # not in the dated table: unknown, never assumed


def test_a_broken_support_file_is_refused_with_file_and_line(tmp_path: Path) -> None:
    text = (ROOT / "catalogs" / "platform-support.yaml").read_text()
    broken = tmp_path / "support.yaml"
    broken.write_text(text.replace("source: sample-ex4200}", "source: no-such-source}", 1))
    with pytest.raises(SupportError) as err:
        load_support(broken)
    assert str(broken) in str(err.value) and "unknown source 'no-such-source'" in str(err.value)
    line = err.value.problems[0].line
    assert line is not None and "no-such-source" in broken.read_text().splitlines()[line - 1]


def test_the_hop_rule_three_releases_or_two_eeol_releases() -> None:
    support = load_support()
    assert support.hop_allowed("21.1", "21.4")  # 21.2, 21.3, 21.4: three releases ahead
    assert not support.hop_allowed("21.1", "22.1")  # four
    assert support.hop_allowed("20.4", "21.4")  # EEOL 20.4 -> 21.2 -> 21.4: the second EEOL release after it
    assert not support.hop_allowed("20.4", "22.2")  # the third
    assert support.hop_allowed("15.1F", "17.1") and base_train("15.1X49") == "15.1"
    path = support.path("15.1F", "23.4")
    assert path is not None and path[-1] == "23.4"
    assert all(support.hop_allowed(a, b) for a, b in pairwise(["15.1F", *path]))


# ---------------------------------------------------------------------------------------------- done when

def test_an_ex4200_is_never_sent_past_its_last_supported_train(catalog: Catalog) -> None:
    rec = recommend(catalog, "ex4200-48t", "13.3R2.2")  # the lab's EX4200 virtual chassis
    assert rec.action == "replace_hardware" and rec.recommended_release is None and rec.path == ()
    assert "2024-06-30" in rec.basis[0] and "Replace the hardware" in rec.basis[0]
    # whatever the review date, a release recommended to an EX4200 is in a train no later than 15.1
    for on in (date(2019, 1, 10), date(2020, 6, 1), date(2021, 3, 1), date(2022, 1, 1), REVIEW):
        rec = recommend(catalog, "ex4200-48t", "13.3R2.2", on)
        for hop in rec.path:
            assert parse_release(hop.release).train_key <= parse_release("15.1R1").train_key, (on, hop)
        if on < date(2021, 5, 1):  # 15.1 still supported on the EX4200 (extended): an upgrade to it
            assert rec.action == "upgrade" and rec.path[-1].train == "15.1", (on, rec.basis)
        else:
            assert rec.action == "replace_hardware", (on, rec.basis)


def test_a_firefly_perimeter_is_not_told_to_load_a_vsrx_release(catalog: Catalog) -> None:
    rec = recommend(catalog, "firefly-perimeter", "12.1X46-D15.3")  # the lab's Firefly Perimeter
    assert rec.matched  # real advisories match it
    assert rec.action == "verify_support" and rec.recommended_release is None and rec.path == ()
    assert any("vSRX is a different product" in b for b in rec.basis)
    assert "12.1X46" in rec.basis[0] and "not in the platform data" in rec.basis[0]


def test_an_mx_on_15_1f_gets_a_path_of_allowed_hops(catalog: Catalog) -> None:
    support = load_support()
    rec = recommend(catalog, "mx480", "15.1F5.15-C1.12", engines=2)  # the lab's dual-RE MX480
    assert rec.action == "upgrade" and rec.recommended_release == rec.path[-1].release
    trains = ["15.1F", *(h.train for h in rec.path)]
    assert len(rec.path) > 1
    assert all(support.hop_allowed(a, b) for a, b in pairwise(trains)), trains
    target = rec.path[-1].train
    eos = support.end_of_support(support.platform("mx480").model, target)
    assert eos is not None and eos.date >= REVIEW  # a train still supported on the review date
    assert all(h.downtime == "full outage" for h in rec.path)  # one upgrade's downtime per hop
    assert rec.minimal_fix is not None and parse_release(rec.minimal_fix).train == "15.1F"
    assert any("at most 3 releases ahead" in b and "topic-79306" in b for b in rec.basis)
    catalog_releases = {f.text for e in catalog.entries for b in e.blocks for f in b.fixed_points()}
    assert all(h.release in catalog_releases for h in rec.path)  # real releases only


def test_a_clean_device_gets_no_action() -> None:
    ids = ("CVE-2024-47496", "CVE-2024-47493", "CVE-2023-36848")
    catalog = Catalog(tuple(entry(i) for i in ids))
    rec = recommend(catalog, "mx960", "23.4R2-S3")
    assert rec.matched == () and rec.action == "no_action" and rec.recommended_release is None
    rec = recommend(catalog, "mx960", "21.4R3-S3")  # the same entries match an older release of that train
    assert rec.action == "upgrade" and rec.recommended_release is not None


def test_the_review_date_decides_which_trains_are_supported(catalog: Catalog) -> None:
    support = load_support()
    early = recommend(catalog, "mx960", "22.4R3-S2.3", date(2026, 6, 1))
    late = recommend(catalog, "mx960", "22.4R3-S2.3", date(2026, 12, 4))
    assert early.action == late.action == "upgrade"
    assert early.path[-1].train == "22.4"  # 22.4 supported until 2026-06-22: its own train
    assert late.path[-1].train in ("23.2", "23.4")  # after: the next supported train the MX960 runs
    assert any("22.4 reached end of support on 2026-06-22" in b for b in late.basis)
    assert support.end_of_support(None, "22.4").date == date(2026, 6, 22)


def test_unknown_support_is_said_never_guessed(catalog: Catalog) -> None:
    unknown = recommend(catalog, "acme-router-9", "21.4R3-S3")
    assert unknown.action == "verify_support" and unknown.recommended_release is None
    assert "acme-router-9 is not in the platform support data" in unknown.basis[0]
    series = recommend(catalog, "mx204", "21.4R3-S3")  # an MX known only through its series
    assert series.action == "verify_support" and series.recommended_release is None
    assert any("confirm that mx204 runs" in b for b in series.basis)
    evolved = recommend(catalog, "ptx10008", "21.4R3-S3.4-EVO", engines=2)  # the lab's PTX
    assert evolved.action == "verify_support" and "Junos OS Evolved trains are not in the platform data" in \
        evolved.basis[0]


# ---------------------------------------------------------------------------------------------- the command

def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "run_assessment.py"), "catalog", "match", *args],
                          capture_output=True, text=True, check=False, cwd=ROOT)


def test_lab_devices_csv_json_and_jsonl_agree_and_a_bad_release_is_one_devices_problem(tmp_path: Path) -> None:
    csv = tmp_path / "lab.csv"
    csv.write_text("name,model,version\n"
                   "sg-core-1,mx480,15.1F5.15-C1.12\n"
                   "sg-core-2,mx960,19.4R3.11\n"
                   "sg-acc-1,ex4200-48t,13.3R2.2\n"
                   "sg-fw-2,firefly-perimeter,12.1X46-D15.3\n"
                   "sg-odd,mx960,19.4R3 S1\n")
    proc = run("--catalog", str(CVE), "--devices", str(csv), "--format", "json", "--date", "2026-12-04")
    assert proc.returncode == 0, proc.stderr
    assert f"warning: {csv}:6: version: not a Junos release: '19.4R3 S1'" in proc.stderr
    out = json.loads(proc.stdout)
    upgrades = {u["device"]: u for u in out["upgrades"]}
    assert {d: u["action"] for d, u in upgrades.items()} == {
        "sg-core-1": "upgrade", "sg-core-2": "upgrade", "sg-acc-1": "replace_hardware",
        "sg-fw-2": "verify_support", "sg-odd": "verify_support"}
    assert "could not be read" in upgrades["sg-odd"]["basis"][0] and str(tmp_path) not in upgrades["sg-odd"]["basis"][0]
    assert not any(r["device"] == "sg-odd" for r in out["matches"])  # nothing matched on an unreadable release
    for r in out["matches"]:
        own = parse_release(r["release"]).train
        trains = [parse_release(f).train for f in r["fixed_in"]]
        if own in trains:
            assert trains[0] == own, r  # the fix of the device's own train first
        assert r["recommended_release"] == upgrades[r["device"]]["recommended_release"]
    lines = run("--catalog", str(CVE), "--devices", str(csv), "--format", "jsonl", "--date", "2026-12-04")
    records = [json.loads(line) for line in lines.stdout.splitlines()]
    by_kind: dict[str, list[dict[str, object]]] = {}
    for rec in records:
        by_kind.setdefault(str(rec.pop("record")), []).append(rec)
    assert by_kind["match"] == out["matches"] and by_kind["upgrade"] == out["upgrades"]
    assert by_kind["entry"] == out["entries"]


def test_output_grows_with_the_rows_not_with_rows_times_trains(tmp_path: Path) -> None:
    sizes = {}
    for count in (20, 200):
        csv = tmp_path / f"d{count}.csv"
        csv.write_text("name,model,version\n" + "".join(
            f"r{i:04d},{('mx960', 'mx480', 'ex4200-48t', 'srx345')[i % 4]},"
            f"{('19.4R3.11', '15.1F6-S10', '13.3R2.2', '18.2R3-S1')[i % 4]}\n" for i in range(count)))
        proc = run("--catalog", str(CVE), "--devices", str(csv), "--format", "json", "--date", "2026-12-04")
        assert proc.returncode == 0, proc.stderr
        out = json.loads(proc.stdout)
        assert len(out["upgrades"]) == count
        sizes[count] = (len(proc.stdout), len(out["matches"]))
    (small, small_rows), (big, big_rows) = sizes[20], sizes[200]
    assert big_rows == 10 * small_rows
    assert 9.0 < big / small < 10.5  # linear in rows (the fixed part is the entries listed once)


def test_a_cached_catalog_is_the_same_catalog_and_a_corrupt_cache_is_ignored(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from analyzers.advisories.catalog import load_catalog

    monkeypatch.setenv("ASSESS_CACHE", str(tmp_path / "cache"))
    first = load_catalog(CVE)  # read from YAML, stored
    stored = list((tmp_path / "cache").glob("catalog-*.json"))
    assert len(stored) == 1
    second = load_catalog(CVE)  # from the cache
    assert [e.id for e in second.entries] == [e.id for e in first.entries]
    assert second.entries[10].blocks == first.entries[10].blocks
    stored[0].write_text("{ not json")
    third = load_catalog(CVE)  # unusable cache: read again, never an error
    assert [e.id for e in third.entries] == [e.id for e in first.entries]
