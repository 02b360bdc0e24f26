"""Working days: Monday to Friday except England and Wales bank holidays (RULES.md §1)."""

from __future__ import annotations

import datetime as dt

import pytest

from oversight.engine import working_days
from oversight.engine.periods import parse_period
from oversight.engine.working_days import CalendarRangeError, england_and_wales


@pytest.mark.parametrize(
    "holiday",
    [dt.date(2025, 4, 18), dt.date(2025, 4, 21), dt.date(2025, 5, 5), dt.date(2025, 5, 26)],
    ids=["Good Friday", "Easter Monday", "Early May", "Spring"],
)
def test_it_knows_the_2025_bank_holidays(holiday: dt.date) -> None:
    assert england_and_wales().is_holiday(holiday)
    assert not england_and_wales().is_working_day(holiday)


def test_it_does_not_count_the_starting_date() -> None:
    # Tuesday 10 June 2025 + 3 working days = Friday 13 June.
    assert parse_period("3wd").add(dt.date(2025, 6, 10)) == dt.date(2025, 6, 13)


def test_it_skips_weekends() -> None:
    # Wednesday 25 June 2025 + 3 working days = Monday 30 June.
    assert parse_period("3wd").add(dt.date(2025, 6, 25)) == dt.date(2025, 6, 30)


def test_it_skips_the_early_may_bank_holiday() -> None:
    # Thursday 1 May 2025: Fri 2, (Mon 5 is a bank holiday), Tue 6, Wed 7.
    assert parse_period("3wd").add(dt.date(2025, 5, 1)) == dt.date(2025, 5, 7)


def test_it_skips_good_friday_and_easter_monday() -> None:
    # Wednesday 16 April 2025: Thu 17, (Fri 18, Mon 21 are bank holidays), Tue 22, Wed 23.
    assert parse_period("3wd").add(dt.date(2025, 4, 16)) == dt.date(2025, 4, 23)


def test_it_counts_from_a_weekend() -> None:
    # Saturday 30 November 2024 + 3 working days = Wednesday 4 December.
    assert parse_period("3wd").add(dt.date(2024, 11, 30)) == dt.date(2024, 12, 4)


def test_it_gives_the_same_day_for_zero_working_days() -> None:
    assert parse_period("0wd").add(dt.date(2025, 5, 5)) == dt.date(2025, 5, 5)


def test_it_refuses_a_date_beyond_the_shipped_data_clearly() -> None:
    with pytest.raises(CalendarRangeError, match="2040-01-03") as error:
        parse_period("3wd").add(dt.date(2040, 1, 2))
    assert "bank holiday data" in str(error.value)
    assert "govuk-bank-holidays" in str(error.value)


def test_it_refuses_to_run_off_the_end_of_the_data() -> None:
    last = england_and_wales().last_known
    with pytest.raises(CalendarRangeError):
        parse_period("3wd").add(last)


def test_it_refuses_dates_before_the_data() -> None:
    with pytest.raises(CalendarRangeError):
        england_and_wales().is_working_day(dt.date(2005, 1, 4))


def test_it_loads_the_holidays_once() -> None:
    assert england_and_wales() is england_and_wales()


def test_it_never_fetches_holidays_from_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    import requests

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the bank holiday list must not be fetched at run time")

    monkeypatch.setattr(requests, "get", refuse)
    working_days.england_and_wales.cache_clear()
    try:
        assert england_and_wales().is_holiday(dt.date(2025, 12, 25))
    finally:
        working_days.england_and_wales.cache_clear()
