"""Route-engine uptime when the reply gives only the text ("139 days, 3 hours, 12 minutes, 35 seconds"), as a
vSRX does: the profile and the health parser read it, and anything that is not a duration stays unknown."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzers.health.parsers import parse_reply
from analyzers.health.parsers.chassis import route_engines
from msplus.durations import text_seconds

DATA = Path(__file__).parent / "data" / "health"


@pytest.mark.parametrize(("text", "expected"), [
    ("139 days, 3 hours, 12 minutes, 35 seconds", 139 * 86400 + 3 * 3600 + 12 * 60 + 35),
    ("6 hours, 29 minutes, 30 seconds", 23370),
    ("1 day", 86400),
    ("2 weeks, 1 day", 15 * 86400),
    ("3 days, 03:57", 3 * 86400 + 3 * 3600 + 57 * 60),
    ("03:57:14", 14234),
    ("10 secs", 10),
])
def test_durations_as_junos_prints_them(text: str, expected: int) -> None:
    assert text_seconds(text) == expected


@pytest.mark.parametrize("text", ["", "Never", "139 days and more", "03:77", "-1 day", None])
def test_anything_else_is_unknown(text: str | None) -> None:
    assert text_seconds(text) is None


def _vsrx_without_attribute(text: str) -> bytes:
    """The real vSRX reply (tests/data/health/re-vsrx.xml) with its up-time's junos:seconds attribute removed and
    the text replaced by ``text``."""
    data = (DATA / "re-vsrx.xml").read_text(encoding="utf-8")
    original = '<up-time junos:seconds="23370">6 hours, 29 minutes, 30 seconds</up-time>'
    assert original in data
    return data.replace(original, f"<up-time>{text}</up-time>").encode()


def test_health_parser_reads_the_text_form() -> None:
    engines = route_engines(parse_reply(_vsrx_without_attribute("139 days, 3 hours, 12 minutes, 35 seconds"),
                                        source="re-vsrx.xml")).engines
    assert [e.uptime_seconds for e in engines] == [12021155]
    engines = route_engines(parse_reply(_vsrx_without_attribute("uptime unknown"), source="x")).engines
    assert [e.uptime_seconds for e in engines] == [None]


def test_profile_reads_the_text_form() -> None:
    from msplus import xmlsafe
    from snapshots.profile import payload, profile_from_replies

    root = xmlsafe.parse(_vsrx_without_attribute("139 days, 3 hours, 12 minutes, 35 seconds"), source="re")
    profile = profile_from_replies({"get-route-engine-information": payload(root)})
    assert profile.uptime_seconds == 12021155
