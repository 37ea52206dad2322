"""``run_assessment.py collect``: collect facts, configuration and health data into snapshots."""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path

from app.prompt import password_prompt
from collectors.run import collect_inventory, print_summary, progress_printer, results_json
from msplus.records import CollectionResult


def main(args: argparse.Namespace, *, collect: Callable[..., list[CollectionResult]] | None = None,
         resolve_passwords: bool = True) -> int:
    """0 all collected, 1 some failed; InputError (exit 2) before any connection.

    ``collect`` replaces ``collect_inventory`` (same signature) and ``resolve_passwords=False`` leaves password
    variables unread: a run on the task queue, where the site workers read them."""
    from msplus.inventory import load_inventory

    inventory = load_inventory(args.inventory, prompt=password_prompt() if resolve_passwords else None,
                               resolve_passwords=resolve_passwords)
    show = not getattr(args, "no_progress", False)  # a bar on a terminal, plain lines otherwise (stderr)
    started = time.perf_counter()
    results = (collect or collect_inventory)(inventory, args.out, workers=args.workers,
                                             progress=progress_printer() if show else None,
                                             devices=args.device or None, processes=getattr(args, "processes", None))
    seconds = time.perf_counter() - started
    if getattr(args, "format", "text") == "json":
        print(json.dumps(results_json(results, Path(args.out), seconds=seconds), indent=2))
    else:
        print_summary(results, Path(args.out), seconds=seconds)
    return 0 if all(r.ok for r in results) else 1
