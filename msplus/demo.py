"""The README's first command: the main job on the embedded default, end to end, with nothing to set up.

Starts the simulated lab in-process from ``inventories/lab.yaml``, collects every device over real SSH/NETCONF into
a snapshot folder, and prints where everything is.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LAB_INVENTORY = ROOT / "inventories" / "lab.yaml"


def main(args: argparse.Namespace) -> int:
    from collectors.run import collect_inventory, print_summary
    from lab.server import LabServer
    from msplus.inventory import load_inventory

    out = Path(args.out).resolve()
    inventory = load_inventory(LAB_INVENTORY)
    started = time.perf_counter()
    with LabServer.from_inventory(inventory) as lab:
        print(f"lab: {len(inventory.devices)} simulated devices listening on loopback", file=sys.stderr)
        del lab
        results = collect_inventory(inventory, out / "snapshots", workers=8)
    print_summary(results, out / "snapshots")
    print(f"demo finished in {time.perf_counter() - started:.1f}s; snapshots in {out / 'snapshots'}")
    return 0 if all(r.ok for r in results) else 1
