"""Benchmark: advisory matching for 10,000 device profiles against 1,000 catalog entries, on one core.

    .venv/bin/python benchmarks/bench_match.py
    .venv/bin/python benchmarks/bench_match.py --devices 20000 --entries 2000 --naive-sample 200

Entries: the real imported ones (catalogs/juniper-cve.yaml) plus generated ones in the same shape (per-train ranges
with one or two fixed points, platform lists, configuration conditions drawn from the real patterns) up to the
count asked. Devices: a realistic mix - a few hundred distinct (model, release, configuration) combinations
over 60 releases and 40 configurations, drawn with skewed weights, as in a customer network of thousands of
devices and few profiles. Configurations are
real-looking set files written to a temporary folder and read by the matcher (parsing is part of the time).

Printed: the time and profiles per second of the grouped matcher, beside a naive baseline measured in the same run
(every device matched on its own, nothing shared), extrapolated from a sample. Fixed seed: the same input each run.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import yaml

from analyzers.advisories.catalog import Catalog, validate
from analyzers.advisories.devices import Target, digest
from analyzers.advisories.match import Matcher
from msplus.yamlsource import Locator

ROOT = Path(__file__).resolve().parent.parent
SEED = 20241111
MODELS = {  # model -> product family used to pick releases and platforms
    "mx960": "mx", "mx480": "mx", "mx240": "mx", "mx204": "mx", "mx10003": "mx", "mx304": "mx",
    "qfx5120-48y": "qfx", "qfx5110-48s": "qfx", "qfx10002-36q": "qfx", "qfx10008": "qfx", "qfx5200-32c": "qfx",
    "ex4300-48t": "ex", "ex4650-48y": "ex", "ex2300-24t": "ex", "ex3400-48p": "ex", "ex9208": "ex",
    "srx1500": "srx", "srx4600": "srx", "srx5800": "srx", "srx345": "srx", "srx380": "srx",
    "ptx10008": "evo", "ptx10001-36mr": "evo", "ptx10003-80c": "evo", "acx7100-48l": "evo",
}
TRAINS = ["19.4", "20.2", "20.4", "21.1", "21.2", "21.3", "21.4", "22.1", "22.2", "22.3", "22.4", "23.2", "23.4",
          "24.2"]
PLATFORMS = ["MX Series", "QFX5000 Series", "QFX10000 Series", "EX Series", "SRX Series", "EX4300 Series",
             "SRX 5000 Series", "MX240, MX480, MX960", "PTX Series", "ACX7000 Series", "PTX10001-36MR"]
SNIPPETS = [
    "set protocols bgp group ext neighbor 192.0.2.{n}",
    "set protocols bgp group ibgp multipath",
    "set vlans v{n} vlan-id {n}", "set vlans v{n} vxlan vni {n}",
    "set protocols evpn encapsulation vxlan",
    "set chassis redundancy graceful-switchover", "set routing-options nonstop-routing",
    "set system services netconf ssh", "set system services web-management https interface fxp0.0",
    "set snmp community public authorization read-only",
    "set protocols lldp interface all", "set protocols rsvp interface xe-0/0/{n}.0",
    "set interfaces xe-0/0/{n} unit 0 family mpls", "set forwarding-options dhcp-relay server-group sg 192.0.2.9",
    "set security idp active-policy recommended", "set protocols pim interface all",
]


def _entries(count: int, rng: random.Random) -> Catalog:
    """The real catalog plus generated entries in the same shape, to ``count`` entries."""
    return validate({"schema_version": 1, "entries": entry_dicts(count, rng)}, Locator("bench"))


def entry_dicts(count: int, rng: random.Random) -> list[dict[str, Any]]:
    """The entries of ``_entries`` as catalog data (for a catalog file: benchmarks/bench_catalog_match.py)."""
    data = yaml.load((ROOT / "catalogs" / "juniper-cve.yaml").read_text(), Loader=yaml.CSafeLoader)
    real = data["entries"]
    patterns = sorted({i["pattern"] for e in real for i in _items(e.get("conditions")) if i.get("pattern")})
    entries: list[dict[str, Any]] = list(real[:count])
    while len(entries) < count:
        evolved = rng.random() < 0.2
        suffix = "-EVO" if evolved else ""
        ranges = []
        for train in rng.sample(TRAINS, rng.randint(4, 10)):
            maint = rng.randint(1, 3)
            fixed = [f"{train}R{maint}-S{rng.randint(1, 9)}{suffix}"]
            if rng.random() < 0.3 and maint < 3:
                fixed.append(f"{train}R{maint + 1}{suffix}")
            ranges.append({"train": train + suffix, "fixed": fixed, "source": "manual"})
        entry: dict[str, Any] = {
            "id": f"GEN-{len(entries):05d}", "kind": rng.choice(["security_advisory", "bug_notification",
                                                                 "problem_report"]),
            "title": "generated", "severity": rng.choice(["critical", "high", "medium", "low"]),
            "affects": [{"product": "junos-evolved" if evolved else "junos", "ranges": ranges,
                         "platforms": rng.sample(PLATFORMS, rng.randint(0, 2))}],
        }
        if rng.random() < 0.6:
            picks = rng.sample(patterns, rng.randint(1, 3))
            entry["conditions"] = {"require": rng.choice(["any", "all"]),
                                   "items": [{"kind": "config", "pattern": p} for p in picks]}
        entries.append(entry)
    return entries


def _items(cond: dict[str, Any] | None) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for item in (cond or {}).get("items", ()):
        out.extend(_items(item) if item.get("kind") == "group" else [item])
    return out


def _devices(count: int, combos: int, folder: Path, rng: random.Random) -> list[Target]:
    configs: list[tuple[Path, str]] = []
    for i in range(40):  # distinct configurations
        lines = {s.format(n=rng.randint(1, 40)) for s in rng.sample(SNIPPETS, rng.randint(3, 9))}
        body = [f"set system host-name cfg{i}", *sorted(lines)]
        body += [f"set interfaces xe-0/0/{p} unit 0 family inet address 10.{i}.{p}.1/31" for p in range(60)]
        path = folder / f"cfg{i}.set"
        path.write_text("\n".join(body) + "\n")
        configs.append((path, digest(path)))
    configs_typed: list[tuple[Path | None, str | None]] = list(configs)
    # a network runs a few dozen releases (standard releases per platform, plus stragglers)
    releases = []
    for _ in range(60):
        train = rng.choice(TRAINS[3:])
        text = f"{train}R{rng.randint(1, 3)}-S{rng.randint(0, 9)}.{rng.randint(1, 9)}".replace("-S0.", ".")
        releases.append(text)
    profiles: list[tuple[str, str, bool, tuple[Path | None, str | None]]] = []
    for _ in range(combos):
        model = rng.choice(list(MODELS))
        evolved = MODELS[model] == "evo"
        release = rng.choice(releases) + ("-EVO" if evolved else "")
        config = rng.choice(configs_typed) if rng.random() < 0.9 else (None, None)
        profiles.append((model, release, evolved, config))
    weights = [1 / (i + 1) for i in range(len(profiles))]  # a few profiles are most of the network
    out = []
    for n, (model, release, evolved, (cfg, dig)) in enumerate(rng.choices(profiles, weights=weights, k=count)):
        out.append(Target(name=f"dev{n:05d}", model=model, version=release, evolved=evolved,
                          routing_engines=2 if model.startswith(("mx9", "mx4", "ptx1000")) else 1,
                          config=cfg, config_digest=dig))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--devices", type=int, default=10_000)
    parser.add_argument("--entries", type=int, default=1_000)
    parser.add_argument("--combos", type=int, default=300, help="distinct (model, release, config) profiles")
    parser.add_argument("--naive-sample", type=int, default=100, help="devices timed for the naive baseline")
    args = parser.parse_args(argv)
    rng = random.Random(SEED)
    catalog = _entries(args.entries, rng)
    with tempfile.TemporaryDirectory() as tmp:
        devices = _devices(args.devices, args.combos, Path(tmp), rng)
        distinct = len({d.key() for d in devices})
        start = time.perf_counter()
        assessments = Matcher(catalog).assess(devices)
        grouped = time.perf_counter() - start
        listed = sum(len(a.verdicts) * len(a.targets) for a in assessments)
        sample = devices[: args.naive_sample]
        start = time.perf_counter()
        for device in sample:  # no grouping, no memo shared between devices
            Matcher(catalog).assess([device])
        naive = (time.perf_counter() - start) / len(sample) * len(devices)
    print(f"catalog: {len(catalog.entries)} entries; devices: {len(devices)} ({distinct} distinct profiles)")
    print(f"grouped matcher: {grouped:.3f} s, {len(devices) / grouped:,.0f} device profiles/s "
          f"({listed:,} affected/indeterminate pairs)")
    print(f"naive per-device baseline: {naive:.1f} s (extrapolated from {len(sample)} devices), "
          f"{len(devices) / naive:,.0f} device profiles/s")
    print(f"speed-up: {naive / grouped:,.0f}x; target: under 2 s on one core -> {'ok' if grouped < 2 else 'MISSED'}")
    return 0 if grouped < 2 else 1


if __name__ == "__main__":
    sys.exit(main())
