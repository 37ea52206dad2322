"""``config check`` and ``config review`` results for CI pipelines: SARIF 2.1.0 (code-scanning annotations on the
configuration lines) and JUnit XML (test reports).

SARIF: one run; every rule of the rule files is a ``reportingDescriptor`` (id, title, rationale, severity, help
link); every finding a ``result`` at the configuration file and line of the statement it quotes (further
statements as ``relatedLocations``), with a fingerprint from device, rule and subject that survives lines moving.
Rules skipped for a missing fact and devices that could not be read are ``toolExecutionNotifications``.
Statements the Junos schema does not know are results of SCHEMA-UNKNOWN-STATEMENT of kind ``informational`` (level
``none``: they fail nothing) at their file and line.
A change review adds three rules of its own: CHANGE-NOT-APPLIED (a command that does not apply, at its line and
column), CHANGE-LOCKOUT and CHANGE-ROUTING (the risks, at the change lines that cause them).

JUnit: one ``testsuite`` per device, one ``testcase`` per rule: a failure when the rule has findings (each with
its evidence and remediation), skipped when it does not apply or cannot be evaluated; statements the schema does
not know are listed in the suite's output (informational, as a review's risks are). A review's suite holds
"change applies" (a failure per command that does not apply), one failing case per rule the change breaks, and
the risks as that suite's output (they call for care, not for a failed build).
"""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

import msplus
from analyzers.cacr.engine import SEVERITY_RANK, Report, RuleFinding
from analyzers.cacr.rules import Rule

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
TOOL_NAME = "msplus-assess"
SRCROOT = "SRCROOT"
# severity -> SARIF level, and the "security-severity" score code-scanning services sort security rules by
LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
SECURITY_SCORE = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0", "info": "0.0"}
_REVIEW_RULES = (
    ("CHANGE-NOT-APPLIED", "A command of the change does not apply", "error",
     "A set/delete/deactivate/activate line that cannot be applied to the running configuration (malformed, or "
     "naming a statement that is not there): the change as written is not the change that would be committed."),
    ("CHANGE-LOCKOUT", "The change touches management access", "warning",
     "SSH/NETCONF services, login, the management interface or the loopback filter change: a mistake can cut "
     "off management access. Commit with `commit confirmed` and confirm after logging in again."),
    ("CHANGE-ROUTING", "The change touches routing adjacencies", "warning",
     "BGP groups or neighbours, or IGP interfaces change: sessions may reset and traffic move."),
)
_UNKNOWN_RULE = (
    "SCHEMA-UNKNOWN-STATEMENT", "A statement the Junos schema does not know", "none",
    "The statement is not in the Junos schema this tool reads configurations with (a statement of another release, "
    "or a mistyped one): it is kept as written, but no rule interprets it. Informational: check that it is what "
    "the device runs; it fails nothing.")
_XML_BAD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


# ---------------------------------------------------------------------------------------------- SARIF

def sarif_check(reports: Sequence[Report], rules: Sequence[Rule], errors: Sequence[dict[str, str]] = (),
                *, base: Path | None = None) -> dict[str, Any]:
    """The SARIF log of a ``config check`` over one or more configurations."""
    unknown = any(report.unknown for report in reports)
    run = _Run(rules, base, extra_rules=(_UNKNOWN_RULE,) if unknown else (), category="schema")
    for report in reports:
        for finding in report.findings:
            run.finding(finding, report.source)
        for statement in report.unknown:
            device = report.device or report.source
            run.result(_UNKNOWN_RULE[0], "none", f"{device}: not in the Junos {report.schema} schema, kept as "
                       f"written and not interpreted: {statement.statement}", [(statement.source, statement.line)],
                       subject=f"{device}|{statement.statement}", kind="informational",
                       properties={"device": report.device, "statement": statement.statement,
                                   "schema": report.schema})
        for warning in report.warnings:
            run.note(f"{report.device or report.source}: {warning}", level="warning")
        for result in report.results:
            if result.status == "skipped":
                run.note(f"{report.device or report.source}: {result.rule} not evaluated: {result.reason}",
                         rule=result.rule)
    for error in errors:
        run.note(f"{error['device']}: {error['error']}", level="error")
    return run.log(successful=not errors)


