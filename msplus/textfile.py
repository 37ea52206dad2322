"""Reading a text file within a size limit: the one boundary check every input reader (YAML, JSON, CSV) goes through,
so an oversized, unreadable or non-UTF-8 file gives the same one-line error whichever format it is in."""

from __future__ import annotations

from pathlib import Path

from msplus.errors import InputError


def read_text_within(path: Path, max_bytes: int, kind: str, cls: type[InputError] = InputError, *,
                     encoding: str = "utf-8") -> str:
    """The file's UTF-8 text. Raises ``cls`` naming the file when it is larger than ``max_bytes``, missing,
    unreadable or not UTF-8. ``kind`` names the format in the message ("YAML", "JSON", "CSV"); ``encoding``
    "utf-8-sig" drops the byte-order mark spreadsheet programs put before a CSV file."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise cls(f"file is {size:,} bytes; the limit for a {kind} file is {max_bytes:,}", path=str(path))
        return path.read_text(encoding=encoding)
    except FileNotFoundError as exc:
        raise cls("file not found", path=str(path)) from exc
    except UnicodeDecodeError as exc:
        raise cls(f"not UTF-8 text (byte {exc.start})", path=str(path)) from exc
    except OSError as exc:
        raise cls(f"cannot read: {exc.strerror}", path=str(path)) from exc
