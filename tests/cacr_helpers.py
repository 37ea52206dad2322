"""Shared test material for the CACR tests: the real configurations, device facts as their profiles say, and
snapshot folders built from the lab devices' real replies."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from test_junosconf_samples import suzieq_configs

from analyzers.cacr.context import Context, Facts
from analyzers.cacr.engine import Report, evaluate
from analyzers.cacr.rules import Rule, load_rules
from msplus.junosconf import ConfigTree, load, parse
from snapshots.plan import load_plan
from snapshots.profile import profile_from_files

ROOT = Path(__file__).resolve().parents[1]
LAB = ROOT / "lab" / "devices"
DATA = ROOT / "tests" / "data" / "cacr"
SUZIEQ = dict(suzieq_configs())

# Configurations by short name: the lab devices (real configurations, see their PROVENANCE.md), the hardened
# fixtures (tests/data/cacr/PROVENANCE.md) and the suzieq captures ("suzieq:<host>").
BASES = {
    "vsrx": LAB / "vsrx-firefly" / "config.conf",
    "mx480": LAB / "mx480-dual-re" / "config.conf",
    "mx960": LAB / "mx960" / "config.conf",
    "vmx": LAB / "vmx" / "config.conf",
    "ptx": LAB / "ptx10008-evo" / "config.conf",
    "srx": LAB / "srx345-cluster" / "config.conf",
    "ex": LAB / "ex4200-vc" / "config.conf",
    "leaf": LAB / "vqfx-leaf01" / "config.conf",
    "hmx": DATA / "hardened-mx.conf",
    "hsrx": DATA / "hardened-srx-cluster.conf",
}

# Facts as the lab devices' profiles give them (test_cacr_catalog checks these against profile_from_files).
FACTS = {
    "none": Facts(),
    "mx2": Facts(family="mx", evolved=False, routing_engines=2, cluster=False, virtual_chassis=False, role="edge"),
    "mx1": Facts(family="mx", evolved=False, routing_engines=1, cluster=False, virtual_chassis=False),
    "vmx": Facts(family="vmx", evolved=False, routing_engines=1, cluster=False, virtual_chassis=False),
    "srxc": Facts(family="srx", evolved=False, routing_engines=1, cluster=True, virtual_chassis=False),
    "vsrx": Facts(family="vsrx", evolved=False, routing_engines=1, cluster=False, virtual_chassis=False),
    "exvc": Facts(family="ex", evolved=False, routing_engines=2, cluster=False, virtual_chassis=True),
    "vqfx": Facts(family="vqfx", evolved=False, routing_engines=1, cluster=False, virtual_chassis=False),
    "ptx": Facts(family="ptx", evolved=True, routing_engines=2, cluster=False, virtual_chassis=False),
}
LAB_FACTS = {"mx480-dual-re": "mx2", "mx960": "mx1", "vmx": "vmx", "srx345-cluster": "srxc",
             "vsrx-firefly": "vsrx", "ex4200-vc": "exvc", "vqfx-leaf01": "vqfx", "ptx10008-evo": "ptx"}

_RULES: dict[str, Rule] = {}


def rules() -> dict[str, Rule]:
    if not _RULES:
        _RULES.update({r.id: r for r in load_rules().rules})
    return _RULES


def base_text(name: str) -> tuple[str, str]:
    """(text, source name) of a base configuration."""
    if name.startswith("suzieq:"):
        host = name.split(":", 1)[1]
        key = next(k for k in SUZIEQ if k.endswith("/" + host))
        return SUZIEQ[key], f"{host}.conf"
    path = BASES[name]
    return path.read_text(encoding="utf-8"), str(path)


def tree_of(name: str, edits: list[str] | tuple[str, ...] = ()) -> ConfigTree:
    """A base configuration with ``edits`` (set/delete lines) applied, as a reviewer would edit it."""
    text, source = base_text(name)
    tree = parse(text, source)
    for number, line in enumerate(edits, 1):
        result = tree.apply_set_line(line, number, "edit")
        assert result.status != "absent", f"edit does not apply: {line}"
    return tree


def check(tree: ConfigTree, facts: Facts, only: list[str] | None = None, folder: Path | None = None) -> Report:
    chosen = [rules()[r] for r in only] if only else list(rules().values())
    return evaluate(chosen, Context(tree.effective(), facts, raw=tree, folder=folder))


def snapshot_device(lab_name: str, dest: Path, config: Path | None = None) -> Path:
    """A snapshot device folder as the collector writes it, from a lab device's real replies: configuration.conf,
    profile.json (profiled from the facts replies) and the system alarms when the device has them."""
    src = LAB / lab_name
    folder = dest / lab_name
    folder.mkdir(parents=True)
    shutil.copy(config or src / "config.conf", folder / "configuration.conf")
    files = {}
    for request in load_plan(("facts",)):
        reply = src / f"get-{request.file}"
        if reply.is_file():
            files[request.file] = reply.read_bytes()
    (folder / "profile.json").write_text(json.dumps(profile_from_files(files).to_json()), encoding="utf-8")
    alarms = src / "get-system-alarm-information.xml"
    if alarms.is_file():
        shutil.copy(alarms, folder / "system-alarm-information.xml")
    return folder


def load_base(name: str) -> ConfigTree:
    return load(BASES[name])
