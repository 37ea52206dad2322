"""Ansible inventories, YAML or INI (told apart by content): groups with ``hosts``, ``vars`` and ``children``.

Variables are resolved the way Ansible orders them: ``all`` first, then each group the host is in (directly or
through ``children``), parents before children and, at the same depth, by name; the host's own variables last.
A host is Junos when ``ansible_network_os`` (or a Junos-only ``ansible_connection``) says so, or when it sits in a
group named after a containerlab Junos kind (containerlab's generated inventories group nodes by kind).
Values Ansible would template (``{{ ... }}``) or decrypt (``!vault``) are not credentials this tool can use.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from msplus.errors import InputError
from msplus.inventory_import.model import Candidate, is_junos_word, platforms
from msplus.limits import limits
from msplus.secrets import Secret
from msplus.textfile import read_text_within

_RANGE = re.compile(r"\[([0-9]+):([0-9]+)\]")
_PASSWORD_VARS = ("ansible_password", "ansible_ssh_pass", "ansible_pass")
_USER_VARS = ("ansible_user", "ansible_ssh_user")


@dataclass
class _Group:
    hosts: list[str] = field(default_factory=list)
    children: list[str] = field(default_factory=list)
    vars: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Inventory:
    path: Path
    groups: dict[str, _Group] = field(default_factory=dict)
    host_vars: dict[str, dict[str, Any]] = field(default_factory=dict)
    host_where: dict[str, str] = field(default_factory=dict)

    def group(self, name: str) -> _Group:
        return self.groups.setdefault(name, _Group())

    def add_host(self, name: str, group: str, variables: dict[str, Any], where: str) -> None:
        self.host_vars.setdefault(name, {}).update(variables)
        self.host_where.setdefault(name, where)
        members = self.group(group).hosts
        if name not in members:
            members.append(name)


def read(path: Path) -> list[Candidate]:
    text = read_text_within(path, limits().yaml.max_bytes, "YAML or INI inventory")
    inventory = _from_yaml(path, text)
    if inventory is None:
        inventory = _from_ini(path, text)
    return [_candidate(inventory, host) for host in inventory.host_vars]


# ---------------------------------------------------------------------------------------------- YAML

class _Loader(yaml.SafeLoader):
    """Safe loading that keeps ``!vault`` and ``!unsafe`` values as text instead of failing on the tag."""


def _tagged(loader: yaml.SafeLoader, node: yaml.Node) -> str:
    return f"!{node.tag.lstrip('!')} {loader.construct_scalar(node)}"  # type: ignore[arg-type]


_Loader.add_constructor("!vault", _tagged)
_Loader.add_constructor("!unsafe", _tagged)


def _from_yaml(path: Path, text: str) -> _Inventory | None:
    """The inventory when ``text`` is a YAML inventory; None when it is not YAML of that shape (INI, probably)."""
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        first = next((ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith(
            ("#", ";"))), "")
        if first.startswith("[") or "=" in first:  # "[group]" or "host key=value": INI, not broken YAML
            return None
        mark = getattr(exc, "problem_mark", None)
        raise InputError(f"neither a YAML nor an INI inventory: {getattr(exc, 'problem', exc)}", path=str(path),
                         line=mark.line + 1 if mark else None) from exc
    if not isinstance(data, dict) or not all(isinstance(v, dict) or v is None for v in data.values()):
        return None
    inventory = _Inventory(path)
    for name, group in data.items():
        _yaml_group(inventory, str(name), group or {}, depth=0)
    return inventory


def _yaml_group(inventory: _Inventory, name: str, data: dict[str, Any], depth: int) -> None:
    if depth > 50:
        raise InputError(f"group {name}: children nested more than 50 deep", path=str(inventory.path))
    group = inventory.group(name)
    if not isinstance(data, dict):
        raise InputError(f"group {name}: expected hosts, vars or children", path=str(inventory.path), key=name)
    for host, variables in (data.get("hosts") or {}).items():
        for expanded in _expand(str(host)):
            inventory.add_host(expanded, name, dict(variables or {}), f"{inventory.path.name}: {name}.hosts.{host}")
    group.vars.update(data.get("vars") or {})
    for child, child_data in (data.get("children") or {}).items():
        if str(child) not in group.children:
            group.children.append(str(child))
        _yaml_group(inventory, str(child), child_data or {}, depth + 1)


# ---------------------------------------------------------------------------------------------- INI

def _from_ini(path: Path, text: str) -> _Inventory:
    inventory = _Inventory(path)
    section, kind = "ungrouped", "hosts"
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section, kind = _ini_section(line, path, number)
            inventory.group(section)
        else:
            _ini_entry(inventory, section, kind, line, number)
    return inventory


def _ini_section(line: str, path: Path, number: int) -> tuple[str, str]:
    """``[name]``, ``[name:vars]`` or ``[name:children]`` -> (name, hosts|vars|children)."""
    if not line.endswith("]"):
        raise InputError("a section header ends with ]", path=str(path), line=number)
    section, _, kind = line[1:-1].strip().partition(":")
    kind = kind or "hosts"
    if kind not in ("hosts", "vars", "children"):
        raise InputError(f"unknown section kind :{kind} (expected :vars or :children)", path=str(path), line=number)
    return section, kind


def _ini_entry(inventory: _Inventory, section: str, kind: str, line: str, number: int) -> None:
    path = inventory.path
    try:
        words = shlex.split(line, comments=True)
    except ValueError as exc:
        raise InputError(f"cannot split this line: {exc}", path=str(path), line=number) from exc
    if not words:
        return
    group = inventory.group(section)
    if kind == "children":
        if words[0] not in group.children:
            group.children.append(words[0])
    elif kind == "vars":
        key, sep, value = line.partition("=")
        if not sep:
            raise InputError("a variable line is key=value", path=str(path), line=number)
        group.vars[key.strip()] = _ini_value(value.strip())
    else:
        variables = {}
        for word in words[1:]:
            key, sep, value = word.partition("=")
            if not sep:
                raise InputError(f"host variable {word!r} is not key=value", path=str(path), line=number)
            variables[key] = value
        for host in _expand(words[0]):
            inventory.add_host(host, section, variables, f"{path.name}:{number}")


def _ini_value(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def _expand(pattern: str) -> list[str]:
    """``rtr[01:03]`` -> rtr01, rtr02, rtr03 (Ansible's numeric host ranges; leading zeros kept)."""
    match = _RANGE.search(pattern)
    if not match:
        return [pattern]
    start, end = match.group(1), match.group(2)
    width = len(start) if start.startswith("0") else 0
    out = []
    for n in range(int(start), int(end) + 1):
        out.extend(_expand(pattern[:match.start()] + str(n).zfill(width) + pattern[match.end():]))
    return out


# ---------------------------------------------------------------------------------------------- resolution

def _candidate(inventory: _Inventory, host: str) -> Candidate:
    direct = [g for g, group in inventory.groups.items() if host in group.hosts]
    variables = _resolved(inventory, host, direct)
    network_os = _text(variables.get("ansible_network_os"))
    connection = _text(variables.get("ansible_connection"))
    kinds = {k.lower() for k in platforms()["containerlab_kinds"]}
    clab_kind = next((g for g in _ancestry(inventory, direct) if g.lower() in kinds), None)
    if network_os:
        junos: bool | None = is_junos_word(network_os, "ansible_network_os")
    elif connection and is_junos_word(connection, "ansible_connections"):
        junos = True
    else:
        junos = True if clab_kind else None
    driver = platforms()["ansible_drivers"].get(connection.lower()) if connection else None
    port = _port(variables)
    return Candidate(
        name=host,
        host=_text(variables.get("ansible_host")) or host,
        where=inventory.host_where[host],
        junos=junos,
        platform=network_os or connection or (f"containerlab kind {clab_kind}" if clab_kind else None),
        port=port if connection else None,  # without a connection plugin, ansible_port is the SSH port
        driver=driver,
        username=next((_text(variables[k]) for k in _USER_VARS if variables.get(k)), None),
        password=_password(variables),
        tags=tuple(g for g in direct if g not in ("all", "ungrouped")),
    )


def _resolved(inventory: _Inventory, host: str, direct: list[str]) -> dict[str, Any]:
    depth = _depths(inventory)
    merged: dict[str, Any] = dict(inventory.groups["all"].vars) if "all" in inventory.groups else {}
    for group in sorted(_ancestry(inventory, direct) - {"all"}, key=lambda g: (depth.get(g, 1), g)):
        merged.update(inventory.groups[group].vars)
    merged.update(inventory.host_vars.get(host, {}))
    return merged


def _ancestry(inventory: _Inventory, direct: list[str]) -> set[str]:
    parents: dict[str, set[str]] = {}
    for name, group in inventory.groups.items():
        for child in group.children:
            parents.setdefault(child, set()).add(name)
    seen: set[str] = set()
    todo = list(direct)
    while todo:
        member = todo.pop()
        if member not in seen:
            seen.add(member)
            todo.extend(parents.get(member, ()))
    return seen


def _depths(inventory: _Inventory) -> dict[str, int]:
    """Each group's depth below ``all`` (a group no one lists as a child is a child of ``all``)."""
    children = {c for g in inventory.groups.values() for c in g.children}
    roots = [g for g in inventory.groups if g not in children and g != "all"]
    depth: dict[str, int] = {"all": 0}
    level = [*roots, *(inventory.groups["all"].children if "all" in inventory.groups else [])]
    current = 1
    while level:
        following = []
        for group in level:
            if group not in depth:
                depth[group] = current
                following.extend(inventory.groups.get(group, _Group()).children)
        level, current = following, current + 1
    return depth


def _port(variables: dict[str, Any]) -> int | None:
    for key in ("ansible_port", "ansible_ssh_port"):
        value = variables.get(key)
        if value not in (None, ""):
            try:
                return int(value)
            except (TypeError, ValueError):
                return None
    return None


def _password(variables: dict[str, Any]) -> Secret | None:
    for key in _PASSWORD_VARS:
        value = variables.get(key)
        if isinstance(value, str | int) and str(value) and "{{" not in str(value) and not str(value).startswith(
                "!vault"):
            return Secret(str(value))
    return None


def _text(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)