def sarif_review(report: Any, rules: Sequence[Rule], *, base: Path | None = None) -> dict[str, Any]:
    """The SARIF log of a ``config review``: findings the change introduces, its risks and its commands that do
    not apply, located in the change (or candidate) file."""
    run = _Run(rules, base, extra_rules=_REVIEW_RULES)
    for finding in report.introduced:
        run.finding(finding, report.change)
    for risk in report.risks:
        rule = f"CHANGE-{risk.kind.upper()}"
        lines = sorted(risk.lines) or [None]
        related = [(report.running, n) for n in sorted(risk.running_lines)]
        run.result(rule, "warning", risk.message, [(report.change, lines[0])],
                   [*((report.change, n) for n in lines[1:]), *related], subject=f"{risk.kind}:{lines[0]}",
                   properties={"statements": list(risk.statements)})
    for error in report.errors:
        run.result("CHANGE-NOT-APPLIED", "error", f"{error.reason}: {error.text}",
                   [(report.change, error.line)], column=error.column, subject=f"{error.line}:{error.text}")
    for skipped in report.skipped:
        run.note(f"{skipped['rule']} not evaluated: {skipped['reason']}", rule=skipped["rule"])
    run.properties["resolved"] = [{"rule": f.rule, "subject": f.subject, "message": f.message}
                                  for f in report.resolved]
    run.properties["diff"] = [str(d) for d in report.diff]
    return run.log(successful=True)


