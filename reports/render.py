"""Rendering one ReviewResult into the report documents: HTML (self-contained, fit to print), Markdown, JSON, and
the findings as XLSX and CSV.

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

TEMPLATES = Path(__file__).with_name("templates")
FINDING_COLUMNS = ("device", "id", "title", "severity", "category", "status", "message", "evidence",
                   "recommendation", "reference")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|#<>])")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def file_names(service: str) -> dict[str, str]:
    """Format -> file name inside the output folder."""
    return {"html": f"{service}-report.html", "md": f"{service}-report.md", "json": f"{service}-report.json",
            "xlsx": f"{service}-findings.xlsx", "csv": f"{service}-findings.csv"}


def render_all(result: ReviewResult, out_dir: Path) -> dict[str, Path]:
    """Write every format into ``out_dir``; returns format -> path. Raises whatever rendering or writing raises
    (the caller treats any exception as "no review written")."""
    out_dir.mkdir(parents=True, exist_ok=True)
    names = file_names(result.service)
    writers: dict[str, Callable[[ReviewResult, Path], None]] = {
        "html": write_html, "md": write_markdown, "json": write_json, "xlsx": write_xlsx, "csv": write_csv}
    paths = {}
    for fmt, writer in writers.items():
        path = out_dir / names[fmt]
        writer(result, path)
        paths[fmt] = path
    return paths


# ---------------------------------------------------------------------------------------------- HTML, Markdown

def html(result: ReviewResult) -> str:
    return _html_env().get_template("base.html.j2").render(**_context(result), chart_svg=svg(result.summary.chart))


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
            "counts": dict(result.summary.by_severity)}


@cache
def _html_env() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined, trim_blocks=True,
                      lstrip_blocks=True, autoescape=select_autoescape(("html", "html.j2"), default_for_string=True))
    env.filters.update(link=_link, plural=_plural)
    return env


@cache
def _md_env() -> Environment:
    # Not HTML: Markdown escaping is md_escape, applied to every {{ }} as the environment's finalize.
    env = Environment(loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined, trim_blocks=True,
                      lstrip_blocks=True, autoescape=False, finalize=md_escape,  # noqa: S701
                      keep_trailing_newline=True)
    env.filters.update(plural=_plural)
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


def _plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count} {word if count == 1 else (many or word + 's')}"


# ---------------------------------------------------------------------------------------------- spreadsheets

def findings_frame(findings: tuple[FindingRow, ...]) -> Any:
    import pandas as pd

    rows = [{c: _cell(_value(f, c)) for c in FINDING_COLUMNS} for f in findings]
    return pd.DataFrame(rows, columns=list(FINDING_COLUMNS))


def _value(f: FindingRow, column: str) -> str:
    value = getattr(f, column)
    return "\n".join(value) if isinstance(value, tuple) else str(value or "")


def _cell(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA) else text


def write_csv(result: ReviewResult, path: Path) -> None:
    with atomicfile.replacing(path, "w", newline="") as handle:
        findings_frame(result.findings).to_csv(handle, index=False)


def write_xlsx(result: ReviewResult, path: Path) -> None:
    import pandas as pd

    frame = findings_frame(result.findings)
    summary = pd.DataFrame(
        [("service", result.service_name), ("customer", f"{result.customer_name} ({result.customer_id})"),
         ("date", result.date), ("request id", result.request_id), ("findings", result.summary.total),
         *((f"severity {s}", n) for s, n in result.summary.by_severity),
         ("credits", f"{result.credits.debited} debited ({result.credits.status}); "
                     f"{result.credits.remaining} remaining")],
        columns=["item", "value"])
    summary["value"] = summary["value"].map(lambda v: _cell(str(v)))
    with atomicfile.replacing(path, "wb") as handle, pd.ExcelWriter(handle, engine="openpyxl") as writer:
        frame.to_excel(writer, sheet_name="findings", index=False)
        summary.to_excel(writer, sheet_name="summary", index=False)
        sheet = writer.sheets["findings"]
        for letter, width in zip("ABCDEFGHIJ", (14, 20, 50, 10, 16, 14, 60, 60, 60, 16), strict=True):
            sheet.column_dimensions[letter].width = width
        sheet.freeze_panes = "A2"
