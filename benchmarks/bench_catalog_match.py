"""Benchmark: the whole ``catalog match`` command at fleet size, as a user runs it (start-up, catalog load, match,
upgrade recommendations, output written), with its peak memory; then PIIR's and PBNIR's analysis of a snapshot
set of the same fleet.

    .venv/bin/python benchmarks/bench_catalog_match.py                      # 10,000 devices json, 100,000 jsonl
    .venv/bin/python benchmarks/bench_catalog_match.py --devices 10000 --big 0 --services 0   # quicker

Input (fixed seed): a catalog file of ~1,000 entries (the real imported ones plus generated ones in the same
shape, benchmarks/bench_match.py) and a devices CSV of N devices over ~400 distinct (model, release,
configuration) profiles drawn with skewed weights, 40 configuration files, the lab's models among them.

Printed, each figure beside its baseline measured in the same run:
- start-up + catalog load alone (``catalog validate`` of the same catalog): the fixed cost of any run;
- ``--format json`` for N/10 and N devices: time, peak RSS and output size; the 10x scaling ratio;
- ``--format jsonl`` for N and --big devices: time and peak RSS (flat memory: the ratio of the two RSS);
- in-process, the output step alone: rows serialised once per profile (what the command does) against
  ``json.dumps`` of every row (the naive way);
- PIIR and PBNIR ``analyse`` on a snapshot set of --services devices (profile.json + configuration per device),
  each in its own process: time and peak RSS of the analysis step.

Targets (issue 13): 10,000 devices x ~1,000 entries in under 3 s and 1 GB for the whole json command; 100,000
devices with jsonl in under 30 s with memory that does not grow with the fleet; PIIR and PBNIR on 10,000 devices
within the same budget for the analysis step.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_match import MODELS, SNIPPETS, TRAINS, entry_dicts  # noqa: E402 - after the path is set

SEED = 20261204
REVIEW_DATE = "2026-12-04"
LAB_MODELS = {"mx960": "mx", "mx480": "mx", "srx345": "srx", "ex4200-48t": "ex", "vsrx": "srx", "vmx": "mx",
              "qfx10002-72q": "qfx", "firefly-perimeter": "srx"}
TARGET_JSON_S, TARGET_JSON_MB = 3.0, 1024
TARGET_BIG_S = 30.0


def write_inputs(folder: Path, devices: int, profiles: int, rng: random.Random) -> tuple[Path, Path]:
    """The catalog file and the devices CSV (with its configuration files)."""
    from analyzers.advisories.writer import dump_catalog

    catalog = folder / "catalog.yaml"
    catalog.write_text(dump_catalog(entry_dicts(1000, rng), name="bench", description="bench catalog"))
    configs = []
    for i in range(40):
        lines = {s.format(n=rng.randint(1, 40)) for s in rng.sample(SNIPPETS, rng.randint(3, 9))}
        body = [f"set system host-name cfg{i}", *sorted(lines)]
        body += [f"set interfaces xe-0/0/{p} unit 0 family inet address 10.{i}.{p}.1/31" for p in range(60)]
        (folder / f"cfg{i}.set").write_text("\n".join(body) + "\n")
        configs.append(f"cfg{i}.set")
    models = {**MODELS, **LAB_MODELS}
    releases = []
    for _ in range(60):
        train = rng.choice(TRAINS[3:])
        releases.append(f"{train}R{rng.randint(1, 3)}-S{rng.randint(0, 9)}.{rng.randint(1, 9)}".replace("-S0.", "."))
    table = []
    for _ in range(profiles):
        model = rng.choice(list(LAB_MODELS) if rng.random() < 0.5 else list(MODELS))  # half described
        release = rng.choice(releases) + ("-EVO" if models[model] == "evo" else "")
        table.append((model, release, rng.choice(configs) if rng.random() < 0.9 else ""))
    weights = [1 / (i + 1) for i in range(len(table))]
    path = folder / f"devices-{devices}.csv"
    with path.open("w", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(("name", "model", "version", "config"))
        for n, (model, release, config) in enumerate(rng.choices(table, weights=weights, k=devices)):
            out.writerow((f"dev{n:06d}", model, release, config))
    return catalog, path


ENV: dict[str, str] = {}  # set in main(): a fresh data cache folder for this run


# A small launcher forks the measured command itself: Linux carries a parent's peak RSS into a child it execs, so
# measuring a child of this (large) benchmark process would report this process's peak, not the command's.
LAUNCHER = """
import os, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as fh:
    fh.write(f"{os.waitstatus_to_exitcode(status)} {usage.ru_utime + usage.ru_stime} {usage.ru_maxrss}")
