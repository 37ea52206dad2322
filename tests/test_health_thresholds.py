"""The thresholds file: the shipped catalog validates; mistakes are refused with file, line and key; overrides by
family and role resolve as documented."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzers.health.indicators import INDICATORS
from analyzers.health.thresholds import DEFAULT_FILE, ThresholdsError, load_thresholds

GOOD = """\
schema_version: 1
comparison: {errors_per_hour: 100, drops_per_hour: 10000, carrier_transitions_per_hour: 6}
checks:
  - id: reachability
    title: Reached
    reads: device.reachability
    direction: low
    warning: 1
    critical: 0
    reason: r
    action: a
  - id: re-cpu
    title: RE CPU
    reads: re.cpu_used_percent
    unit: "%"
    direction: high
    warning: 80
    critical: 95
    overrides:
      - {family: [ex], warning: 90, critical: 98}
      - {role: [access], critical: null}
      - {family: [ex], role: [access], warning: 92, critical: null}
    reason: r
    action: a
"""


def load_text(tmp_path: Path, text: str) -> ThresholdsError | None:
    path = tmp_path / "checks.yaml"
    path.write_text(text)
    try:
        load_thresholds(path)
    except ThresholdsError as exc:
        return exc
    return None


def test_shipped_catalog_loads_and_reads_known_indicators() -> None:
    spec = load_thresholds(DEFAULT_FILE)
    assert len(spec.checks) >= 30
    assert {c.reads for c in spec.checks} <= set(INDICATORS)
    assert all(c.reason and c.action and c.title for c in spec.checks)
    # every indicator the package registers is used by the shipped catalog (none left unchecked)
    assert {c.reads for c in spec.checks} == set(INDICATORS)


def test_overrides_by_family_and_role_the_last_match_applies(tmp_path: Path) -> None:
    path = tmp_path / "checks.yaml"
    path.write_text(GOOD)
    cpu = load_thresholds(path).check("re-cpu")
    assert (cpu.limits().warning, cpu.limits().critical, cpu.limits().source) == (80, 95, "default")
    assert (cpu.limits("ex").warning, cpu.limits("ex").critical) == (90, 98)
    access = cpu.limits("mx", "access")
    assert (access.warning, access.critical, access.source) == (80, None, "role access")  # null disables a level
    both = cpu.limits("ex", "access")
    assert (both.warning, both.critical, both.source) == (92, None, "family ex, role access")
    assert both.status(99) == "warning" and both.status(50) == "ok"
    reach = load_thresholds(path).check("reachability").limits()
    assert [reach.status(v) for v in (2, 1, 0)] == ["ok", "warning", "critical"]


@pytest.mark.parametrize(("edit", "line", "key", "problem"), [
    (("    unit: \"%\"\n", "    unit: \"%\"\n    colour: red\n"), 16, "checks[1].colour", "unknown key"),
    (("    warning: 80\n", "    warning: high\n"), 17, "checks[1].warning", "valid number"),
    (("    reads: re.cpu_used_percent\n", "    reads: re.cpu_usage\n"), 14, "checks[1].reads",
     "unknown indicator 're.cpu_usage'"),
    (("  - id: re-cpu\n", "  - id: reachability\n"), 12, "checks[1].id", "duplicate id"),
    (("    warning: 80\n", "    warning: 99\n"), 18, "checks[1].critical", "must not be above critical"),
    (("      - {family: [ex], warning: 90, critical: 98}\n", "      - {family: [exx], warning: 90}\n"), 20,
     "checks[1].overrides[0].family[0]", "unknown platform family 'exx'"),
    (("      - {role: [access], critical: null}\n", "      - {warning: 85}\n"), 21, "checks[1].overrides[1]",
     "names a family, a role or both"),
    (("    direction: high\n", "    direction: up\n"), 16, "checks[1].direction", "'high' or 'low'"),
    (("    reason: r\n    action: a\n", "    action: a\n"), 4, "checks[0].reason", "required key is missing"),
    (("schema_version: 1\n", "schema_version: 2\n"), 1, "schema_version",
     "unsupported schema_version 2 (this tool reads 1)"),
    (("drops_per_hour: 10000", "drops_per_hour: -1"), 2, "comparison.drops_per_hour", "greater than 0"),
])
def test_mistakes_are_refused_with_file_line_and_key(tmp_path: Path, edit: tuple[str, str], line: int, key: str,
                                                     problem: str) -> None:
    old, new = edit
    assert old in GOOD
    err = load_text(tmp_path, GOOD.replace(old, new, 1))
    assert err is not None, f"accepted: {new!r}"
    assert err.path == str(tmp_path / "checks.yaml")
    assert (err.line, err.key) == (line, key), str(err)
    assert problem in err.problem, str(err)


def test_the_reachability_check_is_required(tmp_path: Path) -> None:
    text = GOOD.split("  - id: re-cpu\n", maxsplit=1)[0].replace("  - id: reachability", "  - id: reached")
    err = load_text(tmp_path, text)
    assert err is not None and err.key == "checks" and "'reachability' check is required" in err.problem


def test_every_problem_is_reported_not_just_the_first(tmp_path: Path) -> None:
    text = GOOD.replace("reads: re.cpu_used_percent", "reads: nothing").replace("warning: 80", "warning: 99")
    err = load_text(tmp_path, text)
    assert err is not None and len(err.problems) == 2
    assert {p.key for p in err.problems} == {"checks[1].reads", "checks[1].critical"}
    assert "(and 1 more)" in str(err)


def test_bad_yaml_and_bad_regex(tmp_path: Path) -> None:
    err = load_text(tmp_path, GOOD.replace("    unit: \"%\"\n", "    unit: \"%\"\n    ignore: ['(unclosed']\n"))
    assert err is not None and err.key == "checks[1].ignore[0]" and "not a regular expression" in err.problem
    err = load_text(tmp_path, GOOD + "  - {id: x\n")
    assert err is not None and err.line is not None and "invalid YAML" in err.problem
