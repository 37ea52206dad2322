"""Shared helpers for the advisory tests: import real records (tests/data/advisories, see PROVENANCE.md there) and
match devices against them. Not a test module."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from analyzers.advisories.catalog import Catalog, Entry, validate
from analyzers.advisories.cve_import import RecordSummary, import_files, record_files
from analyzers.advisories.devices import Target
from analyzers.advisories.match import Matcher, Verdict
from analyzers.advisories.writer import dump_catalog
from msplus.yamlsource import loads_located

DATA = Path(__file__).parent / "data" / "advisories"
RECORDS = DATA / "juniper-cve"


@cache
def imported() -> tuple[Catalog, dict[str, RecordSummary], list[dict]]:  # type: ignore[type-arg]
    """Every real record, imported, written as YAML and read back through validation (as the CLI does)."""
    entries, summary = import_files(record_files([RECORDS]))
    text = dump_catalog(entries, name="test", description="test")
    data, locator = loads_located(text, "imported.yaml")
    return validate(data, locator), {r.id: r for r in summary.records}, entries


def entry(cve: str) -> Entry:
    return next(e for e in imported()[0].entries if e.id == cve)


def one(cve: str) -> Catalog:
    return Catalog((entry(cve),))


def verdict(cve: str, model: str, version: str, *, config: Path | None = None, family: str | None = None,
            routing_engines: int | None = None) -> Verdict:
    """The verdict of one entry for one device (configuration not collected unless ``config`` is given)."""
    from analyzers.advisories.devices import digest

    target = Target(name="dut", model=model, version=version, evolved=version.upper().endswith("-EVO"),
                    family=family, routing_engines=routing_engines, config=config,
                    config_digest=digest(config) if config else None)
    assessment = Matcher(one(cve)).assess([target], include_unaffected=True)[0]
    return assessment.verdicts[0]
