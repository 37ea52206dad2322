"""A cache of the plain data of large YAML data files (advisory catalogs), keyed by the file's contents.

Reading a 1,000-entry catalog's YAML with line marks takes most of a second; the same data as JSON loads in a few
hundredths. After a file has been read and validated once, its data is kept as JSON under the cache folder, named
by the SHA-256 of the file's bytes: a changed file is a different key, so the cache is never stale. Only data that
validated is stored (the caller stores it after validation), and the caller still validates what it reads back.
JSON, not pickle: reading the cache runs no code.

Where: ``$ASSESS_CACHE`` (a folder, or ``off`` to disable), else ``$XDG_CACHE_HOME/msplus``, else
``~/.cache/msplus``. Writes go to a temporary file renamed into place (a reader never sees half a file); any problem
with the cache (unwritable folder, unreadable or corrupt entry) means it is not used, never an error.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

FORMAT = "1"  # bump when the stored shape changes


def folder() -> Path | None:
    configured = os.environ.get("ASSESS_CACHE")
    if configured is not None:
        return None if configured.strip().lower() in ("", "off", "0", "no") else Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "msplus"


def key(content: bytes, kind: str) -> str:
    return f"{kind}-{FORMAT}-{hashlib.sha256(content).hexdigest()}"


def read(content: bytes, kind: str) -> Any | None:
    """The data stored for a file with these bytes, or None (not cached, cache off or unusable)."""
    where = folder()
    if where is None:
        return None
    try:
        text = (where / f"{key(content, kind)}.json").read_text(encoding="utf-8")
        return json.loads(text, object_hook=_decode)
    except (OSError, ValueError):
        return None


def write(content: bytes, kind: str, data: Any) -> None:
    """Store the data read from a file with these bytes (best effort: a cache that cannot be written is skipped)."""
    where = folder()
    if where is None:
        return
    try:
        where.mkdir(parents=True, exist_ok=True, mode=0o700)
        text = json.dumps(data, default=_encode, ensure_ascii=False, separators=(",", ":"))
        fd, tmp = tempfile.mkstemp(dir=where, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            os.replace(tmp, where / f"{key(content, kind)}.json")
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except (OSError, TypeError, ValueError):
        return


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    raise TypeError(f"not stored in the data cache: {type(value).__name__}")


def _decode(obj: dict[str, Any]) -> Any:
    if len(obj) == 1:
        if "$date" in obj:
            return date.fromisoformat(obj["$date"])
        if "$datetime" in obj:
            return datetime.fromisoformat(obj["$datetime"])
    return obj
