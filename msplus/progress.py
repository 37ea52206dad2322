"""Progress of a run over many devices, on stderr: a bar with counts and an ETA on a terminal, one plain line per
finished item otherwise (logs, CI, ``2> file``), nothing when asked for quiet.

    with Progress(total=200, what="devices") as bar:
        bar.done("sg-core-1", ok=True, detail="0.4s")

On a terminal, failures are printed as lines above the bar (they stay on screen), successes only move the bar.
"""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import TextIO

BAR_WIDTH = 24
REDRAW_EVERY = 0.1  # seconds: redrawing more often costs more than it shows


class Progress:
    def __init__(self, total: int, *, what: str = "devices", stream: TextIO | None = None,
                 enabled: bool = True, tty: bool | None = None) -> None:
        self.total = total
        self.what = what
        self.out = stream or sys.stderr
        self.enabled = enabled and total > 0
        self.tty = self._isatty() if tty is None else tty
        self.count = 0
        self.failed = 0
        self.started = time.monotonic()
        self._drawn = 0.0
        self._width = 0

    def _isatty(self) -> bool:
        try:
            return self.out.isatty()
        except (AttributeError, ValueError):
            return False

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def done(self, name: str, *, ok: bool, detail: str = "", label: str | None = None) -> None:
        """One item finished. ``label`` names its state in the plain line (default ``ok`` or ``FAILED``; a collection
        says ``partial``). Called from the thread running the pool, one call at a time."""
        self.count += 1
        self.failed += 0 if ok else 1
        if not self.enabled:
            return
        state = label or ("ok" if ok else "FAILED")
        line = f"[{self.count}/{self.total}] {name} {state}{' ' + detail if detail else ''}"
        if not self.tty:
            print(line, file=self.out, flush=True)
            return
        if not ok:
            self._clear()
            print(line, file=self.out)
        now = time.monotonic()
        if not ok or self.count == self.total or now - self._drawn >= REDRAW_EVERY:
            self._draw(now)

    def eta(self, now: float | None = None) -> float | None:
        """Seconds left at the pace so far (None before the first item)."""
        if not self.count:
            return None
        elapsed = (now if now is not None else time.monotonic()) - self.started
        return elapsed / self.count * (self.total - self.count)

    def bar(self, now: float | None = None) -> str:
        now = now if now is not None else time.monotonic()
        filled = int(BAR_WIDTH * self.count / self.total) if self.total else BAR_WIDTH
        eta = self.eta(now)
        failed = f", {self.failed} failed" if self.failed else ""
        return (f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {self.count}/{self.total} {self.what}{failed}  "
                f"{_clock(now - self.started)} elapsed, ETA {_clock(eta) if eta is not None else '--:--'}")

    def _draw(self, now: float) -> None:
        text = self.bar(now)
        self.out.write("\r" + text + " " * max(0, self._width - len(text)))
        self.out.flush()
        self._width = len(text)
        self._drawn = now

    def _clear(self) -> None:
        if self._width:
            self.out.write("\r" + " " * self._width + "\r")
            self._width = 0

    def close(self) -> None:
        """Leave the terminal on a fresh line (the bar's last state stays visible)."""
        if self.enabled and self.tty and self._width:
            self.out.write("\n")
            self.out.flush()
            self._width = 0


def _clock(seconds: float) -> str:
    seconds = max(0, int(seconds + 0.5))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"
