"""``run_assessment.py config check`` and ``config review``: best-practice findings for a configuration, and the
review of a proposed change.

    config check FILE|FOLDER [--rules FILE...] [--format text|json|junit|sarif] [--fail-on SEVERITY]
                 [--profile profile.json] [--family F] [--role R] [--all]
    config review --config FILE|FOLDER --change FILE [same options]

FILE is a configuration (curly text, set lines or XML); FOLDER a snapshot device folder (configuration.conf and
profile.json) or a snapshot holding several device folders. Exit status: 0 when it ran, 1 with ``--fail-on`` when a
finding (for review: an introduced finding) at or above that severity exists, 2 for bad input (unreadable or
malformed configuration, rule file that does not validate), with file, line and column on stderr.

``config check`` also lists, in every format, the statements the Junos schema does not know (another release's, or
mistyped) with their file and line: kept as written but read by no rule, they are informational and never change
the exit status (text: an INFO section; JSON: ``unknown_statements``; JUnit: the suite's output; SARIF:
``informational`` results of SCHEMA-UNKNOWN-STATEMENT at their lines).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from analyzers.cacr import ci_output
from analyzers.cacr.context import Facts, folder_facts, read_profile
from analyzers.cacr.engine import SEVERITY_RANK, Report, RuleFinding
from analyzers.cacr.rules import RuleFileError, RuleSet, load_rules
from analyzers.cacr.target import Target, check_target
from msplus.errors import InputError
from msplus.junosconf.load import SNAPSHOT_FILES
from msplus.kinds import SEVERITIES

SHOWN_PER_RULE = 5  # findings of one rule printed in text form before "... and N more" (--all shows them all)
SHOWN_UNKNOWN = 10  # statements unknown to the schema printed in text form before "... and N more"


# ---------------------------------------------------------------------------------------------- inputs

def targets(path: Path, args: argparse.Namespace) -> list[Target]:
    """The configurations to check: one file, one snapshot device folder, or every device folder of a snapshot.
    Raises InputError for a path that is none of these."""
    if path.is_dir():
        if _has_config(path):
            return [_device(path, args)]
        subs = sorted(p for p in path.iterdir() if p.is_dir() and not p.name.startswith(".") and _has_config(p))
        if subs:
            return [_device(p, args) for p in subs]
        raise InputError(f"no {', '.join(SNAPSHOT_FILES)} in this folder or its sub-folders", path=str(path))
    if not path.exists():
        raise InputError("no such file or folder", path=str(path))
    facts = read_profile(Path(args.profile)) if args.profile else Facts(sources=("no profile (a plain file)",))
    return [Target(path.stem, path, None, _overrides(facts, args))]


def _has_config(folder: Path) -> bool:
    return any((folder / name).is_file() for name in SNAPSHOT_FILES)


def _device(folder: Path, args: argparse.Namespace) -> Target:
    facts = read_profile(Path(args.profile)) if args.profile else folder_facts(folder)
    return Target(folder.name, folder, folder, _overrides(facts, args))


def _overrides(facts: Facts, args: argparse.Namespace) -> Facts:
    changes: dict[str, Any] = {}
    if args.family:
        changes["family"] = args.family.lower()
    if args.role:
        changes["role"] = args.role.lower()
    if not changes:
        return facts
    return replace(facts, **changes, sources=(*facts.sources, "command line: " + ", ".join(
        f"--{k} {v}" for k, v in changes.items())))


def _rules(args: argparse.Namespace) -> RuleSet | None:
    """The rule set, or None after printing every problem of the rule files (the caller exits 2)."""
    try:
        return load_rules(args.rules)
    except RuleFileError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        return None


def _failed(findings: Iterable[RuleFinding], threshold: str | None) -> bool:
    if threshold is None:
        return False
    limit = SEVERITIES.index(threshold)
    return any(SEVERITY_RANK[f.severity] <= limit for f in findings)


# ---------------------------------------------------------------------------------------------- config check

def check(args: argparse.Namespace) -> int:
    """Check one configuration (or every device of a snapshot) against the rules; print text or JSON."""
    ruleset = _rules(args)
    if ruleset is None:
        return 2
    found = targets(Path(args.file), args)
    reports: list[Report] = []
    errors: list[dict[str, str]] = []
    for target in found:
        try:
            reports.append(check_target(target, ruleset))
        except InputError as exc:
            if len(found) == 1:
                raise  # one configuration: app.cli prints file:line:column and exits 2
            errors.append({"device": target.name, "error": str(exc)})
    findings = [f for r in reports for f in r.findings]
    _print_check(args, reports, errors, ruleset)
    if errors:
        return 2
    return 1 if _failed(findings, args.fail_on) else 0


def _check_json(reports: list[Report], errors: list[dict[str, str]], ruleset: RuleSet) -> dict[str, Any]:
    if len(reports) == 1 and not errors:
        return {**reports[0].to_json(), "rule_files": list(ruleset.paths), "errors": []}
    devices = []
    for r in reports:
        data = r.to_json()
        data.pop("findings")
        devices.append(data)
    by_severity = {s: sum(1 for r in reports for f in r.findings if f.severity == s) for s in SEVERITIES}
    return {"devices": devices, "findings": [f.to_json() for r in reports for f in r.findings],
            "summary": {"devices": len(reports), "findings": sum(len(r.findings) for r in reports),
                        "by_severity": by_severity, "unknown_statements": sum(len(r.unknown) for r in reports)},
            "rule_files": list(ruleset.paths), "errors": errors}


def render_report(report: Report, show_all: bool = False) -> str:
    s = report.summary()
    out = [f"{report.device or report.source} ({report.source})", "facts: " + describe_facts(report.facts)]
    severities = ", ".join(f"{n} {sev}" for sev, n in s["by_severity"].items() if n)
    out.append(f"{s['rules']} rules: {s['fail']} failed, {s['pass']} passed, {s['not_applicable']} not applicable, "
               f"{s['skipped']} skipped; {s['findings']} finding(s)" + (f" ({severities})" if severities else ""))
    out.extend(render_findings(report.findings, show_all))
    skipped = [r for r in report.results if r.status == "skipped"]
    if skipped:
        out.append("")
        out.append("skipped (cannot be evaluated here):")
        out.extend(f"  {r.rule}: {r.reason}" for r in skipped)
    out.extend(render_unknown(report, show_all))
    return "\n".join(out) + "\n"


def render_unknown(report: Report, show_all: bool = False) -> list[str]:
    """The statements the schema does not know, at their file and line: informational (kept as written, but no rule
    reads them), so they never change the exit status."""
    if not report.unknown:
        return []
    out = ["", f"INFO     {len(report.unknown)} statement(s) not in the Junos {report.schema} schema (another "
               "release's, or mistyped): kept as written, not interpreted by the rules"]
    shown = report.unknown if show_all else report.unknown[:SHOWN_UNKNOWN]
    out.extend(f"         {u.source}:{u.line}: {u.statement}" for u in shown)
    if len(shown) < len(report.unknown):
        out.append(f"         ... and {len(report.unknown) - len(shown)} more (--all lists them)")
    return out


def render_findings(findings: list[RuleFinding], show_all: bool = False, indent: str = "") -> list[str]:
    out: list[str] = []
    shown: dict[str, int] = {}
    for f in findings:
        shown[f.rule] = shown.get(f.rule, 0) + 1
        if not show_all and shown[f.rule] > SHOWN_PER_RULE:
            continue
        out.append("")
        out.append(f"{indent}{f.severity.upper():<8} {f.rule}  {f.title}")
        out.append(f"{indent}         {f.message}")
        out.extend(f"{indent}         | {e}" for e in f.evidence)
        out.extend(f"{indent}         > {r}" for r in f.remediation)
        if not show_all and shown[f.rule] == SHOWN_PER_RULE:
            more = sum(1 for g in findings if g.rule == f.rule) - SHOWN_PER_RULE
            if more:
                out.append(f"{indent}         ... and {more} more {f.rule} finding(s) (--all lists them)")
    return out


def describe_facts(facts: Facts) -> str:
    parts = []
    parts.append(f"family {facts.family}" if facts.family else "family unknown")
    if facts.evolved is not None:
        parts.append("Junos OS Evolved" if facts.evolved else "Junos OS")
    parts.append(f"{facts.routing_engines} routing engine(s)" if facts.routing_engines else "routing engines unknown")
    if facts.cluster is not None:
        parts.append("chassis cluster" if facts.cluster else "no cluster")
    if facts.virtual_chassis is not None:
        parts.append("virtual chassis" if facts.virtual_chassis else "no virtual chassis")
    if facts.role:
        parts.append(f"role {facts.role}")
    source = f" [{'; '.join(facts.sources)}]" if facts.sources else ""
    return ", ".join(parts) + source


def _print_check(args: argparse.Namespace, reports: list[Report], errors: list[dict[str, str]],
                 ruleset: RuleSet) -> None:
    """The result on stdout in the chosen format; errors and warnings on stderr (JSON and SARIF also carry them)."""
    if args.format == "json":
        print(json.dumps(_check_json(reports, errors, ruleset), indent=2))
    elif args.format == "sarif":
        print(json.dumps(ci_output.sarif_check(reports, ruleset.rules, errors), indent=2))
    elif args.format == "junit":
        sys.stdout.write(ci_output.junit_check(reports, ruleset.rules, errors))
    else:
        sys.stdout.write("\n".join(render_report(r, show_all=args.all) for r in reports))
    for error in errors:
        print(f"error: {error['device']}: {error['error']}", file=sys.stderr)
    for r in reports:
        for warning in r.warnings:
            print(f"warning: {r.device or r.source}: {warning}", file=sys.stderr)


# ---------------------------------------------------------------------------------------------- config review

def review(args: argparse.Namespace) -> int:
    """Review the change in ``args.change`` against ``args.config``; print text or JSON."""
    from analyzers.cacr.review import review as run_review

    ruleset = _rules(args)
    if ruleset is None:
        return 2
    found = targets(Path(args.config), args)
    if len(found) != 1:
        raise InputError("review one device: give its configuration file or device folder", path=args.config)
    target = found[0]
    report = run_review(target.path, args.change, ruleset.rules, target.facts, target.folder,
                        device=target.name if target.folder is not None else None)
    if args.format == "json":
        print(json.dumps(report.to_json(), indent=2))
    elif args.format == "sarif":
        print(json.dumps(ci_output.sarif_review(report, ruleset.rules), indent=2))
    elif args.format == "junit":
        sys.stdout.write(ci_output.junit_review(report))
    else:
        sys.stdout.write(render_review(report, args.all))
    return 1 if _failed(report.introduced, args.fail_on) else 0


def render_review(report: Any, show_all: bool = False) -> str:
    out = [f"change review: {report.change} ({report.mode}) against {report.running}",
           "facts: " + describe_facts(report.facts), ""]
    out.append(f"diff ({len(report.diff)} line(s)):" if report.diff else "diff: the change changes nothing")
    out.extend(f"  {d}" for d in report.diff)
    if report.errors:
        out.append("")
        out.append(f"errors ({len(report.errors)} command(s) do not apply):")
        out.extend(f"  {report.change}:{e.line}{':' + str(e.column) if e.column else ''}: {e.reason}"
                   f"\n      {e.text}" for e in report.errors)
    if report.unchanged:
        out.append("")
        out.append("commands that change nothing:")
        out.extend(f"  {report.change}:{e.line}: {e.reason}" for e in report.unchanged)
    if report.risks:
        out.append("")
        out.append("risks:")
        for r in report.risks:
            lines = sorted(r.lines)
            label = "change" if report.mode == "commands" else "candidate"
            where = f" ({label} lines {', '.join(map(str, lines))})" if lines else ""
            if r.running_lines:
                where += f" (running lines {', '.join(map(str, sorted(r.running_lines)))})"
            out.append(f"  {r.kind.upper()}: {r.message}{where}")
    if report.recommendation:
        out.append("")
        out.append("recommendation: " + report.recommendation)
    out.append("")
    out.append(f"findings introduced by the change: {len(report.introduced)}")
    out.extend(render_findings(report.introduced, show_all, "  "))
    out.append("")
    out.append(f"findings resolved by the change: {len(report.resolved)}")
    for f in report.resolved:
        out.append(f"  {f.severity.upper():<8} {f.rule}  {f.message}")
    return "\n".join(out) + "\n"
