"""Ledger errors. Both descend from msplus.errors.AssessError, so the command line reports them in one line."""

from __future__ import annotations

from msplus.errors import AssessError, Refused


class LedgerRefusal(Refused):
    """The ledger refused an operation by its rules (credits, dates, eligibility, unknown names) and changed nothing.

    ``reason`` is one line meant for the user.
    """

    def __init__(self, reason: str) -> None:
        self.reason = " ".join(reason.split())  # always one line
        super().__init__(self.reason)


class LedgerError(AssessError):
    """The ledger itself could not be used: bad URL, unreachable server, schema newer than this tool."""
