"""A worker's caseload at each month end as an SVG bar chart drawn on the server, with the
council's threshold as a dashed line labelled in words: the dashboards' chart (`Chart`), counting
children instead of percentages. Each bar carries its count as text, and the page puts a table of
the same numbers beside it, so neither colour nor height alone carries a number."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from oversight.cases.caseload_history import Caseload
from oversight.web.dashboards.charts import BOTTOM, HEIGHT, LEFT, TOP, WIDTH, Bar, Chart, GridLine

PLOT_HEIGHT = HEIGHT - TOP - BOTTOM


@dataclass(frozen=True)
class ThresholdChart(Chart):
    threshold: GridLine | None = None

    def svg(self) -> SafeString:
        drawn = super().svg()
        if self.threshold is None:
            return drawn
        line = format_html(
            '<line class="app-chart__threshold" x1="{}" x2="{}" y1="{}" y2="{}" '
            'stroke="#0b0c0c" stroke-width="2" stroke-dasharray="6 4"></line>'
            '<text class="app-chart__axis" x="{}" y="{}" dy="-4" text-anchor="end">{}</text>',
            self.left,
            self.width,
            self.threshold.y,
            self.threshold.y,
            self.width,
            self.threshold.y,
            self.threshold.label,
        )
        # Both parts made by format_html, which escapes.
        return mark_safe(str(drawn).replace("</svg>", f"{line}</svg>"))


def _step(top: int) -> int:
    for step in (1, 2, 5, 10, 20, 50, 100):
        if top / step <= 5:
            return step
    return 200


def caseload_chart(found: Caseload) -> ThresholdChart:
    limit = found.threshold.children
    top = max([m.children for m in found.months] + [limit, 1])
    step = _step(top)
    scale_top = -(-top // step) * step  # rounded up to a whole step

    def y(count: int) -> float:
        return round(TOP + PLOT_HEIGHT * (1 - count / scale_top), 1)

    slot = (WIDTH - LEFT) / max(len(found.months), 1)
    bars = []
    for n, month in enumerate(found.months):
        x = LEFT + n * slot + slot * 0.15
        bars.append(
            Bar(
                month=f"{month.day:%b}",
                year=f"{month.day:%Y}" if n == 0 or month.day.month == 1 else "",
                value=str(month.children),
                x=round(x, 1),
                y=y(month.children),
                width=round(slot * 0.7, 1),
                height=round(HEIGHT - BOTTOM - y(month.children), 1),
            )
        )
    first, last = found.months[0], found.months[-1]
    highest = max(found.months, key=lambda m: m.children)
    description = (
        f"{first.children} children at the end of {first.month}, {last.children} on "
        f"{last.day:%-d %B %Y}; most {highest.children} in {highest.month}. The council's "
        f"threshold is {limit}; {found.months_over} of the {len(found.months)} months were over it."
    )
    return ThresholdChart(
        id="caseload-chart",
        title=f"Children allocated to {found.worker.name} at each month end",
        description=description,
        bars=bars,
        grid=[GridLine(y(g), str(g)) for g in range(0, scale_top + 1, step)],
        threshold=GridLine(y(limit), f"Threshold {limit}"),
    )