class _Run:
    """Builds one SARIF run: rules by id (with their index), results, notifications, artifacts."""

    def __init__(self, rules: Sequence[Rule], base: Path | None,
                 extra_rules: Iterable[tuple[str, str, str, str]] = (), category: str = "change") -> None:
        self.base = (base or Path.cwd()).resolve()
        self.descriptors = [_descriptor(r) for r in rules]
        tag = "change-review" if category == "change" else category
        for rule_id, title, level, text in extra_rules:
            self.descriptors.append({"id": rule_id, "name": _camel(rule_id), "shortDescription": {"text": title},
                                     "fullDescription": {"text": text}, "defaultConfiguration": {"level": level},
                                     "properties": {"category": category, "tags": [tag, "junos"]}})
        self.index = {d["id"]: i for i, d in enumerate(self.descriptors)}
        self.results: list[dict[str, Any]] = []
        self.notifications: list[dict[str, Any]] = []
        self.artifacts: dict[str, int] = {}
        self.properties: dict[str, Any] = {}

    def finding(self, f: RuleFinding, fallback: str) -> None:
        places: list[tuple[str, int | None]] = list(f.locations) or [(fallback, None)]
        self.result(f.rule, LEVEL[f.severity], f"{f.device}: {f.message}" if f.device else f.message,
                    places[:1], places[1:], subject=f"{f.device}|{f.subject}",
                    properties={"device": f.device, "severity": f.severity, "category": f.category,
                                "subject": f.subject, "evidence": list(f.evidence),
                                "remediation": list(f.remediation)})

    def result(self, rule: str, level: str, message: str, where: list[tuple[str, int | None]],
               related: Sequence[tuple[str, int | None]] = (), *, subject: str, column: int | None = None,
               properties: dict[str, Any] | None = None, kind: str = "fail") -> None:
        result: dict[str, Any] = {
            "ruleId": rule, "level": level, "message": {"text": message},
            "locations": [self._location(path, line, column) for path, line in where],
            "partialFingerprints": {"msplusFinding/v1": hashlib.sha256(f"{rule}|{subject}".encode()).hexdigest()},
        }
        if kind != "fail":  # SARIF's default; "informational" results carry level "none"
            result["kind"] = kind
        if rule in self.index:
            result["ruleIndex"] = self.index[rule]
        if related:
            result["relatedLocations"] = [{**self._location(path, line), "id": i + 1,
                                           "message": {"text": "also quoted as evidence"}}
                                          for i, (path, line) in enumerate(related)]
        if properties:
            result["properties"] = properties
        self.results.append(result)

    def note(self, message: str, *, level: str = "note", rule: str | None = None) -> None:
        note: dict[str, Any] = {"level": level, "message": {"text": message}}
        if rule is not None and rule in self.index:
            note["associatedRule"] = {"id": rule, "index": self.index[rule]}
        self.notifications.append(note)

    def _location(self, path: str, line: int | None, column: int | None = None) -> dict[str, Any]:
        artifact = self._artifact(path)
        physical: dict[str, Any] = {"artifactLocation": artifact}
        if line:
            physical["region"] = {"startLine": int(line), **({"startColumn": int(column)} if column else {})}
        return {"physicalLocation": physical}

    def _artifact(self, path: str) -> dict[str, Any]:
        resolved = Path(path).resolve()
        try:
            location: dict[str, Any] = {"uri": quote(resolved.relative_to(self.base).as_posix()),
                                        "uriBaseId": SRCROOT}
        except ValueError:
            location = {"uri": resolved.as_uri()}
        key = location["uri"]
        if key not in self.artifacts:
            self.artifacts[key] = len(self.artifacts)
        return {**location, "index": self.artifacts[key]}

    def log(self, *, successful: bool) -> dict[str, Any]:
        artifacts = []
        for uri in self.artifacts:  # insertion order == index order
            location: dict[str, Any] = {"uri": uri}
            if not uri.startswith("file:"):
                location["uriBaseId"] = SRCROOT
            artifacts.append({"location": location, "roles": ["analysisTarget"]})
        run: dict[str, Any] = {
            "tool": {"driver": {"name": TOOL_NAME, "version": msplus.__version__, "semanticVersion": msplus.__version__,
                                "rules": self.descriptors}},
            "invocations": [{"executionSuccessful": successful, "toolExecutionNotifications": self.notifications}],
            "originalUriBaseIds": {SRCROOT: {"uri": self.base.as_uri() + "/"}},
            "artifacts": artifacts,
            "results": self.results,
            "columnKind": "unicodeCodePoints",
        }
        if self.properties:
            run["properties"] = self.properties
        return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def _descriptor(rule: Rule) -> dict[str, Any]:
    descriptor: dict[str, Any] = {
        "id": rule.id,
        "name": _camel(rule.id),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.rationale},
        "help": {"text": rule.rationale + ("\nRemediation: " + "; ".join(t.text for t in rule.remediation)
                                           if rule.remediation else "")},
        "defaultConfiguration": {"level": LEVEL[rule.severity]},
        "properties": {"category": rule.category, "severity": rule.severity, "tags": [rule.category, "junos"]},
    }
    web = [r for r in rule.references if r.startswith(("https://", "http://"))]
    if web:
        descriptor["helpUri"] = web[0]
    if rule.category == "security":
        descriptor["properties"]["security-severity"] = SECURITY_SCORE[rule.severity]
    return descriptor


def _camel(rule_id: str) -> str:
    return "".join(part.capitalize() for part in rule_id.split("-"))


# ---------------------------------------------------------------------------------------------- JUnit

def junit_check(reports: Sequence[Report], rules: Sequence[Rule], errors: Sequence[dict[str, str]] = ()) -> str:
    """JUnit XML of a ``config check``: a suite per device, a case per rule."""
    by_id = {r.id: r for r in rules}
    root = ET.Element("testsuites", name="config check")
    for report in reports:
        suite = _suite(root, report.device or report.source, report.source)
        findings: dict[str, list[RuleFinding]] = {}
        for f in report.findings:
            findings.setdefault(f.rule, []).append(f)
        for result in report.results:
            rule = by_id.get(result.rule)
            case = _case(suite, result.rule, rule.title if rule else "", rule.category if rule else "rules",
                         report.source)
            if result.status == "fail":
                _fail(case, findings.get(result.rule, []))
            elif result.status in ("skipped", "not_applicable"):
                ET.SubElement(case, "skipped", message=_clean(result.reason or result.status.replace("_", " ")))
        _unknown_output(suite, report)
    for error in errors:
        suite = _suite(root, error["device"], error["device"])
        case = _case(suite, "read", "configuration can be read", "input", error["device"])
        ET.SubElement(case, "error", message=_clean(error["error"]), type="input")
    return _finish(root)


