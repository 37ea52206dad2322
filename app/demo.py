"""The README's first command: the four reviews, end to end, on the embedded default, with nothing to set up.

1. A fresh ledger file under the output folder (the old one is deleted): the lab inventory's customer is
   registered and a lot of credits is bought, dated today.
2. The simulated lab (inventories/lab.yaml) starts in-process on loopback.
3. PBNIR runs live: eligibility, scope and credits checked and the credits reserved, in-scope devices
   collected over real SSH/NETCONF (sg-leaf-1 is not on the care contract and is never contacted), analysed,
   reported, captured. PIIR, PHC and CACR (with the proposed change inventories/lab-change.set for sg-core-1)
   reuse that snapshot.
4. The ledger statement shows, per review, the reservation, its release as it was captured and the redemption.

Data files: those shipped under catalogs/ (juniper-cve.yaml imported from real Juniper CVE records, the sample PBN
feed pbn/sample-feed.json, hardware-notices.yaml, cacr-rules.yaml, health-checks.yaml).
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from msplus import shipped

if TYPE_CHECKING:
    from ledger.records import StatementEntry

LAB_INVENTORY = shipped.inventory("lab.yaml")
LAB_CHANGE = shipped.inventory("lab-change.set")
CHANGE_DEVICE = "sg-core-1"
SERVICES = ("pbnir", "piir", "phc", "cacr")
DEMO_CREDITS = 40  # more than the four reviews cost (2 + 4 + 5 + 5)


def main(args: argparse.Namespace) -> int:
    from app.assess import AssessRequest, Outcome, print_summary, run
    from lab.server import LabServer
    from lab.testing import client_environment
    from ledger.ledger import open_ledger
    from msplus.inventory import load_inventory

    started = time.perf_counter()
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    today = date.today()
    inventory = load_inventory(LAB_INVENTORY)
    assert inventory.customer is not None
    customer = inventory.customer.id
    ledger_file = out / "ledger.db"
    for old in out.glob("ledger.db*"):  # a fresh ledger each run (with any SQLite journal beside it)
        old.unlink()
    with open_ledger(str(ledger_file)) as ledger:
        ledger.register(inventory.customer, today)
        lot = ledger.purchase(customer, DEMO_CREDITS, today, reference="demo")
    print(f"ledger {ledger_file}: {customer} registered, {lot.credits} credits bought (usable until {lot.expires})")

    outcomes: list[Outcome] = []
    snapshot: Path | None = None
    with client_environment(out / ".home"), LabServer.from_inventory(inventory):
        print(f"lab: {len(inventory.devices)} simulated devices listening on loopback", file=sys.stderr)
        for service in SERVICES:
            folder = out / f"{today.isoformat()}-{service}"
            cacr = service == "cacr"
            outcome = run(AssessRequest(service=service, inventory=str(LAB_INVENTORY),
                                        snapshot=str(snapshot) if snapshot else None, out=str(folder),
                                        date=today.isoformat(), ledger=str(ledger_file),
                                        change=str(LAB_CHANGE) if cacr else None,
                                        device=CHANGE_DEVICE if cacr else None))
            print_summary(outcome)
            print()
            outcomes.append(outcome)
            if snapshot is None:
                snapshot = folder / "snapshot"  # collected live by the first review; the others reuse it
    with open_ledger(str(ledger_file)) as ledger:
        print(f"ledger statement for {customer}:")
        print(_statement(ledger.statement(customer, today)))
        left = ledger.balance(customer, today).available
    print(f"\ndemo finished in {time.perf_counter() - started:.1f}s: {len(outcomes)} reviews, {left} credits left")
    for outcome in outcomes:
        html = outcome.files.get("html")
        print(f"  {outcome.result.service if outcome.result else '?':<6} {html}")
    return max(o.code for o in outcomes)


def _statement(entries: list[StatementEntry]) -> str:
    """The statement as a small table: one line per entry (``ledger statement`` prints the full one)."""
    rows = [("id", "type", "date", "credits", "service", "request id")]
    rows += [(str(e.id or ""), e.type, str(e.date), f"{e.credits:+d}", e.service or "", e.request_id or "")
             for e in entries]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  " + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows)
