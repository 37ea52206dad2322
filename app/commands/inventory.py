"""``run_assessment.py inventory import --from SOURCE FILE --out inventory.yaml``: argument handling only; the work
is in ``msplus.inventory_import``. The summary goes to stderr (``--format json``: to stdout as JSON)."""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from pathlib import Path

from app.cli import verbosity
from msplus.inventory_import import Credentials, import_devices, write
from msplus.inventory_import.model import Selection


def import_command(args: argparse.Namespace) -> int:
    selection = import_devices(args.source, Path(args.file), all_platforms=args.all_platforms)
    credentials = Credentials(username=args.username, password_env=args.password_env,
                              prompt=args.password_prompt, keep=args.keep_passwords)
    command = "run_assessment.py inventory import " + " ".join(
        shlex.quote(a) for a in ("--from", args.source, args.file, "--out", args.out))
    if selection.devices:
        write(selection, Path(args.out), credentials, command=command, force=args.force)
    if args.format == "json":
        print(json.dumps({**selection.to_json(), "out": args.out if selection.devices else None}, indent=2))
    elif verbosity(args) >= 0:  # -q: only errors
        _summary(selection, args.out)
    if not selection.devices:
        print(f"error: {args.file}: no device to import ({len(selection.skipped)} left out, listed above)",
              file=sys.stderr)
        return 2
    return 0


def _summary(selection: Selection, out: str) -> None:
    err = sys.stderr
    for name, new in selection.renamed:
        print(f"renamed {name!r} -> {new!r}", file=err)
    for s in selection.skipped:
        print(f"left out {s.name} ({s.where}): {s.reason}", file=err)
    if selection.devices:
        print(f"wrote {out}: {len(selection.devices)} device(s) from {selection.source}, "
              f"{len(selection.skipped)} left out", file=err)
