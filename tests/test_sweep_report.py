"""The sweep report: three sweeps of the simulated lab over real SSH/NETCONF, then sweep-report.html and .pdf hold
the status matrix of the latest sweep and a trend chart per device and key indicator with one point per sweep;
the HTML opens in real Chromium with nothing logged to the console and nothing fetched."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from test_health_sweep import lab  # noqa: F401 - the fixture
from test_reports_browser import open_page

from app.sweep import run_sweep
from lab.server import LabServer
from msplus.records import Inventory
from reports.sweep_report import TRENDS

SWEEPS = 3


def test_sweep_report_matrix_and_trends(lab: tuple[LabServer, Inventory], tmp_path: Path) -> None:  # noqa: F811
    _, inventory = lab
    history, out = tmp_path / "history", tmp_path / "out"
    for _ in range(SWEEPS):
        outcome = run_sweep(inventory, history=history, out=out, workers=8)
    html_file, pdf_file = out / "sweep-report.html", out / "sweep-report.pdf"
    html = html_file.read_text(encoding="utf-8")
    devices = sorted({r.device for r in outcome.results})
    checks = sorted({r.check for r in outcome.results})
    # The matrix: one cell per device and check, coloured by the latest status.
    cells = re.findall(r'<td class="cell st-(\w+)" title="([^"]+?) ', html)
    assert len(cells) == len(devices) * len(checks)
    latest = {(r.device, r.check): r.status for r in outcome.results}
    assert sorted(s for s, _ in cells) == sorted(latest.values())
    assert {"critical", "warning", "ok"} <= {s for s, _ in cells}
    # The trends: a chart per device and indicator, one point per sweep where the indicator has a value.
    charts = re.findall(r'<svg xmlns="http://www.w3.org/2000/svg" class="spark".*?</svg>', html)
    with_value = {(r.device, r.check) for r in outcome.results if r.check in dict(TRENDS) and r.value is not None}
    assert len(charts) == len(with_value)
    for chart in charts:
        assert chart.count("<circle") == SWEEPS and "<polyline" in chart
    core3 = html.split('<td class="dev">sg-core-3</td>', 2)[2].split("</tr>", 1)[0]  # its trends row
    assert 'fill="#b91c1c"' in core3  # RE CPU at 95 %: critical points
    # Self-contained, renders in Chromium without console messages.
    for external in ("<script", "<link", " src=", "url(", "@import"):
        assert external not in html.lower(), external
    dom, console = open_page(html_file, tmp_path / "browser", "--dump-dom")
    assert console == [] and "Status of the latest sweep" in dom
    # The PDF: the same content, paged.
    assert pdf_file.read_bytes().startswith(b"%PDF-")
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "pdftotext is missing: make pdf-tools"
    text = subprocess.run([pdftotext, "-layout", str(pdf_file), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Trends over the last 3 sweeps" in text and "Page 1 of" in text
    for device in devices:
        assert device in text
