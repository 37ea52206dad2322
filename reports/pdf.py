"""The PDF: the report's HTML in its print layout (``render.html(result, pdf=True)``) laid out by WeasyPrint.

WeasyPrint is a Python library on top of Pango (system libraries: Debian's libpango-1.0-0, libpangoft2-1.0-0,
libharfbuzz-subset0; `make test` and `make demo` install them when missing): no browser at run time, nothing fetched
(the HTML has no external asset, and the URL fetcher refuses any URL so a hostile string could not make it fetch
one). Page numbers, the running header and the table of contents' page numbers come from CSS paged media in
base.html.j2 (``counter(page)``, ``string-set``, ``target-counter``).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, NoReturn

from msplus import atomicfile
from reports.model import ReviewResult


class _NoFetch(Exception):
    pass


def _refuse(url: str, *args: Any, **kwargs: Any) -> NoReturn:
    raise _NoFetch(f"the report fetches nothing: {url}")


def pdf_bytes(html_text: str) -> bytes:
    """``html_text`` laid out as A4 pages and written as PDF."""
    from weasyprint import HTML

    # WeasyPrint logs every CSS property it does not support at WARNING; they are layout details, not news.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    data = HTML(string=html_text, url_fetcher=_refuse).write_pdf()
    assert isinstance(data, bytes)
    return data


def write_pdf(result: ReviewResult, path: Path) -> None:
    from reports.render import html

    atomicfile.write_bytes(path, pdf_bytes(html(result, pdf=True)))
