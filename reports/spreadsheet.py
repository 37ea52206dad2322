"""The XLSX: one worksheet per table of the report (reports/tables.py), with a summary sheet first.

Each sheet has its header row frozen, a filter on every column, wrapped text and column widths, and the severity
or status cells coloured with the report's colours (the same words and colours as the HTML and PDF). Text that
starts like a formula is written with a leading apostrophe, so a spreadsheet shows it rather than runs it.
"""

from __future__ import annotations

from pathlib import Path

from msplus import atomicfile
from reports.chart import COLOURS
from reports.model import ReviewResult
from reports.tables import Cell, Sheet, sheets

HEADER_FILL = "1F2937"


def write_xlsx(result: ReviewResult, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    from reports.render import cell

    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    for table in (_summary(result), *sheets(result)):
        ws = book.create_sheet(table.name)
        ws.append(list(table.columns))
        for row in table.rows:
            ws.append([cell(v) if isinstance(v, str) else v for v in row])
        for i, width in enumerate(table.widths, 1):
            ws.column_dimensions[get_column_letter(i)].width = width
        for c in ws[1]:
            c.font = Font(bold=True, color="FFFFFF")
            c.fill = PatternFill("solid", fgColor=HEADER_FILL)
        ws.freeze_panes = "A2"
        last = get_column_letter(len(table.columns))
        ws.auto_filter.ref = f"A1:{last}{max(len(table.rows) + 1, 2)}"
        wrap = Alignment(wrap_text=True, vertical="top")
        for row in ws.iter_rows(min_row=2):
            for c in row:
                c.alignment = wrap
        for name in table.severity_columns:
            col = table.columns.index(name) + 1
            for row in ws.iter_rows(min_row=2, min_col=col, max_col=col):
                c = row[0]
                colour = COLOURS.get(str(c.value))
                if colour:
                    c.fill = PatternFill("solid", fgColor=colour.lstrip("#").upper())
                    c.font = Font(bold=True, color="FFFFFF")
    with atomicfile.replacing(path, "wb") as handle:
        book.save(handle)


def _summary(result: ReviewResult) -> Sheet:
    rows: list[tuple[Cell, ...]] = [
        ("service", f"{result.service.upper()} {result.service_name}"),
        ("customer", f"{result.customer_name} ({result.customer_id})"),
        ("review date", result.date), ("request id", result.request_id),
        ("headline", result.summary.headline), ("findings", result.summary.total),
        *((f"severity {s}", n) for s, n in result.summary.by_severity),
        ("credits", f"{result.credits.debited} debited ({result.credits.status}); "
                    f"{result.credits.remaining} remaining"),
        ("generated", f"{result.provenance.generated_at} by msplus-assess {result.provenance.tool_version}"),
    ]
    return Sheet("summary", "the review at a glance", ("item", "value"), tuple(rows), (22, 100))
