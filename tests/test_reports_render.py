"""The four reviews rendered from a snapshot of the simulated lab: every format written, the content each service
owes (findings with evidence, totals that agree, scope, credits), and hostile device/customer/catalog text shown as
text in HTML and Markdown.

The lab is collected once, live, by the first review (PBNIR, over real SSH/NETCONF); the others take that snapshot.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from report_helpers import (
    DAY,
    EXCLUDED,
    LAB_CHANGE,
    XSS,
    inventory_data,
    ledger_with_credits,
    redemptions,
    served_lab,
    tainted_snapshot,
    write_inventory,
)

from app.assess import AssessRequest, Outcome, run

SERVICES = ("pbnir", "piir", "phc", "cacr")
COST = {"pbnir": 2, "piir": 4, "phc": 5, "cacr": 5}


@pytest.fixture(scope="module")
def reviews(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[dict[str, Outcome], str, Path]]:
    folder = tmp_path_factory.mktemp("reviews")
    with served_lab(folder) as lab:
        url = ledger_with_credits(folder / "ledger.db", lab.inventory, credits=100)
        outcomes: dict[str, Outcome] = {}
        snapshot: Path | None = None
        for service in SERVICES:
            change = {"change": str(LAB_CHANGE), "device": "sg-core-1"} if service == "cacr" else {}
            outcomes[service] = run(AssessRequest(
                service=service, inventory=str(lab.inventory), snapshot=str(snapshot) if snapshot else None,
                out=str(folder / service), date=DAY.isoformat(), ledger=url, **change))
            snapshot = snapshot or folder / "pbnir" / "snapshot"
        assert lab.contacted()[EXCLUDED] == []  # the device off the contract was never contacted
        yield outcomes, url, snapshot


def report(outcome: Outcome) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(outcome.files["json"].read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize("service", SERVICES)
def test_every_format_written_with_findings_and_evidence(reviews: Any, service: str) -> None:
    outcome = reviews[0][service]
    assert outcome.code == 0
    assert sorted(outcome.files) == ["csv", "html", "json", "md", "pdf", "xlsx"]
    assert all(p.is_file() and p.stat().st_size > 0 for p in outcome.files.values())
    assert not list(outcome.out_dir.glob(".staging-*"))  # staged files were moved into place
    data = report(outcome)
    assert data["schema_version"] == 1
    assert data["service"] == service
    assert len(data["findings"]) >= (1 if service == "pbnir" else 20)  # PBNIR: the sample PBN feed's defects
    for finding in data["findings"]:
        assert finding["evidence"], finding
        assert finding["device"] in {d["name"] for d in data["scope"]["in_scope"]}


@pytest.mark.parametrize("service", SERVICES)
def test_totals_agree_with_the_findings_everywhere(reviews: Any, service: str) -> None:
    outcome = reviews[0][service]
    data = report(outcome)
    findings = data["findings"]
    counted = Counter(f["severity"] for f in findings)
    assert data["summary"]["total"] == len(findings)
    assert {s: n for s, n in data["summary"]["by_severity"] if n} == dict(counted)
    per_device = Counter(f["device"] for f in findings)
    for exposed in data["summary"]["most_exposed"]:
        assert exposed["findings"] == per_device[exposed["device"]]
    html = outcome.files["html"].read_text(encoding="utf-8")
    assert "All findings" not in html  # the body lists each finding once; the spreadsheet has them all
    assert f'<tr><td>findings</td><td class="num">{len(findings)}</td>' in html
    assert f'<span class="n">{len(findings)}</span><span class="l">findings</span>' in html
    # The cards use the words of the tables: every severity word on a card is a badge word of the body too.
    card = r'<div class="card"><span class="n">\d+</span><span class="l"><span class="badge sev-(\w+)">'
    cards = set(re.findall(card, html))
    body = set(re.findall(r'<span class="badge sev-(\w+)">', html.split('id="summary"')[1].split("</section>", 1)[1]))
    assert {s for s, n in counted.items() if n} <= cards
    assert set(counted) <= body
    md = outcome.files["md"].read_text(encoding="utf-8")
    assert f"| **total** | **{len(findings)}** |" in md
    for severity, n in counted.items():
        assert f"| {severity} | {n} |" in md


@pytest.mark.parametrize("service", SERVICES)
def test_spreadsheets_hold_one_row_per_finding(reviews: Any, service: str) -> None:
    outcome = reviews[0][service]
    findings = report(outcome)["findings"]
    csv = pd.read_csv(outcome.files["csv"], keep_default_na=False)
    xlsx = pd.read_excel(outcome.files["xlsx"], sheet_name="findings", keep_default_na=False)
    for frame in (csv, xlsx):
        assert len(frame) == len(findings)
        assert list(frame["id"]) == [f["id"] for f in findings]
        assert list(frame["severity"]) == [f["severity"] for f in findings]
        assert all(frame["evidence"].str.len() > 0)


@pytest.mark.parametrize("service", SERVICES)
def test_scope_lists_the_excluded_device_and_why(reviews: Any, service: str) -> None:
    outcome = reviews[0][service]
    scope = report(outcome)["scope"]
    assert [d["name"] for d in scope["excluded"]] == [EXCLUDED]
    assert "66124662877 is not on Juniper Care contract JC-1001" in scope["excluded"][0]["reason"]
    assert len(scope["in_scope"]) == 9 and scope["failed"] == []
    html = outcome.files["html"].read_text(encoding="utf-8")
    assert "<h3>Devices excluded</h3>" in html and f"<td>{EXCLUDED}</td>" in html
    assert EXCLUDED not in {f["device"] for f in report(outcome)["findings"]}
    assert not (reviews[2] / EXCLUDED).exists()


@pytest.mark.parametrize("service", SERVICES)
def test_credits_section_shows_the_debit_and_what_is_left(reviews: Any, service: str) -> None:
    outcomes, url, _ = reviews
    spent = 0
    for name in SERVICES:
        spent += COST[name]
        if name == service:
            break
    credits = report(outcomes[service])["credits"]
    assert credits["status"] == "debited" and credits["debited"] == COST[service]
    assert credits["remaining"] == 100 - spent
    assert credits["earliest_expiry"] == "2027-05-31"
    assert (service.upper(), f"acme-sg-{service}-{DAY}", -COST[service]) in redemptions(url)
    html = outcomes[service].files["html"].read_text(encoding="utf-8")
    assert f"{COST[service]} credits debited; {100 - spent} remaining, earliest expiry 2027-05-31" in html


def test_pbnir_notifications_have_assessment_recommendation_and_call_notes(reviews: Any) -> None:
    outcome = reviews[0]["pbnir"]
    section = report(outcome)["section"]
    notes = {n["id"]: n for n in section["notifications"]}
    # The sample PBN feed's BGP defect (real PR1709837, JSA72510) against the releases the lab devices run.
    bgp = notes["PBN-SAMPLE-2023-08/PR1709837"]
    assert [d["device"] for d in bgp["devices"]] == ["sg-core-1"]
    assert any("15.1F5.15-C1.12" in line for line in bgp["devices"][0]["evidence"])
    assert bgp["assessment"].startswith("Affects 1 of 9 reviewed device(s)")
    assert "bgp-error-tolerance" in bgp["workaround"]
    for n in section["notifications"]:
        assert n["kind"] == "bug_notification"
        assert n["assessment"] and n["recommendation"]
    assert len(section["call_notes"]) >= 3
    assert section["call_notes"][0].startswith("Period reviewed:")
    html = outcome.files["html"].read_text(encoding="utf-8")
    assert "Notes for the explanatory call" in html and "PBN-SAMPLE-2023-08/PR1709837 (PBN-SAMPLE-2023-08)" in html


def test_piir_downtime_per_node_and_upgrade_target(reviews: Any) -> None:
    outcome = reviews[0]["piir"]
    data = report(outcome)
    devices = {d["name"]: d for d in data["section"]["devices"]}
    shapes = {name: d["downtime"]["redundancy"] for name, d in devices.items()}
    assert shapes["sg-core-1"] == "dual_re"  # two REs, no graceful-switchover configured
    assert shapes["sg-fw-1"] == "cluster"
    assert shapes["sg-acc-1"] == "virtual_chassis"
    assert shapes["sg-edge-1"] == "single_re"
    assert any("not configured: chassis redundancy graceful-switchover" in r
               for r in devices["sg-core-1"]["downtime"]["reasons"])
    # What each lab device is told to run respects platform support on the review date (2026-06-01):
    actions = {name: d["upgrade"]["action"] for name, d in devices.items()}
    assert actions["sg-acc-1"] == "replace_hardware"  # EX4200: hardware end of support 2024-06-30
    assert actions["sg-fw-2"] == "verify_support"  # Firefly Perimeter: no supported train documented
    assert actions["sg-p-1"] == "verify_support"  # Junos OS Evolved: train dates not in the data
    assert actions["sg-edge-1"] == "verify_support"  # vMX: documented up to 19.3 only
    for name in ("sg-core-1", "sg-core-2"):  # MX480 on 15.1F, MX960 on 19.4: a path of allowed hops
        u = devices[name]["upgrade"]
        assert actions[name] == "upgrade" and u["target"] and u["path"][-1] == u["target"]
        assert len(u["path"]) > 1 and any("at most 3 releases ahead" in b for b in u["basis"])
        assert u["clears"] + len(u["still_open"]) == u["matched"] - len(u["not_by_release"])
    for d in devices.values():
        u = d["upgrade"]
        assert u["basis"], d["name"]
        assert (u["target"] is None) == (u["action"] != "upgrade"), d["name"]
        software = [i for i in d["issues"] if i["source"] != "hardware_notice"]  # no release clears hardware
        assert u["matched"] == len(software)
    assert sum(n for _, n in data["section"]["areas"]) == len(data["findings"])
    assert {f["category"] for f in data["findings"]} <= {"hardware", "software", "feature"}
    html = outcome.files["html"].read_text(encoding="utf-8")
    assert "Anticipated downtime per node" in html and "replace the hardware" in html
    assert devices["sg-core-1"]["upgrade"]["target"] in html


def test_phc_findings_are_the_indicators_that_are_not_ok(reviews: Any) -> None:
    data = report(reviews[0]["phc"])
    indicators = [(d["name"], i["check"], i["status"]) for d in data["section"]["devices"] for i in d["indicators"]]
    not_ok = sorted((d, c, s) for d, c, s in indicators if s != "ok")
    assert sorted((f["device"], f["id"], f["status"]) for f in data["findings"]) == not_ok
    assert any(s == "ok" for _, _, s in indicators)
    worst = {d["name"]: d["worst"] for d in data["section"]["devices"]}
    assert worst["sg-core-3"] == "critical"  # the degraded MX960
    severity = {f["status"]: f["severity"] for f in data["findings"]}
    assert severity == {"critical": "critical", "warning": "warning", "unknown": "unknown"}  # one vocabulary
    assert [s for s, _ in data["summary"]["by_severity"]] == ["critical", "warning", "unknown"]
    # The lab has real health replies: fewer than 10 % of indicators unknown, each saying what data was missing,
    # with no failure action.
    unknown = [i for d in data["section"]["devices"] for i in d["indicators"] if i["status"] == "unknown"]
    assert len(unknown) < 0.1 * len(indicators)
    assert all(i["detail"] and not i["action"] for i in unknown)
    html = reviews[0]["phc"].files["html"].read_text(encoding="utf-8")
    assert html.count("none: not checked (data missing)") == len(unknown)


def test_cacr_categories_and_change_review(reviews: Any) -> None:
    outcome = reviews[0]["cacr"]
    data = report(outcome)
    categories = dict(data["section"]["categories"])
    assert list(categories) == ["scalability", "resilience", "efficiency", "security"]
    assert sum(categories.values()) == len(data["findings"])
    assert all(f["recommendation"] for f in data["findings"])
    change = data["section"]["change"]
    assert change["device"] == "sg-core-1" and change["mode"] == "commands"
    assert "SEC-TELNET" in {f["id"] for f in change["introduced"]}
    assert {"RES-GRES", "RES-NSR", "SEC-SSH-ROOT-LOGIN"} <= {f["id"] for f in change["resolved"]}
    assert "lockout" in {r["kind"] for r in change["risks"]}
    assert any(e.startswith("line 11:") for e in change["errors"])
    assert "+ set system services telnet" in change["diff"]
    html = outcome.files["html"].read_text(encoding="utf-8")
    assert "Change review: sg-core-1" in html and "commit confirmed 10" in html


HOSTILE_CATALOG = """\
schema_version: 1
name: "hostile <b>catalog</b>"
entries:
- id: PBN-TEST-0001
  kind: bug_notification
  title: "<script>alert(1)</script> | `code` *bold* [x](javascript:alert(1))"
  severity: high
  affects:
  - product: junos
    default_status: affected
  workaround: "<img src=x onerror=alert(1)>"
  references: ["javascript:alert(1)", "https://example.invalid/x?a=1&b=2"]
