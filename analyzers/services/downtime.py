"""Anticipated downtime of one software upgrade on a node, from its redundancy (downtime.yaml): PIIR's "downtime
on specific nodes", and the per-hop downtime of an upgrade path (analyzers/advisories/recommend.py).

The node's shape comes from its profile (routing engines, chassis cluster, virtual chassis) and its effective
configuration (graceful-switchover = GRES, nonstop-routing = NSR); the first shape that fits is used.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from analyzers.advisories.configcheck import readable_error
from analyzers.advisories.devices import Target
from msplus.errors import InputError
from msplus.junosconf.tree import ConfigTree
from msplus.yamlsource import load_located
from reports.model import Downtime

DOWNTIME_FILE = Path(__file__).with_name("downtime.yaml")
SHAPES = ("cluster", "virtual_chassis", "dual_re_gres_nsr", "dual_re_gres", "dual_re", "single_re")
GRES = "chassis redundancy graceful-switchover"
NSR = "routing-options nonstop-routing"


@dataclass(frozen=True, slots=True)
class Shape:
    description: str
    upgrade: str
    why: str


@cache
def shapes() -> dict[str, Shape]:
    """downtime.yaml, validated: every shape present with description, upgrade and why."""
    data, locator = load_located(DOWNTIME_FILE, InputError)
    if not isinstance(data, dict) or data.get("schema_version") != 1:
        raise locator.error("expected schema_version: 1", ("schema_version",))
    table = data.get("shapes")
    if not isinstance(table, dict):
        raise locator.error("expected a mapping of shapes", ("shapes",))
    out = {}
    for name in SHAPES:
        spec = table.get(name)
        if not isinstance(spec, dict) or not all(isinstance(spec.get(k), str) for k in ("description", "upgrade",
                                                                                          "why")):
            raise locator.error(f"shape {name} needs description, upgrade and why (text)", ("shapes",))
        out[name] = Shape(*(" ".join(spec[k].split()) for k in ("description", "upgrade", "why")))
    return out


def downtime_of(target: Target, tree: ConfigTree | None = None) -> Downtime:
    """The node's redundancy from its profile and configuration, and what an upgrade costs it."""
    reasons: list[str] = []
    engines = target.routing_engines or 0
    reasons.append(f"profile: {engines or 'unknown number of'} routing engine(s)"
                   + (", chassis cluster" if target.cluster else "")
                   + (", virtual chassis" if target.virtual_chassis else ""))
    gres, nsr = _redundancy_config(target, reasons, tree)
    if target.cluster:
        shape = "cluster"
    elif target.virtual_chassis:
        shape = "virtual_chassis"
    elif engines >= 2:
        shape = "dual_re_gres_nsr" if gres and nsr else "dual_re_gres" if gres else "dual_re"
    else:
        shape = "single_re"
    found = shapes()[shape]
    return Downtime(shape, found.description, found.upgrade, (*reasons, found.why))


def _redundancy_config(target: Target, reasons: list[str], tree: ConfigTree | None) -> tuple[bool, bool]:
    """GRES and NSR from the effective configuration (``tree``: already read, else read here)."""
    if target.config is None:
        reasons.append("configuration not collected: GRES and NSR taken as not configured")
        return False, False
    if tree is None:
        from msplus.junosconf import load

        try:
            tree = load(target.config).effective()
        except InputError as exc:
            reasons.append(f"configuration unreadable ({readable_error(exc)}): GRES and NSR taken as not configured")
            return False, False
    found = []
    for text in (GRES, NSR):
        node = tree.find(text)
        reasons.append(f"config line {node.line}: set {text}" if node is not None else f"not configured: {text}")
        found.append(node is not None)
    return found[0], found[1]


class PerShape:
    """``downtime_of`` memoised per redundancy facts and configuration: a fleet has a few shapes, many devices."""

    def __init__(self, trees: Callable[[Target], ConfigTree | None] | None = None) -> None:
        self._memo: dict[tuple[object, ...], Downtime] = {}
        self._trees = trees  # the effective configuration already read for a device (the matcher's), if any

    def __call__(self, target: Target) -> Downtime:
        key = (target.routing_engines, target.cluster, target.virtual_chassis, target.config_digest)
        if key not in self._memo:
            self._memo[key] = downtime_of(target, self._trees(target) if self._trees else None)
        return self._memo[key]
