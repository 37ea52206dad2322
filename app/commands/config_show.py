"""``run_assessment.py config show FILE --as set|text|xml [--effective]``: print a configuration in another form."""

from __future__ import annotations

import argparse
import sys

from msplus.junosconf import ConfigTree
from msplus.junosconf import schema as junos_schema
from msplus.junosconf.load import load


def unknown_report(tree: ConfigTree) -> str:
    """One line per statement the schema lacks: where it is and its path (what a review could not interpret)."""
    nodes = tree.unknown()
    head = f"{len(nodes)} statement(s) not in the Junos {junos_schema.release()} schema (kept as written)\n"
    return head + "".join(f"{n.where}: {' '.join(n.path)}\n" for n in nodes)


def show(args: argparse.Namespace) -> int:
    """Print the configuration at ``args.file`` (file or snapshot folder) as ``args.as_format``.

    Raises ConfigSyntaxError / InputError for bad input; app.cli turns them into exit status 2.
    """
    tree = load(args.file)
    if getattr(args, "unknown", False):
        sys.stdout.write(unknown_report(tree))
        return 0
    if getattr(args, "effective", False):
        tree = tree.effective(node=getattr(args, "node", None))
    form = getattr(args, "as_format", "set") or "set"
    if form == "text":
        out = tree.to_text()
    elif form == "xml":
        out = tree.to_xml()
    else:
        out = tree.to_set()
    sys.stdout.write(out)
    for warning in tree.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return 0
