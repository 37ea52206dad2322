"""Questions about a customer's past reviews that other parts ask the ledger (read only)."""

from __future__ import annotations

import datetime as dt

from ledger.ledger import Ledger


def last_redemption_date(ledger: Ledger, customer_id: str, service: str, before: dt.date) -> dt.date | None:
    """The date of the customer's latest redemption of ``service`` (a ledger code such as ``PBNIR``) dated before
    ``before`` and not reversed since; None when there is none. PBNIR reviews the notifications published after it.
    A redemption on ``before`` itself is the current review's own (a rerun), so it does not count."""
    entries = ledger.statement(customer_id, before)
    reversed_ids = {e.reverses for e in entries if e.type == "reversal" and e.reverses is not None}
    dates = [e.date for e in entries
             if e.type == "redemption" and e.service == service and e.id not in reversed_ids and e.date < before]
    return max(dates) if dates else None
