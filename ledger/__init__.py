"""The credit ledger: Advanced Services credits bought in lots and redeemed for MS Plus services.

``open_ledger(url)`` returns a :class:`ledger.ledger.Ledger`. The names below load lazily, so importing
``ledger.location`` (URL resolution, used by the command line) does not load SQLAlchemy.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Ledger", "LedgerError", "LedgerRefusal", "open_ledger"]


def __getattr__(name: str) -> Any:
    if name in ("Ledger", "open_ledger"):
        from ledger import ledger as _ledger

        return getattr(_ledger, name)
    if name in ("LedgerError", "LedgerRefusal"):
        from ledger import errors

        return getattr(errors, name)
    raise AttributeError(name)
