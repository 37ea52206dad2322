"""Writing a file so that readers see the old content or the new, never half of it.

The content goes to a temporary file in the same folder (same file system, so the rename is atomic), is flushed
to disk, and is renamed over the target; a failure or an interruption before the rename leaves the old file as it
was and removes the temporary one. Every file the tool writes for a user (catalogs, snapshots' JSON, reports,
history exports) goes through here.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any


@contextmanager
def replacing(path: str | Path, mode: str = "w", *, encoding: str = "utf-8",
              newline: str | None = None) -> Iterator[IO[Any]]:
    """``with replacing(path) as f: f.write(...)``: ``path`` is replaced only when the block ends without an
    exception. ``mode`` is ``"w"`` (text) or ``"wb"``."""
    if mode not in ("w", "wb"):
        raise ValueError(f"mode must be 'w' or 'wb', not {mode!r}")
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with (os.fdopen(fd, "wb") if mode == "wb" else
              os.fdopen(fd, "w", encoding=encoding, newline=newline)) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        _keep_mode(target, tmp)
        os.replace(tmp, target)
    except BaseException:
        with suppress(OSError):
            tmp.unlink()
        raise


def write_text(path: str | Path, text: str, *, encoding: str = "utf-8") -> None:
    """Replace ``path`` with ``text`` atomically."""
    with replacing(path, "w", encoding=encoding) as handle:
        handle.write(text)


def write_bytes(path: str | Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically."""
    with replacing(path, "wb") as handle:
        handle.write(data)


def _keep_mode(path: Path, tmp: Path) -> None:
    """mkstemp creates 0600; a replaced file keeps its permissions, a new one gets the usual umask ones."""
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    os.chmod(tmp, mode)
