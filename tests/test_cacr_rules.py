"""Rule files: the shipped catalog validates; a bad file is refused with file, line, rule id and key for every
problem; named checks come from a registry that refuses duplicates and unknown names."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzers.cacr.checks import REGISTRY, check
from analyzers.cacr.rules import DEFAULT_RULES, RuleFileError, load_rules

GOOD = """\
schema_version: 1
rules:
  - id: X-TELNET
    title: Telnet
    category: security
    severity: high
    check: {kind: forbid, forbid: ["system services telnet"]}
    message: "telnet at {path}"
    rationale: clear text
    remediation: ["delete {path}"]
"""


def _write(tmp_path: Path, text: str, name: str = "rules.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _problems(path: Path | list[Path]) -> list[str]:
    with pytest.raises(RuleFileError) as info:
        load_rules(path if isinstance(path, list) else [path])
    return [str(p) for p in info.value.problems]


def test_the_shipped_catalog_validates() -> None:
    ruleset = load_rules()
    assert ruleset.paths == (str(DEFAULT_RULES),)
    assert len({r.id for r in ruleset.rules}) == len(ruleset.rules) >= 40


def test_a_good_file_loads(tmp_path: Path) -> None:
    (rule,) = load_rules([_write(tmp_path, GOOD)]).rules
    assert rule.id == "X-TELNET" and rule.remediation[0].render({"path": "system services telnet"}) == \
        "delete system services telnet"


@pytest.mark.parametrize("old,new,where", [
    # an unknown key
    ("    severity: high\n", "    severity: high\n    colour: red\n",
     ":7:5: rules[0].colour: unknown key (rule X-TELNET)"),
    # a wrong type
    ('check: {kind: forbid, forbid: ["system services telnet"]}',
     "check: {kind: require_each, for_each: [\"snmp community <*>\"], require: [clients], inherit: two}",
     "rules[0].check.inherit: Input should be a valid integer"),
    # an unknown named check
    ('check: {kind: forbid, forbid: ["system services telnet"]}', "check: {kind: named, name: no-such-check}",
     ":7:26: rules[0].check.name: unknown check 'no-such-check' (known: duplicate-addresses,"),
    # a Python attribute name is just as unknown (no getattr on a user string)
    ('check: {kind: forbid, forbid: ["system services telnet"]}', "check: {kind: named, name: __init__}",
     "rules[0].check.name: unknown check '__init__'"),
    # an unknown check kind
    ('check: {kind: forbid, forbid: ["system services telnet"]}', "check: {kind: regex, forbid: [x]}",
     "rules[0].check.kind: unknown check kind 'regex' (known: require, forbid, require_each, forbid_each, named)"),
    # an unknown parameter of a named check, and a bad value
    ('check: {kind: forbid, forbid: ["system services telnet"]}',
     "check: {kind: named, name: unreferenced-definitions, params: {object: prefix-list, colour: red}}",
     "rules[0].check.params.colour: unknown parameter for check unreferenced-definitions (rule X-TELNET)"),
    ('check: {kind: forbid, forbid: ["system services telnet"]}',
     "check: {kind: named, name: unreferenced-definitions, params: {object: route-map}}",
     "rules[0].check.params.object: Input should be"),
    # a bad pattern, and '...' in a relative one
    ('forbid: ["system services telnet"]', 'forbid: ["system <services"]',
     "rules[0].check.forbid[0]: bad pattern 'system <services': a wildcard is a whole word"),
    ('check: {kind: forbid, forbid: ["system services telnet"]}',
     'check: {kind: require_each, for_each: ["snmp community <*>"], require: ["... clients"]}',
     "rules[0].check.require[0]: bad pattern '... clients': '...' is not allowed in a relative pattern"),
    # a placeholder the check does not fill in, and a remediation that is not a command
    ('message: "telnet at {path}"', 'message: "telnet at {where}"',
     "rules[0].message: unknown placeholder {where} (this check fills in: {path}) (rule X-TELNET)"),
    ('remediation: ["delete {path}"]', 'remediation: ["configure terminal"]',
     "rules[0].remediation[0]: a remediation line starts with one of set, delete"),
    # applicability: an unknown platform family, a wrong type
    ("    severity: high\n", "    severity: high\n    applies: {families: [junos-router]}\n",
     "rules[0].applies.families[0]: unknown platform family 'junos-router'"),
    ("    severity: high\n", "    severity: high\n    applies: {dual_re: maybe}\n",
     "rules[0].applies.dual_re: Input should be a valid boolean"),
    # a bad id and a missing key
    ("id: X-TELNET", "id: telnet rule", "rules[0].id: String should match pattern"),
    ("    rationale: clear text\n", "", "rules[0].rationale: required key is missing (rule X-TELNET)"),
    # the version
    ("schema_version: 1", "schema_version: 2", ":1:1: schema_version: unsupported schema_version 2"),
])
def test_bad_rule_files_are_refused_with_file_line_rule_and_key(tmp_path: Path, old: str, new: str,
                                                                where: str) -> None:
    assert old in GOOD
    path = _write(tmp_path, GOOD.replace(old, new))
    problems = _problems(path)
    assert any(p.startswith(str(path)) and where in p for p in problems), problems


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    second = GOOD.split("rules:\n")[1].replace("X-TELNET", "X-SECOND").replace("{path}", "{nope}")
    text = GOOD.replace('name: no', 'x') + second.replace("severity: high", "severity: high\n    colour: red")
    problems = _problems(_write(tmp_path, text))
    assert any("rules[1].colour: unknown key (rule X-SECOND)" in p for p in problems), problems
    text = GOOD + second.replace("forbid: [", "forbid: [\"a <b\", ")
    problems = _problems(_write(tmp_path, text))
    assert len(problems) == 3, problems  # the bad pattern and both unknown placeholders of rule X-SECOND


def test_duplicate_ids_within_and_across_files(tmp_path: Path) -> None:
    again = GOOD + GOOD.split("rules:\n")[1]
    assert any("rules[1].id: duplicate id (first at rules[0])" in p for p in _problems(_write(tmp_path, again)))
    a = _write(tmp_path, GOOD, "a.yaml")
    b = _write(tmp_path, GOOD, "b.yaml")
    assert any(f"rule X-TELNET is also in {a}" in p for p in _problems([a, b]))


def test_invalid_yaml_and_missing_files(tmp_path: Path) -> None:
    problems = _problems(_write(tmp_path, GOOD.replace("title: Telnet", "title: [Telnet")))
    assert any(":5:" in p and "invalid YAML" in p for p in problems), problems
    assert any("file not found" in p for p in _problems(tmp_path / "missing.yaml"))


def test_the_registry_refuses_a_second_check_of_the_same_name() -> None:
    before = dict(REGISTRY)
    with pytest.raises(ValueError, match="registered twice"):
        check("mtu-consistency")(lambda ctx, params: [])
    assert before == REGISTRY
    assert {"unreferenced-definitions", "undefined-references", "mtu-consistency", "duplicate-addresses",
            "re-filter-open-services", "inactive-statements", "rescue-configuration"} <= set(REGISTRY)
