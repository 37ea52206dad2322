"""Provenance of the data files a review read: path, name, version and SHA-256 (so a report can be reproduced)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import yaml

from reports.model import CatalogSource


def describe(path: Path, role: str, entries: int | None = None) -> CatalogSource:
    """Name and version from the file's top-level keys (``name``, ``schema_version``, ``generated.at``)."""
    data = path.read_bytes()
    head = _head(data)
    version = None
    if head.get("schema_version") is not None:
        version = f"schema {head['schema_version']}"
        generated = head.get("generated")
        if isinstance(generated, dict) and generated.get("at"):
            version += f", generated {generated['at']}"
    name = head.get("name") or head.get("description")
    # the file name only: customer documents carry no local paths (the SHA-256 identifies the content)
    return CatalogSource(role=role, path=Path(path).name, name=str(name) if name else None, version=version,
                         sha256=hashlib.sha256(data).hexdigest(), entries=entries)


def _head(data: bytes) -> dict[str, Any]:
    """The file's top-level scalar keys. The file has been validated already; this reads it once more, cheaply."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        parsed = yaml.load(data, Loader=loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def change_source(path: Path) -> CatalogSource:
    data = path.read_bytes()
    return CatalogSource(role="change", path=path.name, name=path.name, version=None,
                         sha256=hashlib.sha256(data).hexdigest(), entries=None)