def _unknown_output(suite: ET.Element, report: Report) -> None:
    """The statements the schema does not know, as the suite's output: informational, they fail no test case."""
    if not report.unknown:
        return
    out = ET.SubElement(suite, "system-out")
    head = (f"INFO {len(report.unknown)} statement(s) not in the Junos {report.schema} schema (another release's, "
            "or mistyped): kept as written, not interpreted by the rules")
    out.text = _clean("\n".join([head, *(f"UNKNOWN-STATEMENT {u.source}:{u.line}: {u.statement}"
                                         for u in report.unknown)]))


def junit_review(report: Any) -> str:
    """JUnit XML of a ``config review``."""
    root = ET.Element("testsuites", name="config review")
    suite = _suite(root, f"change review: {report.change}", report.change)
    case = _case(suite, "CHANGE-NOT-APPLIED", "every command of the change applies", "change", report.change)
    if report.errors:
        failure = ET.SubElement(case, "failure", type="error",
                                message=_clean(f"{len(report.errors)} command(s) do not apply"))
        failure.text = _clean("\n".join(f"{report.change}:{e.line}: {e.reason}: {e.text}" for e in report.errors))
    introduced: dict[str, list[RuleFinding]] = {}
    for f in report.introduced:
        introduced.setdefault(f.rule, []).append(f)
    for rule, findings in introduced.items():
        _fail(_case(suite, rule, findings[0].title, findings[0].category, report.change), findings)
    risks = ET.SubElement(suite, "system-out")
    risks.text = _clean("\n".join(f"RISK {r.kind}: {r.message} (lines {', '.join(map(str, sorted(r.lines)))})"
                                  for r in report.risks) + ("\n" + report.recommendation if report.recommendation
                                                            else ""))
    return _finish(root)


def _suite(root: ET.Element, name: str, source: str) -> ET.Element:
    return ET.SubElement(root, "testsuite", name=_clean(name), file=_clean(source))


def _case(suite: ET.Element, rule: str, title: str, category: str, source: str) -> ET.Element:
    return ET.SubElement(suite, "testcase", classname=f"cacr.{category}", name=_clean(f"{rule} {title}".strip()),
                         file=_clean(source))


def _fail(case: ET.Element, findings: list[RuleFinding]) -> None:
    worst = min(findings, key=lambda f: SEVERITY_RANK[f.severity]) if findings else None
    first = next((line for f in findings for _, line in f.locations), None)
    if first:
        case.set("line", str(first))
    failure = ET.SubElement(case, "failure", type=worst.severity if worst else "fail",
                            message=_clean(f"{len(findings)} finding(s): {worst.message}" if worst else "failed"))
    parts = []
    for f in findings:
        parts.append(f"{f.severity.upper()} {f.message}")
        parts.extend(f"  | {e}" for e in f.evidence)
        parts.extend(f"  > {r}" for r in f.remediation)
    failure.text = _clean("\n".join(parts))


def _finish(root: ET.Element) -> str:
    """Counts on every suite and on the root, then the document."""
    totals = dict.fromkeys(("tests", "failures", "errors", "skipped"), 0)
    for suite in root.iter("testsuite"):
        cases = suite.findall("testcase")
        counts = {"tests": len(cases),
                  "failures": sum(1 for c in cases if c.find("failure") is not None),
                  "errors": sum(1 for c in cases if c.find("error") is not None),
                  "skipped": sum(1 for c in cases if c.find("skipped") is not None)}
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _clean(text: str) -> str:
    """Text XML 1.0 can carry (configuration comments may hold control characters)."""
    return _XML_BAD.sub("?", str(text))
