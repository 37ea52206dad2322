"""containerlab topology files (``*.clab.yml``): the Junos nodes (``juniper_*``, ``vr-vmx``, ``crpd`` ... kinds).

A node's settings come from the node, else its group, else its kind (``topology.kinds``), else
``topology.defaults``. Its address is ``mgmt-ipv4`` when fixed; otherwise containerlab names the container
``clab-<lab>-<node>`` (``prefix:`` changes the ``clab`` part; an empty prefix leaves only the node name) and puts
that name in /etc/hosts of the machine running the lab, so the import uses it. NETCONF listens on port 830.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from msplus.errors import InputError
from msplus.inventory_import.model import Candidate, platforms
from msplus.secrets import Secret
from msplus.yamlsource import load_located


def read(path: Path) -> list[Candidate]:
    data, locator = load_located(path)
    if not isinstance(data, dict) or not isinstance(data.get("topology"), dict):
        raise InputError("a containerlab topology file has name: and topology: with nodes:", path=str(path), line=1)
    lab = str(data.get("name") or "")
    if not lab:
        raise locator.error("the topology has no name: (containerlab names containers after it)", ())
    topology = data["topology"]
    nodes = topology.get("nodes") or {}
    if not isinstance(nodes, dict):
        raise locator.error("nodes: is a mapping of node names to settings", ("topology", "nodes"))
    kinds = topology.get("kinds") or {}
    groups = topology.get("groups") or {}
    defaults = topology.get("defaults") or {}
    out = []
    for name, settings in nodes.items():
        node = settings or {}
        layers = [node, groups.get(node.get("group")) or {}]
        kind = _first([*layers, defaults], "kind")
        layers += [kinds.get(kind) or {} if kind else {}, defaults]
        out.append(_candidate(path, lab, data.get("prefix", "clab"), str(name), kind, layers,
                              locator.where(("topology", "nodes", name))[0]))
    return out


def _candidate(path: Path, lab: str, prefix: Any, name: str, kind: str | None, layers: list[dict[str, Any]],
               line: int | None) -> Candidate:
    known = {k.lower(): v for k, v in platforms()["containerlab_kinds"].items()}
    kind_text = str(kind or "")
    junos = kind_text.lower() in known or kind_text.lower().startswith(("juniper_", "vr-juniper_"))
    password = _first(layers, "password")
    labels = _first(layers, "labels") or {}
    return Candidate(
        name=name,
        host=_first(layers, "mgmt-ipv4") or _first(layers, "mgmt-ipv6") or container_name(prefix, lab, name),
        where=f"{path.name}:{line}",
        junos=junos,
        platform=f"containerlab kind {kind_text}" if kind_text else None,
        username=_first(layers, "username") or (known.get(kind_text.lower()) or {}).get("username"),
        password=Secret(str(password)) if password else None,
        role=str(labels.get("role")) if isinstance(labels, dict) and labels.get("role") else None,
        tags=(f"containerlab:{lab}",),
    )


def container_name(prefix: Any, lab: str, node: str) -> str:
    """The container (and /etc/hosts) name containerlab gives a node."""
    if prefix is None or prefix == "":
        return node
    if prefix == "__lab-name":
        return f"{lab}-{node}"
    return f"{prefix}-{lab}-{node}"


def _first(layers: list[dict[str, Any]], key: str) -> Any:
    for layer in layers:
        if isinstance(layer, dict) and layer.get(key) not in (None, ""):
            return layer[key]
    return None
