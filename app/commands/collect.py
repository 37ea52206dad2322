"""``run_assessment.py collect``: collect facts, configuration and health data into snapshots."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from app.prompt import password_prompt
from collectors.run import collect_inventory, print_summary, progress_printer, results_json


def main(args: argparse.Namespace) -> int:
    """0 all collected, 1 some failed; InputError (exit 2) before any connection."""
    from msplus.inventory import load_inventory

    inventory = load_inventory(args.inventory, prompt=password_prompt())
    show = not getattr(args, "no_progress", False)  # a bar on a terminal, plain lines otherwise (stderr)
    started = time.perf_counter()
    results = collect_inventory(inventory, args.out, workers=args.workers,
                                progress=progress_printer() if show else None, devices=args.device or None)
    seconds = time.perf_counter() - started
    if getattr(args, "format", "text") == "json":
        print(json.dumps(results_json(results, Path(args.out), seconds=seconds), indent=2))
    else:
        print_summary(results, Path(args.out), seconds=seconds)
    return 0 if all(r.ok for r in results) else 1
