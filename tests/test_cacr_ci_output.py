"""``config check`` / ``config review`` with ``--format sarif`` and ``--format junit``, on the lab's real
configurations: SARIF checked against the structure of the SARIF 2.1.0 schema (required and allowed properties of
every object we emit, enumerations), results at the right file and line; JUnit parsed back with an XML parser."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from msplus import xmlsafe

ROOT = Path(__file__).resolve().parents[1]
VSRX = ROOT / "lab" / "devices" / "vsrx-firefly" / "config.conf"
RUNNING = ROOT / "tests" / "data" / "cacr" / "hardened-mx.conf"
CHANGE = ROOT / "inventories" / "lab-change.set"

# From the OASIS SARIF 2.1.0 schema (oasis-tcs/sarif-spec, Documents/CommitteeSpecifications/2.1.0/
# sarif-schema-2.1.0.json, commit 3682e9ee648f2f3e11ba1fcd47fc390a0b8f9dab): for each object this tool emits, its
# required properties and the properties it may have (every definition has additionalProperties: false).
SCHEMA: dict[str, tuple[set[str], set[str]]] = {
    "log": ({"version", "runs"}, {"$schema", "version", "runs", "inlineExternalProperties", "properties"}),
    "run": ({"tool"}, {"tool", "invocations", "conversion", "language", "versionControlProvenance",
                       "originalUriBaseIds", "artifacts", "logicalLocations", "graphs", "results",
                       "automationDetails", "runAggregates", "baselineGuid", "redactionTokens",
                       "defaultEncoding", "defaultSourceLanguage", "newlineSequences", "columnKind",
                       "externalPropertyFileReferences", "threadFlowLocations", "taxonomies", "addresses",
                       "translations", "policies", "webRequests", "webResponses", "specialLocations",
                       "properties"}),
    "tool": ({"driver"}, {"driver", "extensions", "properties"}),
    "toolComponent": ({"name"}, {"guid", "name", "organization", "product", "productSuite", "shortDescription",
                                 "fullDescription", "fullName", "version", "semanticVersion", "dottedQuadFileVersion",
                                 "releaseDateUtc", "downloadUri", "informationUri", "globalMessageStrings",
                                 "notifications", "rules", "taxa", "locations", "language", "contents",
                                 "isComprehensive", "localizedDataSemanticVersion",
                                 "minimumRequiredLocalizedDataSemanticVersion", "associatedComponent",
                                 "translationMetadata", "supportedTaxonomies", "properties"}),
    "reportingDescriptor": ({"id"}, {"id", "deprecatedIds", "guid", "deprecatedGuids", "name", "deprecatedNames",
                                     "shortDescription", "fullDescription", "messageStrings",
                                     "defaultConfiguration", "helpUri", "help", "relationships", "properties"}),
    "multiformatMessageString": ({"text"}, {"text", "markdown", "properties"}),
    "reportingConfiguration": (set(), {"enabled", "level", "rank", "parameters", "properties"}),
    "invocation": ({"executionSuccessful"}, {
        "commandLine", "arguments", "responseFiles", "startTimeUtc", "endTimeUtc", "exitCode",
        "ruleConfigurationOverrides", "notificationConfigurationOverrides", "toolExecutionNotifications",
        "toolConfigurationNotifications", "exitCodeDescription", "exitSignalName", "exitSignalNumber",
        "processStartFailureMessage", "executionSuccessful", "machine", "account", "processId",
        "executableLocation", "workingDirectory", "environmentVariables", "stdin", "stdout", "stderr",
        "stdoutStderr", "properties"}),
    "notification": ({"message"}, {"locations", "message", "level", "threadId", "timeUtc", "exception",
                                   "descriptor", "associatedRule", "properties"}),
    "result": ({"message"}, {"ruleId", "ruleIndex", "rule", "kind", "level", "message", "analysisTarget",
                             "locations", "guid", "correlationGuid", "occurrenceCount", "partialFingerprints",
                             "fingerprints", "stacks", "codeFlows", "graphs", "graphTraversals",
                             "relatedLocations", "suppressions", "baselineState", "rank", "attachments",
                             "hostedViewerUri", "workItemUris", "provenance", "fixes", "taxa", "webRequest",
                             "webResponse", "properties"}),
    "message": (set(), {"text", "markdown", "id", "arguments", "properties"}),
    "location": (set(), {"id", "physicalLocation", "logicalLocations", "message", "annotations", "relationships",
                         "properties"}),
    "physicalLocation": (set(), {"address", "artifactLocation", "region", "contextRegion", "properties"}),
    "artifactLocation": (set(), {"uri", "uriBaseId", "index", "description", "properties"}),
    "region": (set(), {"startLine", "startColumn", "endLine", "endColumn", "charOffset", "charLength",
                       "byteOffset", "byteLength", "snippet", "message", "sourceLanguage", "properties"}),
    "artifact": (set(), {"description", "location", "parentIndex", "offset", "length", "roles", "mimeType",
                         "contents", "encoding", "sourceLanguage", "hashes", "lastModifiedTimeUtc", "properties"}),
}
LEVELS = {"none", "note", "warning", "error"}


def _conforms(kind: str, obj: dict[str, Any]) -> None:
    required, allowed = SCHEMA[kind]
    assert isinstance(obj, dict), kind
    assert required <= obj.keys(), f"{kind} lacks {required - obj.keys()}"
    assert obj.keys() <= allowed, f"{kind} has {obj.keys() - allowed}"


def _location(loc: dict[str, Any]) -> None:
    _conforms("location", loc)
    physical = loc["physicalLocation"]
    _conforms("physicalLocation", physical)
    _conforms("artifactLocation", physical["artifactLocation"])
    if "region" in physical:
        _conforms("region", physical["region"])
        assert isinstance(physical["region"]["startLine"], int) and physical["region"]["startLine"] >= 1
    if "message" in loc:
        _conforms("message", loc["message"])


def validate_sarif(log: dict[str, Any]) -> None:
    _conforms("log", log)
    assert log["version"] == "2.1.0"
    for run in log["runs"]:
        _conforms("run", run)
        _conforms("tool", run["tool"])
        driver = run["tool"]["driver"]
        _conforms("toolComponent", driver)
        ids = [r["id"] for r in driver["rules"]]
        assert len(ids) == len(set(ids)), "rule ids are unique"
        for rule in driver["rules"]:
            _conforms("reportingDescriptor", rule)
            for key in ("shortDescription", "fullDescription", "help"):
                if key in rule:
                    _conforms("multiformatMessageString", rule[key])
            _conforms("reportingConfiguration", rule["defaultConfiguration"])
            assert rule["defaultConfiguration"]["level"] in LEVELS
        for invocation in run["invocations"]:
            _conforms("invocation", invocation)
            for note in invocation["toolExecutionNotifications"]:
                _conforms("notification", note)
                assert note["level"] in LEVELS
        for artifact in run["artifacts"]:
            _conforms("artifact", artifact)
        assert all(v["uri"].endswith("/") for v in run["originalUriBaseIds"].values())
        for result in run["results"]:
            _conforms("result", result)
            _conforms("message", result["message"])
            assert result["level"] in LEVELS
            assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
            for loc in result["locations"] + result.get("relatedLocations", []):
                _location(loc)
                index = loc["physicalLocation"]["artifactLocation"]["index"]
                assert run["artifacts"][index]["location"]["uri"] == loc["physicalLocation"]["artifactLocation"]["uri"]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "run_assessment.py"), "config", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=120, check=False)


def _xml(text: str) -> Any:
    """Parsed with the project's safe parser (entities off), as lxml elements."""
    return xmlsafe.parse(text.encode(), source="junit")