"""


def test_hostile_text_is_escaped_in_html_and_markdown(reviews: Any, tmp_path: Path) -> None:
    _, _, snapshot = reviews
    tainted = tainted_snapshot(snapshot, tmp_path / "snapshot")
    inventory = write_inventory(tmp_path / "inv.yaml", inventory_data(name=f"ACME {XSS} | `pipe` <i>x</i>"))
    url = ledger_with_credits(tmp_path / "ledger.db", inventory, credits=20)
    catalog = tmp_path / "hostile.yaml"
    catalog.write_text(HOSTILE_CATALOG, encoding="utf-8")
    outcomes = {
        "pbnir": run(AssessRequest(service="pbnir", inventory=str(inventory), snapshot=str(tainted),
                                   catalogs=(str(catalog),), out=str(tmp_path / "pbnir"), date=DAY.isoformat(),
                                   ledger=url)),
        "cacr": run(AssessRequest(service="cacr", inventory=str(inventory), snapshot=str(tainted),
                                  out=str(tmp_path / "cacr"), date=DAY.isoformat(), ledger=url)),
    }
    for outcome in outcomes.values():
        html = outcome.files["html"].read_text(encoding="utf-8")
        md = outcome.files["md"].read_text(encoding="utf-8")
        assert XSS not in html and "<i>x</i>" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # the host name, shown as text
        assert "ACME &lt;script&gt;alert(1)&lt;/script&gt; | `pipe` &lt;i&gt;x&lt;/i&gt;" in html
        assert "<script" not in html.lower()
        assert XSS not in md and "<i>x</i>" not in md
        assert r"\<script\>alert(1)\</script\>" in md
        assert r"ACME \<script\>alert(1)\</script\> \| \`pipe\` \<i\>x\</i\>" in md
        assert json.loads(outcome.files["json"].read_text(encoding="utf-8"))["customer_name"].startswith(
            f"ACME {XSS}")  # JSON is data: the text as it is
    pbnir = outcomes["pbnir"].files["html"].read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=alert(1)&gt;" in pbnir
    assert 'href="javascript:' not in pbnir and "javascript:alert(1)" in pbnir  # shown, not linked
    assert '<a href="https://example.invalid/x?a=1&amp;b=2">' in pbnir
    md = outcomes["pbnir"].files["md"].read_text(encoding="utf-8")
    assert r"\| \`code\` \*bold\* \[x\](javascript:alert(1))" in md  # no table cell split, no link
    cacr = outcomes["cacr"].files["html"].read_text(encoding="utf-8")
    assert "description &#34;&lt;script&gt;alert(1)&lt;/script&gt; | `x` *y*&#34;" in cacr  # quoted as evidence
    csv = pd.read_csv(outcomes["cacr"].files["csv"], keep_default_na=False)
    assert csv["evidence"].str.contains(XSS, regex=False).any()  # data formats keep the text as it is


def test_a_formula_in_catalog_text_is_not_a_formula_in_the_spreadsheet(reviews: Any, tmp_path: Path) -> None:
    _, _, snapshot = reviews
    inventory = write_inventory(tmp_path / "inv.yaml", inventory_data())
    url = ledger_with_credits(tmp_path / "ledger.db", inventory, credits=10)
    catalog = tmp_path / "formula.yaml"
    catalog.write_text(HOSTILE_CATALOG.replace('title: "<script>', 'title: "=HYPERLINK(1)<script>'), encoding="utf-8")
    outcome = run(AssessRequest(service="pbnir", inventory=str(inventory), snapshot=str(snapshot),
                                catalogs=(str(catalog),), out=str(tmp_path / "out"), date=DAY.isoformat(), ledger=url))
    from openpyxl import load_workbook

    sheet = load_workbook(outcome.files["xlsx"])["findings"]
    titles = [row[2].value for row in sheet.iter_rows(min_row=2)]
    assert titles and all(t.startswith("'=HYPERLINK(1)") for t in titles)
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    csv = pd.read_csv(outcome.files["csv"], keep_default_na=False)
    assert all(t.startswith("'=") for t in csv["title"])


def test_findings_from_a_demonstration_catalog_carry_a_caveat(reviews: Any, tmp_path: Path) -> None:
    _, _, snapshot = reviews
    inventory = write_inventory(tmp_path / "inv.yaml", inventory_data())
    url = ledger_with_credits(tmp_path / "ledger.db", inventory, credits=10)
    catalog = tmp_path / "demo.yaml"
    catalog.write_text(HOSTILE_CATALOG.replace('name: "hostile <b>catalog</b>"',
                                               "name: Bug notifications (demonstration examples)"), encoding="utf-8")
    outcome = run(AssessRequest(service="pbnir", inventory=str(inventory), snapshot=str(snapshot),
                                catalogs=(str(catalog),), out=str(tmp_path / "out"), date=DAY.isoformat(), ledger=url))
    data = report(outcome)
    assert len(data["notes"]) == 1 and "invented examples, not Juniper data" in data["notes"][0]
    assert data["section"]["notifications"][0]["kind"] == "bug_notification"
    assert any(n.startswith("Caveat:") for n in data["section"]["call_notes"])
    assert "<strong>Read first.</strong>" in outcome.files["html"].read_text(encoding="utf-8")
    # The shipped PBN feed is a sample (real defects, made-up bulletins): the lab PBNIR says so, once.
    notes = report(reviews[0]["pbnir"])["notes"]
    assert len(notes) == 1 and "a sample feed" in notes[0]
    assert report(reviews[0]["piir"])["notes"] == []


# ---------------------------------------------------------------------------------------------- PDF

PDFTOTEXT = shutil.which("pdftotext")
MAX_PAGES = 30
TOC_LINE = re.compile(r"^\s*(\S.*?)\s*(?:\. ?){3,}\s*(\d+)\s*$")


def pdf_pages(path: Path, *, layout: bool = True) -> list[str]:
    """The text of each page (pdftotext; ``layout``: lines as laid out, else in reading order, which keeps a table
    cell's wrapped lines together); pages split on form feeds."""
    if PDFTOTEXT is None:
        pytest.fail("pdftotext is not installed: `make pdf-tools` installs Debian's poppler-utils (make test does)")
    args = [PDFTOTEXT, *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout.split("\f")[:-1]


def flat(text: str) -> str:
    return " ".join(text.split())


def squash(text: str) -> str:
    """Text with whitespace and hyphens removed: pdftotext drops the hyphen where a line broke at one."""
    return re.sub(r"[\s-]", "", text)


@pytest.mark.parametrize("service", SERVICES)
def test_pdf_has_cover_contents_page_numbers_and_fits_30_pages(reviews: Any, service: str) -> None:
    outcome = reviews[0][service]
    data = report(outcome)
    pdf = outcome.files["pdf"]
    assert pdf.read_bytes().startswith(b"%PDF-")
    pages = pdf_pages(pdf)
    assert 3 <= len(pages) <= MAX_PAGES, len(pages)
    cover = pages[0]
    assert data["service_name"] in flat(cover) and "ACME Pte Ltd" in cover and "Contents" in cover
    assert f"{service}-tables.xlsx" in flat(cover) and "Page 1" not in cover
    # Every contents line names a page, and that page carries the heading (device entries: the device's name).
    entries = [(m.group(1), int(m.group(2))) for line in cover.splitlines() if (m := TOC_LINE.match(line))]
    titles = [t for t, _ in entries]
    assert titles[0] == "Executive summary" and entries[0][1] == 2  # the summary opens the report
    assert {"Scope", "Complete lists: the spreadsheet", "Data provenance", "Credits"} <= set(titles)
    assert [p for _, p in entries] == sorted(p for _, p in entries)
    for title, page in entries:
        assert title in flat(pages[page - 1]), (title, page)
    reviewed = [d["name"] for d in data["scope"]["in_scope"]]
    if service != "pbnir":  # per-device sections, each in the contents
        assert set(reviewed) <= set(titles)
    for number, text in enumerate(pages[1:], 2):
        assert f"Page {number} of {len(pages)}" in text
    body = flat(" ".join(pdf_pages(pdf, layout=False)))
    assert "All findings" not in body
    for name in reviewed:
        assert name in body


def test_pdf_shows_each_finding_once_and_points_to_the_spreadsheet(reviews: Any) -> None:
    outcome = reviews[0]["cacr"]
    data = report(outcome)
    laid_out = flat(" ".join(pdf_pages(outcome.files["pdf"])))
    assert f"findings {len(data['findings'])} every finding" in laid_out  # the sheet listed with its row count
    body = flat(" ".join(pdf_pages(outcome.files["pdf"], layout=False)))
    text = squash(body)
    # A finding whose message is unique appears exactly once in the body (no second "all findings" list).
    change = data["section"]["change"]  # its device's findings, and those it introduces or resolves, show there too
    in_change = {f["message"] for f in change["introduced"] + change["resolved"]}
    counts = Counter(f["message"] for f in data["findings"])
    unique = [f["message"] for f in data["findings"] if counts[f["message"]] == 1 and f["device"] != change["device"]
              and f["message"] not in in_change and len(f["message"]) > 40]
    assert len(unique) >= 5
    for m in unique[:10]:
        assert text.count(squash(m)) == 1, m


# ---------------------------------------------------------------------------------------------- XLSX

SHEETS = {
    "pbnir": ["summary", "findings", "upgrade plan", "scope"],
    "piir": ["summary", "findings", "upgrade plan", "downtime", "scope"],
    "phc": ["summary", "findings", "indicators", "scope"],
    "cacr": ["summary", "findings", "rule tallies", "change review", "scope"],
}


@pytest.mark.parametrize("service", SERVICES)
def test_xlsx_one_sheet_per_table_with_filters_frozen_headers_and_colours(reviews: Any, service: str) -> None:
    from openpyxl import load_workbook

    from reports.chart import COLOURS

    outcome = reviews[0][service]
    data = report(outcome)
    book = load_workbook(outcome.files["xlsx"])
    assert book.sheetnames == SHEETS[service]
    for ws in book.worksheets:
        assert ws.freeze_panes == "A2", ws.title
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:"), ws.title
        assert ws.auto_filter.ref.endswith(str(max(ws.max_row, 2))), ws.title
        assert ws["A1"].font.bold
    findings = book["findings"]
    header = [c.value for c in findings[1]]
    assert findings.max_row - 1 == len(data["findings"])
    col = header.index("severity") + 1
    for row, finding in zip(findings.iter_rows(min_row=2, min_col=col, max_col=col), data["findings"], strict=True):
        cell = row[0]
        assert cell.value == finding["severity"]
        assert cell.fill.fgColor.rgb.endswith(COLOURS[finding["severity"]].lstrip("#").upper())
    scope = book["scope"]
    assert scope.max_row - 1 == len(data["scope"]["in_scope"]) + len(data["scope"]["excluded"])
    if service == "piir":
        plan = {r[0]: r for r in book["upgrade plan"].iter_rows(min_row=2, values_only=True)}
        assert {d["name"]: (d["upgrade"]["action"].replace("_", " "), d["upgrade"]["target"] or "none")
                for d in data["section"]["devices"]} == {name: (row[3], row[4]) for name, row in plan.items()}
        assert all(row[12] for row in plan.values())  # why, with sources
        assert book["downtime"].max_row - 1 == len(data["section"]["devices"])
    if service == "phc":
        indicators = book["indicators"]
        assert indicators.max_row - 1 == sum(len(d["indicators"]) for d in data["section"]["devices"])
        statuses = {r[3] for r in indicators.iter_rows(min_row=2, values_only=True)}
        assert statuses <= {"ok", "warning", "critical", "unknown"} and "ok" in statuses
    if service == "cacr":
        parts = Counter(r[0] for r in book["change review"].iter_rows(min_row=2, values_only=True))
        change = data["section"]["change"]
        assert parts["diff"] == len(change["diff"]) and parts["introduced"] == len(change["introduced"])
        assert parts["resolved"] == len(change["resolved"]) and parts["risk"] == len(change["risks"])
