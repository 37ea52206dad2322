"""Where the ledger lives: ``--ledger`` beats ``ASSESS_LEDGER`` beats the default file. No SQLAlchemy here.

Accepted forms: a plain file path (a SQLite file), ``sqlite:///relative.db``, ``sqlite:////absolute.db``,
``postgresql://user@host:port/db`` (psycopg 3 is used whatever driver the URL names, or none), ``postgres://``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from ledger.errors import LedgerError

ENV = "ASSESS_LEDGER"
PG_DRIVER = "postgresql+psycopg"


def default_path(environ: Mapping[str, str] | None = None) -> Path:
    """``$XDG_DATA_HOME/msplus/ledger.db``, that is ``~/.local/share/msplus/ledger.db`` on most machines."""
    env = os.environ if environ is None else environ
    base = env.get("XDG_DATA_HOME") or str(Path(env.get("HOME") or Path.home()) / ".local" / "share")
    return Path(base) / "msplus" / "ledger.db"


def resolve_url(value: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """The SQLAlchemy URL of the ledger to open, from an explicit value, then ``ASSESS_LEDGER``, then the default."""
    env = os.environ if environ is None else environ
    raw = (value or "").strip() or (env.get(ENV) or "").strip()
    if not raw:
        return "sqlite:///" + str(default_path(env))
    return normalise_url(raw)


def normalise_url(raw: str) -> str:
    scheme, sep, rest = raw.partition("://")
    if not sep:  # a plain path
        if raw == ":memory:":
            raise LedgerError("an in-memory ledger would lose every entry; give a file path or a server URL")
        return "sqlite:///" + str(Path(raw).expanduser().resolve())
    base = scheme.split("+", 1)[0].lower()
    if base == "sqlite":
        if rest in ("", "/", "/:memory:"):
            raise LedgerError("an in-memory ledger would lose every entry; give a file path or a server URL")
        return "sqlite://" + rest
    if base in ("postgresql", "postgres"):
        return f"{PG_DRIVER}://{rest}"
    raise LedgerError(f"unsupported ledger URL scheme {scheme!r}: use a file path, sqlite:/// or postgresql://")
