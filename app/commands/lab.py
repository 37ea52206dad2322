"""``run_assessment.py lab serve --inventory FILE``: serve every inventory device that has ``simulate:`` until
Ctrl-C or SIGTERM, printing one line per device (name, address, model, release, host key fingerprint)."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path
from typing import TextIO

from lab.server import LabServer
from msplus.errors import InventoryError


def main(args: argparse.Namespace) -> int:
    from msplus.inventory import load_inventory

    inventory = load_inventory(Path(args.inventory))
    lab = LabServer.from_inventory(inventory)
    if not lab.names():
        raise InventoryError("no device has simulate: (nothing to serve)", path=str(inventory.path))
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        with lab:
            print_table(lab, sys.stdout)
            print(f"serving {len(lab.names())} simulated devices; Ctrl-C to stop", flush=True)
            while not stop.wait(0.5):
                pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    print("stopped", flush=True)
    return 0


def print_table(lab: LabServer, out: TextIO) -> None:
    rows = []
    for name in lab.names():
        host, port = lab.address(name)
        ident = lab.device(name).identity
        rows.append((name, f"{host}:{port}", ident.model or "?", ident.release or "?", lab.fingerprint(name)))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for row in rows:
        print("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:4])) + "  " + row[4], file=out, flush=True)
