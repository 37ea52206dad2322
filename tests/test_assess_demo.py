"""``run_assessment.py demo`` (the README's first command): the simulated lab in-process on its own addresses, a
fresh ledger, the four reviews written under one folder, and exactly one debit per review."""

from __future__ import annotations

import argparse
import json
import os
from datetime import date
from pathlib import Path
from typing import Any

from app import demo
from ledger.ledger import open_ledger


def test_demo_writes_four_reviews_and_debits_each_once(tmp_path: Path, capsys: Any) -> None:
    out = tmp_path / "demo"
    out.mkdir()
    (out / "ledger.db").write_bytes(b"a stale ledger from an earlier run: the demo starts a fresh one")
    home = os.environ.get("HOME")
    assert demo.main(argparse.Namespace(out=str(out))) == 0
    assert os.environ.get("HOME") == home  # the demo's client environment is restored
    printed = capsys.readouterr().out
    today = date.today().isoformat()
    for service in demo.SERVICES:
        folder = out / f"{today}-{service}"
        html = folder / f"{service}-report.html"
        assert html.is_file() and str(html) in printed
        data = json.loads((folder / f"{service}-report.json").read_text(encoding="utf-8"))
        assert data["credits"]["status"] == "debited" and data["findings"]
        assert [d["name"] for d in data["scope"]["excluded"]] == ["sg-leaf-1"]
    assert not (out / f"{today}-pbnir" / "snapshot" / "sg-leaf-1").exists()  # never contacted
    cacr = json.loads((out / f"{today}-cacr" / "cacr-report.json").read_text(encoding="utf-8"))
    assert cacr["section"]["change"]["device"] == demo.CHANGE_DEVICE
    with open_ledger(str(out / "ledger.db")) as ledger:
        entries = ledger.statement("acme-sg", today)
        debits = [(e.service, e.credits) for e in entries if e.type == "redemption"]
        assert debits == [("PBNIR", -2), ("PIIR", -4), ("PHC", -5), ("CACR", -5)]
        assert [e.credits for e in entries if e.type == "purchase"] == [demo.DEMO_CREDITS]
        assert ledger.balance("acme-sg", today).available == demo.DEMO_CREDITS - 16
    assert f"4 reviews, {demo.DEMO_CREDITS - 16} credits left" in printed
