"""Only what happened counts, in a real browser (issue 8): a booking for later today leaves an
overdue supervisee overdue; confirmed after its time, it counts; a cancelled booking never counts
and its reason stays on the record. Every page on the way passes axe-core."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from playwright.sync_api import Page, expect

from oversight.facts.caseloads import case_obligations, is_case_supervision
from oversight.facts.live import staff_obligations
from oversight.supervision.models import Session
from tests.browser.conftest import assert_accessible, screenshot, signed_in
from tests.council import NOW, TODAY, council, smith_children

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("frozen_today"),
]


def professional_supervision(org, day: dt.date) -> str:
    [found] = [
        o
        for o in staff_obligations([org.worker], day)[org.worker.staff_id]
        if o.obligation == "professional_supervision"
    ]
    return found.status


def case_supervision(case, day: dt.date) -> str:
    [found] = [o for o in case_obligations(case, day) if is_case_supervision(o)]
    return found.status


def tick_child(page: Page, live_server, session: Session, name: str) -> None:
    page.goto(f"{live_server.url}/records/{session.pk}/write/cases/")
    page.get_by_label(name).check()
    page.get_by_role("button", name="Save the children chosen").click()


def book(page: Page, live_server, org, time: str) -> Session:
    page.goto(f"{live_server.url}/records/new/?supervisee={org.worker.staff_id}")
    page.locator("#id_date_day").fill(str(TODAY.day))
    page.locator("#id_date_month").fill(str(TODAY.month))
    page.locator("#id_date_year").fill(str(TODAY.year))
    page.get_by_label("Start time").fill(time)
    page.get_by_label("Length in minutes").fill("60")
    page.get_by_label("Place").fill("Meeting room 2")
    page.get_by_role("button", name="Book session").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("booked")
    return Session.objects.latest("pk")


def test_a_booking_counts_only_once_it_has_taken_place(page: Page, live_server) -> None:
    # Last supervised long ago, so professional supervision is overdue.
    org = smith_children(council(last_supervised=TODAY - dt.timedelta(days=120)))
    assert professional_supervision(org, TODAY) == "overdue"
    assert case_supervision(org.amy, TODAY) == "overdue"
    signed_in(page, live_server, org.manager.user)

    booked = book(page, live_server, org, "16:30")
    assert_accessible(page, context="the record page of a booking not yet held")
    tick_child(page, live_server, booked, "Amy Smith")
    assert booked.cases.filter(pk=org.amy.pk).exists()
    assert professional_supervision(org, TODAY) == "overdue"  # a plan, not supervision
    assert case_supervision(org.amy, TODAY) == "overdue"  # nor for the child ticked on it

    # 16:45, after the session (and within the 8 hours a sign-in lasts).
    with time_machine.travel(NOW + dt.timedelta(hours=7, minutes=45), tick=False):
        page.goto(f"{live_server.url}/")
        question = page.locator("main").get_by_text(re.compile("Did these take place"))
        expect(question).to_be_visible()
        assert_accessible(page, context="My work asking whether a booking took place")
        page.goto(f"{live_server.url}/records/{booked.pk}/")
        page.get_by_role("button", name="Confirm it took place").click()
        expect(page.locator(".govuk-notification-banner--success")).to_be_visible()
        assert_accessible(page, context="the record page of a booking that took place")
        screenshot(page, "held-confirmed")
    assert professional_supervision(org, TODAY + dt.timedelta(days=1)) != "overdue"
    assert case_supervision(org.amy, TODAY + dt.timedelta(days=1)) != "overdue"


def test_a_cancelled_booking_never_counts_and_says_why(page: Page, live_server) -> None:
    org = smith_children(council(last_supervised=TODAY - dt.timedelta(days=120)))
    signed_in(page, live_server, org.manager.user)
    booked = book(page, live_server, org, "08:30")
    tick_child(page, live_server, booked, "Amy Smith")

    page.goto(f"{live_server.url}/records/{booked.pk}/cancel/")
    assert_accessible(page, context="the cancel page")
    page.get_by_role("button", name=re.compile("Cancel")).first.click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page, context="the cancel page with its error")
    page.get_by_label(re.compile("Why")).fill("The worker was off sick; rebooked for Friday.")
    page.get_by_role("button", name=re.compile("Cancel")).first.click()

    page.goto(f"{live_server.url}/records/{booked.pk}/")
    expect(page.locator("main")).to_contain_text("The worker was off sick; rebooked for Friday.")
    assert_accessible(page, context="the record page of a cancelled booking")
    screenshot(page, "held-cancelled")
    assert professional_supervision(org, TODAY + dt.timedelta(days=1)) == "overdue"
    assert case_supervision(org.amy, TODAY + dt.timedelta(days=1)) == "overdue"
