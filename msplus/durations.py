"""Durations as Junos prints them, for replies that give only the text (no ``junos:seconds`` attribute).

Some releases (a vSRX route-engine reply, for one) print ``<up-time>139 days, 3 hours, 12 minutes, 35 seconds
</up-time>`` without the attribute; ``show system uptime`` prints clock forms such as ``3 days, 03:57`` or
``03:57:14``. ``text_seconds`` reads every such form and returns None for anything else, never a guess.
"""

from __future__ import annotations

import re

_UNIT = {"week": 604800, "day": 86400, "hour": 3600, "minute": 60, "min": 60, "second": 1, "sec": 1}
_PART = re.compile(r"^(\d+)\s*(weeks?|days?|hours?|minutes?|mins?|seconds?|secs?)$")
_CLOCK = re.compile(r"^(\d+):(\d{2})(?::(\d{2}))?$")


def text_seconds(text: str | None) -> int | None:
    """``"139 days, 3 hours, 12 minutes, 35 seconds"`` -> 12021155; ``"3 days, 03:57"`` -> 273420; None when the
    text is not a duration."""
    if not text or not text.strip():
        return None
    total = 0
    for part in (p.strip() for p in text.strip().split(",")):
        if (m := _PART.match(part)) is not None:
            unit = m.group(2).rstrip("s") if m.group(2) not in ("secs", "mins") else m.group(2)[:-1]
            total += int(m.group(1)) * _UNIT[unit]
        elif (c := _CLOCK.match(part)) is not None:
            hours, minutes, secs = int(c.group(1)), int(c.group(2)), int(c.group(3) or 0)
            if minutes > 59 or secs > 59:
                return None
            total += hours * 3600 + minutes * 60 + secs
        else:
            return None
    return total
