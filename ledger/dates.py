"""Calendar rules of the ledger: parsing dates and the validity of a lot."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from ledger import limits


def parse_date(text: str | date | None, *, today: date | None = None) -> date:
    """A ``YYYY-MM-DD`` date (ASCII digits, within limits.yaml's range); None means today. Anything else is
    refused in one line (LedgerInputError)."""
    if text is None:
        return limits.check_date(today or date.today())
    if isinstance(text, date):
        return limits.check_date(text)
    return limits.parse_date(str(text))


def anniversary(start: date, months: int) -> date:
    """The same day ``months`` later; when that day does not exist (31st, 29 February) the first of the next month.

    So a period that starts on 2024-02-29 and lasts 12 months ends on 2025-02-28, the day before 2025-03-01.
    """
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    if start.day <= calendar.monthrange(year, month)[1]:
        return date(year, month, start.day)
    year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return date(year, month, 1)


def last_day(start: date, months: int) -> date:
    """The last day (inclusive) of a period of ``months`` that starts on ``start``: 2026-01-10 + 12 -> 2027-01-09."""
    return anniversary(start, months) - timedelta(days=1)
