"""The year ahead in a real browser (B 2.1, issue 16): a manager books a year of one-to-ones for a
supervisee in one step, moves one session and cancels another; the worker's calendar feed then
holds every session still booked, the moved one on its new date. None counts until it takes
place. Every page on the way passes axe-core."""

from __future__ import annotations

import datetime as dt
import itertools
import re

import pytest
from playwright.sync_api import Page, expect

from oversight.facts.live import staff_obligations
from oversight.supervision.models import Session, SessionEvent
from tests.browser.conftest import assert_accessible, screenshot, signed_in
from tests.council import TODAY, council

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("frozen_today"),
]


def fill_date(page: Page, prefix: str, day: dt.date) -> None:
    page.locator(f"#{prefix}_day").fill(str(day.day))
    page.locator(f"#{prefix}_month").fill(str(day.month))
    page.locator(f"#{prefix}_year").fill(str(day.year))


def test_a_manager_books_the_year_then_moves_one_session_and_cancels_another(
    page: Page, live_server
) -> None:
    org = council(last_supervised=TODAY - dt.timedelta(days=40))
    first = TODAY + dt.timedelta(days=7)
    signed_in(page, live_server, org.manager.user)

    page.goto(f"{live_server.url}/records/new/?supervisee={org.worker.staff_id}")
    expect(page.locator("main")).to_contain_text("every 4 weeks")
    fill_date(page, "id_date", first)
    page.get_by_label("Start time").fill("10:00")
    page.get_by_label("Length in minutes").fill("60")
    page.get_by_label("Place").fill("Meeting room 2")
    page.get_by_label("Yes, the next 12 months").check()
    assert_accessible(page, context="the booking form with the year ahead chosen")
    page.get_by_role("button", name="Book session").click()
    banner = page.locator(".govuk-notification-banner--success")
    expect(banner).to_contain_text(re.compile(r"\d+ sessions with Wanda Worker booked"))

    booked = list(Session.objects.filter(supervisee=org.worker, date__gte=first).order_by("date"))
    assert len(booked) >= 13
    assert booked[0].date == first
    assert all(b.date - a.date <= dt.timedelta(weeks=4) for a, b in itertools.pairwise(booked))

    # The month shows the bookings to the supervisor.
    page.goto(f"{live_server.url}/records/month/?month={first:%Y-%m}")
    expect(page.locator("main")).to_contain_text("Wanda Worker")
    assert_accessible(page, context="the supervisor's month with the year booked")

    # Move the second session two days later, with the reason.
    moving, moved_to = booked[1], booked[1].date + dt.timedelta(days=2)
    page.goto(f"{live_server.url}/records/{moving.pk}/")
    page.get_by_role("link", name="Move the session").click()
    assert_accessible(page, context="the move page")
    fill_date(page, "id_date", moved_to)
    page.get_by_label("New start time").fill("14:00")
    page.get_by_label("Why is the session being moved?").fill("Court hearing that morning.")
    page.get_by_role("button", name="Move the session").click()
    page.goto(f"{live_server.url}/records/{moving.pk}/")
    expect(page.locator("main")).to_contain_text("Court hearing that morning.")

    # Cancel the fourth.
    cancelling = booked[3]
    page.goto(f"{live_server.url}/records/{cancelling.pk}/cancel/")
    page.get_by_label("Why did the session not take place?").fill("Annual leave; rebooking.")
    page.get_by_role("button", name=re.compile("Cancel")).first.click()
    page.goto(f"{live_server.url}/records/{cancelling.pk}/")
    expect(page.locator("main")).to_contain_text("Annual leave; rebooking.")
    assert_accessible(page, context="the record page of a cancelled booking of the year")
    screenshot(page, "year-ahead-cancelled")

    moving.refresh_from_db()
    assert (moving.date, moving.start_time) == (moved_to, dt.time(14, 0))
    assert cancelling.events.filter(kind=SessionEvent.Kind.CANCELLED).exists()
    others = [s for s in booked if s.pk not in (moving.pk, cancelling.pk)]
    assert all(not s.events.exclude(kind=SessionEvent.Kind.BOOKED).exists() for s in others)

    # The worker sees them too: their calendar feed has every session still booked.
    signed_in(page, live_server, org.worker.user)
    page.goto(f"{live_server.url}/calendar/")
    page.get_by_role("button", name="Set up a calendar feed").click()
    address = page.locator("#feed-address").input_value()
    events = page.request.get(address).text().split("BEGIN:VEVENT")[1:]
    ours = {s.session_id: s for s in booked}
    status = {
        session_id: "STATUS:CANCELLED" in event
        for event in events
        for session_id in ours
        if f"UID:{session_id}@" in event
    }
    assert set(status) == set(ours)  # every session of the year is in the feed
    assert [sid for sid, cancelled in status.items() if cancelled] == [cancelling.session_id]
    [moved_event] = [e for e in events if f"UID:{moving.session_id}@" in e]
    assert f":{moved_to:%Y%m%d}T140000" in moved_event  # on its new date and time
    assert "SEQUENCE:1" in moved_event  # calendars replace the old one

    # Plans, not supervision: the worker's supervision is still as it was.
    [supervision] = [
        o
        for o in staff_obligations([org.worker], TODAY)[org.worker.staff_id]
        if o.obligation == "professional_supervision"
    ]
    assert supervision.last_met == TODAY - dt.timedelta(days=40)
