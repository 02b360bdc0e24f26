"""Working days in England and Wales: Monday to Friday except bank holidays (RULES.md §1).

The holidays come from the GOV.UK list bundled with ``govuk-bank-holidays``; the product never
fetches them at run time. A date beyond the bundled list cannot be counted honestly (we would not
know which weekdays are bank holidays), so it raises ``CalendarRangeError`` rather than guessing.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable


class CalendarRangeError(ValueError):
    """A working-day count ran outside the years the bank holiday list covers."""


class WorkingDays:
    """Counts working days against a fixed set of bank holidays known for a range of dates."""

    __slots__ = ("_holidays", "first_known", "last_known", "name")

    def __init__(
        self,
        holidays: Iterable[dt.date],
        first_known: dt.date,
        last_known: dt.date,
        name: str = "England and Wales",
    ) -> None:
        self._holidays = frozenset(holidays)
        self.first_known = first_known
        self.last_known = last_known
        self.name = name

    def _check(self, day: dt.date) -> None:
        if not self.first_known <= day <= self.last_known:
            raise CalendarRangeError(
                f"{day.isoformat()} is outside the {self.name} bank holiday data shipped with the "
                f"product ({self.first_known.isoformat()} to {self.last_known.isoformat()}): "
                "upgrade the govuk-bank-holidays package to get later years"
            )

    def is_holiday(self, day: dt.date) -> bool:
        self._check(day)
        return day in self._holidays

    def is_working_day(self, day: dt.date) -> bool:
        self._check(day)
        return day.weekday() < 5 and day not in self._holidays

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day after ``start``, not counting ``start``; 0 gives ``start`` back."""
        return self._count_working_days(start, n, dt.timedelta(days=1))

    def subtract_working_days(self, end: dt.date, n: int) -> dt.date:
        """The n-th working day before ``end``, not counting ``end``; 0 gives ``end`` back."""
        return self._count_working_days(end, n, dt.timedelta(days=-1))

    def _count_working_days(self, day: dt.date, n: int, step: dt.timedelta) -> dt.date:
        """The n-th working day from ``day`` (not counting it), stepping a day at a time."""
        if n < 0:
            raise ValueError(f"cannot count {n} working days: the number must not be negative")
        remaining = n
        while remaining:
            day += step
            if self.is_working_day(day):
                remaining -= 1
        return day


@functools.cache
def england_and_wales() -> WorkingDays:
    """The bundled GOV.UK England and Wales list, loaded once per process."""
    # Imported here so that modules which never count working days do not pay for `requests`.
    from govuk_bank_holidays.bank_holidays import BankHolidays

    source = BankHolidays(use_cached_holidays=True)
    dates: list[dt.date] = sorted(
        h["date"] for h in source.get_holidays(division=BankHolidays.ENGLAND_AND_WALES)
    )
    first = dt.date(dates[0].year, 1, 1)
    # The list is published a year or two ahead; a year is complete once its Boxing Day is in.
    last_year = dates[-1].year if dates[-1].month == 12 else dates[-1].year - 1
    last = dt.date(last_year, 12, 31)
    return WorkingDays(dates, first, last)
