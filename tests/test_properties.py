"""Property-based tests (Hypothesis) for the parsers that take hostile input: the release parser, the YAML loader
and the CVE importer. Each property holds for every generated input; the budget is bounded (``PROFILE``) so the
whole module runs in CI in well under a minute. fuzz/fuzz_parsers.py runs the same targets for as long as wanted."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import yaml
from hostile_strategies import mutated_records, release_like, releases, yaml_data
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzers.advisories.cve_import import CveImportError, import_files
from msplus.errors import InputError
from msplus.junos_release import JunosRelease, ReleaseError, parse_release
from msplus.yamlsource import loads_located

PROFILE = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# ---------------------------------------------------------------------------------------------- releases

@PROFILE
@given(releases())
def test_every_documented_shape_parses_and_keeps_its_text(text: str) -> None:
    release = parse_release(text)
    assert release.text == text
    assert release.evolved == text.endswith("-EVO")
    assert parse_release(release.base).train == release.train  # the base release is a release of the same train


@PROFILE
@given(release_like)
def test_anything_is_a_release_or_a_release_error(text: str) -> None:
    try:
        release = parse_release(text)
    except ReleaseError as exc:
        assert "not a Junos release" in str(exc) and len(str(exc)) < 300  # one short line, never the whole input
        return
    assert isinstance(release, JunosRelease) and len(release.text) <= 64


@PROFILE
@given(st.lists(releases(), min_size=2, max_size=8))
def test_order_is_total_within_junos_os_and_never_across_evolved(texts: list[str]) -> None:
    parsed = [parse_release(t) for t in texts]
    same = [r for r in parsed if not r.evolved]
    ordered = sorted(same)
    assert all(not b < a for a, b in itertools.pairwise(ordered))  # sorted stays sorted
    for a in same:
        for b in same:
            assert (a < b) + (b < a) + (a == b) == 1
    evolved = [r for r in parsed if r.evolved]
    for a in evolved:
        for b in same:
            try:
                _ = a < b
            except TypeError:
                continue
            raise AssertionError(f"{a} and {b} were ordered")


# ---------------------------------------------------------------------------------------------- YAML

@PROFILE
@given(yaml_data)
def test_yaml_round_trip_with_a_location_for_every_value(data: Any) -> None:
    # allow_unicode=False: PyYAML's dumper writes U+0085 raw, which YAML reads as a line break (a dumper quirk)
    text = yaml.safe_dump({"root": data}, sort_keys=False, allow_unicode=False)
    loaded, locator = loads_located(text, "generated.yaml")
    assert loaded == {"root": data}
    line, column = locator.where(("root",))
    assert line == 1 and column == 1


@PROFILE
@given(st.text(max_size=300))
def test_any_text_is_data_or_one_located_input_error(text: str) -> None:
    try:
        loads_located(text, "any.yaml")
    except InputError as exc:
        assert exc.path == "any.yaml" and "\n" not in exc.problem  # one line, with the file


@PROFILE
@given(st.integers(65, 3000), st.sampled_from(["[", "{a: ", "- "]))
def test_nesting_beyond_the_limit_is_refused_without_recursion(depth: int, opener: str) -> None:
    if opener == "- ":
        text = "".join("  " * i + "-\n" for i in range(depth)) + "  " * depth + "x\n"
    else:
        closer = "]" if opener == "[" else "}"
        text = opener * depth + "1" + closer * depth
    try:
        loads_located(text, "deep.yaml")
    except InputError as exc:
        assert exc.line is not None and ("nested deeper" in exc.problem or "invalid YAML" in exc.problem)
    else:
        raise AssertionError("a document nested deeper than the limit was accepted")


@PROFILE
@given(st.integers(2, 12), st.integers(2, 12))
def test_aliases_are_counted_expanded(width: int, levels: int) -> None:
    lines = ["l0: &l0 [" + ", ".join(["x"] * width) + "]"]
    lines += [f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * width) + "]" for i in range(1, levels)]
    size = 1 + width  # values in l0: the list and its items
    expanded = 0
    for _ in range(1, levels):  # each level uses the previous one `width` times
        expanded += width * size
        size = 1 + width * size
    try:
        loads_located("\n".join(lines) + "\n", "aliases.yaml")
    except InputError as exc:
        assert "alias" in exc.problem and expanded > 100_000
    else:
        assert expanded <= 100_000


# ---------------------------------------------------------------------------------------------- CVE records

@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(mutated_records())
def test_a_mutated_record_imports_or_is_refused_with_the_file(tmp_path: Path, record: dict[str, Any]) -> None:
    path = tmp_path / "record.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    try:
        entries, summary = import_files([path])
    except CveImportError as exc:
        assert exc.problems and all(p.path == str(path) for p in exc.problems)
        return
    assert len(entries) + len(summary.skipped) == 1
