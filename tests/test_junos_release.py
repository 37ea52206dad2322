"""Junos release parsing and ordering: every real shape, respins, service releases, X/F trains, Evolved."""

from __future__ import annotations

import itertools

import pytest

from msplus.junos_release import ReleaseError, is_evolved, parse_release, parse_train


@pytest.mark.parametrize(
    ("text", "train", "kind", "maint", "service", "build", "evolved"),
    [
        ("21.4R3-S5.4", "21.4", "R", 3, 5, 4, False),
        ("21.4R3-S7.9", "21.4", "R", 3, 7, 9, False),
        ("15.1X49-D220", "15.1X49", "D", 220, 0, None, False),
        ("12.3X48-D105.4", "12.3X48", "D", 105, 0, 4, False),
        ("15.1F6-S10", "15.1F", "F", 6, 10, None, False),
        ("17.4I0", "17.4", "I", 0, 0, None, False),
        ("18.2R1-S1", "18.2", "R", 1, 1, None, False),
        ("23.2R1-EVO", "23.2-EVO", "R", 1, 0, None, True),
        ("22.4R3-S2-EVO", "22.4-EVO", "R", 3, 2, None, True),
        ("20.4R3-S1.3-EVO", "20.4-EVO", "R", 3, 1, 3, True),
        ("19.4B1", "19.4", "B", 1, 0, None, False),
        ("20.1B2.3", "20.1", "B", 2, 0, 3, False),
        ("19.4R3.11", "19.4", "R", 3, 0, 11, False),
        ("12.1X46-D15.3", "12.1X46", "D", 15, 0, 3, False),
        ("15.1F5.15-C1.12", "15.1F", "F", 5, 0, 15, False),
        (" 21.2R3-S4 ", "21.2", "R", 3, 4, None, False),
    ],
)
def test_shapes(text: str, train: str, kind: str, maint: int, service: int, build: int | None, evolved: bool) -> None:
    rel = parse_release(text)
    assert (rel.train, rel.kind, rel.maint, rel.service, rel.build, rel.evolved) == (
        train, kind, maint, service, build, evolved)
    assert is_evolved(text) is evolved


def test_daily_builds_know_their_train() -> None:
    rel = parse_release("17.3-2017-07-02.0_RELEASE_173_THROTTLE")
    assert (rel.train, rel.kind, rel.daily) == ("17.3", "daily", "20170702")
    assert rel < parse_release("17.3R1")


@pytest.mark.parametrize(
    "ordered",
    [
        # respins and service releases within R3
        ["21.4R2-S10", "21.4R3", "21.4R3.13", "21.4R3-S5", "21.4R3-S5.4", "21.4R3-S7", "21.4R3-S7.4", "21.4R3-S7.9",
         "21.4R3-S10"],
        # internal < beta < release
        ["21.4I0", "21.4B1", "21.4B2.3", "21.4R1", "21.4R1-S1"],
        # numeric, not lexical
        ["15.1X49-D9", "15.1X49-D45", "15.1X49-D100", "15.1X49-D220", "15.1X49-D220.1"],
        ["12.3X48-D40.5", "12.3X48-D100", "12.3X48-D105.4"],
        ["15.1F2-S18", "15.1F6", "15.1F6-S7", "15.1F6-S10"],
        # customer special after its base build
        ["15.1F5.15", "15.1F5.15-C1.12", "15.1F5.16"],
        # trains: base, feature, X, next
        ["15.1R7-S9", "15.1F6-S10", "15.1X49-D220", "15.1X53-D59", "16.1R1", "17.1R1"],
        ["22.4R3-EVO", "22.4R3-S2-EVO", "23.2R1-EVO", "23.2R1-S1-EVO"],
    ],
)
def test_ordering(ordered: list[str]) -> None:
    releases = [parse_release(t) for t in ordered]
    assert sorted(reversed(releases)) == releases
    for a, b in itertools.pairwise(releases):
        assert a < b and not b < a and a != b


def test_equal_spellings() -> None:
    assert parse_release("21.4R3-S5") == parse_release("21.4r3-s5")
    assert parse_release("21.4R3") == parse_release("21.4R3-S0")
    assert len({parse_release("21.4R3-S5"), parse_release("21.4R3-S5")}) == 1


def test_os_and_evolved_are_not_ordered_together() -> None:
    with pytest.raises(TypeError, match="Evolved"):
        _ = parse_release("22.4R3") < parse_release("22.4R3-EVO")
    assert parse_release("22.4R3") != parse_release("22.4R3-EVO")


@pytest.mark.parametrize("garbage", ["", "junos", "21", "21.4", "21.4R", "21.4R3-", "21.4R3-S", "21.4Q3",
                                     "21.4R3-S5-EVO-EVO", "SigPack 9", "n/a", "15.1X490-D240x", "21.4R3 S5"])
def test_garbage_is_rejected_clearly(garbage: str) -> None:
    with pytest.raises(ReleaseError, match="not a Junos release"):
        parse_release(garbage)


def test_base_drops_build_and_custom() -> None:
    assert parse_release("21.4R3-S7.9").base == "21.4R3-S7"
    assert parse_release("15.1X49-D220.1").base == "15.1X49-D220"
    assert parse_release("22.4R3-S2.5-EVO").base == "22.4R3-S2-EVO"


def test_trains() -> None:
    assert parse_train("21.4") == ("21.4", False)
    assert parse_train("15.1x49") == ("15.1X49", False)
    assert parse_train("20.4-EVO") == ("20.4-EVO", True)
    with pytest.raises(ReleaseError):
        parse_train("21.4R3")
