"""A 12-month trend as an SVG bar chart drawn on the server: no chart library, no JavaScript.

The chart is an image with a title and a description that say what it shows in words; each bar
carries its percentage as text, so neither colour nor height alone carries a number. The page puts
a table of the same numbers beside it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from oversight.engine.indicators import Figure

WIDTH = 480
HEIGHT = 240
LEFT = 44  # room for the axis labels
TOP = 20  # room for the value above a full bar
BOTTOM = 44  # room for the month and year under each bar
PLOT_HEIGHT = HEIGHT - TOP - BOTTOM
GRID = (0, 25, 50, 75, 100)
_WHOLE = Decimal(1)


@dataclass(frozen=True)
class Bar:
    month: str  # e.g. "Nov"
    year: str  # shown under January and the first bar
    value: str  # e.g. "92%", or "none" when nothing counted or nothing stored
    x: float
    y: float
    width: float
    height: float

    @property
    def middle(self) -> float:
        return self.x + self.width / 2

    @property
    def value_y(self) -> float:
        return self.y - 5


@dataclass(frozen=True)
class GridLine:
    y: float
    label: str


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    description: str
    bars: list[Bar]
    grid: list[GridLine]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    baseline: int = HEIGHT - BOTTOM
    month_y: int = HEIGHT - BOTTOM + 16
    year_y: int = HEIGHT - BOTTOM + 32

    def svg(self) -> SafeString:
        """The chart as inline SVG. Written here rather than in a template: a dashboard holds a
        dozen charts of a dozen bars, and template tags for each attribute cost more than the
        rest of the page. The numbers are numbers; every piece of text is escaped."""
        chart_id, title, description = escape(self.id), escape(self.title), escape(self.description)
        parts = [
            f'<svg class="app-chart" viewBox="0 0 {self.width} {self.height}" role="img" '
            f'aria-labelledby="{chart_id}-title {chart_id}-desc" focusable="false" '
            'xmlns="http://www.w3.org/2000/svg">'
            f'<title id="{chart_id}-title">{title}</title>'
            f'<desc id="{chart_id}-desc">{description}</desc>'
        ]
        for line in self.grid:
            parts.append(
                f'<line class="app-chart__grid" x1="{self.left}" x2="{self.width}" '
                f'y1="{line.y}" y2="{line.y}"></line>'
                f'<text class="app-chart__axis" x="{self.left - 6}" y="{line.y}" dy="4" '
                f'text-anchor="end">{escape(line.label)}</text>'
            )
        for bar in self.bars:
            if bar.height:
                parts.append(
                    f'<rect class="app-chart__bar" x="{bar.x}" y="{bar.y}" width="{bar.width}" '
                    f'height="{bar.height}"></rect>'
                )
            parts.append(
                f'<text class="app-chart__value" x="{bar.middle}" y="{bar.value_y}" '
                f'text-anchor="middle">{escape(bar.value)}</text>'
                f'<text class="app-chart__month" x="{bar.middle}" y="{self.month_y}" '
                f'text-anchor="middle">{escape(bar.month)}</text>'
            )
            if bar.year:
                parts.append(
                    f'<text class="app-chart__month" x="{bar.middle}" y="{self.year_y}" '
                    f'text-anchor="middle">{escape(bar.year)}</text>'
                )
        parts.append(
            f'<line class="app-chart__baseline" x1="{self.left}" x2="{self.width}" '
            f'y1="{self.baseline}" y2="{self.baseline}"></line></svg>'
        )
        # Safe: the numbers are the chart's own floats and ints, and every text is escaped above.
        return mark_safe("".join(parts))


def _y(percent: Decimal | float) -> float:
    return TOP + PLOT_HEIGHT * (1 - float(percent) / 100)


def trend_chart(chart_id: str, label: str, points: list[tuple[dt.date, Figure | None]]) -> Chart:
    """Bars for each month end, oldest first; a month without a figure has no bar and says none."""
    slot = (WIDTH - LEFT) / max(len(points), 1)
    bars = []
    shown = []
    for n, (day, figure) in enumerate(points):
        percent = figure.percent if figure is not None else None
        x = LEFT + n * slot + slot * 0.15
        top = _y(percent) if percent is not None else HEIGHT - BOTTOM
        bars.append(
            Bar(
                month=f"{day:%b}",
                year=f"{day:%Y}" if n == 0 or day.month == 1 else "",
                # Whole percentages on the bars, so neighbours' labels never run together; the
                # table beside the chart has each to one decimal place.
                value=f"{percent.quantize(_WHOLE, rounding=ROUND_HALF_UP)}%"
                if percent is not None
                else "none",
                x=round(x, 1),
                y=round(top, 1),
                width=round(slot * 0.7, 1),
                height=round(HEIGHT - BOTTOM - top, 1),
            )
        )
        if percent is not None:
            shown.append((day, percent))
    if shown:
        (first_day, first), (last_day, last) = shown[0], shown[-1]
        low_day, low = min(shown, key=lambda p: p[1])
        description = (
            f"{label} in time: {first}% at the end of {first_day:%B %Y}, {last}% on "
            f"{last_day:%-d %B %Y}; lowest {low}% in {low_day:%B %Y}."
        )
    else:
        description = f"{label}: nothing counted in these months."
    return Chart(
        id=chart_id,
        title=f"{label}: percentage in time at each month end",
        description=description,
        bars=bars,
        grid=[GridLine(round(_y(g), 1), f"{g}%") for g in GRID],
    )
