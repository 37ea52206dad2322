"""The PBN interchange format: the shipped sample (real public defects, marked as a sample), located errors for
each kind of mistake, and the period a PBNIR reviews."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from analyzers.advisories.pbn import PbnFeedError, load_feed, load_feeds

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "catalogs" / "pbn" / "sample-feed.json"
RECORDS = ROOT / "tests" / "data" / "advisories" / "juniper-cve"


def test_the_sample_is_marked_and_every_defect_is_a_real_public_record() -> None:
    feed = load_feed(SAMPLE)
    assert feed.sample and "SAMPLE" in feed.name
    assert [n.id for n in feed.notifications] == ["PBN-SAMPLE-2016-10", "PBN-SAMPLE-2017-07", "PBN-SAMPLE-2023-08"]
    records = {}
    for path in RECORDS.glob("*.json"):
        text = path.read_text(encoding="utf-8")
        records[path.stem] = text
    for n in feed.notifications:
        for entry in n.entries:
            pr = entry.model.problem_reports[0]
            jsa = entry.model.references[0].rsplit("/", 1)[-1]
            # the PR number and the advisory that names it are in one of the real records kept in tests/data
            assert any((f"PR {pr}" in t or f"PR{pr}" in t or f'"{pr}"' in t) and jsa in t for t in records.values())
            assert entry.kind == "bug_notification" and entry.id == f"{n.id}/PR{pr}"


def feed_with(tmp_path: Path, change: Any) -> Path:
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "feed.json"
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path


def line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


@pytest.mark.parametrize(("change", "marker", "message"), [
    (lambda d: d["notifications"][1]["defects"][0]["affected"][0].update(fixed=["12.1X46-Dx67"]),
     "12.1X46-Dx67", "not a Junos release"),
    (lambda d: d["notifications"][1]["defects"][0]["affected"][0].update(fixed=["12.3X48-D50"]),
     '"12.3X48-D50"', "is not in train 12.1X46"),
    (lambda d: d["notifications"][0].update(published="2016-13-01"), "2016-13-01", "date"),
    (lambda d: d["notifications"][2]["defects"][0].update(severty="high"), "severty", "unknown key"),
    (lambda d: d["notifications"][2].update(id="PBN-SAMPLE-2016-10"), '"id": "PBN-SAMPLE-2016-10"', "duplicate"),
    (lambda d: d["notifications"][0]["defects"][0].update(pr="PR-12"), '"PR-12"', "pattern"),
])
def test_mistakes_are_located(tmp_path: Path, change: Any, marker: str, message: str) -> None:
    path = feed_with(tmp_path, change)
    with pytest.raises(PbnFeedError) as caught:
        load_feed(path)
    text = str(caught.value)
    assert message in text
    lines = [line_of(path, marker)]
    if "duplicate" in message:  # the second occurrence is the duplicate
        lines = [i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if marker in line][1:]
    assert any(f"{path}:{n}:" in text for n in lines)


def test_not_json_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "feed.json"
    path.write_text('{"format": "msplus-pbn-feed",\n  "format_version": 1,\n  "notifications": [}\n',
                    encoding="utf-8")
    with pytest.raises(PbnFeedError) as caught:
        load_feeds([path])
    assert f"{path}:3:" in str(caught.value) and "not valid JSON" in str(caught.value)


def test_published_between_is_the_pbnir_period() -> None:
    feed = load_feed(SAMPLE)
    assert [n.id for n in feed.published_between(None, date(2017, 12, 31))] == ["PBN-SAMPLE-2016-10",
                                                                               "PBN-SAMPLE-2017-07"]
    assert [n.id for n in feed.published_between(date(2017, 7, 12), date(2026, 6, 1))] == ["PBN-SAMPLE-2023-08"]
    assert feed.published_between(date(2023, 8, 29), date(2026, 6, 1)) == ()


def test_catalog_validate_reads_feeds_and_hardware_notices(tmp_path: Path, capsys: Any) -> None:
    from app.cli import main

    notices = ROOT / "catalogs" / "hardware-notices.yaml"
    assert main(["catalog", "validate", str(SAMPLE), str(notices)]) == 0
    out = capsys.readouterr().out
    assert "PBN feed (sample): 3 notification(s), 3 defect(s)" in out and "4 hardware notice(s)" in out
    broken = feed_with(tmp_path, lambda d: d["notifications"][0]["period"].update(to="2016-08-01"))
    assert main(["catalog", "validate", str(broken)]) == 2
    err = capsys.readouterr().err
    where = line_of(broken, '"period"')
    assert "the period ends before it starts" in err and f"{broken}:{where}:" in err
