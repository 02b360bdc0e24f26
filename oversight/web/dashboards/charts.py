"""A 12-month trend as an SVG bar chart drawn on the server: no chart library, no JavaScript.

The chart is an image with a title and a description that say what it shows in words; each bar
carries its percentage as text, so neither colour nor height alone carries a number. The page puts
a table of the same numbers beside it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.html import format_html
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
        rest of the page."""
        parts = [
            format_html(
                '<svg class="app-chart" viewBox="0 0 {} {}" role="img" '
                'aria-labelledby="{}-title {}-desc" focusable="false" '
                'xmlns="http://www.w3.org/2000/svg">'
                '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>',
                self.width,
                self.height,
                self.id,
                self.id,
                self.id,
                self.title,
                self.id,
                self.description,
            )
        ]
        for line in self.grid:
            parts.append(
                format_html(
                    '<line class="app-chart__grid" x1="{}" x2="{}" y1="{}" y2="{}"></line>'
                    '<text class="app-chart__axis" x="{}" y="{}" dy="4" text-anchor="end">'
                    "{}</text>",
                    self.left,
                    self.width,
                    line.y,
                    line.y,
                    self.left - 6,
                    line.y,
                    line.label,
                )
            )
        for bar in self.bars:
            if bar.height:
                parts.append(
                    format_html(
                        '<rect class="app-chart__bar" x="{}" y="{}" width="{}" height="{}"></rect>',
                        bar.x,
                        bar.y,
                        bar.width,
                        bar.height,
                    )
                )
            parts.append(
                format_html(
                    '<text class="app-chart__value" x="{}" y="{}" text-anchor="middle">{}</text>'
                    '<text class="app-chart__month" x="{}" y="{}" text-anchor="middle">{}</text>',
                    bar.middle,
                    bar.value_y,
                    bar.value,
                    bar.middle,
                    self.month_y,
                    bar.month,
                )
            )
            if bar.year:
                parts.append(
                    format_html(
                        '<text class="app-chart__month" x="{}" y="{}" text-anchor="middle">'
                        "{}</text>",
                        bar.middle,
                        self.year_y,
                        bar.year,
                    )
                )
        parts.append(
            format_html(
                '<line class="app-chart__baseline" x1="{}" x2="{}" y1="{}" y2="{}"></line></svg>',
                self.left,
                self.width,
                self.baseline,
                self.baseline,
            )
        )
        return mark_safe("".join(parts))  # every part made by format_html, which escapes


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
