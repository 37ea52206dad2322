"""The collector pause around reading and writing configurations (msplus.gcpause.paused_gc, which the analyses
use too): what was made while paused does not cost a young-generation collection afterwards, dropped trees are
still freed, and a program's own frozen objects stay frozen."""

from __future__ import annotations

import gc
import itertools
from collections.abc import Iterator

import pytest

from msplus import gcpause
from msplus.junosconf import node, parse

CONFIG = "interfaces {\n" + "".join(f"    ge-0/0/{i} {{\n        unit 0 {{\n            description d{i};\n"
                                     f"        }}\n    }}\n" for i in range(2000)) + "}\n"


@pytest.fixture(autouse=True)
def _collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


SOURCE = "gc-test.conf"  # only this test's statements are counted: other tests may leave threads that parse


def _nodes() -> int:
    return sum(1 for o in gc.get_objects() if type(o) is node.Node and o.source == SOURCE)


def test_objects_made_while_paused_leave_no_young_collection_due() -> None:
    gc.collect()
    tree = parse(CONFIG, source="t.conf")
    assert len(tree.root.children[0].children) == 2000
    assert gc.get_count()[0] < 700  # below the young generation's threshold: no collection over the whole tree
    assert gc.get_freeze_count() == 0  # nothing left frozen


def test_dropped_trees_are_freed_by_a_full_collection_once_enough_were_moved(monkeypatch: pytest.MonkeyPatch) -> None:
    gc.collect()
    before, live = _nodes(), len(gc.get_objects())
    probe = parse(CONFIG, source=SOURCE)
    one_tree, per_tree = _nodes() - before, len(gc.get_objects()) - live  # statements; tracked objects
    del probe
    gc.collect()
    floor = 20_000
    monkeypatch.setattr(gcpause, "_PROMOTED_FLOOR", floor)
    monkeypatch.setitem(gcpause._promotion, "since_full", 0)
    monkeypatch.setitem(gcpause._promotion, "live", live)
    # Python's rule for the oldest generation: collect once the newcomers exceed a quarter of the survivors (in a
    # long test session the process holds many objects, so that can be several trees), and never below the floor.
    trees_before_collection = max(floor, live // 4) // per_tree + 1
    counts = []
    for _ in range(2 * trees_before_collection + 2):
        tree = parse(CONFIG, source=SOURCE)
        counts.append(_nodes() - before)
        del tree
    assert any(b < a for a, b in itertools.pairwise(counts))  # a full collection freed the dropped trees
    assert max(counts) <= (trees_before_collection + 2) * one_tree  # and they never pile up past the rule


def test_objects_the_program_froze_stay_frozen() -> None:
    gc.collect()
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        parse(CONFIG, source="t.conf")
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()
