"""Hypothesis strategies shared by the property tests (tests/test_properties_*.py) and the fuzz script
(fuzz/fuzz_parsers.py): Junos release strings, YAML-able data, and CVE records mutated from a real one."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

RECORDS = Path(__file__).resolve().parent / "data" / "advisories" / "juniper-cve"
SAMPLE_RECORDS = ("CVE-2018-0001.json", "CVE-2016-1263.json")

numbers = st.integers(min_value=0, max_value=999)


@st.composite
def releases(draw: st.DrawFn) -> str:
    """A well-formed Junos release string, in every shape the parser documents."""
    train = f"{draw(st.integers(10, 25))}.{draw(st.integers(1, 4))}"
    shape = draw(st.sampled_from(["R", "X", "F", "B", "I"]))
    if shape == "X":
        text = f"{train}X{draw(st.integers(10, 999))}" + draw(st.sampled_from(["", f"-D{draw(numbers)}"]))
    else:
        text = f"{train}{shape}{draw(st.integers(0 if shape == 'I' else 1, 99))}"
        if shape in ("R", "F") and draw(st.booleans()):
            text += f"-S{draw(st.integers(1, 99))}"
    if draw(st.booleans()):
        text += f".{draw(numbers)}"
    if draw(st.booleans()):
        text += f"-{draw(st.sampled_from('CJ'))}{draw(st.integers(1, 9))}"
    if draw(st.booleans()):
        text += "-EVO"
    return text


# Text that looks like a release, with what hostile input adds: huge numbers, stray letters, long tails.
release_like = st.one_of(
    releases(),
    st.from_regex(r"\A[0-9]{1,3}\.[0-9]{1,3}[RXFBID][0-9]{0,12}(-[SDCJ][0-9]{0,12})?(\.[0-9]{0,12})?(-EVO)?\Z"),
    st.builds(lambda r, n: r + "9" * n, releases(), st.integers(0, 6000)),
    st.text(max_size=80),
)

scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12),
                    st.floats(allow_nan=False, allow_infinity=False, width=32),
                    st.text(max_size=30))
yaml_data = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=5), st.dictionaries(st.text(min_size=1, max_size=12), inner, max_size=5)),
    max_leaves=30)


def sample_record(name: str = SAMPLE_RECORDS[0]) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((RECORDS / name).read_text(encoding="utf-8"))
    return data


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            out += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out += _paths(item, (*prefix, index))
    return out


json_values = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20),
                                     st.floats(allow_nan=False)),
                           lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                   st.dictionaries(st.text(max_size=8), inner, max_size=3)),
                           max_leaves=8)


@st.composite
def mutated_records(draw: st.DrawFn) -> dict[str, Any]:
    """A real record with one to three places changed: a value replaced by any JSON value, or a key removed."""
    record = copy.deepcopy(sample_record(draw(st.sampled_from(SAMPLE_RECORDS))))
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(record) if p]
        path = draw(st.sampled_from(paths))
        parent: Any = record
        for part in path[:-1]:
            parent = parent[part]
        if isinstance(parent, dict) and draw(st.booleans()):
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(json_values)
    return record
