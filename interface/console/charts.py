"""Charts drawn on the server as SVG: a few lines of arithmetic, no library, no script, nothing from a CDN.

The page's Content-Security-Policy allows no script and no inline style; an SVG of plain elements with
presentation attributes needs neither, prints as crisply as text and weighs a few kilobytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markupsafe import Markup, escape

WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 640, 260, 48, 120, 16, 32
COLOURS = ("#1d4e89", "#c05621", "#2f855a", "#805ad5")


def rate_lines(rows: Sequence[dict[str, Any]], series: dict[str, str], *, title: str) -> Markup:
    """Percentages (0–100) per month as lines, one per ``series`` (figure → Chinese name); a month with no
    figure (nothing decided) leaves a gap rather than a false zero."""
    months = [row["month"] for row in rows]
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_width / max(1, len(months) - 1)

    def x(index: int) -> float:
        return LEFT + (index * step if len(months) > 1 else plot_width / 2)

    def y(value: float) -> float:
        return TOP + plot_height * (1 - value / 100)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" class="chart"'
        f' aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    for tick in (0, 25, 50, 75, 100):
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" stroke="#d9e2ec"/>'
            f'<text x="{LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" font-size="11">{tick}%</text>'
        )
    for index, month in enumerate(months):
        parts.append(f'<text x="{x(index):.1f}" y="{HEIGHT - 10}" text-anchor="middle" font-size="11">{month}</text>')
    for number, (figure, name) in enumerate(series.items()):
        colour = COLOURS[number % len(COLOURS)]
        points = [(x(i), y(row[figure])) for i, row in enumerate(rows) if row.get(figure) is not None]
        if len(points) > 1:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2" class="series"/>')
        parts.extend(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{colour}"/>' for px, py in points)
        legend_y = TOP + 14 + 18 * number
        parts.append(
            f'<rect x="{WIDTH - RIGHT + 12}" y="{legend_y - 9}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{WIDTH - RIGHT + 28}" y="{legend_y}" font-size="12">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
