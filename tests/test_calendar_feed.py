"""Booked supervision in people's own calendars (issue 10 §6): a secret, revocable feed address per
person and an .ics file per session, in Europe/London time; moves update the event in place and
cancellations remove it."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from icalendar import Calendar

from oversight.audit.actor import Actor
from oversight.audit.models import AuditEvent
from oversight.calendar.models import CalendarFeed
from oversight.records import writing
from oversight.supervision.models import Session
from tests.council import council, today

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

DAY = dt.timedelta(days=1)


def book(org, day: dt.date, time: dt.time = dt.time(14, 30)) -> Session:
    return writing.book_supervision(
        by=Actor(org.manager.user),
        supervisor=org.manager,
        supervisee=org.worker,
        kind="individual",
        date=day,
        start_time=time,
        duration_minutes=90,
        location="Meeting room 2",
    )


def feed_address(client, user) -> str:
    client.force_login(user)
    page = client.post(reverse("calendar:make")).content.decode()
    return re.search(r'value="(http[^"]+\.ics)"', page).group(1)


def events(client, address: str) -> list:
    client.logout()  # a calendar program never signs in
    response = client.get(address.removeprefix("http://testserver"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content).walk("VEVENT")


def test_the_feed_holds_the_workers_sessions_in_london_time_without_signing_in(client) -> None:
    org = council()
    booked = book(org, dt.date(2025, 7, 1))  # British Summer Time
    address = feed_address(client, org.worker.user)

    [event] = events(client, address)
    start = event.decoded("dtstart")
    assert start.isoformat() == "2025-07-01T14:30:00+01:00"
    assert event.decoded("dtend") - start == dt.timedelta(minutes=90)
    assert str(event["uid"]).startswith(booked.session_id)
    assert str(event["location"]) == "Meeting room 2"
    assert "Wanda Worker" in str(event["summary"])
    assert str(event["status"]) == "CONFIRMED"


def test_a_moved_session_keeps_its_event_and_a_cancelled_one_is_cancelled(client) -> None:
    org = council()
    moving, cancelling = book(org, today() + 2 * DAY), book(org, today() + 9 * DAY)
    address = feed_address(client, org.worker.user)
    writing.move_session(
        moving,
        by=Actor(org.manager.user),
        date=today() + 3 * DAY,
        start_time=dt.time(9, 0),
        reason="Court hearing moved",
    )
    writing.cancel_session(cancelling, by=Actor(org.manager.user), reason="Training day")

    found = {str(e["uid"]).split("@")[0]: e for e in events(client, address)}
    assert found[moving.session_id].decoded("dtstart").date() == today() + 3 * DAY
    assert int(found[moving.session_id]["sequence"]) == 1
    assert str(found[cancelling.session_id]["status"]) == "CANCELLED"


def test_a_new_address_stops_the_old_one_and_stopping_the_feed_stops_it(client) -> None:
    org = council()
    first = feed_address(client, org.worker.user)
    second = feed_address(client, org.worker.user)

    client.logout()
    assert client.get(first.removeprefix("http://testserver")).status_code == 404
    assert client.get(second.removeprefix("http://testserver")).status_code == 200

    client.force_login(org.worker.user)
    client.post(reverse("calendar:stop"))
    client.logout()
    assert client.get(second.removeprefix("http://testserver")).status_code == 404
    assert AuditEvent.objects.filter(object_type="supervision_calendar.calendarfeed").count() == 3


def test_only_a_digest_of_the_address_is_kept(client) -> None:
    org = council()
    address = feed_address(client, org.worker.user)
    token = address.rsplit("/", 1)[1].removesuffix(".ics")
    assert not CalendarFeed.objects.filter(token_digest=token).exists()
    assert token not in str(AuditEvent.objects.values_list("detail", flat=True))


def test_a_leavers_feed_stops_working(client) -> None:
    org = council()
    address = feed_address(client, org.worker.user)
    org.worker.end_date = today() - DAY
    org.worker.save()
    client.logout()
    assert client.get(address.removeprefix("http://testserver")).status_code == 404


def test_one_session_downloads_as_an_ics_file_for_those_who_may_read_it(client) -> None:
    org = council()
    booked = book(org, today() + 2 * DAY)
    client.force_login(org.worker.user)
    response = client.get(reverse("calendar:session", args=[booked.pk]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    [event] = Calendar.from_ical(response.content).walk("VEVENT")
    assert event.decoded("dtstart").date() == today() + 2 * DAY

    client.force_login(org.outsider.user)
    assert client.get(reverse("calendar:session", args=[booked.pk])).status_code == 403
