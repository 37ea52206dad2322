"""Rendering one ReviewResult into the report documents: HTML (self-contained), PDF (the same template laid out for
paper: cover, contents with page numbers, long lists shortened), Markdown, JSON, the tables as XLSX (one sheet per
table, reports/spreadsheet.py) and the findings as CSV.

Templates (reports/templates/) only lay out the model; they hold no analysis. Text from devices, customers and
catalogs is escaped everywhere it lands:
- HTML: Jinja2 autoescaping (select_autoescape) for every ``{{ }}``; the chart is SVG built in reports/chart.py
  with every label escaped; links only for http(s) references.
- Markdown: every ``{{ }}`` passes through ``md_escape`` (the environment's finalize), so table pipes, backticks,
  emphasis and raw HTML in device text show as text.
- XLSX/CSV: a cell that starts like a formula (= + - @) is written with a leading apostrophe, so a spreadsheet
  shows it instead of running it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from msplus import atomicfile
from reports.chart import COLOURS, svg
from reports.model import SEVERITIES, FindingRow, ReviewResult
from reports.tables import FINDING_COLUMNS, finding_cells, sheets

TEMPLATES = Path(__file__).with_name("templates")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|#<>])")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def file_names(service: str) -> dict[str, str]:
    """Format -> file name inside the output folder."""
    return {"html": f"{service}-report.html", "pdf": f"{service}-report.pdf", "md": f"{service}-report.md",
            "json": f"{service}-report.json", "xlsx": f"{service}-tables.xlsx", "csv": f"{service}-findings.csv"}


def render_all(result: ReviewResult, out_dir: Path) -> dict[str, Path]:
    """Write every format into ``out_dir``; returns format -> path. Raises whatever rendering or writing raises
    (the caller treats any exception as "no review written")."""
    out_dir.mkdir(parents=True, exist_ok=True)
    names = file_names(result.service)
    from reports.pdf import write_pdf
    from reports.spreadsheet import write_xlsx

    writers: dict[str, Callable[[ReviewResult, Path], None]] = {
        "html": write_html, "pdf": write_pdf, "md": write_markdown, "json": write_json, "xlsx": write_xlsx,
        "csv": write_csv}
    paths = {}
    for fmt, writer in writers.items():
        path = out_dir / names[fmt]
        writer(result, path)
        paths[fmt] = path
    return paths


# ---------------------------------------------------------------------------------------------- HTML, Markdown

def html(result: ReviewResult, *, pdf: bool = False) -> str:
    """The HTML report; ``pdf``: the print layout WeasyPrint turns into the PDF (evidence shortened, the
    per-device evidence tables left to the spreadsheet)."""
    return _html_env().get_template("base.html.j2").render(**_context(result), chart_svg=svg(result.summary.chart),
                                                           pdf=pdf, toc=toc(result), sheets=sheets(result))


def markdown(result: ReviewResult) -> str:
    return _md_env().get_template("report.md.j2").render(**_context(result))


# Every writer goes through msplus.atomicfile: a report is complete or absent, never half written.

def write_html(result: ReviewResult, path: Path) -> None:
    atomicfile.write_text(path, html(result))


def write_markdown(result: ReviewResult, path: Path) -> None:
    atomicfile.write_text(path, markdown(result))


def write_json(result: ReviewResult, path: Path) -> None:
    atomicfile.write_text(path, json.dumps(result.to_json(), indent=2, ensure_ascii=False) + "\n")


def _context(result: ReviewResult) -> dict[str, Any]:
    return {"r": result, "severities": SEVERITIES, "colours": COLOURS,
            "counts": dict(result.summary.by_severity), "files": file_names(result.service),
            "present_severities": tuple(s for s, n in result.summary.by_severity if n)}


# Each service's sections (anchor, title) between the executive summary and the scope, and the prefix of its
# per-device anchors (the templates number devices in section order: <prefix>-1, -2, ...).
_SECTIONS: dict[str, tuple[tuple[tuple[str, str], ...], str | None]] = {
    "pbnir": ((("devices", "Exposure per device"), ("notifications", "Notifications matching the deployed profile"),
               ("call", "Notes for the explanatory call")), None),
    "piir": ((("plan", "Upgrade plan and anticipated downtime"), ("issues", "Issues and impact per device")),
             "piir-dev"),
    "phc": ((("health", "Health indicators per device"),), "phc-dev"),
    "cacr": ((("configuration", "Configuration analysis per device"),), "cacr-dev"),
}


def toc(result: ReviewResult) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """The table of contents: (anchor, title, [(anchor, title)] per device) in document order."""
    sections, prefix = _SECTIONS[result.service]
    devices = _section_devices(result)
    entries: list[tuple[str, str, list[tuple[str, str]]]] = [("summary", "Executive summary", [])]
    for i, (anchor, title) in enumerate(sections):
        subs = [(f"{prefix}-{n}", name) for n, name in enumerate(devices, 1)] if prefix and i == len(sections) - 1 \
            else []
        entries.append((anchor, title, subs))
    change = getattr(result.section, "change", None)
    if change is not None:
        entries.append(("change", f"Change review: {change.device}", []))
    entries += [("scope", "Scope", []), ("lists", "Complete lists: the spreadsheet", []),
                ("provenance", "Data provenance", []), ("credits", "Credits", [])]
    return entries


def _section_devices(result: ReviewResult) -> list[str]:
    section = result.section
    if hasattr(section, "devices"):
        return [d.name for d in section.devices]
    if hasattr(section, "tallies"):
        return [t.device for t in section.tallies]
    return []


@cache
def _html_env() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined, trim_blocks=True,
                      lstrip_blocks=True, autoescape=select_autoescape(("html", "html.j2"), default_for_string=True))
    env.filters.update(link=_link, plural=_plural, action_words=_action_words)
    return env


@cache
def _md_env() -> Environment:
    # Not HTML: Markdown escaping is md_escape, applied to every {{ }} as the environment's finalize.
    env = Environment(loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined, trim_blocks=True,
                      lstrip_blocks=True, autoescape=False, finalize=md_escape,  # noqa: S701
                      keep_trailing_newline=True)
    env.filters.update(plural=_plural, action_words=_action_words)
    return env


def md_escape(value: Any) -> Any:
    """Markdown-safe text: special characters backslash-escaped, ``&`` as an entity, line breaks as spaces.
    Markup values (template-made Markdown) pass unchanged."""
    if isinstance(value, Markup):
        return str(value)
    if value is None:
        return ""
    text = str(value).replace("&", "&amp;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return " ".join(text.split()) if "\n" in text or "\r" in text else text


def _link(url: str) -> Markup:
    """A reference as a link when it is an http(s) URL, else as text (a catalog could hold ``javascript:``)."""
    from markupsafe import escape

    text = escape(url)
    if re.match(r"^https?://[^\s\"'<>]+$", url, re.IGNORECASE):
        return Markup(f'<a href="{text}">{text}</a>')  # noqa: S704 - escaped above
    return Markup(text)  # noqa: S704 - escaped above


_ACTION_WORDS = {"upgrade": "upgrade", "no_action": "no action", "replace_hardware": "replace the hardware",
                 "verify_support": "verify platform support"}


def _action_words(action: str) -> str:
    """An upgrade action (analyzers/advisories/upgrade.py) in the words of a report."""
    return _ACTION_WORDS.get(action, action.replace("_", " "))


def _plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count} {word if count == 1 else (many or word + 's')}"


# ---------------------------------------------------------------------------------------------- spreadsheets

def findings_frame(findings: tuple[FindingRow, ...]) -> Any:
    import pandas as pd

    rows = [[cell(str(v)) for v in finding_cells(f)] for f in findings]
    return pd.DataFrame(rows, columns=list(FINDING_COLUMNS))


def cell(text: str) -> str:
    """Text a spreadsheet shows as text: a leading formula character is neutralised with an apostrophe."""
    return "'" + text if text.startswith(_FORMULA) else text


def write_csv(result: ReviewResult, path: Path) -> None:
    with atomicfile.replacing(path, "w", newline="") as handle:
        findings_frame(result.findings).to_csv(handle, index=False)
