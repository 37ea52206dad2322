"""The ledger's answer to "when was this customer's previous PBNIR?" (the start of the next PBNIR's period), on a
real SQLite ledger: the latest redemption of the service before the review date, reversed ones left out."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from report_helpers import LAB_INVENTORY, ledger_with_credits, open_at

from ledger.history import last_redemption_date


def test_last_pbnir_before_the_review_date_not_reversed(tmp_path: Path) -> None:
    url = ledger_with_credits(tmp_path / "ledger.db", LAB_INVENTORY, credits=0)
    with open_at(url) as ledger:
        ledger.purchase("acme-sg", 20, date(2026, 1, 5), reference="lot")
        assert last_redemption_date(ledger, "acme-sg", "PBNIR", date(2026, 6, 1)) is None
        ledger.redeem("acme-sg", "PBNIR", 1, date(2026, 2, 1), "pbnir-feb")
        ledger.redeem("acme-sg", "PIIR", 1, date(2026, 3, 1), "piir-mar")  # another service does not count
        ledger.redeem("acme-sg", "PBNIR", 1, date(2026, 4, 1), "pbnir-apr")
        ledger.redeem("acme-sg", "PBNIR", 1, date(2026, 6, 1), "pbnir-jun")  # on the review date: this review
        assert last_redemption_date(ledger, "acme-sg", "PBNIR", date(2026, 6, 1)) == date(2026, 4, 1)
        ledger.reverse("pbnir-apr", "review not delivered", date(2026, 4, 2))
        assert last_redemption_date(ledger, "acme-sg", "PBNIR", date(2026, 6, 1)) == date(2026, 2, 1)
        assert last_redemption_date(ledger, "acme-sg", "PBNIR", date(2026, 2, 1)) is None
