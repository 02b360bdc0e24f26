"""Periods: Nd, Nw, Nm and Nwd (RULES.md §1)."""

from __future__ import annotations

import datetime as dt

import pytest

from oversight.engine.periods import Period, PeriodTooLong, parse_period


@pytest.mark.parametrize(
    ("text", "count", "unit"),
    [("28d", 28, "d"), ("4w", 4, "w"), ("1m", 1, "m"), ("3wd", 3, "wd"), ("0d", 0, "d")],
)
def test_it_parses_each_unit(text: str, count: int, unit: str) -> None:
    assert parse_period(text) == Period(count, unit)  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["28d", "4w", "1m", "3wd"])
def test_it_gives_back_the_canonical_text(text: str) -> None:
    assert str(parse_period(text)) == text


def test_it_tolerates_surrounding_spaces() -> None:
    assert str(parse_period(" 14d ")) == "14d"


@pytest.mark.parametrize("text", ["4x", "28", "d", "", "1.5m", "2 weeks", "wd3", "28D"])
def test_it_refuses_a_malformed_period_naming_the_value_and_the_fix(text: str) -> None:
    with pytest.raises(ValueError, match="is not a period") as error:
        parse_period(text)
    assert f"'{text}'" in str(error.value)
    assert "e.g. 28d" in str(error.value)


def test_it_refuses_a_negative_period() -> None:
    with pytest.raises(ValueError, match="cannot be negative"):
        parse_period("-28d")


def test_it_adds_days_and_weeks() -> None:
    assert parse_period("28d").add(dt.date(2025, 1, 31)) == dt.date(2025, 2, 28)
    assert parse_period("4w").add(dt.date(2025, 1, 31)) == dt.date(2025, 2, 28)


def test_it_keeps_the_day_of_month_for_months() -> None:
    assert parse_period("1m").add(dt.date(2025, 4, 14)) == dt.date(2025, 5, 14)
    assert parse_period("6m").add(dt.date(2024, 9, 10)) == dt.date(2025, 3, 10)


def test_it_clamps_months_to_the_end_of_the_month() -> None:
    assert parse_period("1m").add(dt.date(2025, 1, 31)) == dt.date(2025, 2, 28)
    assert parse_period("3m").add(dt.date(2024, 11, 30)) == dt.date(2025, 2, 28)
    assert parse_period("1m").add(dt.date(2024, 1, 31)) == dt.date(2024, 2, 29)


def test_it_crosses_year_ends_with_months() -> None:
    assert parse_period("8m").add(dt.date(2024, 8, 19)) == dt.date(2025, 4, 19)
    assert parse_period("12m").add(dt.date(2024, 2, 29)) == dt.date(2025, 2, 28)


def test_it_subtracts_periods() -> None:
    assert parse_period("28d").subtract(dt.date(2025, 4, 2)) == dt.date(2025, 3, 5)
    assert parse_period("1m").subtract(dt.date(2025, 3, 31)) == dt.date(2025, 2, 28)


def test_it_describes_periods_in_words() -> None:
    assert parse_period("28d").describe() == "4 weeks"
    assert parse_period("1m").describe() == "1 month"
    assert parse_period("3wd").describe() == "3 working days"
    assert parse_period("5d").describe() == "5 days"


def test_it_refuses_to_build_a_negative_period_directly() -> None:
    with pytest.raises(ValueError, match="negative"):
        Period(-1, "d")


@pytest.mark.parametrize(
    "text", ["3661d", "521w", "121m", "2601wd", "999999999d", "9" * 5000 + "d"]
)
def test_it_refuses_a_period_longer_than_ten_years_naming_the_limit(text: str) -> None:
    with pytest.raises(PeriodTooLong) as error:
        parse_period(text)
    message = str(error.value)
    assert "is too long: a period can be at most about 10 years" in message
    assert "3660d, 520w, 120m or 2600wd" in message
    assert len(message) < 200


@pytest.mark.parametrize("text", ["3660d", "520w", "120m"])
def test_it_accepts_the_longest_periods_and_adds_them_to_a_real_date(text: str) -> None:
    assert parse_period(text).add(dt.date(2025, 1, 1)).year <= 2035


def test_it_accepts_the_longest_working_day_period() -> None:
    assert parse_period("2600wd") == Period(2600, "wd")


def test_it_refuses_to_build_a_period_longer_than_ten_years_directly() -> None:
    with pytest.raises(PeriodTooLong):
        Period(999999999, "d")


def test_it_refuses_digits_other_than_0_to_9() -> None:
    with pytest.raises(ValueError, match="is not a period"):
        parse_period("\N{ARABIC-INDIC DIGIT SEVEN}d")
