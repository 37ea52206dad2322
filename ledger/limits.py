"""Input limits of the ledger (``limits.yaml``: text lengths and numbers; dates come from the project's range in
msplus/data/limits.yaml) and the checks that apply them at the boundary.

A value that breaks a limit raises LedgerInputError (bad input, exit 2) before any transaction starts, so SQLite
and PostgreSQL refuse the same inputs with the same message (a too-long string would otherwise be stored by
SQLite and fail as a database error on PostgreSQL).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml

from ledger.errors import LedgerError, LedgerInputError
from msplus.limits import limits as kernel_limits

LIMITS_FILE = Path(__file__).with_name("limits.yaml")
_NUMBER = re.compile(r"-?[0-9]{1,12}")  # ASCII only: int() would also take "1_0", " 7" or Arabic-Indic digits
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # fromisoformat would also take 2026-W01-1 (an ISO week date)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class Limits:
    lengths: dict[str, int]
    purchase_credits_max: int
    units_max: int


@lru_cache(maxsize=1)
def limits() -> Limits:
    try:
        data = yaml.safe_load(LIMITS_FILE.read_text(encoding="utf-8"))
        return Limits(lengths={str(k): int(v) for k, v in data["lengths"].items()},
                      purchase_credits_max=int(data["numbers"]["purchase_credits_max"]),
                      units_max=int(data["numbers"]["units_max"]))
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError) as exc:
        raise LedgerError(f"{LIMITS_FILE}: unreadable ledger limits: {exc}") from exc


def length(name: str) -> int:
    """The longest value (characters) accepted for ``name`` (a key of ``lengths`` in limits.yaml)."""
    return limits().lengths[name]


def parse_date(text: str, what: str = "date") -> date:
    """A ``YYYY-MM-DD`` date in ASCII digits, within the accepted calendar range."""
    if not _DATE.fullmatch(text):
        raise LedgerInputError(f"bad {what} {text!r}: expected YYYY-MM-DD, e.g. 2026-01-10")
    try:
        value = date.fromisoformat(text)
    except ValueError:
        raise LedgerInputError(f"bad {what} {text!r}: expected YYYY-MM-DD, e.g. 2026-01-10") from None
    return check_date(value, what)


def check_date(value: date, what: str = "date") -> date:
    """Within the project's sane calendar range (msplus/data/limits.yaml ``dates``, shared by every command)."""
    lim = kernel_limits()
    if not lim.earliest_date <= value <= lim.latest_date:
        raise LedgerInputError(f"bad {what} {value}: expected a date from {lim.earliest_date} to {lim.latest_date}")
    return value


def whole(value: int | str, what: str, maximum: int) -> int:
    """A whole number from 1 to ``maximum``, written in ASCII digits when it is text."""
    if isinstance(value, bool):
        raise LedgerInputError(f"bad {what} {value!r}: expected a whole number")
    if isinstance(value, str):
        text = value.strip()
        if not _NUMBER.fullmatch(text):
            raise LedgerInputError(f"bad {what} {value!r}: expected a whole number")
        number = int(text)
    elif isinstance(value, int):
        number = value
    else:
        raise LedgerInputError(f"bad {what} {value!r}: expected a whole number")
    if not 1 <= number <= maximum:
        raise LedgerInputError(f"bad {what} {number}: expected 1 to {maximum}")
    return number


def text(value: str | None, name: str, *, what: str | None = None, one_line: bool = True) -> str | None:
    """Optional text, whitespace trimmed (collapsed to one line when ``one_line``), at most ``length(name)``."""
    if value is None:
        return None
    cleaned = " ".join(value.split()) if one_line else value.strip()
    if not cleaned:
        return None
    limit = length(name)
    if len(cleaned) > limit:
        raise LedgerInputError(f"{what or name.replace('_', ' ')} too long: {len(cleaned)} characters, "
                               f"at most {limit}")
    return cleaned


def identifier(value: str | None, name: str, what: str) -> str:
    """A required one-line id (request id, customer id): printable, 1 to ``length(name)`` characters."""
    cleaned = (value or "").strip()
    limit = length(name)
    if not cleaned or _CONTROL.search(cleaned) or len(cleaned) > limit:
        raise LedgerInputError(f"a {what} is required: 1 to {limit} printable characters"
                               + (f" (got {len(cleaned)})" if len(cleaned) > limit else ""))
    return cleaned
