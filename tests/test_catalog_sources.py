"""Provenance of a review's data files (analyzers.services.sources.describe): name and version come from the
file's own header only, never from a key of the same name inside its entries."""

from __future__ import annotations

from pathlib import Path

from analyzers.services.sources import describe
from msplus import shipped


def test_the_shipped_cve_catalog_is_described_by_its_header() -> None:
    source = describe(shipped.CATALOGS / "juniper-cve.yaml", "advisories", 157)
    assert source.name == "Juniper security advisories (CVE)"
    assert source.version is not None and source.version.startswith("schema 1, generated 20")
    assert source.path == "juniper-cve.yaml" and len(source.sha256) == 64


def test_only_top_level_keys_count(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text("entries:\n- {id: r1, name: not the file's name, schema_version: 9}\n"
                    "schema_version: 2\nname: ~\ndescription: Site rules\ngenerated: {at: '2026-12-01', by: [me]}\n",
                    encoding="utf-8")
    source = describe(path, "rules")
    assert (source.name, source.version) == ("Site rules", "schema 2, generated 2026-12-01")  # name: ~ is no name


def test_a_file_that_is_not_yaml_has_no_name(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("name: [unclosed\n", encoding="utf-8")
    assert (describe(path, "rules").name, describe(path, "rules").version) == (None, None)
