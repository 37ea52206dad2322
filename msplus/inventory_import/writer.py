"""The imported inventory as this tool's YAML, written atomically and only after it validates as any inventory."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from msplus.errors import InputError
from msplus.inventory import load_inventory
from msplus.inventory_import.model import Candidate, Selection


@dataclass(frozen=True, slots=True)
class Credentials:
    """How the written inventory gets passwords. ``keep`` copies the source's passwords inline (lab inventories);
    otherwise no password is copied: ``password_env`` names an environment variable, ``prompt`` asks once, and
    with neither the connection uses SSH keys or the agent. ``username`` replaces the source's user names."""

    username: str | None = None
    password_env: str | None = None
    prompt: bool = False
    keep: bool = False


def inventory_data(selection: Selection, credentials: Credentials) -> dict[str, Any]:
    defaults: dict[str, Any] = {"driver": "pyez", "port": 830}
    users = Counter(d.username for d in selection.devices if d.username)
    shared_user = credentials.username or (users.most_common(1)[0][0] if len(users) == 1 else None)
    if shared_user and (credentials.username or users[shared_user] == len(selection.devices)):
        defaults["username"] = shared_user
    if credentials.password_env:
        defaults["password_env"] = credentials.password_env
    elif credentials.prompt:
        defaults["password_prompt"] = True
    return {"defaults": defaults,
            "devices": [_device(d, defaults, credentials) for d in selection.devices]}


def _device(d: Candidate, defaults: dict[str, Any], credentials: Credentials) -> dict[str, Any]:
    out: dict[str, Any] = {"name": d.name, "host": d.host}
    if d.driver and d.driver != defaults["driver"]:
        out["driver"] = d.driver
    port = d.port or (22 if d.driver == "netmiko" else None)
    if port and port != defaults["port"]:
        out["port"] = port
    if d.username and "username" not in defaults and not credentials.username:
        out["username"] = d.username
    if credentials.keep and d.password is not None:
        out["password"] = d.password.reveal()
    for key in ("site", "role", "serial"):
        if getattr(d, key):
            out[key] = getattr(d, key)
    if d.tags:
        out["tags"] = list(d.tags)
    return out


def render(selection: Selection, credentials: Credentials, *, command: str) -> str:
    data = inventory_data(selection, credentials)
    head = [f"# Imported from {selection.source} ({selection.kind}) on {date.today().isoformat()} by: {command}",
            f"# {len(selection.devices)} device(s); {len(selection.skipped)} left out (listed at the end).",
            "# Add a customer: section (see README) before running assess with credits."]
    if credentials.keep:
        head.append("# Passwords were copied from the source (--keep-passwords): keep this file private.")
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml: 10x faster on a 10,000-device export
    body = yaml.dump(data, Dumper=dumper, sort_keys=False, default_flow_style=None, width=120, allow_unicode=True)
    tail = []
    if selection.renamed:
        tail.append("# renamed (a device name also names its snapshot folder):")
        tail.extend(f"#   {_comment(a)} -> {_comment(b)}" for a, b in selection.renamed)
    if selection.skipped:
        tail.append("# left out:")
        tail.extend(f"#   {_comment(s.name)} ({_comment(s.where)}): {_comment(s.reason)}" for s in selection.skipped)
    return "\n".join(head) + "\n" + body + ("\n".join(tail) + "\n" if tail else "")


def _comment(text: str) -> str:
    """Source text inside a YAML comment: one line, so a name cannot end the comment."""
    return " ".join(str(text).split())


def write(selection: Selection, out: Path, credentials: Credentials, *, command: str, force: bool = False) -> Path:
    """Write the inventory to ``out`` atomically (temporary file, validated, then renamed). Raises InputError when
    ``out`` exists without ``force`` or when the result does not validate (nothing is written then)."""
    if not selection.devices:
        raise InputError("no device to write (every device was left out)", path=selection.source)
    if out.exists() and not force:
        raise InputError("already exists (--force replaces it)", path=str(out))
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(render(selection, credentials, command=command))
        tmp.chmod(0o600 if credentials.keep else 0o644)  # mkstemp made it 0600; only copied passwords need that
        env = {credentials.password_env: "-"} if credentials.password_env else {}
        try:
            load_inventory(tmp, environ=env, prompt=lambda _question: "-")
        except InputError as exc:
            raise InputError(f"the imported inventory does not validate: {exc.problem}", path=str(out),
                             line=exc.line, key=exc.key) from exc
        os.replace(tmp, out)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return out
