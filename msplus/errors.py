"""The project's exceptions: one root, a few families, each carrying where the problem is.

Foreign exceptions (paramiko, ncclient, lxml, yaml) are translated into these once, at the boundary
where they are caught, with ``raise ... from exc`` so the cause is kept.
"""

from __future__ import annotations

from msplus.exitcodes import ExitCode
from msplus.kinds import FailureKind


class AssessError(Exception):
    """Root of every error this project raises on purpose. ``exit_code`` and ``label`` say how the command line
    reports it (``label: message``, then that exit code): decided by the error's kind, once, for every command."""

    exit_code: ExitCode = ExitCode.BAD_INPUT
    label = "error"


class InputError(AssessError):
    """Bad input from a file: inventory, catalog, configuration, device folder, snapshot.

    ``path``, ``line`` (1-based), ``column`` (1-based) and ``key`` locate the problem where known.
    The message printed to the user is ``path:line:column: key: problem``.
    """

    def __init__(
        self,
        problem: str,
        *,
        path: str | None = None,
        line: int | None = None,
        column: int | None = None,
        key: str | None = None,
    ) -> None:
        self.problem = problem
        self.path = path
        self.line = line
        self.column = column
        self.key = key
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = []
        if self.path:
            where.append(str(self.path))
        if self.line is not None:
            where.append(str(self.line))
            if self.column is not None:
                where.append(str(self.column))
        prefix = ":".join(where)
        key = f"{self.key}: " if self.key else ""
        return f"{prefix}: {key}{self.problem}" if prefix else f"{key}{self.problem}"


class Refused(AssessError):
    """An operation refused by a rule (the ledger's: credits, eligibility, request ids); nothing was changed.
    The command line prints ``refused: <why>`` and exits 3."""

    exit_code = ExitCode.REFUSED
    label = "refused"


class InventoryError(InputError):
    """The inventory file is malformed or inconsistent."""


class ConfigSyntaxError(InputError):
    """A Junos configuration (text, set or XML form) could not be read."""


class DeviceFolderError(InputError):
    """A simulated device folder or a customer-files folder is malformed."""


class MalformedReplyError(AssessError):
    """A device reply is not well-formed XML, declares a DTD/entities, or is empty."""


class DeviceError(AssessError):
    """A failure talking to one device. ``kind`` is a short stable word used in snapshots and summaries.

    Kinds: unreachable, refused, auth, hostkey, timeout, disconnected, malformed_reply, rpc_error,
    unsupported, internal.
    """

    def __init__(self, kind: FailureKind, message: str) -> None:
        self.kind: FailureKind = kind
        self.message = message
        super().__init__(f"{kind}: {message}")


class ProblemsError(InputError):
    """A data file (catalog, rule file, thresholds) with one or more problems; ``problems`` holds every one found.
    The message names the first and counts the rest."""

    def __init__(self, problems: list[InputError]) -> None:
        self.problems = problems
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(first.problem + more, path=first.path, line=first.line, column=first.column, key=first.key)
