"""Pausing the cyclic garbage collector around work that builds many long-lived objects.

CPython runs a collection every 700 net allocations of container objects, and each older-generation pass walks
every object still alive. Reading a 200,000-line configuration, or building the findings of a 10,000-device fleet
(half a million rows), makes hundreds of thousands of objects that all stay alive: the collections find nothing
to free and cost more than the work itself, growing faster than the input (measured: PIIR's analysis of 10,000
devices 4.6 s CPU with the collector, 3.2 s without; benchmarks/bench_catalog_match.py). Reference counting still
frees everything that is not in a cycle while the collector is paused; cycles made meanwhile wait for the next
collection after it.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def paused_gc() -> Iterator[None]:
    """``with paused_gc(): ...`` — the collector is off inside, and back as it was after (nesting is fine)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def without_gc(function: Callable[P, R]) -> Callable[P, R]:
    """Decorator: ``function`` runs with the collector paused."""

    @wraps(function)
    def paused(*args: P.args, **kwargs: P.kwargs) -> R:
        with paused_gc():
            return function(*args, **kwargs)

    return paused
