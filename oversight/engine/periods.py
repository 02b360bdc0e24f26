"""Periods such as ``28d``, ``4w``, ``1m`` and ``3wd`` (RULES.md §1).

A period is how far a due date lies after the date it is counted from. Calendar months keep the
day of month and clamp to the month's end; working days skip weekends and bank holidays and do not
count the starting date.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal, Protocol

Unit = Literal["d", "w", "m", "wd"]

UNIT_WORDS: dict[str, tuple[str, str]] = {
    "d": ("day", "days"),
    "w": ("week", "weeks"),
    "m": ("month", "months"),
    "wd": ("working day", "working days"),
}

_UNITS: dict[str, Unit] = {"d": "d", "w": "w", "m": "m", "wd": "wd"}

_PERIOD_RE = re.compile(r"^\s*([0-9]+)\s*(wd|d|w|m)\s*$")

# No supervision or recording period is longer than a few months; ten years leaves room for any
# policy while keeping every due date the engine computes a real date (999999999d is an error,
# not a date in the year 2.7 million).
LONGEST: dict[str, int] = {"d": 3660, "w": 520, "m": 120, "wd": 2600}
LONGEST_HELP = "a period can be at most about 10 years (3660d, 520w, 120m or 2600wd)"

PERIOD_HELP = (
    "write a number followed by d (days), w (weeks), m (calendar months) or wd (working days), "
    "e.g. 28d"
)


class PeriodTooLong(ValueError):
    """A well-formed period longer than any policy could mean."""


class WorkingDayCalendar(Protocol):
    """Anything that can count working days; see ``oversight.engine.working_days``."""

    def add_working_days(self, start: dt.date, n: int) -> dt.date: ...

    def subtract_working_days(self, end: dt.date, n: int) -> dt.date: ...


@dataclass(frozen=True, slots=True, order=True)
class Period:
    count: int
    unit: Unit

    def __post_init__(self) -> None:
        # 0d is allowed: it means "on the same day" (Newham records sessions during the session).
        if self.count < 0:
            raise ValueError(f"'{self}' is not a period: the number must not be negative")
        if self.unit not in UNIT_WORDS:
            raise ValueError(f"'{self.count}{self.unit}' is not a period: {PERIOD_HELP}")
        if self.count > LONGEST[self.unit]:
            raise PeriodTooLong(f"'{self}' is too long: {LONGEST_HELP}")

    def __str__(self) -> str:
        return f"{self.count}{self.unit}"

    def add(self, start: dt.date, calendar: WorkingDayCalendar | None = None) -> dt.date:
        """The date this period after ``start``.

        ``calendar`` is only consulted for working days; without one the England and Wales
        calendar is used.
        """
        if self.unit == "d":
            return start + dt.timedelta(days=self.count)
        if self.unit == "w":
            return start + dt.timedelta(weeks=self.count)
        if self.unit == "m":
            return add_months(start, self.count)
        if calendar is None:
            from oversight.engine.working_days import england_and_wales

            calendar = england_and_wales()
        return calendar.add_working_days(start, self.count)

    def subtract(self, end: dt.date, calendar: WorkingDayCalendar | None = None) -> dt.date:
        """The date this period before ``end`` (months clamp to the month's end)."""
        if self.unit == "d":
            return end - dt.timedelta(days=self.count)
        if self.unit == "w":
            return end - dt.timedelta(weeks=self.count)
        if self.unit == "m":
            return add_months(end, -self.count)
        if calendar is None:
            from oversight.engine.working_days import england_and_wales

            calendar = england_and_wales()
        return calendar.subtract_working_days(end, self.count)

    @property
    def is_working_days(self) -> bool:
        return self.unit == "wd"

    def describe(self) -> str:
        """Plain English, e.g. ``every 4 weeks`` uses this as ``4 weeks``."""
        if self.unit == "d" and self.count % 7 == 0 and self.count > 0:
            weeks = self.count // 7
            return f"{weeks} week" if weeks == 1 else f"{weeks} weeks"
        one, many = UNIT_WORDS[self.unit]
        return f"{self.count} {one if self.count == 1 else many}"


def add_months(start: dt.date, months: int) -> dt.date:
    """Calendar months, keeping the day of month and clamping to the month's end."""
    index = start.year * 12 + (start.month - 1) + months
    year, month0 = divmod(index, 12)
    month = month0 + 1
    last = _stdlib_calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(start.day, last))


def parse_period(text: str) -> Period:
    """Parse ``Nd``, ``Nw``, ``Nm`` or ``Nwd``; a bad value raises ``ValueError`` with the fix."""
    if not isinstance(text, str):
        raise ValueError(f"{text!r} is not a period: {PERIOD_HELP}")
    if text.strip().startswith("-"):
        raise ValueError(
            f"'{_shown(text)}' is not a period: a period cannot be negative; {PERIOD_HELP}"
        )
    match = _PERIOD_RE.match(text)
    if match is None:
        raise ValueError(f"'{_shown(text)}' is not a period: {PERIOD_HELP}")
    digits = match.group(1).lstrip("0") or "0"
    if len(digits) > 6:  # long before int() would refuse it or a date overflow
        raise PeriodTooLong(f"'{_shown(text.strip())}' is too long: {LONGEST_HELP}")
    return Period(int(digits), _UNITS[match.group(2)])


def _shown(text: str, limit: int = 40) -> str:
    """The value as quoted back in a message: a 10,000-character value is not repeated whole."""
    return text if len(text) <= limit else f"{text[: limit - 1]}…"
