"""The year ahead (B 2.1, issue 16): a supervisor books a year of sessions in one step, at the
agreed frequency or the policy's, each a booking of its own; none counts until it takes place."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from typing import Any

import pytest

from oversight.audit.actor import Actor
from oversight.audit.models import AuditEvent
from oversight.engine.periods import parse_period
from oversight.facts.live import staff_obligations
from oversight.records import writing
from oversight.supervision.models import Session, SessionEvent
from oversight.supervision.year_ahead import supervision_frequency, year_ahead
from tests.council import council, signed_agreement, today

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

DAY = dt.timedelta(days=1)


def booking(day: dt.date, **overrides: Any) -> dict[str, Any]:
    return {
        "kind": "individual",
        "date_day": str(day.day),
        "date_month": str(day.month),
        "date_year": str(day.year),
        "start_time": "10:00",
        "duration_minutes": "60",
        "location": "Meeting room 2",
        "repeat": "year",
        **overrides,
    }


def test_it_spaces_a_year_of_dates_never_further_apart_than_the_frequency() -> None:
    dates = year_ahead(dt.date(2025, 12, 1), parse_period("4w"))

    assert len(dates) == 14  # 1 Dec 2025 and every 4 weeks until late November 2026
    assert dates[0] == dt.date(2025, 12, 1)
    assert dates[-1] < dt.date(2026, 12, 1)
    assert all(day.weekday() < 5 for day in dates)
    assert all(b - a <= dt.timedelta(weeks=4) for a, b in itertools.pairwise(dates))


def test_it_moves_a_date_on_a_bank_holiday_to_the_working_day_before() -> None:
    # Christmas Day 2025 is a Thursday and a bank holiday; the session moves to the 24th.
    dates = year_ahead(dt.date(2025, 12, 11), parse_period("14d"))
    assert dt.date(2025, 12, 24) in dates
    assert dt.date(2025, 12, 25) not in dates
    assert all(b - a <= dt.timedelta(days=14) for a, b in itertools.pairwise(dates))


def test_it_takes_the_agreed_frequency_before_the_policys() -> None:
    org = council()
    assert supervision_frequency(org.worker, org.manager).period == parse_period("28d")

    signed_agreement(org, frequency="14d")
    frequency = supervision_frequency(org.worker, org.manager)
    assert frequency is not None
    assert frequency.period == parse_period("14d")
    assert "agreed in the supervision agreement" in frequency.describe()


def test_it_books_the_year_from_the_page_each_session_a_booking_of_its_own(client) -> None:
    org = council(last_supervised=today() - 40 * DAY)
    client.force_login(org.manager.user)

    page = client.get(f"/records/new/?supervisee={org.worker.staff_id}").content.decode()
    assert "Book the year ahead?" in page
    assert "every 4 weeks" in page

    response = client.post(
        f"/records/new/?supervisee={org.worker.staff_id}", booking(today() + DAY), follow=True
    )
    booked = list(Session.objects.filter(supervisee=org.worker, date__gt=today()).order_by("date"))
    assert len(booked) == 14
    assert "14 sessions with Wanda Worker booked" in response.content.decode()
    assert all(s.events.filter(kind=SessionEvent.Kind.BOOKED).exists() for s in booked)
    assert AuditEvent.objects.of_action("create").filter(object_type="supervision.session").count()
    # Plans, not supervision: the worker is still overdue.
    supervision = [
        o
        for o in staff_obligations([org.worker], today())[org.worker.staff_id]
        if o.obligation == "professional_supervision"
    ]
    assert supervision[0].status == "overdue"


def test_it_cancels_one_session_of_the_year_and_leaves_the_others(client) -> None:
    org = council()
    booked = writing.book_year_ahead(
        by=Actor(org.manager.user),
        supervisor=org.manager,
        supervisee=org.worker,
        kind="individual",
        dates=year_ahead(today() + DAY, parse_period("28d")),
        start_time=dt.time(10, 0),
        duration_minutes=60,
        location="Room 1",
    )
    writing.cancel_session(booked[3], by=Actor(org.manager.user), reason="Training day")

    cancelled = Session.objects.filter(events__kind=SessionEvent.Kind.CANCELLED)
    assert list(cancelled) == [booked[3]]
    assert Session.objects.filter(supervisee=org.worker, date__gt=today()).count() == len(booked)


def test_it_books_the_year_once_when_the_form_is_posted_twice() -> None:
    org = council()
    token = uuid.uuid4()

    def post() -> list[Session]:
        return writing.book_year_ahead(
            by=Actor(org.manager.user),
            supervisor=org.manager,
            supervisee=org.worker,
            kind="individual",
            dates=year_ahead(today() + DAY, parse_period("28d")),
            start_time=dt.time(10, 0),
            duration_minutes=60,
            location="Room 1",
            submission=token,
        )

    first = post()
    post()
    assert Session.objects.filter(supervisee=org.worker, date__gt=today()).count() == len(first)


def test_it_still_books_one_session_when_just_this_one_is_chosen(client) -> None:
    org = council()
    client.force_login(org.manager.user)
    client.post(
        f"/records/new/?supervisee={org.worker.staff_id}",
        booking(today() + DAY, repeat="once"),
    )
    assert Session.objects.filter(supervisee=org.worker, date__gt=today()).count() == 1


def test_the_month_shows_who_is_booked_when_and_who_is_not_booked_in_time(client) -> None:
    org = council(last_supervised=today() - 20 * DAY)  # both due in 8 days
    writing.book_supervision(
        by=Actor(org.manager.user),
        supervisor=org.manager,
        supervisee=org.worker,
        kind="individual",
        date=today() + 2 * DAY,
        start_time=dt.time(10, 0),
        duration_minutes=60,
        location="Room 1",
    )
    client.force_login(org.manager.user)

    page = client.get("/records/month/").content.decode()

    assert "June 2025" in page
    assert "Sessions this month (1)" in page
    assert "Fri 13 Jun" in page
    people = page[page.index('id="people"') :]
    assert "<strong>1</strong> of the people you supervise is not booked" in people
    colleague = people[people.index("Colin Colleague") :]
    assert "Not booked in time" in colleague[: colleague.index("</tr>")]
    worker = people[people.index("Wanda Worker") :]
    assert "Not booked in time" not in worker[: worker.index("</tr>")]
    assert "July 2025" in client.get("/records/month/?month=2025-07").content.decode()
    assert "June 2025" in client.get("/records/month/?month=nonsense").content.decode()
