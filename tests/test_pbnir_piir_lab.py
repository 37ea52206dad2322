"""PBNIR and PIIR on the simulated lab are two different documents: PBNIR shows the bug notifications of its
period (source ``pbn`` only), PIIR the field defects, security advisories and hardware facts (never ``pbn``). The
period of a PBNIR comes from the ledger (the customer's previous PBNIR) or ``--since``. Real SSH/NETCONF to the lab,
a real SQLite ledger."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from report_helpers import DAY, Lab, ledger_with_credits, open_at, served_lab

from app.cli import main


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    with served_lab(tmp_path_factory.mktemp("lab")) as served:
        yield served


@pytest.fixture(scope="module")
def snapshot(lab: Lab, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One live collection (PIIR, not charged), reused by the other runs as --snapshot."""
    out = tmp_path_factory.mktemp("piir")
    url = ledger_with_credits(out / "ledger.db", lab.inventory)
    assert main(["assess", "piir", "--inventory", str(lab.inventory), "--ledger", url, "--date", str(DAY),
                 "--out", str(out / "report"), "--no-charge", "--no-progress"]) in (0, 1)
    return out / "report" / "snapshot"


def run(service: str, lab: Lab, snapshot: Path, out: Path, url: str, *extra: str) -> dict[str, Any]:
    code = main(["assess", service, "--inventory", str(lab.inventory), "--snapshot", str(snapshot), "--ledger", url,
                 "--date", str(DAY), "--out", str(out), "--no-progress", *extra])
    assert code in (0, 1)
    data: dict[str, Any] = json.loads((out / f"{service}-report.json").read_text(encoding="utf-8"))
    return data


def test_pbnir_and_piir_are_different_documents(lab: Lab, snapshot: Path, tmp_path: Path) -> None:
    url = ledger_with_credits(tmp_path / "ledger.db", lab.inventory)
    pbnir = run("pbnir", lab, snapshot, tmp_path / "pbnir", url, "--no-charge")
    piir = run("piir", lab, snapshot, tmp_path / "piir", url, "--no-charge")
    pbn_sources = {f["source"] for f in pbnir["findings"]}
    piir_sources = {f["source"] for f in piir["findings"]}
    assert pbn_sources == {"pbn"}
    assert {"security_advisory", "problem_report", "hardware_notice"} <= piir_sources and "pbn" not in piir_sources
    # the EX4200 virtual chassis (sg-acc-1): Juniper's end of support for the EX4200 passed on 2024-06-30
    hw = [f for f in piir["findings"] if f["source"] == "hardware_notice"]
    assert [(f["device"], f["id"]) for f in hw] == [("sg-acc-1", "EOL-EX4200")]
    assert "support ended on 2024-06-30" in hw[0]["recommendation"] and hw[0]["severity"] == "high"
    assert any("support.juniper.net/support/eol/hardware/ex_series" in line for line in hw[0]["evidence"])
    acc = next(d for d in piir["section"]["devices"] if d["name"] == "sg-acc-1")
    assert any(i["source"] == "hardware_notice" and i["area"] == "hardware" for i in acc["issues"])
    # PBNIR: per notification the exposed devices and why, an assessment, a recommendation; the call's agenda
    section = pbnir["section"]
    assert section["notifications"] and all(n["assessment"] and n["recommendation"] and n["devices"]
                                            for n in section["notifications"])
    assert section["period"].startswith("Notifications published from the first notification")
    assert section["call_notes"][0].startswith("Period reviewed:")
    # the BGP defect (PR1709837): sg-core-1 (15.1F, BGP configured) is exposed, with the configuration line as why
    bgp = next(n for n in section["notifications"] if n["problem_reports"] == ["1709837"])
    core1 = next(e for e in bgp["devices"] if e["device"] == "sg-core-1")
    assert core1["verdict"] == "affected" and any("protocols bgp" in line for line in core1["evidence"])
    # the recommendation names sg-core-1's fix (its 15.1F train has none: the next train's), not every train's
    assert "sg-core-1: The device's 15.1F train has no fixed release" in bgp["recommendation"]
    assert "22.2R3-S3" not in bgp["recommendation"]
    assert len(pbnir["findings"]) < len(piir["findings"])
    # in PIIR the same defect is a field defect (problem report) tied to its security advisory, not two strangers
    pr = next(f for f in piir["findings"] if f["source"] == "problem_report" and f["device"] == "sg-core-1")
    assert "the same defect is published as security advisory JSA72510" in pr["evidence"]


def test_pbnir_period_from_the_ledger_and_from_since(lab: Lab, snapshot: Path, tmp_path: Path) -> None:
    url = ledger_with_credits(tmp_path / "ledger.db", lab.inventory)
    first = run("pbnir", lab, snapshot, tmp_path / "first", url, "--no-charge")
    assert "no earlier PBNIR" in first["section"]["period"] and "3 of the 3" in first["section"]["period"]
    with open_at(url) as ledger:  # a previous PBNIR on 2026-02-01: nothing in the sample was published since
        ledger.purchase("acme-sg", 10, date(2026, 1, 10), reference="earlier lot")
        ledger.redeem("acme-sg", "PBNIR", 1, date(2026, 2, 1), "acme-pbnir-2026-02")
    later = run("pbnir", lab, snapshot, tmp_path / "ledger-period", url, "--no-charge")
    assert "previous PBNIR on 2026-02-01" in later["section"]["period"]
    assert later["section"]["notifications"] == [] and later["findings"] == []
    assert "0 of the 3" in later["section"]["period"]
    since = run("pbnir", lab, snapshot, tmp_path / "since", url, "--no-charge", "--since", "2017-01-01")
    ids = {n["id"].split("/")[0] for n in since["section"]["notifications"]}
    assert "PBN-SAMPLE-2016-10" not in ids and "PBN-SAMPLE-2023-08" in ids
    assert "since 2017-01-01 (--since)" in since["section"]["period"]


def test_since_in_the_future_or_for_another_service_is_refused(lab: Lab, snapshot: Path, tmp_path: Path,
                                                               capsys: Any) -> None:
    url = ledger_with_credits(tmp_path / "ledger.db", lab.inventory)
    for service, since in (("pbnir", "2030-01-01"), ("piir", "2020-01-01"), ("pbnir", "2020-13-01")):
        code = main(["assess", service, "--inventory", str(lab.inventory), "--snapshot", str(snapshot),
                     "--ledger", url, "--date", str(DAY), "--out", str(tmp_path / service), "--since", since])
        assert code == 2
        assert "--since" in capsys.readouterr().err
