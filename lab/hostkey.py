"""Stable SSH host keys for simulated devices, derived deterministically (no files to keep).

Each device's host key is an Ed25519 key whose 32-byte seed is SHA-256 of a fixed label, the device name, host and
port. A restarted lab therefore presents the same key for the same device at the same address, so known_hosts
checks (and tests of them) keep working. The key is public knowledge by construction: it identifies a lab device,
it protects nothing.
"""

from __future__ import annotations

import hashlib

import asyncssh
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

_LABEL = "msplus-lab-hostkey-v1"


def host_key(name: str, host: str, port: int) -> asyncssh.SSHKey:
    """The device's host key (always the same for the same name, host and port)."""
    seed = hashlib.sha256(f"{_LABEL}\0{name}\0{host}\0{port}".encode()).digest()
    private = Ed25519PrivateKey.from_private_bytes(seed)
    pem = private.private_bytes(Encoding.PEM, PrivateFormat.OpenSSH, NoEncryption())
    return asyncssh.import_private_key(pem)


def fingerprint(key: asyncssh.SSHKey) -> str:
    """``ssh-ed25519 SHA256:...`` as ssh-keygen -l and the collectors print it."""
    return f"{key.get_algorithm()} {key.get_fingerprint('sha256')}"


def known_hosts_line(key: asyncssh.SSHKey, host: str, port: int) -> str:
    """A known_hosts line for the device (``[host]:port`` form unless the port is 22)."""
    where = host if port == 22 else f"[{host}]:{port}"
    return f"{where} {key.export_public_key('openssh').decode().strip()}"