"""


def run(args: list[str], out: Path, cache: bool = True) -> tuple[float, float, float]:
    """Run a command with stdout to ``out``; (wall seconds, CPU seconds, peak RSS in MB) of that process alone."""
    env = {**os.environ, **ENV} if cache else {**os.environ, "ASSESS_CACHE": "off"}
    usage = out.with_suffix(".usage")
    start = time.perf_counter()
    with out.open("wb") as fh:
        proc = subprocess.run([sys.executable, "-c", LAUNCHER, str(usage), *args], stdout=fh,
                              stderr=subprocess.PIPE, cwd=ROOT, env=env, check=False)
    seconds = time.perf_counter() - start
    code, cpu, rss = usage.read_text().split()
    if int(code) != 0:
        raise SystemExit(f"{' '.join(args)} exited {code}: {proc.stderr.decode()[-500:]}")
    return seconds, float(cpu), int(rss) / 1024


def figure(wall: float, cpu: float, mb: float) -> str:
    return f"{wall:.2f} s wall ({cpu:.2f} s CPU), {mb:.0f} MB peak"


def match_cmd(catalog: Path, devices: Path, fmt: str) -> list[str]:
    return [sys.executable, str(ROOT / "run_assessment.py"), "catalog", "match", "--catalog", str(catalog),
            "--devices", str(devices), "--format", fmt, "--date", REVIEW_DATE]


def output_step(catalog: Path, devices: Path) -> tuple[float, float, int]:
    """In-process: the output step alone, shared fragments (the command's way) vs json.dumps of every row."""
    from datetime import date

    from analyzers.advisories import devices as devices_mod
    from analyzers.advisories.catalog import load_catalogs
    from analyzers.advisories.match import Matcher
    from analyzers.advisories.report import match_row, ordered, write_json
    from analyzers.services.matching import match_devices

    loaded, targets = load_catalogs([catalog]), devices_mod.from_csv(devices)
    start = time.process_time()
    Matcher(loaded).assess(targets)
    print(f"calibration: the matcher alone here {time.process_time() - start:.2f} s CPU (benchmarks/bench_match.py "
          "measured 0.83-0.97 s for the same work on this machine when it was less loaded: README)")
    result = match_devices(loaded, targets, date.fromisoformat(REVIEW_DATE))
    sink = open(os.devnull, "w")  # noqa: SIM115 - closed below
    start = time.process_time()
    write_json(sink, result)
    shared = time.process_time() - start
    start = time.process_time()
    rows = [match_row(t, g.assessment, v, g.recommendation.recommended_release)
            for _, t, g in result.devices() if g.assessment for v in ordered(g.assessment.verdicts)]
    sink.write(json.dumps({"matches": rows, "upgrades": [g.recommendation.to_json(n) for n, _, g in
                                                          result.devices()]}))
    naive = time.process_time() - start
    sink.close()
    return shared, naive, len(rows)


def snapshot_set(folder: Path, devices_csv: Path, count: int) -> Path:
    """A snapshot folder of ``count`` devices: profile.json and the configuration, as collect writes them."""
    snap = folder / "snapshot"
    snap.mkdir()
    with devices_csv.open() as fh:
        rows = list(csv.DictReader(fh))[:count]
    for row in rows:
        sub = snap / row["name"]
        sub.mkdir()
        evolved = row["version"].endswith("-EVO")
        profile = {"hostname": row["name"], "model": row["model"], "family": None, "version": row["version"],
                   "evolved": evolved, "serial_number": row["name"].upper(), "routing_engines": 1,
                   "uptime_seconds": 1}
        (sub / "profile.json").write_text(json.dumps(profile))
        if row["config"]:
            (sub / "configuration.set").write_bytes((devices_csv.parent / row["config"]).read_bytes())
    return snap


SERVICE_SCRIPT = """
import sys, time
from datetime import date
from pathlib import Path
sys.path.insert(0, {root!r})
from analyzers import services
from reports.model import ScopeDevice
svc = services.get({service!r})
loaded = svc.load([Path({catalog!r})])
snap = Path({snap!r})
names = sorted(p.name for p in snap.iterdir())
scope = tuple(ScopeDevice(name=n, serial=None, reason="bench") for n in names)
start = time.process_time()
analysis = svc.analyse(services.Inputs(snap, scope, on=date.fromisoformat({on!r})), loaded)
print(time.process_time() - start, len(analysis.findings))
"""


def service_step(service: str, catalog: Path, snap: Path, folder: Path) -> tuple[float, int, float]:
    """(CPU seconds of the analysis step, findings, peak RSS in MB of the whole process)."""
    code = SERVICE_SCRIPT.format(root=str(ROOT), service=service, catalog=str(catalog), snap=str(snap),
                                 on=REVIEW_DATE)
    out = folder / f"{service}.out"
    _, _, rss = run([sys.executable, "-c", code], out)
    seconds, findings = out.read_text().split()
    return float(seconds), int(findings), rss


def fleet_runs(args: argparse.Namespace, folder: Path, catalog: Path, devices: Path) -> bool:
    """jsonl for N and --big devices (flat memory), and the output step alone."""
    ok = True
    jl = run(match_cmd(catalog, devices, "jsonl"), folder / "out.jsonl")
    print(f"jsonl, {args.devices:,} devices: {figure(*jl)}")
    (folder / "out.jsonl").unlink()
    if args.big:
        big = write_inputs(folder, args.big, args.profiles, random.Random(SEED))[1]
        big_run = run(match_cmd(catalog, big, "jsonl"), folder / "big.jsonl")
        lines = sum(1 for _ in (folder / "big.jsonl").open())
        (folder / "big.jsonl").unlink()
        met = big_run[0] < TARGET_BIG_S
        ok &= met
        print(f"jsonl, {args.big:,} devices: {figure(*big_run)} ({lines:,} lines); memory "
              f"x{big_run[2] / jl[2]:.2f} and CPU x{big_run[1] / jl[1]:.1f} for x{args.big / args.devices:.0f} "
              f"devices; target under {TARGET_BIG_S:.0f} s -> "
              f"{'ok' if met else 'MISSED (wall)' if big_run[1] < TARGET_BIG_S else 'MISSED'}")
    shared, naive, rows = output_step(catalog, devices)
    print(f"output step alone ({rows:,} rows, CPU): per-profile text {shared:.2f} s vs json.dumps of every row "
          f"{naive:.2f} s")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--devices", type=int, default=10_000)
    parser.add_argument("--profiles", type=int, default=400, help="distinct (model, release, configuration)")
    parser.add_argument("--big", type=int, default=100_000, help="devices for the jsonl run (0: skip)")
    parser.add_argument("--services", type=int, default=10_000, help="devices for PIIR/PBNIR (0: skip)")
    args = parser.parse_args(argv)
    rng = random.Random(SEED)
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        catalog, devices = write_inputs(folder, args.devices, args.profiles, rng)
        small_csv = write_inputs(folder, args.devices // 10, args.profiles, random.Random(SEED))[1]
        ENV["ASSESS_CACHE"] = str(folder / "cache")
        with devices.open() as fh:
            distinct = len({tuple(r[1:]) for r in csv.reader(fh)}) - 1
        print(f"catalog: 1,000 entries; devices: {args.devices:,} ({distinct} distinct profiles); "
              f"review date {REVIEW_DATE}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs "
              "(wall time on a shared machine; the CPU time is the process's own)")
        validate = [sys.executable, str(ROOT / "run_assessment.py"), "catalog", "validate", str(catalog)]
        print(f"baseline: start-up + catalog load (catalog validate), first read (YAML): "
              f"{figure(*run(validate, folder / 'validate.out'))}")
        base = run(validate, folder / "validate.out")
        print(f"baseline: the same, catalog data cached: {figure(*base)}")
        small = run(match_cmd(catalog, small_csv, "json"), folder / "small.json")
        big_json = run(match_cmd(catalog, devices, "json"), folder / "out.json")
        cold = run(match_cmd(catalog, devices, "json"), folder / "cold.json", cache=False)
        data = json.loads((folder / "out.json").read_text())
        size = (folder / "out.json").stat().st_size / 1e6
        small_size = (folder / "small.json").stat().st_size / 1e6
        actions: dict[str, int] = {}
        for u in data["upgrades"]:
            actions[u["action"]] = actions.get(u["action"], 0) + 1
        met = big_json[0] < TARGET_JSON_S and big_json[2] < TARGET_JSON_MB
        ok &= met
        print(f"json, {args.devices // 10:,} devices: {figure(*small)}, {small_size:.1f} MB out")
        print(f"json, {args.devices:,} devices: {figure(*big_json)}, {size:.1f} MB out "
              f"({len(data['matches']):,} match rows, {len(data['upgrades']):,} upgrades: "
              + ", ".join(f"{n:,} {a}" for a, n in sorted(actions.items())) + ")")
        print(f"json, {args.devices:,} devices, catalog not cached (YAML read): {figure(*cold)}")
        print(f"  scaling 10x devices: CPU x{big_json[1] / small[1]:.1f} "
              f"(x{(big_json[1] - base[1]) / max(small[1] - base[1], 1e-9):.1f} above the fixed cost), output "
              f"x{size / small_size:.1f}; target under {TARGET_JSON_S:.0f} s and {TARGET_JSON_MB} MB -> "
              f"{'ok' if met else 'MISSED (wall)' if big_json[1] < TARGET_JSON_S else 'MISSED'}")
        ok &= fleet_runs(args, folder, catalog, devices)
        if args.services:
            snap = snapshot_set(folder, devices, min(args.services, args.devices))
            for service in ("piir", "pbnir"):
                seconds, findings, rss = service_step(service, catalog, snap, folder)
                met = seconds < TARGET_JSON_S and rss < TARGET_JSON_MB
                ok &= met
                print(f"{service} analysis, {args.services:,} devices: {seconds:.2f} s CPU, {rss:.0f} MB peak "
                      f"({findings:,} findings); target under {TARGET_JSON_S:.0f} s -> {'ok' if met else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
