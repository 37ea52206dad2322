"""The sweep report: the health history of the last sweeps as one self-contained HTML page (and its PDF).

It shows the status matrix of the latest sweep (device x check), the trend of the key indicators per device over
the last N sweeps (CPU, memory, storage, alarms) as inline SVG charts drawn here (no script, no external asset),
and what changed since the sweep before. The sweep (app/sweep.py) hands over plain records built from its history
store, so this layer reads no database.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup, escape

from msplus import atomicfile
from reports.chart import COLOURS

# Indicators drawn as trends, in this order: (check id, label). Others appear in the matrix only.
TRENDS = (("re-cpu", "RE CPU %"), ("re-memory", "RE memory %"), ("storage", "Storage %"),
          ("chassis-alarms-major", "Major alarms"), ("chassis-alarms-minor", "Minor alarms"))
STATUS_ORDER = ("critical", "warning", "unknown", "ok")


@dataclass(frozen=True, slots=True)
class Point:
    status: str
    value: float | None


@dataclass(frozen=True, slots=True)
class SweepHistory:
    sweeps: tuple[str, ...]  # start time of each sweep, oldest first
    checks: tuple[tuple[str, str], ...]  # (check id, title), catalog order
    cells: dict[tuple[str, str], tuple[Point | None, ...]]  # (device, check) -> one point per sweep
    changes: tuple[tuple[str, str, str], ...]  # latest sweep: (device, kind, detail)
    generated_at: str
    title: str = "Health sweep report"

    @property
    def devices(self) -> tuple[str, ...]:
        return tuple(sorted({d for d, _ in self.cells}))

    def latest(self, device: str, check: str) -> Point | None:
        line = self.cells.get((device, check))
        return line[-1] if line else None


def html(history: SweepHistory) -> str:
    from reports.render import _html_env

    return _html_env().get_template("sweep.html.j2").render(
        h=history, trends=TRENDS, colours=COLOURS, spark=sparkline, statuses=STATUS_ORDER)


def write(history: SweepHistory, out_dir: Path) -> dict[str, Path]:
    """``sweep-report.html`` and ``sweep-report.pdf`` in ``out_dir`` (each written whole, then moved in)."""
    from reports.pdf import pdf_bytes

    text = html(history)
    files = {"html": out_dir / "sweep-report.html", "pdf": out_dir / "sweep-report.pdf"}
    for kind, data in (("html", text.encode("utf-8")), ("pdf", pdf_bytes(text))):
        atomicfile.write_bytes(files[kind], data)
    return files


def sparkline(points: tuple[Point | None, ...], *, width: int = 180, height: int = 40) -> Markup:
    """A small line chart of the values over the sweeps, each point coloured by its status; gaps where a sweep
    has no value. The last value is printed beside it."""
    values = [p.value for p in points if p is not None and p.value is not None]
    if not values:
        return Markup('<span class="muted">no value</span>')
    top = max(*values, 1.0)
    step = (width - 40) / max(len(points) - 1, 1)

    def y(v: float) -> float:
        return height - 4 - (height - 8) * v / top

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="spark" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img">']
    line = '<polyline fill="none" stroke="#64748b" stroke-width="1.5" points="{}"/>'
    segment: list[str] = []
    for i, p in enumerate(points):
        if p is None or p.value is None:
            if len(segment) > 1:
                parts.append(line.format(" ".join(segment)))
            segment = []
            continue
        segment.append(f"{i * step + 2:.1f},{y(p.value):.1f}")
    if len(segment) > 1:
        parts.append(line.format(" ".join(segment)))
    for i, p in enumerate(points):
        if p is not None and p.value is not None:
            colour = COLOURS.get(p.status, "#444")
            parts.append(f'<circle cx="{i * step + 2:.1f}" cy="{y(p.value):.1f}" r="2.6" fill="{colour}">'
                         f"<title>{escape(p.status)}: {p.value:g}</title></circle>")
    parts.append(f'<text x="{width - 34}" y="{height / 2 + 4:.0f}" class="last">{values[-1]:g}</text></svg>')
    return Markup("".join(parts))  # noqa: S704 - numbers and escaped status words only
