"""Platform families: model -> family, from the one data file ``msplus/data/families.yaml``.

Every consumer (profile building, CACR rule validation, health-threshold overrides, advisory platform matching) reads
the table through this module, so a family name means the same thing everywhere.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

from msplus.errors import InputError

FAMILIES_FILE = Path(__file__).with_name("data") / "families.yaml"


@lru_cache(maxsize=1)
def family_rules() -> tuple[tuple[str, re.Pattern[str], str], ...]:
    """The rules in order: (``model`` or ``re_model``, compiled pattern, family). Raises InputError if malformed."""
    data = yaml.safe_load(FAMILIES_FILE.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or data.get("schema_version") != 1 or not isinstance(data.get("rules"), list):
        raise InputError("expected schema_version: 1 and a list of rules", path=str(FAMILIES_FILE))
    rules = []
    for index, rule in enumerate(data["rules"]):
        keys = set(rule) if isinstance(rule, dict) else set()
        field = next(iter(keys & {"model", "re_model"}), None)
        if field is None or "family" not in keys or len(keys) != 2:
            raise InputError("a rule is {model: REGEX, family: NAME} or {re_model: REGEX, family: NAME}",
                             path=str(FAMILIES_FILE), key=f"rules[{index}]")
        rules.append((field, re.compile(rule[field], re.IGNORECASE), str(rule["family"])))
    return tuple(rules)


def family_of(model: str | None, re_models: tuple[str, ...] = ()) -> str | None:
    """The platform family of a model (lowercase), by the first matching rule; None when no rule matches."""
    for field, pattern, family in family_rules():
        if field == "re_model" and any(pattern.match(m) for m in re_models):
            return family
        if field == "model" and model and pattern.match(model):
            return family
    return None


def known_families() -> frozenset[str]:
    """Every family name the table can give."""
    return frozenset(family for _, _, family in family_rules())
