"""``config check`` lists the statements the Junos schema does not know, in every output format, with their file and
line, as information that fails nothing: on a real device configuration (py-junos-eznc's firefly 12.1X46-D15.3,
whose ``system services web-management http`` is gone from the 23.4R2 schema) and on the same configuration with a
mistyped statement."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from test_cacr_ci_output import _xml, validate_sarif

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "tests" / "data" / "config" / "py-junos-eznc" / "show-configuration.xml"
OLD_RELEASE = ("system services web-management http", 25)  # the file's own line 25: `http {`


def _check(path: Path, fmt: str, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "run_assessment.py"), "config", "check", str(path), "--format",
                           fmt, *extra], capture_output=True, text=True, cwd=ROOT, timeout=120, check=False)


@pytest.fixture(scope="module")
def typo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real configuration with one statement mistyped (``rootlogin`` for ``root-login``) at line 20."""
    path = tmp_path_factory.mktemp("typo") / "firefly-typo.xml"
    lines = REAL.read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[19].strip() == "ssh;"
    lines[19] = lines[19].replace("ssh;", "ssh {\n            rootlogin deny;\n        }")
    path.write_text("".join(lines), encoding="utf-8")
    return path


def test_real_configuration_text_lists_the_statement_with_file_and_line() -> None:
    result = _check(REAL, "text")
    assert result.returncode == 0, result.stderr
    assert "INFO     1 statement(s) not in the Junos 23.4R2 schema" in result.stdout
    assert f"{REAL}:{OLD_RELEASE[1]}: {OLD_RELEASE[0]}\n" in result.stdout


def test_json_lists_them_and_the_exit_status_is_that_of_the_findings(typo: Path) -> None:
    data = json.loads(_check(REAL, "json").stdout)
    assert data["unknown_statements"] == {"schema": "23.4R2", "count": 1, "statements": [
        {"statement": OLD_RELEASE[0], "file": str(REAL), "line": OLD_RELEASE[1]}]}
    mistyped = _check(typo, "json", "--fail-on", "critical")
    statements = [(s["statement"], s["line"]) for s in json.loads(mistyped.stdout)["unknown_statements"]["statements"]]
    assert statements == [("system services ssh rootlogin deny", 21), (OLD_RELEASE[0], OLD_RELEASE[1] + 2)]
    # informational: the same exit status as the findings alone give (no critical finding here)
    assert mistyped.returncode == _check(REAL, "json", "--fail-on", "critical").returncode == 0


def test_junit_lists_them_in_the_suite_output_without_a_failing_case(typo: Path) -> None:
    root = _xml(_check(typo, "junit").stdout)
    suite = root.find("testsuite")
    out = suite.find("system-out").text
    assert "INFO 2 statement(s) not in the Junos 23.4R2 schema" in out
    assert f"UNKNOWN-STATEMENT {typo}:21: system services ssh rootlogin deny" in out
    assert not any("UNKNOWN" in (c.get("name") or "") for c in suite.findall("testcase"))
    real = _xml(_check(REAL, "junit").stdout).find("testsuite")
    assert (real.get("tests"), real.get("failures")) == (suite.get("tests"), suite.get("failures"))


def test_sarif_results_are_informational_at_their_lines(typo: Path) -> None:
    log = json.loads(_check(typo, "sarif").stdout)
    validate_sarif(log)
    run = log["runs"][0]
    unknown = [r for r in run["results"] if r["ruleId"] == "SCHEMA-UNKNOWN-STATEMENT"]
    assert [(r["kind"], r["level"]) for r in unknown] == [("informational", "none")] * 2
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in unknown] == [21, 27]
    assert unknown[0]["properties"]["statement"] == "system services ssh rootlogin deny"
    descriptor = run["tool"]["driver"]["rules"][unknown[0]["ruleIndex"]]
    assert descriptor["defaultConfiguration"]["level"] == "none"
    assert all(r.get("kind", "fail") == "fail" for r in run["results"] if r not in unknown)


def test_a_configuration_the_schema_knows_whole_says_nothing_of_it() -> None:
    known = ROOT / "lab" / "devices" / "mx960" / "config.conf"
    assert "not in the Junos" not in _check(known, "text").stdout
    assert json.loads(_check(known, "json").stdout)["unknown_statements"]["count"] == 0
    assert "system-out" not in _check(known, "junit").stdout
    log = json.loads(_check(known, "sarif").stdout)
    assert "SCHEMA-UNKNOWN-STATEMENT" not in {r["id"] for r in log["runs"][0]["tool"]["driver"]["rules"]}


def test_text_shows_ten_and_all_shows_every_one(tmp_path: Path) -> None:
    config = tmp_path / "many.conf"
    config.write_text("system {\n    host-name r1;\n" + "".join(f"    no-such-statement-{i} on;\n" for i in range(12))
                      + "}\n", encoding="utf-8")
    short = _check(config, "text")
    assert short.returncode == 0, short.stderr
    assert "INFO     12 statement(s) not in the Junos 23.4R2 schema" in short.stdout
    assert f"{config}:12: system no-such-statement-9 on\n" in short.stdout
    assert "no-such-statement-10 " not in short.stdout
    assert "... and 2 more (--all lists them)" in short.stdout
    full = _check(config, "text", "--all").stdout
    assert f"{config}:14: system no-such-statement-11 on\n" in full and "more (--all" not in full
