"""Reading JSON from users and devices within the limits of msplus/data/limits.yaml.

Python's JSON decoder recurses once per nesting level, so a 100,000-deep file would end in a RecursionError deep
inside it; the nesting is therefore measured first, with a loop over the brackets outside strings (no recursion),
and a file deeper than the limit is refused with the line and column where it got too deep.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from msplus.errors import InputError
from msplus.limits import JsonLimits
from msplus.limits import limits as _limits
from msplus.textfile import read_text_within

# Strings (skipped whole, escapes included) and brackets: everything that can change the nesting depth. An
# unterminated string runs to the end of the text (malformed anyway), so no start is ever scanned twice: linear.
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*+(?:"|\Z)|[\[\]{}]', re.DOTALL)


def load_json(path: str | Path, cls: type[InputError] = InputError, limits: JsonLimits | None = None) -> Any:
    """The JSON value in a file. Raises ``cls`` (file, line, column) for an unreadable, malformed, too large or
    too deeply nested file."""
    path = Path(path)
    lim = limits or _limits().json
    text = read_text_within(path, lim.max_bytes, "JSON", cls)
    return loads_json(text, str(path), cls, lim)


def loads_json(text: str, source: str, cls: type[InputError] = InputError, limits: JsonLimits | None = None) -> Any:
    lim = limits or _limits().json
    if len(text) > lim.max_bytes:
        raise cls(f"text is {len(text):,} characters; the limit for JSON is {lim.max_bytes:,}", path=source)
    too_deep = nesting_beyond(text, lim.max_depth)
    if too_deep is not None:
        line, column = _line_column(text, too_deep)
        raise cls(f"nested deeper than {lim.max_depth} levels; refused", path=source, line=line, column=column)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise cls(f"malformed JSON: {exc.msg}", path=source, line=exc.lineno, column=exc.colno) from exc
    except (ValueError, RecursionError) as exc:  # ValueError: an integer of more than 4,300 digits
        raise cls(f"malformed JSON: {exc}", path=source) from exc


def nesting_beyond(text: str, max_depth: int) -> int | None:
    """The offset of the first bracket that opens level ``max_depth + 1``, or None when the text stays within."""
    depth = 0
    for token in _TOKENS.finditer(text):
        char = token.group()[0]
        if char in "[{":
            depth += 1
            if depth > max_depth:
                return token.start()
        elif char in "]}":
            depth -= 1
    return None


def _line_column(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1
