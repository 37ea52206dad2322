"""Hardware notices: the shipped file's facts against the copy of their source page, located errors for a broken
file, and matching against real chassis inventories (modules by model number or CLI name, chassis by model)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from analyzers.advisories.hardware import NoticesError, load_notices, match
from snapshots.profile import build_profile

ROOT = Path(__file__).resolve().parents[1]
NOTICES = ROOT / "catalogs" / "hardware-notices.yaml"
PAGE = ROOT / "tests" / "data" / "hardware" / "routing-engine-support-by-chassis.zh.txt"


def test_every_routing_engine_notice_is_on_the_copied_page() -> None:
    page = PAGE.read_text(encoding="utf-8")
    notices = [n for n in load_notices(NOTICES) if n.kind == "routing_engine"]
    assert len(notices) == 3
    for n in notices:
        assert f"{n.models[0]} (EOL 详细信息: {n.id}" in page  # "RE-850-1536 (EOL details: TSB15553"
        assert n.last_order == n.end_of_support == "unknown"  # the page gives no dates: none is made up
        assert n.source_url.startswith("https://juniper.net/documentation/")


def test_dates_are_dates_or_unknown() -> None:
    ex = next(n for n in load_notices(NOTICES) if n.id == "EOL-EX4200")
    assert (ex.end_of_engineering, ex.end_of_support) == ("2022-06-30", "2024-06-30")
    assert ex.support_ended(date(2026, 6, 1)) is True and ex.support_ended(date(2024, 1, 1)) is False
    assert next(n for n in load_notices(NOTICES) if n.id == "TSB15553").support_ended(date(2026, 6, 1)) is None


def test_a_broken_notices_file_is_refused_with_file_line_and_key(tmp_path: Path) -> None:
    text = NOTICES.read_text(encoding="utf-8")
    broken = tmp_path / "notices.yaml"
    broken.write_text(text.replace("    end_of_support: unknown\n", "    end_of_support: soon\n", 1),
                      encoding="utf-8")
    with pytest.raises(NoticesError) as caught:
        load_notices(broken)
    line = text.splitlines().index("    end_of_support: unknown") + 1
    assert f"{broken}:{line}:" in str(caught.value) and "YYYY-MM-DD or unknown" in str(caught.value)


def test_matching_a_real_inventory_by_model_number_and_by_chassis_model() -> None:
    notices = load_notices(NOTICES)
    profile = build_profile(ROOT / "tests" / "data" / "profile" / "mx480-chassis")  # a real MX480, RE-S-1800x4
    modules = tuple((m.slot, m.description or "", m.model_number or "") for m in profile.modules or ())
    assert match(notices, modules, "mx480") == []  # no notice is known for its parts: none is reported
    with_old_re = (*modules, ("Routing Engine 1", "RE-850", ""))  # the page's CLI name for RE-850-1536
    hits = match(notices, with_old_re, "mx480")
    assert [(h.notice.id, h.slots) for h in hits] == [("TSB15553", ("Routing Engine 1",))]
    ex = match(notices, (), "ex4200-48t")
    assert [(h.notice.id, h.found) for h in ex] == [("EOL-EX4200", ("EX4200-48T",))]
