"""``run_assessment.py sweep``: run a health sweep, or read the sweep history as a table over time.

    run_assessment.py sweep --inventory inventories/lab.yaml --history out/history --out out/sweep
    run_assessment.py sweep history --history out/history [--device NAME] [--check ID] [--last 10] [--format csv]
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from typing import TextIO

from analyzers.health.history import History, HistoryTable

SHORT = {"ok": "ok", "warning": "WARN", "critical": "CRIT", "unknown": "?"}


def main(args: argparse.Namespace) -> int:
    if getattr(args, "action", None) == "history":
        return history(args)
    from app.sweep import main as sweep_main

    return sweep_main(args)


def history(args: argparse.Namespace) -> int:
    """Print stored results: one row per device and check, one column per sweep (oldest first)."""
    with History.open(args.history, create=False) as store:
        table = store.table(devices=args.device or (), checks=args.check or (), last=args.last)
    if not table.columns:
        print(f"no sweep in the history {args.history}", file=sys.stderr)
        return 1
    if args.format == "csv":
        write_csv(table, sys.stdout)
    elif args.format == "json":
        write_json(table, sys.stdout)
    else:
        print_table(table, sys.stdout)
    return 0


def _cell(cell: tuple[str, float | None] | None) -> str:
    if cell is None:
        return "-"
    status, value = cell
    shown = "" if value is None else f" {value:.4g}"
    return SHORT.get(status, status) + shown


def print_table(table: HistoryTable, out: TextIO) -> None:
    heads = ["device", "check"] + [f"#{c.id} {c.started[5:16].replace('T', ' ')}" for c in table.columns]
    lines = [[device, check, *(_cell(c) for c in cells)] for device, check, cells in table.rows]
    widths = [max(len(str(row[i])) for row in [heads, *lines]) for i in range(len(heads))]
    print("  ".join(h.ljust(w) for h, w in zip(heads, widths, strict=True)).rstrip(), file=out)
    for row in lines:
        print("  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True)).rstrip(), file=out)


def write_csv(table: HistoryTable, out: TextIO) -> None:
    """Long form, one line per device, check and sweep: what a spreadsheet or pandas pivots."""
    writer = csv.writer(out)
    writer.writerow(["sweep", "started", "device", "check", "status", "value"])
    for device, check, cells in table.rows:
        for column, cell in zip(table.columns, cells, strict=True):
            if cell is not None:
                writer.writerow([column.id, column.started, device, check, cell[0],
                                 "" if cell[1] is None else cell[1]])


def write_json(table: HistoryTable, out: TextIO) -> None:
    """The sweeps (number, start) and, per device and check, one cell per sweep (null where it was not checked)."""
    data = {"sweeps": [{"sweep": c.id, "started": c.started} for c in table.columns],
            "rows": [{"device": device, "check": check,
                      "cells": [None if cell is None else {"status": cell[0], "value": cell[1]} for cell in cells]}
                     for device, check, cells in table.rows]}
    out.write(json.dumps(data, indent=2) + "\n")
