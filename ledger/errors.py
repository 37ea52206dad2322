"""Ledger errors. All descend from msplus.errors.AssessError, so the command line reports them in one line.

Exit codes of ``ledger ...`` (and the same kinds in ``assess``): LedgerInputError 2 (bad input), LedgerError 2 (the
ledger cannot be used), LedgerRefusal 3 (refused by the ledger's rules). None of them changed anything.
"""

from __future__ import annotations

from msplus.errors import AssessError, Refused
from msplus.exitcodes import ExitCode


class LedgerRefusal(Refused):
    """The ledger refused an operation by its rules (credits, dates, eligibility, unknown names) and changed nothing.

    ``reason`` is one line meant for the user.
    """

    def __init__(self, reason: str) -> None:
        self.reason = " ".join(reason.split())  # always one line
        super().__init__(self.reason)


class LedgerInputError(LedgerRefusal):
    """A malformed or out-of-range value (date, number, over-long text): bad input, refused before any write.

    A LedgerRefusal too (nothing changed), but the command line reports it as bad input (exit 2), like every other
    command's bad input, not as a refusal by the ledger's rules (exit 3).
    """

    exit_code = ExitCode.BAD_INPUT
    label = "error"


class OutOfScope(LedgerRefusal):
    """A reservation for a review none of whose devices can be on the customer's care contract, or whose
    ``device`` (one the review cannot do without) is not on it."""

    def __init__(self, reason: str, device: str | None = None) -> None:
        super().__init__(reason)
        self.device = device


class LedgerError(AssessError):
    """The ledger itself could not be used: bad URL, unreachable server, schema newer than this tool."""
