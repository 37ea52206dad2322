"""Each HTML report opened in a real headless browser (Debian's chromium; ``make test`` installs it): it renders
(the DOM holds the report's sections), logs nothing to the console, and needs nothing beside itself (each file is
opened alone in an empty folder, and holds no script, stylesheet link, image source or CSS url()).

Console messages are read from Chromium's log (``--enable-logging=stderr``: one ``:CONSOLE`` line per message);
a control page that logs an error proves the detection works. Hostile text that would log to the console if it
ran (a script and an ``onerror`` handler in device and customer text) must not.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from report_helpers import DAY, LAB_CHANGE, inventory_data, ledger_with_credits, served_lab, write_inventory

from app.assess import AssessRequest, run

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
         "--enable-logging=stderr", "--v=0")
HEADINGS = ("Contents", "Executive summary", "Scope", "Complete lists: the spreadsheet", "Data provenance", "Credits")
SECTION = {"pbnir": "Notes for the explanatory call", "piir": "Anticipated downtime per node",
           "phc": "Health indicators per device", "cacr": "Change review: sg-core-1"}
HOSTILE_HOST = "<script>console.error('xss-host')</script>"
HOSTILE_NAME = "ACME <img src=x onerror=\"console.error('xss-name')\">"


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    if not Path(CHROMIUM).is_file():
        pytest.fail("chromium is not installed: `make browser` installs Debian's chromium (make test does)")
    folder = tmp_path_factory.mktemp("browser")
    out: dict[str, Path] = {}
    with served_lab(folder) as lab:
        url = ledger_with_credits(folder / "ledger.db", lab.inventory, credits=100)
        snapshot = None
        for service in SECTION:
            change = {"change": str(LAB_CHANGE), "device": "sg-core-1"} if service == "cacr" else {}
            outcome = run(AssessRequest(service=service, inventory=str(lab.inventory), snapshot=snapshot,
                                        out=str(folder / service), date=DAY.isoformat(), ledger=url, **change))
            out[service] = outcome.files["html"]
            snapshot = snapshot or str(folder / "pbnir" / "snapshot")
    hostile = _hostile_snapshot(Path(str(snapshot)), folder / "hostile")
    inventory = write_inventory(folder / "hostile.yaml", inventory_data(name=HOSTILE_NAME))
    url = ledger_with_credits(folder / "hostile.db", inventory, credits=10)
    out["hostile"] = run(AssessRequest(service="pbnir", inventory=str(inventory), snapshot=str(hostile),
                                       out=str(folder / "hostile-out"), date=DAY.isoformat(), ledger=url)).files["html"]
    yield out


def _hostile_snapshot(source: Path, target: Path) -> Path:
    import json

    shutil.copytree(source, target)
    profile = target / "sg-core-1" / "profile.json"
    data = json.loads(profile.read_text(encoding="utf-8"))
    data["hostname"] = HOSTILE_HOST
    profile.write_text(json.dumps(data), encoding="utf-8")
    return target


def open_page(html: Path, work: Path, *extra: str) -> tuple[str, list[str]]:
    """Open ``html`` alone in an empty folder; return the DOM after load and the console messages."""
    alone = work / "page"
    alone.mkdir(parents=True)
    page = alone / "report.html"
    shutil.copyfile(html, page)
    env = {**os.environ, "HOME": str(work)}
    proc = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={work / 'profile'}", *extra, page.as_uri()],
                          capture_output=True, text=True, timeout=120, env=env, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    console = [line for line in proc.stderr.splitlines() if ":CONSOLE" in line]
    return proc.stdout, console


def test_console_detection_works(tmp_path: Path) -> None:
    control = tmp_path / "control.html"
    control.write_text('<!doctype html><html><body><h1>x</h1><script>console.error("detected-42")</script>'
                       "</body></html>", encoding="utf-8")
    dom, console = open_page(control, tmp_path, "--dump-dom")
    assert "<h1>x</h1>" in dom
    assert any("detected-42" in line for line in console)


@pytest.mark.parametrize("service", list(SECTION))
def test_report_renders_in_chromium_without_console_errors(reports: dict[str, Path], service: str,
                                                           tmp_path: Path) -> None:
    html = reports[service].read_text(encoding="utf-8")
    for external in ("<script", "<link", " src=", "url(", "@import", "<iframe", "<object"):
        assert external not in html.lower(), external
    dom, console = open_page(reports[service], tmp_path, "--dump-dom")
    assert console == []
    for heading in (*HEADINGS, SECTION[service]):
        assert re.search(rf"<h[23][^>]*>[^<]*{re.escape(heading)}", dom), heading
    assert "<svg" in dom and "<rect" in dom  # the chart, drawn inline
    assert "All findings" not in dom  # each finding once: the spreadsheet holds the complete lists
    # Every contents entry points at an element of the page.
    anchors = re.findall(r'<nav class="toc".*?</nav>', dom, re.S)[0]
    for target in re.findall(r'href="#([^"]+)"', anchors):
        assert f'id="{target}"' in dom, target


def test_hostile_text_does_not_run_in_the_browser(reports: dict[str, Path], tmp_path: Path) -> None:
    dom, console = open_page(reports["hostile"], tmp_path, "--dump-dom")
    assert console == []
    assert "xss" not in " ".join(console)
    assert "&lt;script&gt;console.error('xss-host')&lt;/script&gt;" in dom
    assert "ACME &lt;img src=x onerror=\"console.error('xss-name')\"&gt;" in dom
    assert "<img" not in dom


def test_screenshot_is_a_full_page_image(reports: dict[str, Path], tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    _, console = open_page(reports["piir"], tmp_path, f"--screenshot={shot}", "--window-size=1280,1800")
    assert console == []
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1280, 1800)
    assert len(data) > 50_000  # a page of text and a chart, not a blank image
