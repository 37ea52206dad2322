"""Derive the configuration grammar the model uses from Juniper's published YANG modules, with pyang.

    python -m msplus.junosconf.schema.build_grammar --yang YANG/23.4/23.4R2/native/conf-and-rpcs --release 23.4R2 \
        --source "https://github.com/Juniper/yang 23.4/23.4R2/native/conf-and-rpcs (commit 2a696d6)"

where YANG is a checkout of https://github.com/Juniper/yang (the project ships the result, so nothing needs
the checkout to build or test). It reads, per family, the root module with each other configuration module in turn
(one module at a time keeps pyang under 1 GB; every module only augments ``/configuration``), and writes
``schema/junos-<release>.json.gz``: the schema tree with every identical subtree stored once (protocols under
routing-instances is the same as at the top).

What is kept of each schema node (see ``msplus/junosconf/schema/__init__.py`` for how the parser reads it):
- kind: container, list (with its keys), leaf-list, flag (a leaf of type empty) or leaf with a value;
- ``ordered-by user``, ``presence``;
- from ``junos:cli-feature`` (only in the ``conf-with-extensions`` sets): ``nokeyword`` (a leaf written without its
  name: ``autonomous-system 65432``), ``oneliner``/``oneliner-plus`` (printed on one line), ``homogeneous`` (a list
  whose entries are printed in one block: ``name-server { 10.0.0.1; }``);
- the choice and case a node sits in (statements in different cases of one choice exclude each other).

Families are merged by name: a node present in several families is the union of their children. The extension set
is read first so its CLI features win; nodes only the plain ``conf`` set has (MX-only statements) carry none, so a
``nokeyword`` leaf there reads as keyword + value (kept, never dropped).

One fact no YANG statement carries is added here as data (NAMELESS_LISTS); see its comment.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

EXT = "junos-common-ddl-extensions"

# kind codes and flag bits of the compact form (mirrored in schema/__init__.py)
CONTAINER, LIST, LEAF_LIST, FLAG, LEAF = "c", "l", "L", "f", "v"
PRESENCE, ORDERED, NOKEYWORD, ONELINER, ONELINER_PLUS, HOMOGENEOUS, NAMELESS = 1, 2, 4, 8, 16, 32, 64

# Lists whose own name is not written in CLI syntax: ``interfaces { ge-0/0/0 { ... } }`` is the list ``interface``
# inside the container ``interfaces``. The Junos DDL marks them; the published YANG does not (see PROVENANCE of the
# YANG copy). Rule used: a list directly inside a container whose name is the list's name plus "s" (interfaces /
# interface, vlans / vlan, schedulers / scheduler, rib-groups / rib-group...), plus these pairs (container, list):
NAMELESS_LISTS = {
    ("routing-instances", "instance"),
    ("bridge-domains", "domain"),
    ("prefix-list", "prefix-list-item"),
    ("communities", "community"),
}
# Lists that are nameless wherever they are: syslog ``file messages { any notice; }`` entries are ``contents``.
NAMELESS_ANYWHERE = {"contents"}
# Containers that the "plural" rule must not apply to (their list keeps its keyword).
NOT_NAMELESS = {("policies", "policy")}



class Builder:
    """Hash-consed schema nodes: identical subtrees get one id."""

    def __init__(self) -> None:
        self.nodes: list[list[Any]] = []
        self.ids: dict[str, int] = {}
        self.merged: dict[tuple[int, int], int] = {}

    def make(self, kind: str, flags: int, children: dict[str, int], keys: list[str], choice: dict[str, str]) -> int:
        node = [kind, flags, dict(sorted(children.items())), keys, dict(sorted(choice.items()))]
        sig = json.dumps(node, separators=(",", ":"))
        found = self.ids.get(sig)
        if found is None:
            found = self.ids[sig] = len(self.nodes)
            self.nodes.append(node)
        return found

    def merge(self, a: int, b: int) -> int:
        """The union of two nodes of the same name (children merged recursively; a's kind, keys and flags win)."""
        if a == b:
            return a
        memo = self.merged.get((a, b))
        if memo is not None:
            return memo
        ka, fa, ca, keys, xa = self.nodes[a]
        _kb, fb, cb, _keys_b, xb = self.nodes[b]
        children = dict(ca)
        for name, cid in cb.items():
            children[name] = self.merge(children[name], cid) if name in children else cid
        flags = fa if fa & (NOKEYWORD | ONELINER | ONELINER_PLUS | HOMOGENEOUS) else fa | fb
        result = self.make(ka, flags, children, keys, {**xb, **xa})
        self.merged[(a, b)] = result
        return result


def _feature(stmt: Any) -> set[str]:
    return {s.arg for s in stmt.substmts if isinstance(s.keyword, tuple) and s.keyword == (EXT, "cli-feature")}


def _walk(b: Builder, stmt: Any, parent_name: str) -> int:
    """The id of the schema node for pyang statement ``stmt`` (recursion is bounded by the schema's depth)."""
    kw = stmt.keyword
    features = _feature(stmt)
    flags = 0
    if "nokeyword" in features:
        flags |= NOKEYWORD
    if "oneliner" in features:
        flags |= ONELINER
    if "oneliner-plus" in features:
        flags |= ONELINER_PLUS
    if "homogeneous" in features:
        flags |= HOMOGENEOUS
    ordered = stmt.search_one("ordered-by")
    if ordered is not None and ordered.arg == "user":
        flags |= ORDERED
    if kw == "leaf":
        typ = stmt.search_one("type")
        return b.make(FLAG if typ is not None and typ.arg == "empty" else LEAF, flags, {}, [], {})
    if kw == "leaf-list":
        return b.make(LEAF_LIST, flags, {}, [], {})
    children: dict[str, int] = {}
    choice: dict[str, str] = {}
    _children(b, stmt, stmt.arg, children, choice, "")
    keys: list[str] = []
    if kw == "list":
        key = stmt.search_one("key")
        keys = key.arg.split() if key is not None else []
        if stmt.arg in NAMELESS_ANYWHERE or (parent_name, stmt.arg) in NAMELESS_LISTS or (
            parent_name == stmt.arg + "s" and (parent_name, stmt.arg) not in NOT_NAMELESS
        ):
            flags |= NAMELESS
        if stmt.arg in NAMELESS_ANYWHERE:
            flags |= ONELINER  # "any notice;" (the DDL prints these on one line; the YANG says nothing)
        return b.make(LIST, flags, children, keys, choice)
    if stmt.search_one("presence") is not None:
        flags |= PRESENCE
    return b.make(CONTAINER, flags, children, keys, choice)


def _children(b: Builder, stmt: Any, name: str, out: dict[str, int], choice: dict[str, str], where: str) -> None:
    """Data children of ``stmt`` into ``out``; choices and cases are flattened, their place noted in ``choice``."""
    for child in getattr(stmt, "i_children", ()) or ():
        kw = child.keyword
        if kw == "choice":
            for n, case in enumerate(getattr(child, "i_children", ()) or ()):
                tag = f"{where}{child.arg}/{n}"
                if case.keyword == "case":
                    _children(b, case, name, out, choice, tag + ":")
                else:  # a shorthand case: the data node itself
                    _one(b, case, name, out, choice, tag)
        elif kw in ("container", "list", "leaf", "leaf-list"):
            _one(b, child, name, out, choice, where.rstrip(":"))


def _one(b: Builder, child: Any, parent: str, out: dict[str, int], choice: dict[str, str], tag: str) -> None:
    cid = _walk(b, child, parent)
    word = child.arg
    out[word] = b.merge(out[word], cid) if word in out else cid
    if tag:
        choice[word] = tag


def _load_family(b: Builder, common: Path, models: Path) -> int:
    """The /configuration node of one family: root module plus each other module in turn, merged."""
    from pyang import context, repository  # pyang is needed only to regenerate

    files = sorted(models.glob("*.yang"))
    root_file = next(f for f in files if "-conf-root@" in f.name)
    result: int | None = None
    for module_file in [root_file, *(f for f in files if f != root_file)]:
        started = time.monotonic()
        repo = repository.FileRepository(f"{common}:{models}", use_env=False)
        ctx = context.Context(repo)
        ctx.lax_quote_checks = True
        ctx.lax_xpath_checks = True
        mods = [ctx.add_module(str(f), f.read_text(encoding="utf-8")) for f in {root_file, module_file}]
        ctx.validate()
        errors = [e for e in ctx.errors if e[1] not in _HARMLESS]
        if errors:
            print(f"  {module_file.name}: {len(errors)} pyang messages, first: {errors[0][1]}", file=sys.stderr)
        root_mod = next(m for m in mods if m is not None and m.arg.endswith("-conf-root"))
        conf = root_mod.search_one("container", "configuration")
        node = _walk(b, conf, "")
        result = node if result is None else b.merge(result, node)
        print(f"  {module_file.name}: {time.monotonic() - started:.1f} s, {len(b.nodes)} nodes", file=sys.stderr)
    assert result is not None
    return result


_HARMLESS = {"UNUSED_IMPORT", "UNUSED_TYPEDEF", "UNUSED_GROUPING", "XPATH_FUNCTION", "XPATH_REF_CONFIG_FALSE"}


def _renumber(b: Builder, root: int) -> tuple[list[list[Any]], int]:
    """Keep only nodes reachable from ``root`` (merging leaves orphans), numbered in order of discovery."""
    order: dict[int, int] = {}
    stack = [root]
    while stack:
        n = stack.pop()
        if n in order:
            continue
        order[n] = len(order)
        stack.extend(b.nodes[n][2].values())
    out: list[list[Any]] = [[]] * len(order)
    for old, new in order.items():
        kind, flags, children, keys, choice = b.nodes[old]
        row: list[Any] = [kind, flags, {k: order[v] for k, v in children.items()}]
        if keys or choice:
            row.append(keys)
        if choice:
            row.append(choice)
        out[new] = row
    return out, 0


def build(yang: Path, families: Iterable[tuple[str, str]]) -> dict[str, Any]:
    b = Builder()
    common = yang / "common" / "models"
    root: int | None = None
    used = []
    for family, variant in families:
        models = yang / family / variant / "models"
        print(f"{family}/{variant}", file=sys.stderr)
        node = _load_family(b, common, models)
        root = node if root is None else b.merge(root, node)
        used.append(f"{family}/{variant}")
    assert root is not None
    nodes, root_id = _renumber(b, root)
    return {"format": 1, "families": used, "root": root_id, "nodes": nodes}


def _family(text: str) -> tuple[str, str]:
    family, _, variant = text.partition("/")
    return family, variant or "conf"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--yang", type=Path, required=True, help="a release folder of Juniper/yang conf-and-rpcs")
    parser.add_argument("--release", required=True, help="the Junos release the modules describe, e.g. 23.4R2")
    parser.add_argument("--source", required=True, help="where the modules came from (repository, path, commit)")
    parser.add_argument(
        "--family",
        action="append",
        default=None,
        help="family/variant to read, in order of precedence (default: junos-es/conf-with-extensions, junos/conf)",
    )
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    families = [_family(f) for f in args.family or ["junos-es/conf-with-extensions", "junos/conf"]]
    started = time.monotonic()
    data = build(args.yang, families)
    data["release"] = args.release
    data["source"] = args.source
    out = args.out or Path(__file__).with_name(f"junos-{args.release}.json.gz")
    tmp = out.with_suffix(".tmp")
    with gzip.open(tmp, "wt", encoding="utf-8", compresslevel=9) as fh:
        json.dump(data, fh, separators=(",", ":"))
    tmp.replace(out)
    print(f"{out}: {len(data['nodes'])} schema nodes, {out.stat().st_size} bytes, "
          f"{time.monotonic() - started:.0f} s", file=sys.stderr)  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
