"""Catalog validation: the shipped catalogs validate; broken ones are refused with file, line, entry id and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzers.advisories.catalog import CatalogError, load_catalog, load_catalogs

ROOT = Path(__file__).resolve().parent.parent
GOOD = """\
schema_version: 1
entries:
- id: PR-1
  kind: problem_report
  title: a problem
  affects:
  - product: junos
    platforms: [MX Series]
    ranges:
    - {train: "21.4", fixed: [21.4R3-S5]}
- id: PR-2
  kind: bug_notification
  title: another
  affects:
  - product: junos-evolved
    ranges:
    - {fixed: [22.4R3-EVO]}
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "catalog.yaml"
    path.write_text(text)
    return path


def _problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(CatalogError) as info:
        load_catalog(_write(tmp_path, text))
    return [str(p) for p in info.value.problems]


def test_shipped_catalogs_validate_and_cover_the_three_kinds() -> None:
    catalog = load_catalogs([ROOT / "catalogs" / "juniper-cve.yaml", ROOT / "catalogs" / "juniper-pbn.yaml"])
    kinds = {e.kind for e in catalog.entries}
    assert kinds == {"security_advisory", "bug_notification", "problem_report"}
    assert len([e for e in catalog.entries if e.kind == "security_advisory"]) == 157


def test_good_catalog(tmp_path: Path) -> None:
    catalog = load_catalog(_write(tmp_path, GOOD))
    assert [e.id for e in catalog.entries] == ["PR-1", "PR-2"]
    assert str(catalog.entries[0].blocks[0].ranges[0].fixed[0]) == "21.4R3-S5"


def test_unknown_key(tmp_path: Path) -> None:
    problems = _problems(tmp_path, GOOD.replace("  title: another\n", "  title: another\n  severty: high\n"))
    assert problems == [f"{tmp_path / 'catalog.yaml'}:14:3: entries[1].severty: unknown key (entry PR-2)"]


def test_wrong_type(tmp_path: Path) -> None:
    problems = _problems(tmp_path, GOOD.replace("    platforms: [MX Series]", "    platforms: MX Series"))
    assert len(problems) == 1
    assert problems[0].startswith(f"{tmp_path / 'catalog.yaml'}:8:5: entries[0].affects[0].platforms: ")
    assert problems[0].endswith("(entry PR-1)")


def test_bad_release_string(tmp_path: Path) -> None:
    problems = _problems(tmp_path, GOOD.replace("fixed: [21.4R3-S5]", "fixed: [21.4R3 S5]"))
    assert problems == [f"{tmp_path / 'catalog.yaml'}:10:31: entries[0].affects[0].ranges[0].fixed[0]: not a "
                        "Junos release: '21.4R3 S5' (expected a form such as 21.4R3-S5.4, 15.1X49-D220 or "
                        "22.4R3-S2-EVO) (entry PR-1)"]


def test_release_of_the_wrong_product(tmp_path: Path) -> None:
    problems = _problems(tmp_path, GOOD.replace("fixed: [22.4R3-EVO]", "fixed: [22.4R3]"))
    assert problems == [f"{tmp_path / 'catalog.yaml'}:17:16: entries[1].affects[0].ranges[0].fixed[0]: '22.4R3' is "
                        "not a Junos OS Evolved release (-EVO), as the block's product says (entry PR-2)"]


@pytest.mark.parametrize(("text", "message"), [
    (GOOD.replace("schema_version: 1", "schema_version: 2"),
     ":1:1: schema_version: unsupported schema_version 2 (this tool reads 1)"),
    (GOOD.replace("schema_version: 1\n", ""), ":1:1: schema_version is missing (this tool reads 1)"),
])
def test_schema_version_is_checked_first(tmp_path: Path, text: str, message: str) -> None:
    # even with other problems in the file, the version is what is reported
    problems = _problems(tmp_path, text.replace("kind: problem_report", "kind: nonsense"))
    assert problems == [f"{tmp_path / 'catalog.yaml'}{message}"]


def test_every_problem_is_reported(tmp_path: Path) -> None:
    text = GOOD.replace("fixed: [21.4R3-S5]", "fixed: [21.4R3-S5, 22.1R3]").replace(
        "- id: PR-2", "- id: PR-1").replace("    - {fixed: [22.4R3-EVO]}", "    - {fixed: [22.4R3-EVO], train: '22.4'}")
    problems = _problems(tmp_path, text)
    assert any("entries[0].affects[0].ranges[0].fixed: fixed releases of one range must be in one train" in p
               for p in problems)
    assert any("entries[1].id: duplicate id (first at entries[0]) (entry PR-1)" in p for p in problems)


def test_duplicate_ids_across_catalogs(tmp_path: Path) -> None:
    a = tmp_path / "a.yaml"
    a.write_text(GOOD)
    b = tmp_path / "b.yaml"
    b.write_text(GOOD)
    with pytest.raises(CatalogError, match="entry PR-1 is also in"):
        load_catalogs([a, b])


def test_duplicate_keys_and_bad_conditions(tmp_path: Path) -> None:
    problems = _problems(tmp_path, GOOD.replace("  title: a problem\n", "  title: a problem\n  title: twice\n"))
    assert problems == [f"{tmp_path / 'catalog.yaml'}:6:3: entries[0].title: duplicate key 'title'"]
    text = GOOD + "  conditions:\n    items:\n    - {kind: hardware, fact: line-card}\n"
    problems = _problems(tmp_path, text)
    assert problems[0].endswith("entries[1].conditions.items[0].fact: unknown hardware fact 'line-card' (known: "
                                "dual_re, virtual_chassis, cluster, module) (entry PR-2)")
