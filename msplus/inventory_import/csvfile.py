"""Reading CSV exports the way spreadsheets and NetBox write them: UTF-8 with or without a byte-order mark, the
delimiter sniffed (comma, semicolon or tab), header names compared without case, spaces or underscores."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from msplus.errors import InputError
from msplus.limits import limits
from msplus.textfile import read_text_within


def normalise(header: str) -> str:
    return "".join(ch for ch in header.lower() if ch.isalnum())


def rows(path: Path) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    """The header (normalised names) and each row as (line number, {normalised name: value})."""
    text = read_text_within(path, limits().csv_max_bytes, "CSV", encoding="utf-8-sig")
    if not text.strip():
        raise InputError("empty file (expected a header line)", path=str(path), line=1)
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(text.splitlines(), dialect)
    header = [normalise(h) for h in next(reader)]

    def body() -> Iterator[tuple[int, dict[str, str]]]:
        try:
            for values in reader:
                if not any(v.strip() for v in values):
                    continue
                if len(values) > len(header):
                    raise InputError(f"{len(values)} values for {len(header)} columns", path=str(path),
                                     line=reader.line_num)
                yield reader.line_num, {h: v.strip() for h, v in zip(header, values, strict=False)}
        except csv.Error as exc:
            raise InputError(f"malformed CSV: {exc}", path=str(path), line=reader.line_num) from exc

    return header, body()
