"""What a snapshot is on disk: one folder per device with the replies as received, ``meta.json`` and
``profile.json``. The file names live here and nowhere else.

Layout of ``<snapshot>/<device name>/``:
  <plan file names>   each reply as received (configuration as text), written the moment it arrives
  napalm-*.json       what napalm's getters returned (driver napalm only)
  meta.json           how the collection went: collector, times, errors, SHA-256 and size of every file,
                      host key fingerprint and whether it was verified, tool versions
  profile.json        the device profile (snapshots.profile), when facts were collected
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

META = "meta.json"
PROFILE = "profile.json"
SCHEMA_VERSION = 1


def read_meta(folder: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((folder / META).read_text(encoding="utf-8"))
    return data


def failed_files(folder: Path) -> set[str]:
    """Files meta.json records as error answers: kept as evidence, never to be read as data (a CLI "error: ..."
    saved as .txt is not show-version text). Empty when there is no readable meta.json (customer files)."""
    try:
        meta = read_meta(folder)
    except (OSError, ValueError):
        return set()
    return {r["file"] for r in meta.get("replies") or () if isinstance(r, dict) and not r.get("ok", True)}
