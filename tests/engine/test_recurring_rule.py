"""The recurring rule (RULES.md §2) and the status of a due date (§1)."""

from __future__ import annotations

import datetime as dt

from oversight.engine.due_dates import Window, date_status, next_due, one_off_status
from oversight.engine.periods import parse_period

D = dt.date


def window(period: str, start: dt.date | None = None, end: dt.date | None = None) -> Window[str]:
    return Window(parse_period(period), start, end, period)


def test_it_is_anchor_plus_period_with_one_period() -> None:
    assert next_due(D(2025, 1, 2), [window("28d")]) == (D(2025, 1, 30), window("28d"))


def test_it_lets_the_strictest_period_win() -> None:
    due, why = next_due(D(2025, 1, 2), [window("56d"), window("28d")]) or (None, None)
    assert due == D(2025, 1, 30)
    assert why == window("28d")


def test_it_falls_due_on_the_day_a_stricter_period_starts_when_the_gap_exceeds_it() -> None:
    # Child in need (8 weeks) last supervised 2 Jan; child protection plan (4 weeks) from 14 Feb.
    windows = [window("56d", D(2024, 11, 1), D(2025, 2, 13)), window("28d", D(2025, 2, 14))]
    assert next_due(D(2025, 1, 2), windows) == (D(2025, 2, 14), windows[1])


def test_it_counts_a_stricter_period_from_the_anchor_when_the_gap_is_still_short() -> None:
    windows = [window("56d", None, D(2025, 1, 9)), window("28d", D(2025, 1, 10))]
    assert next_due(D(2025, 1, 2), windows) == (D(2025, 1, 30), windows[1])


def test_it_never_falls_due_on_a_day_with_no_period_in_force() -> None:
    # The only period ends before anchor + period: nothing can fall due.
    assert next_due(D(2025, 1, 2), [window("28d", None, D(2025, 1, 20))]) is None


def test_it_skips_a_gap_with_no_period_in_force() -> None:
    windows = [window("28d", None, D(2025, 1, 20)), window("28d", D(2025, 3, 1))]
    assert next_due(D(2025, 1, 2), windows) == (D(2025, 3, 1), windows[1])


def test_it_is_always_after_the_anchor() -> None:
    # A period that started long ago and a 1-day period still fall due after the anchor.
    result = next_due(D(2025, 1, 2), [window("1d", D(2020, 1, 1))])
    assert result is not None
    assert result[0] == D(2025, 1, 3)


def test_it_lets_a_longer_period_start_later_without_effect() -> None:
    windows = [window("28d"), window("84d", D(2025, 1, 10))]
    assert next_due(D(2025, 1, 2), windows) == (D(2025, 1, 30), windows[0])


def test_it_clamps_month_periods() -> None:
    assert next_due(D(2024, 11, 30), [window("3m")]) == (D(2025, 2, 28), window("3m"))


def test_it_uses_working_days() -> None:
    assert next_due(D(2025, 5, 1), [window("3wd")]) == (D(2025, 5, 7), window("3wd"))


def test_it_reports_overdue_after_the_due_date() -> None:
    assert date_status(D(2025, 6, 26), D(2025, 6, 27), D(2025, 6, 19)) == "overdue"


def test_it_reports_due_soon_within_the_window_inclusive() -> None:
    due, soon = D(2025, 6, 30), D(2025, 6, 23)
    assert date_status(due, D(2025, 6, 23), soon) == "due_soon"
    assert date_status(due, D(2025, 6, 30), soon) == "due_soon"
    assert date_status(due, D(2025, 6, 22), soon) == "ok"


def test_it_marks_a_one_off_met_on_or_before_the_due_date() -> None:
    soon = D(2025, 5, 16)
    assert one_off_status(D(2025, 5, 23), D(2025, 5, 23), D(2025, 6, 30), soon) == "met"
    assert one_off_status(D(2025, 5, 23), D(2025, 5, 24), D(2025, 6, 30), soon) == "met_late"


def test_it_ignores_a_qualifying_event_after_as_of() -> None:
    soon = D(2025, 5, 16)
    assert one_off_status(D(2025, 5, 23), D(2025, 7, 1), D(2025, 6, 30), soon) == "overdue"