def _config_lines(path: Path) -> list[str]:
    return path.read_text().splitlines()


def test_check_sarif_results_point_at_the_configuration_lines() -> None:
    result = _run("check", str(VSRX), "--format", "sarif")
    assert result.returncode == 0, result.stderr
    log = json.loads(result.stdout)
    validate_sarif(log)
    run = log["runs"][0]
    # every rule of catalogs/cacr-rules.yaml, described, and the informational one for the statement this older
    # configuration has that the schema does not know (system services web-management http)
    ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert len(ids) == 72 and ids[-1] == "SCHEMA-UNKNOWN-STATEMENT"
    telnet = [r for r in run["results"] if r["ruleId"] == "SEC-SRX-HOST-INBOUND-TELNET"]
    assert telnet, [r["ruleId"] for r in run["results"]]
    region = telnet[0]["locations"][0]["physicalLocation"]
    assert region["artifactLocation"] == {"uri": "lab/devices/vsrx-firefly/config.conf", "uriBaseId": "SRCROOT",
                                          "index": 0}
    line = _config_lines(VSRX)[region["region"]["startLine"] - 1]
    assert "telnet" in line  # the line the finding cites, in the curly configuration file
    assert telnet[0]["level"] == "error"  # high -> error
    # a finding about something missing has no statement to point at: the file itself
    missing = next(r for r in run["results"] if r["ruleId"] == "SEC-LO0-FILTER")
    assert "region" not in missing["locations"][0]["physicalLocation"]
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert any("not evaluated" in n["message"]["text"] for n in notes)  # skipped rules are said, not dropped
    descriptor = run["tool"]["driver"]["rules"][telnet[0]["ruleIndex"]]
    assert descriptor["shortDescription"]["text"] and descriptor["properties"]["security-severity"] == "8.0"


