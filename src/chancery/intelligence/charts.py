"""Server-rendered SVG charts (no JavaScript, no CDN): daily volume as bars, daily tone as a line.

Every label is escaped, sized in the page's own font (so Vietnamese diacritics render like the text around them)
and the chart names itself with ``<title>``; the page puts a data table beside it for screen readers.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 720, 220
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 16, 36


def _x_labels(days: Sequence[date], step: int) -> str:
    span = WIDTH - LEFT - RIGHT
    parts = []
    for index in range(0, len(days), step):
        x = LEFT + span * (index + 0.5) / len(days)
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="middle" font-size="12" fill="#333">{}</text>',
                f"{x:.1f}",
                HEIGHT - BOTTOM + 16,
                days[index].strftime("%d/%m"),
            )
        )
    return "".join(parts)


def _frame(title: str, body: str, y_labels: Sequence[tuple[float, str]], chart_id: str) -> SafeString:
    lines = "".join(
        format_html(
            '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#ccc"/>'
            '<text x="{}" y="{}" text-anchor="end" font-size="12" fill="#333">{}</text>',
            LEFT,
            WIDTH - RIGHT,
            f"{y:.1f}",
            f"{y:.1f}",
            LEFT - 6,
            f"{y + 4:.1f}",
            label,
        )
        for y, label in y_labels
    )
    return mark_safe(  # noqa: S308 - every piece above was built with format_html / escape
        f'<svg class="chart" role="img" aria-labelledby="{escape(chart_id)}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="100%" preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{escape(chart_id)}">{escape(title)}</title>{lines}{body}</svg>'
    )


def bar_chart(*, title: str, days: Sequence[date], values: Sequence[int], chart_id: str) -> SafeString:
    """Return an SVG bar chart of one count per day (y axis from 0 to the maximum)."""
    top = max([*values, 1])
    span_x, span_y = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    width = span_x / max(len(days), 1)
    bars = "".join(
        format_html(
            '<rect x="{}" y="{}" width="{}" height="{}" fill="#1f5fa8"><title>{}: {}</title></rect>',
            f"{LEFT + i * width + width * 0.1:.1f}",
            f"{TOP + span_y * (1 - v / top):.1f}",
            f"{width * 0.8:.1f}",
            f"{span_y * v / top:.1f}",
            day.isoformat(),
            v,
        )
        for i, (day, v) in enumerate(zip(days, values, strict=True))
        if v
    )
    ticks = [(TOP + span_y * (1 - f), str(round(top * f))) for f in (0.0, 0.5, 1.0)]
    return _frame(title, bars + _x_labels(days, max(1, len(days) // 8)), ticks, chart_id)


def line_chart(*, title: str, days: Sequence[date], values: Sequence[float | None], chart_id: str) -> SafeString:
    """Return an SVG line chart of a value in [-1, 1] per day (gaps where a day has no value)."""
    span_x, span_y = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def y_of(value: float) -> float:
        return TOP + span_y * (1 - (max(-1.0, min(1.0, value)) + 1) / 2)

    segments: list[list[str]] = [[]]
    dots = []
    for index, value in enumerate(values):
        if value is None:
            segments.append([])
            continue
        x = LEFT + span_x * (index + 0.5) / max(len(days), 1)
        segments[-1].append(f"{x:.1f},{y_of(value):.1f}")
        dots.append(
            format_html(
                '<circle cx="{}" cy="{}" r="2.5" fill="#a83a1f"><title>{}: {}</title></circle>',
                f"{x:.1f}",
                f"{y_of(value):.1f}",
                days[index].isoformat(),
                f"{value:+.2f}",
            )
        )
    paths = "".join(
        format_html('<polyline points="{}" fill="none" stroke="#a83a1f" stroke-width="2"/>', " ".join(points))
        for points in segments
        if len(points) > 1
    )
    ticks = [(y_of(v), f"{v:+.1f}") for v in (-1.0, 0.0, 1.0)]
    return _frame(title, paths + "".join(dots) + _x_labels(days, max(1, len(days) // 8)), ticks, chart_id)
