"""Reminder emails and the reminders page in a real browser (issue 11): the emails read well and
pass axe as HTML, and their links lead to the page where the work is done."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings
from playwright.sync_api import Page, expect

from oversight.reminders.events import compose_event
from oversight.reminders.models import Frequency, Message, Preference
from oversight.reminders.runs import weekly
from tests.browser.conftest import assert_accessible, signed_in
from tests.council import DAY, TODAY, council, record

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("frozen_today"),
]


def test_a_manager_follows_the_email_about_a_returned_record_to_the_record(
    page: Page, live_server: Any
) -> None:
    org = council(last_supervised=TODAY - 120 * DAY)
    org.manager.email = "tamsin@council.example"
    org.manager.save(update_fields=["email"])
    draft = record(org.manager, org.worker, TODAY - DAY)
    draft.send_to_worker(by=org.manager.user, on=TODAY)
    returned = draft.return_to_supervisor(by=org.worker.user, reason="The visit date is wrong")
    with override_settings(OVERSIGHT_SITE_URL=live_server.url):
        [message] = compose_event("record_returned", returned.pk)
    signed_in(page, live_server, org.manager.user)
    page.set_content(message.html)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "A supervision record was returned to you"
    )
    assert_accessible(page, context="the email about a returned record")
    page.get_by_role("link", name="Open it in Oversight").click()
    expect(page).to_have_url(f"{live_server.url}/records/{draft.pk}/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_the_weekly_digest_passes_axe(page: Page, live_server: Any) -> None:
    org = council(last_supervised=TODAY - 120 * DAY)
    org.head.email = "hari@council.example"
    org.head.save(update_fields=["email"])
    weekly(TODAY)
    digest = Message.objects.get(recipient=org.head)
    page.set_content(digest.html)
    expect(
        page.get_by_role("heading", name="Overdue by more than 14 days in your area")
    ).to_be_visible()
    assert_accessible(page, context="the weekly digest")


def test_a_worker_chooses_weekly_reminders(page: Page, live_server: Any) -> None:
    org = council()
    signed_in(page, live_server, org.worker.user)
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Reminders").click()
    assert_accessible(page, context="the reminders page")
    page.get_by_label("A summary each Monday only").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Monday only")
    assert Preference.objects.get(staff=org.worker).frequency == Frequency.WEEKLY


def test_a_manager_finds_the_return_in_their_notifications_and_opens_the_record(
    page: Page, live_server: Any
) -> None:
    org = council(last_supervised=TODAY - 120 * DAY)
    draft = record(org.manager, org.worker, TODAY - DAY)
    draft.send_to_worker(by=org.manager.user, on=TODAY)
    draft.return_to_supervisor(by=org.worker.user, reason="The visit date is wrong")

    signed_in(page, live_server, org.manager.user)
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Notifications (1 new)").click()
    expect(page.get_by_role("heading", name="Notifications", level=1)).to_be_visible()
    assert_accessible(page, context="the notification list")
    page.get_by_role("link", name="was returned to you to correct").click()
    expect(page).to_have_url(f"{live_server.url}/records/{draft.pk}/")
    expect(page.locator("main")).to_contain_text("The visit date is wrong")
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("link", name="Notifications", exact=True)).to_be_visible()