def test_check_sarif_fingerprints_survive_moved_lines(tmp_path: Path) -> None:
    moved = tmp_path / "config.conf"
    moved.write_text("/* a comment that moves every line down */\n\n" + VSRX.read_text())

    def fingerprints(path: Path) -> dict[str, tuple[str, int]]:
        log = json.loads(_run("check", str(path), "--format", "sarif").stdout)
        out = {}
        for r in log["runs"][0]["results"]:
            region = r["locations"][0]["physicalLocation"].get("region", {})
            out[r["partialFingerprints"]["msplusFinding/v1"]] = (r["ruleId"], region.get("startLine", 0))
        return out

    before, after = fingerprints(VSRX), fingerprints(moved)
    assert before.keys() == after.keys()
    for key, (rule, line) in before.items():
        assert after[key][0] == rule and (line == 0 or after[key][1] == line + 2)


def test_review_sarif_locates_findings_risks_and_errors_in_the_change() -> None:
    result = _run("review", "--config", str(RUNNING), "--change", str(CHANGE), "--format", "sarif")
    assert result.returncode == 0, result.stderr
    log = json.loads(result.stdout)
    validate_sarif(log)
    change_lines = _config_lines(CHANGE)
    where = {}
    for r in log["runs"][0]["results"]:
        physical = r["locations"][0]["physicalLocation"]
        assert physical["artifactLocation"]["uri"] == "inventories/lab-change.set"
        where[r["ruleId"]] = (r["level"], change_lines[physical["region"]["startLine"] - 1], physical["region"])
    assert where["SEC-TELNET"][:2] == ("error", "set system services telnet")
    assert where["CHANGE-LOCKOUT"][:2] == ("warning", "set system services telnet")
    level, text, _ = where["CHANGE-NOT-APPLIED"]
    assert level == "error" and text.startswith("delete protocols ospf area 0.0.0.9")
    assert log["runs"][0]["properties"]["diff"]


def test_check_junit_parses_back_with_counts_and_failures() -> None:
    result = _run("check", str(VSRX), "--format", "junit")
    assert result.returncode == 0, result.stderr
    root = _xml(result.stdout)
    report = json.loads(_run("check", str(VSRX), "--format", "json").stdout)["summary"]
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert len(suites) == 1
    suite = suites[0]
    cases = suite.findall("testcase")
    assert int(suite.get("tests")) == len(cases) == report["rules"] == 71
    assert int(suite.get("failures")) == report["fail"] == len(suite.findall("testcase/failure"))
    assert int(suite.get("skipped")) == report["skipped"] + report["not_applicable"]
    assert root.get("failures") == suite.get("failures")
    telnet = next(c for c in cases if c.get("name").startswith("SEC-SRX-HOST-INBOUND-TELNET "))
    failure = telnet.find("failure")
    assert failure.get("type") == "high" and "telnet" in failure.text
    assert "telnet" in _config_lines(VSRX)[int(telnet.get("line")) - 1]
    assert telnet.get("classname") == "cacr.security"


def test_review_junit_and_fail_on_exit_code() -> None:
    result = _run("review", "--config", str(RUNNING), "--change", str(CHANGE), "--format", "junit",
                  "--fail-on", "high")
    assert result.returncode == 1  # Telnet (high) is introduced
    root = _xml(result.stdout)
    suite = root.find("testsuite")
    names = [c.get("name") for c in suite.findall("testcase")]
    assert names[0].startswith("CHANGE-NOT-APPLIED") and any(n.startswith("SEC-TELNET") for n in names)
    assert "protocols ospf area 0.0.0.9" in suite.find("testcase/failure").text
    assert "RISK lockout" in suite.find("system-out").text


def test_snapshot_with_an_unreadable_device_is_an_error_everywhere(tmp_path: Path) -> None:
    good = tmp_path / "snap" / "fw1"
    bad = tmp_path / "snap" / "broken"
    good.mkdir(parents=True)
    bad.mkdir()
    (good / "configuration.conf").write_text(VSRX.read_text())
    (bad / "configuration.conf").write_text("system {\n  host-name x;\n")  # unclosed brace
    result = _run("check", str(tmp_path / "snap"), "--format", "junit")
    assert result.returncode == 2
    root = _xml(result.stdout)
    assert root.get("errors") == "1"
    assert "broken" in root.find(".//error/..").get("file")
    sarif = json.loads(_run("check", str(tmp_path / "snap"), "--format", "sarif").stdout)
    validate_sarif(sarif)
    assert sarif["runs"][0]["invocations"][0]["executionSuccessful"] is False


@pytest.mark.parametrize("fmt", ["junit", "sarif"])
def test_device_strings_are_escaped(tmp_path: Path, fmt: str) -> None:
    config = tmp_path / "odd.conf"
    config.write_text('system {\n    host-name "a<b>&c";\n    services {\n        telnet;\n    }\n}\n')
    result = _run("check", str(config), "--format", fmt)
    assert result.returncode == 0, result.stderr
    if fmt == "junit":
        root = _xml(result.stdout)
        assert root.find("testsuite").get("name") == "a<b>&c"
    else:
        log = json.loads(result.stdout)
        validate_sarif(log)
        assert any(r["message"]["text"].startswith("a<b>&c: ") for r in log["runs"][0]["results"])
