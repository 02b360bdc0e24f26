"""Plain-English pieces for explanations: dates, periods and the names of things.

Explanations are read by team managers, so they use the words of the policies ("child protection
plan", "every 4 weeks", "3 working days"), never codes.
"""

from __future__ import annotations

import datetime as dt
import functools

from oversight.engine.due_dates import Status
from oversight.engine.periods import Period

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

STATUS_WORDS: dict[str, str] = {
    "ok": "on track",
    "due_soon": "due soon",
    "overdue": "overdue",
    "met": "met",
    "met_late": "met late",
}

CATEGORY_WORDS: dict[str, str] = {
    "case_holder": "Case holder",
    "conference_chair": "Conference chair",
    "non_case_holder": "Worker without cases",
    "support_staff": "Support staff",
    "manager": "Manager",
}

CASE_STATUS_WORDS: dict[str, str] = {
    "child_in_need": "Child in need plan",
    "child_protection": "Child protection plan",
    "care_proceedings": "Care proceedings",
    "looked_after": "Looked after",
    "permanence_plan": "Permanence plan",
    "care_leaver": "Care leaver",
    "short_breaks": "Short breaks",
    "adoption_support": "Adoption support",
}

EVENT_WORDS: dict[str, str] = {
    "legal_planning": "Legal planning meeting",
    "closure": "Closure decision",
    "transfer": "Transfer decision",
    "child_protection": "Child protection decision",
}

SESSION_WORDS: dict[str, str] = {
    "individual": "Individual supervision",
    "case_discussion": "Case discussion",
    "management_oversight": "Management oversight",
    "group": "Group supervision",
    "practice_observation": "Practice observation",
    "conference_chair": "Conference chair supervision",
}


@functools.cache
def day(date: dt.date) -> str:
    """14 Feb 2025."""
    return f"{date.day} {_MONTHS[date.month - 1]} {date.year}"


def status_words(status: Status) -> str:
    return STATUS_WORDS[status]


@functools.cache
def every(period: Period) -> str:
    """'every 4 weeks', 'every month', 'every 3 working days'."""
    words = period.describe()
    if words.startswith("1 "):
        return f"every {words[2:]}"
    return f"every {words}"


@functools.cache
def within(period: Period) -> str:
    """'within 3 working days', 'on the day'."""
    if period.count == 0:
        return "on the day"
    return f"within {period.describe()}"


def status_phrase(status: str, unless: frozenset[str] = frozenset()) -> str:
    words = CASE_STATUS_WORDS.get(status, status.replace("_", " ").capitalize())
    if unless:
        missing = " or ".join(
            CASE_STATUS_WORDS.get(u, u.replace("_", " ")).lower() for u in sorted(unless)
        )
        words = f"{words} without a {missing}"
    return words
