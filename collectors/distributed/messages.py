"""What travels through the broker: a device without its password, and a device's snapshot folder coming back.

Task message (JSON): the device's address, driver, user name, the *name* of its password variable, key and SSH
config paths (on the worker's disk), timeouts, and the inventory's known_hosts path. Never a password: a device
whose password is inline or prompted cannot be sent (``RefusedDevice``), since only a name can be.

Result (JSON): the CollectionResult and every file of the device folder, zlib-compressed and base64-encoded, so
the central node writes the very bytes the worker received (same SHA-256 as a local run).
"""

from __future__ import annotations

import base64
import dataclasses
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from collectors.distributed.credentials import WorkerSecrets
from msplus.errors import InputError
from msplus.records import CollectionResult, Device, RawReply

_PATHS = ("key_file", "ssh_config", "files")
_PLAIN = ("name", "host", "port", "driver", "username", "password_env", "site", "role", "timeout", "connect_timeout")


class RefusedDevice(InputError):
    """A device that cannot be sent to a site worker (its password would have to travel)."""


def device_message(device: Device, *, known_hosts: Path | None) -> dict[str, Any]:
    """The task's description of ``device``. Raises RefusedDevice when the password is not from a variable."""
    if device.password is not None and not device.password_env:
        raise RefusedDevice(f"device {device.name}: its password is inline or prompted, and a password never "
                            "travels through the broker; use password_env: NAME and give NAME to the site's worker "
                            "(its environment or secrets file)")
    message: dict[str, Any] = {key: getattr(device, key) for key in _PLAIN}
    message.update({key: str(getattr(device, key)) if getattr(device, key) else None for key in _PATHS})
    message["known_hosts"] = str(known_hosts) if known_hosts else None
    return message


def device_from_message(message: Mapping[str, Any], secrets: WorkerSecrets) -> tuple[Device, Path | None, str | None]:
    """The Device a worker collects, its known_hosts file, and a problem (the password variable it lacks)."""
    fields: dict[str, Any] = {key: message.get(key) for key in _PLAIN if message.get(key) is not None}
    fields.update({key: Path(message[key]) for key in _PATHS if message.get(key)})
    problem = None
    name = message.get("password_env")
    if name:
        fields["password"] = secrets.password(str(name))
        if fields["password"] is None:
            problem = f"this worker has no {name} ({secrets.where()})"
    known = message.get("known_hosts")
    return Device(**fields), Path(known) if known else None, problem


def pack_files(files: Mapping[str, bytes]) -> dict[str, str]:
    return {name: base64.b64encode(zlib.compress(body, 1)).decode("ascii") for name, body in files.items()}


def unpack_files(packed: Mapping[str, str]) -> dict[str, bytes]:
    return {name: zlib.decompress(base64.b64decode(text)) for name, text in packed.items()}


def result_to_json(result: CollectionResult) -> dict[str, Any]:
    return dataclasses.asdict(result)


def result_from_json(data: Mapping[str, Any]) -> CollectionResult:
    fields = dict(data)
    fields["replies"] = tuple(RawReply(**r) for r in fields.get("replies") or ())
    return CollectionResult(**fields)
