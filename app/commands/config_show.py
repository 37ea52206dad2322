"""``run_assessment.py config show FILE --as set|text|xml [--effective]``: print a configuration in another form."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from msplus.junosconf import ConfigTree
from msplus.junosconf import schema as junos_schema
from msplus.junosconf.load import load
from snapshots.layout import PROFILE
from snapshots.reader import DeviceSnapshot


def _snapshot_node(path: Path, tree: ConfigTree) -> str | None:
    """For a snapshot folder of a chassis cluster: the node it came from (its profile's host name is set by that
    node's group), so ``apply-groups "${node}"`` expands as on the device."""
    if not path.is_dir() or not (path / PROFILE).is_file():
        return None
    profile = DeviceSnapshot.open(path).profile
    return tree.cluster_node(profile.hostname) if profile is not None and profile.cluster else None


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
        tree = tree.effective(node=getattr(args, "node", None) or _snapshot_node(Path(args.file), tree))
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
