"""Asking the person at the terminal: the one password prompt every command uses (library code never prompts)."""

from __future__ import annotations

import sys
from collections.abc import Callable


def password_prompt() -> Callable[[str], str] | None:
    """getpass when a person is at the terminal; None otherwise (the inventory loader then reports the missing
    password as an input error instead of hanging on a closed stdin)."""
    if not sys.stdin.isatty():
        return None
    import getpass

    return getpass.getpass
