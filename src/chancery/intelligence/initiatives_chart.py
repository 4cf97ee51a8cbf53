"""Server-rendered SVG of an initiative's mean tone per bucket with its 95 % interval (no JavaScript, no CDN).

Each bucket with items draws a dot at the mean and a vertical bar over the interval; buckets with a small sample
draw a hollow dot (the page's table says the same in words). Labels are escaped; the chart titles itself.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import format_html
from django.utils.safestring import SafeString

from chancery.intelligence import charts
from chancery.intelligence.initiatives_selectors import Bucket

COLOUR = "#a83a1f"


def tone_interval_chart(*, title: str, buckets: Sequence[Bucket], chart_id: str) -> SafeString:
    """Return an SVG of each bucket's mean tone in [-1, 1] with its interval (gaps where a bucket is empty)."""
    span_x, span_y = charts.WIDTH - charts.LEFT - charts.RIGHT, charts.HEIGHT - charts.TOP - charts.BOTTOM

    def y_of(value: float) -> float:
        return charts.TOP + span_y * (1 - (max(-1.0, min(1.0, value)) + 1) / 2)

    parts = []
    for index, bucket in enumerate(buckets):
        mean = bucket.reading.mean
        if mean.value is None:
            continue
        x = charts.LEFT + span_x * (index + 0.5) / max(len(buckets), 1)
        if mean.low is not None and mean.high is not None:
            parts.append(
                format_html(
                    '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="1.5"/>',
                    f"{x:.1f}",
                    f"{x:.1f}",
                    f"{y_of(mean.low):.1f}",
                    f"{y_of(mean.high):.1f}",
                    COLOUR,
                )
            )
        interval = f" [{mean.low:+.2f}, {mean.high:+.2f}]" if mean.low is not None and mean.high is not None else ""
        parts.append(
            format_html(
                '<circle cx="{}" cy="{}" r="3.5" fill="{}" stroke="{}"><title>{}: {}{} (n={})</title></circle>',
                f"{x:.1f}",
                f"{y_of(mean.value):.1f}",
                "#fff" if bucket.reading.small else COLOUR,
                COLOUR,
                bucket.start.isoformat(),
                f"{mean.value:+.2f}",
                interval,
                bucket.reading.n,
            )
        )
    days = [bucket.start for bucket in buckets]
    ticks = [(y_of(v), f"{v:+.1f}") for v in (-1.0, 0.0, 1.0)]
    return charts._frame(title, "".join(parts) + charts._x_labels(days, max(1, len(days) // 8)), ticks, chart_id)
