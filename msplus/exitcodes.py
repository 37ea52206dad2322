"""The one table of exit codes every command uses (README "Exit codes" lists it for users).

A command's handler returns OK or ATTENTION itself; the command line (msplus.cli) turns the project's exceptions
into the others, once, so the same kind of problem gives the same code whichever command met it.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0  # done
    ATTENTION = 1  # done, but something needs the user: devices not collected, findings at --fail-on, sweep critical
    BAD_INPUT = 2  # bad input: a file, flag, inventory, catalog, snapshot or limit; nothing was changed
    REFUSED = 3  # refused by a rule (the ledger: credits, eligibility, request id); nothing was changed
    NO_REVIEW = 4  # assess: no review could be produced; nothing was charged
    INTERNAL = 70  # a bug in this tool (EX_SOFTWARE); the one-line message says where to look
    INTERRUPTED = 130  # Ctrl-C (128 + SIGINT)
    TERMINATED = 143  # SIGTERM (128 + 15): assess releases its held credits and says so; other commands just stop
    CLOSED_PIPE = 141  # the reader of the output went away (`... | head`), as a shell reports SIGPIPE (128 + 13)
