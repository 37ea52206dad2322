"""Shared by the configuration tests and the configuration fuzz target."""

from __future__ import annotations

from msplus.junosconf.setform import tokenize


def set_words(lines: str) -> list[tuple[str, ...]]:
    """Set lines as their words (verb first), quoting aside: XML carries no quotes, so its set form is compared
    word for word."""
    out = []
    for n, line in enumerate(lines.splitlines(), 1):
        cmd = tokenize(line, n, "lines")
        if cmd is not None:
            out.append((cmd.verb, *cmd.words))
    return out
