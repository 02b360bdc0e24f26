"""The two rules every obligation follows (RULES.md §1 and §2), each written once.

- ``next_due``: the recurring rule. Given when the obligation was last met (the anchor) and the
  periods in force over time, the next due date is the earliest day D after the anchor such that
  D >= anchor + p for some period p in force on D. So the strictest period in force wins, a
  stricter period starting after the anchor makes the obligation due on its first day if the gap
  already exceeds it, and a day with no period in force is never the due day.
- ``one_off_status``: a one-off obligation is met, met late, or else judged by its due date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final, Literal

from oversight.engine.periods import Period, WorkingDayCalendar

Status = Literal["ok", "due_soon", "overdue", "met", "met_late"]

ONE_DAY: Final = dt.timedelta(days=1)


def date_status(due: dt.date, as_of: dt.date, due_soon_from: dt.date) -> Status:
    """``due_soon_from`` is the first day the obligation counts as due soon (due - 7 days)."""
    if as_of > due:
        return "overdue"
    if as_of >= due_soon_from:
        return "due_soon"
    return "ok"


def one_off_status(
    due: dt.date, met_on: dt.date | None, as_of: dt.date, due_soon_from: dt.date
) -> Status:
    """Met when the qualifying event happened by the due date, met late when after it."""
    if met_on is not None and met_on <= as_of:
        return "met" if met_on <= due else "met_late"
    return date_status(due, as_of, due_soon_from)


@dataclass(frozen=True, slots=True)
class Window[Reason]:
    """``period`` is in force from ``start`` to ``end`` inclusive (None: unbounded that side).

    ``reason`` is whatever the caller wants back when this window decides the due date (the
    engine uses it to explain the date and name the rule).
    """

    period: Period
    start: dt.date | None
    end: dt.date | None
    reason: Reason


def next_due[Reason](
    anchor: dt.date,
    windows: list[Window[Reason]] | tuple[Window[Reason], ...],
    calendar: WorkingDayCalendar | None = None,
) -> tuple[dt.date, Window[Reason]] | None:
    """The recurring rule; None when no period is in force on any day after the anchor.

    For one window the earliest qualifying day is max(anchor + p, start, anchor + 1 day), provided
    it is not after the window's end; the answer is the earliest over all windows. On a tie the
    stricter period (earlier anchor + p) is reported as the reason, then the earlier-listed one.
    """
    best: tuple[dt.date, dt.date, int] | None = None
    best_window: Window[Reason] | None = None
    day_after = anchor + ONE_DAY
    for index, window in enumerate(windows):
        target = window.period.add(anchor, calendar)
        candidate = target if target > day_after else day_after
        if window.start is not None and window.start > candidate:
            candidate = window.start
        if window.end is not None and candidate > window.end:
            continue
        key = (candidate, target, index)
        if best is None or key < best:
            best = key
            best_window = window
    if best is None or best_window is None:
        return None
    return best[0], best_window
