"""Nornir's SimpleInventory: ``hosts.yaml`` with ``groups.yaml`` and ``defaults.yaml`` beside it.

A value is resolved as Nornir resolves it: the host's own, else its groups' in the order listed (each group's own
before its parent groups'), else the defaults'. ``null`` means "not set here". Nornir 2 files keep extra keys
(``site``, ``role``) at the top of a host; Nornir 3 files keep them under ``data``: both are read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from msplus.errors import InputError
from msplus.inventory_import.model import Candidate, is_junos_word
from msplus.secrets import Secret
from msplus.yamlsource import Locator, load_located

_CONNECTION_DRIVERS = {"pyez": "pyez", "netconf": "pyez", "napalm": "napalm", "netmiko": "netmiko"}
_MAX_DEPTH = 20  # group nesting deeper than this is a loop


def read(path: Path, *, groups: Path | None = None, defaults: Path | None = None) -> list[Candidate]:
    hosts_file = _hosts_file(path)
    hosts, locator = _mapping(hosts_file, "hosts")
    groups_file = groups or _beside(hosts_file, "groups")
    group_data = _mapping(groups_file, "groups")[0] if groups_file else {}
    default_file = defaults or _beside(hosts_file, "defaults")
    default_data = _mapping(default_file, "defaults")[0] if default_file else {}
    resolver = _Resolver(group_data, default_data)
    out = []
    for name, settings in hosts.items():
        host = settings or {}
        if not isinstance(host, dict):
            line, _ = locator.where((name,))
            raise InputError("a host is a mapping of settings", path=str(hosts_file), line=line, key=str(name))
        out.append(_candidate(str(name), host, resolver, f"{hosts_file.name}:{locator.where((name,))[0]}"))
    return out


def _candidate(name: str, host: dict[str, Any], r: _Resolver, where: str) -> Candidate:
    platform = r.value(host, "platform")
    driver = None
    junos = is_junos_word(platform, "nornir_platforms") if platform else None
    if not junos:  # a connection plugin may name the platform when the host does not
        for plugin, options in r.connection_options(host).items():
            if isinstance(options, dict) and is_junos_word(options.get("platform"), "nornir_platforms"):
                junos, platform = True, str(options["platform"])
                driver = _CONNECTION_DRIVERS.get(str(plugin).lower())
                break
    password = r.value(host, "password")
    port = r.value(host, "port")
    return Candidate(
        name=name,
        host=_text(r.value(host, "hostname")) or name,  # Nornir connects to the name when hostname is unset
        where=where,
        junos=junos,
        platform=_text(platform),
        port=int(port) if isinstance(port, int) else None,
        driver=driver,
        username=_text(r.value(host, "username")),
        password=Secret(str(password)) if password not in (None, "") else None,
        site=_text(r.data(host, "site")),
        role=_text(r.data(host, "role")),
        tags=tuple(str(g) for g in host.get("groups") or ()),
        serial=_text(r.data(host, "serial")),
    )


class _Resolver:
    def __init__(self, groups: dict[str, Any], defaults: dict[str, Any]) -> None:
        self.groups = groups
        self.defaults = defaults if isinstance(defaults, dict) else {}

    def _chain(self, item: dict[str, Any], depth: int = 0) -> list[dict[str, Any]]:
        """The item, then each of its groups with their own parents (depth first, in the order listed)."""
        if depth > _MAX_DEPTH:
            return [item]
        names = item.get("groups")
        if names is None and isinstance(item.get("group"), str):  # Nornir 1 files: one parent, ``group:``
            names = [item["group"]]
        chain = [item]
        for group in names or ():
            data = self.groups.get(group)
            if isinstance(data, dict):
                chain.extend(self._chain(data, depth + 1))
        return chain

    def value(self, host: dict[str, Any], key: str) -> Any:
        for item in [*self._chain(host), self.defaults]:
            if item.get(key) is not None:
                return item[key]
        return None

    def data(self, host: dict[str, Any], key: str) -> Any:
        for item in [*self._chain(host), self.defaults]:
            data = item.get("data")
            if isinstance(data, dict) and data.get(key) is not None:
                return data[key]
            if item.get(key) is not None:  # Nornir 2: extra keys at the top of a host or group
                return item[key]
        return None

    def connection_options(self, host: dict[str, Any]) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        for item in reversed([*self._chain(host), self.defaults]):
            options = item.get("connection_options")
            if isinstance(options, dict):
                merged.update(options)
        return merged


def _hosts_file(path: Path) -> Path:
    if path.is_dir():
        found = _beside(path / "hosts.yaml", "hosts")
        if found is None:
            raise InputError("no hosts.yaml or hosts.yml in this folder", path=str(path))
        return found
    return path


def _beside(hosts_file: Path, stem: str) -> Path | None:
    for suffix in (".yaml", ".yml"):
        candidate = hosts_file.with_name(stem + suffix)
        if candidate.is_file():
            return candidate
    return None


def _mapping(path: Path, what: str) -> tuple[dict[str, Any], Locator]:
    data, locator = load_located(path)
    if data is None:
        return {}, locator
    if not isinstance(data, dict):
        raise InputError(f"a Nornir {what} file is a mapping of names to settings", path=str(path), line=1)
    return data, locator


def _text(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)
