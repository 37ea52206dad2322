"""Issue 14: ``catalog import-cve`` with hostile records (a missing cveId, ``cna`` as a list, descriptions as
strings, a numeric title, JSON nested 100,000 deep, a 5,000-digit release) refuses the import with one line per
problem naming the file and field, and never replaces a good catalog; ``catalog validate`` prints a problem once."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hostile_helpers import ROOT, assert_clean_failure, run_cli

from analyzers.advisories.cve_import import CveImportError, import_files

RECORDS = ROOT / "tests" / "data" / "advisories" / "juniper-cve"
SAMPLE = RECORDS / "CVE-2016-1263.json"


def _record() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SAMPLE.read_text(encoding="utf-8"))
    return data


def _without_id(r: dict[str, Any]) -> None:
    del r["cveMetadata"]["cveId"]


def _cna_list(r: dict[str, Any]) -> None:
    r["containers"]["cna"] = [r["containers"]["cna"]]


def _descriptions_strings(r: dict[str, Any]) -> None:
    r["containers"]["cna"]["descriptions"] = ["a description as a bare string"]


def _numeric_title(r: dict[str, Any]) -> None:
    r["containers"]["cna"]["title"] = 42


def _huge_release(r: dict[str, Any]) -> None:
    r["containers"]["cna"]["affected"][0]["versions"][0]["lessThan"] = "12.1X46-D" + "9" * 5000


HOSTILE: dict[str, tuple[Callable[[dict[str, Any]], None], str]] = {
    "missing cveId": (_without_id, "cveMetadata.cveId: required key is missing"),
    "cna as a list": (_cna_list, "containers.cna: expected a JSON object"),
    "descriptions as strings": (_descriptions_strings, "containers.cna.descriptions[0]: expected a JSON object"),
    "numeric title": (_numeric_title, "containers.cna.title: expected a string"),
}


@pytest.fixture
def good_catalog(tmp_path: Path) -> Path:
    """A catalog imported from three real records: what a refused import must leave exactly as it was."""
    out = tmp_path / "catalog.yaml"
    sources = tmp_path / "good"
    sources.mkdir()
    for name in sorted(p.name for p in RECORDS.glob("*.json"))[:3]:
        shutil.copy(RECORDS / name, sources / name)
    proc = run_cli("catalog", "import-cve", sources, "--out", out)
    assert proc.returncode == 0, proc.stderr
    return out


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_record_is_refused_and_the_catalog_kept(good_catalog: Path, tmp_path: Path, case: str) -> None:
    mutate, problem = HOSTILE[case]
    record = _record()
    mutate(record)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(record), encoding="utf-8")
    before, listing = good_catalog.read_bytes(), _files(good_catalog.parent)
    proc = run_cli("catalog", "import-cve", bad, "--out", good_catalog)
    assert_clean_failure(proc, 2, f"{bad}: {problem}")
    assert good_catalog.read_bytes() == before
    assert _files(good_catalog.parent) == listing  # no temporary file left behind


def test_deep_json_is_refused_with_its_place(good_catalog: Path, tmp_path: Path) -> None:
    bad = tmp_path / "deep.json"
    bad.write_text('{"dataType": "CVE_RECORD", "containers": ' + "[" * 100_000 + "]" * 100_000 + "}",
                   encoding="utf-8")
    before = good_catalog.read_bytes()
    proc = run_cli("catalog", "import-cve", bad, "--out", good_catalog)
    assert_clean_failure(proc, 2, f"{bad}:1:", "nested deeper than 64 levels")
    assert good_catalog.read_bytes() == before


def test_huge_release_is_unreadable_and_replaced_not_a_traceback(tmp_path: Path) -> None:
    record = json.loads((RECORDS / "CVE-2018-0001.json").read_text(encoding="utf-8"))
    _huge_release(record)
    src = tmp_path / "huge.json"
    src.write_text(json.dumps(record), encoding="utf-8")
    proc = run_cli("catalog", "import-cve", src, "--out", tmp_path / "out.yaml")
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    assert "range kept as replaced" in proc.stdout and "12.1X46 fixed in 12.1X46-D67" in proc.stdout
    assert run_cli("catalog", "validate", tmp_path / "out.yaml").returncode == 0


def test_every_bad_record_is_listed_and_good_ones_do_not_hide_them(tmp_path: Path) -> None:
    files = []
    for case, (mutate, _) in sorted(HOSTILE.items()):
        record = _record()
        mutate(record)
        path = tmp_path / f"{case.replace(' ', '-')}.json"
        path.write_text(json.dumps(record), encoding="utf-8")
        files.append(path)
    with pytest.raises(CveImportError) as err:
        import_files([SAMPLE, *files])
    assert sorted({p.path for p in err.value.problems}) == sorted(str(f) for f in files)


def test_catalog_validate_prints_each_problem_once(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("schema_version: 1\nname: x\nentries:\n  - {id: X-1, kind: nonsense}\n", encoding="utf-8")
    proc = run_cli("catalog", "validate", broken)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 3 and len(set(lines)) == 3, proc.stderr  # kind, title, affects: each once
    assert all(line.startswith(f"error: {broken}:4:") for line in lines) and "more)" not in proc.stderr
