"""Pausing the cyclic garbage collector around work that builds many long-lived objects.

CPython runs a young-generation collection every 700 net allocations of container objects, and older passes walk
every object still alive. Reading a 200,000-line configuration, or building the findings of a 10,000-device fleet
(half a million rows), makes hundreds of thousands of objects that all stay alive: the collections find nothing to
free and cost more than the work itself, growing faster than the input (measured: PIIR's analysis of 10,000
devices 4.6 s CPU with the collector, 3.2 s without, benchmarks/bench_catalog_match.py; parsing 200,000 lines 14x
the cost of 20,000, benchmarks/bench_config.py). Reference counting still frees everything that is not in a cycle
while the collector is paused.

Re-enabling alone is not enough: the collector still counts every object made while paused, so the first
allocation afterwards runs one young-generation collection over all of them (a 200,000-line configuration: about
240,000 tracked objects and 0.09 s, more per object once they outgrow the processor caches). Instead they are moved
to the oldest generation at once (freeze and unfreeze: constant time), as the long-lived data they are. Some of
them are cycles (configuration statements point at their parents), freed only by a full collection: one runs here
once the objects moved this way outnumber a quarter of those alive after the previous one (Python's own rule for
the oldest generation), with a floor of a million objects (about four 200,000-line trees, 59 MB each: the most
garbage that can wait), so memory stays bounded across many configurations and reviews. Nothing of this when the
program froze objects itself (unfreezing would release its frozen set).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

_PROMOTED_FLOOR = 1_000_000
_promotion = {"since_full": 0, "live": 0}


@contextmanager
def paused_gc() -> Iterator[None]:
    """``with paused_gc(): ...`` — the collector is off inside and back after; nested pauses resume once, at the
    outermost."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            _resume()


def without_gc(function: Callable[P, R]) -> Callable[P, R]:
    """Decorator: ``function`` runs inside ``paused_gc()``."""

    @wraps(function)
    def paused(*args: P.args, **kwargs: P.kwargs) -> R:
        with paused_gc():
            return function(*args, **kwargs)

    return paused


def _resume() -> None:
    made = gc.get_count()[0]  # net objects made since the last collection: while paused, all of them
    if gc.get_freeze_count() == 0:
        _promotion["since_full"] += made
        if _promotion["since_full"] > max(_PROMOTED_FLOOR, _promotion["live"] // 4):
            gc.collect()
            _promotion["live"] = len(gc.get_objects(generation=2))
            _promotion["since_full"] = 0
        else:
            gc.freeze()
            gc.unfreeze()
    gc.enable()
