"""The report's one chart as inline SVG, drawn here from numbers: no script, no external asset, prints as drawn.

A horizontal stacked bar per device (or check), one colour per series (severity or health status), the total at
the end of each bar and a legend on top. Every label is escaped: device names and titles come from outside.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from reports.model import Chart

COLOURS = {
    "critical": "#b91c1c", "high": "#ea580c", "medium": "#ca8a04", "low": "#2563eb", "info": "#64748b",
    "unknown": "#a1a1aa", "warning": "#ca8a04", "ok": "#16a34a", "affected": "#b91c1c", "indeterminate": "#a1a1aa",
}
WIDTH = 760
LABEL = 150  # label column
ROW = 22
BAR = 14
TOP = 30  # legend height
RIGHT = 50  # room for the total


def svg(chart: Chart) -> Markup:
    """The chart as an <svg> element (Markup: safe to put in an autoescaped template as is)."""
    bars = chart.bars
    height = TOP + ROW * max(len(bars), 1) + 8
    biggest = max((b.total for b in bars), default=0) or 1
    scale = (WIDTH - LABEL - RIGHT) / biggest
    title = escape(chart.title)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-label="{title}" '
             f'viewBox="0 0 {WIDTH} {height}" width="100%" preserveAspectRatio="xMinYMin meet">',
             f"<title>{title}</title>"]
    x = LABEL
    for name in chart.series:
        parts.append(f'<rect x="{x}" y="6" width="12" height="12" fill="{COLOURS.get(name, "#444")}"/>')
        parts.append(f'<text x="{x + 16}" y="16" class="legend">{escape(name)}</text>')
        x += 30 + 9 * len(name)  # room for DejaVu Sans, wider than the screen fonts
    for i, bar in enumerate(bars):
        y = TOP + i * ROW
        parts.append(f'<text x="{LABEL - 8}" y="{y + BAR - 2}" text-anchor="end" class="label">'
                     f"{escape(_short(bar.label))}</text>")
        x0 = float(LABEL)
        for name, value in bar.segments:
            if value <= 0:
                continue
            width = value * scale
            parts.append(f'<rect x="{x0:.1f}" y="{y}" width="{width:.1f}" height="{BAR}" '
                         f'fill="{COLOURS.get(name, "#444")}"><title>{escape(bar.label)}: {value} '
                         f"{escape(name)}</title></rect>")
            x0 += width
        parts.append(f'<text x="{x0 + 6:.1f}" y="{y + BAR - 2}" class="total">{bar.total}</text>')
    if not bars:
        parts.append(f'<text x="{LABEL}" y="{TOP + 12}" class="label">nothing to show</text>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every piece of outside text above went through escape()


def _short(label: str, limit: int = 22) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
