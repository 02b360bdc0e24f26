"""Writing each of the other kinds of record in a real browser, with axe-core checking WCAG 2.2 AA
on every page, and one written with JavaScript switched off."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, expect

from oversight.records.models import ChairReview, GroupRecord, OversightNote, PracticeObservation
from oversight.supervision.models import Session
from tests.browser.conftest import assert_accessible, screenshot
from tests.council import TODAY, Council, conference_children, council

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("frozen_today"),
]

YESTERDAY = TODAY - dt.timedelta(days=1)


@pytest.fixture
def office() -> Council:
    return conference_children(council())


def sign_in(page: Page, live_server, user) -> None:
    """A signed-in browser session for `user` (signing in itself is tested in test_sign_in)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )


def fill_date(page: Page, legend: str, day: dt.date) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def saved_and_readable(page: Page, name: str) -> None:
    """After saving: the record's page, with the success banner, accessible."""
    expect(page.get_by_text(re.compile(r"record created\. It is a draft"))).to_be_visible()
    assert_accessible(page, context=f"{name} after saving")
    screenshot(page, f"other-records-{name}-saved")


def test_a_manager_records_management_oversight(page: Page, live_server, office: Council) -> None:
    sign_in(page, live_server, office.manager.user)
    page.goto(f"{live_server.url}/records/oversight/new/?case={office.case.case_id}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Record management oversight")
    assert_accessible(page, context="new management oversight")
    screenshot(page, "other-records-oversight-new")

    # Saving in full with nothing written names each missing part, and keeps the date.
    page.get_by_role("button", name="Save record").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_role("link", name="Enter the decision")).to_be_visible()
    assert_accessible(page, context="management oversight with errors")
    screenshot(page, "other-records-oversight-errors")

    page.get_by_label("Ad hoc case discussion with the worker").check()
    page.get_by_label("Decision", exact=True).fill("Convene a strategy discussion today.")
    page.get_by_label("Why (rationale)").fill("Threshold for section 47 enquiries is met.")
    page.get_by_label("Action", exact=True).fill("Arrange the strategy discussion.")
    page.get_by_label("Who is responsible").select_option(label=office.worker.name)
    page.get_by_role("button", name="Save record").click()

    saved_and_readable(page, "oversight")
    note = OversightNote.objects.get()
    assert (note.session.type, note.case) == ("case_discussion", office.case)


def test_a_manager_records_group_supervision(page: Page, live_server, office: Council) -> None:
    sign_in(page, live_server, office.manager.user)
    page.goto(f"{live_server.url}/records/group/new/?team={office.team.pk}")
    assert_accessible(page, context="new group supervision")
    screenshot(page, "other-records-group-new")

    fill_date(page, "Date of the group supervision", YESTERDAY)
    page.get_by_label(office.worker.name).check()
    page.get_by_label(office.colleague.name).check()
    page.get_by_label("Who presented the case?").select_option(label=office.worker.name)
    page.get_by_label("Children presented").fill("C-MILO, C-NOBODY")
    page.get_by_label("The case or issue presented").fill("Mother stopped engaging.")
    page.get_by_label("Learning", exact=True).fill("Use a genogram before the next visit.")
    page.get_by_role("button", name="Save record").click()

    expect(
        page.get_by_role("link", name=re.compile("No child you can see has the ID C-NOBODY"))
    ).to_be_visible()
    expect(page.get_by_label("Learning", exact=True)).to_have_value(
        "Use a genogram before the next visit."
    )
    expect(page.get_by_label(office.colleague.name)).to_be_checked()
    assert_accessible(page, context="group supervision with errors")
    screenshot(page, "other-records-group-errors")

    page.get_by_label("Children presented").fill("C-MILO")
    page.get_by_role("button", name="Save record").click()

    saved_and_readable(page, "group")
    assert GroupRecord.objects.get().attendees.count() == 2


def test_a_manager_records_a_practice_observation(page: Page, live_server, office: Council) -> None:
    sign_in(page, live_server, office.manager.user)
    page.goto(f"{live_server.url}/records/observation/new/?staff={office.worker.staff_id}")
    expect(page.get_by_text("0 recorded between 1 April")).to_be_visible()
    assert_accessible(page, context="new practice observation")
    screenshot(page, "other-records-observation-new")

    page.get_by_label("Other", exact=True).check()
    page.get_by_label("Strengths").fill("Warm, clear explanation of the plan.")
    page.get_by_label("Areas for development").fill("Check the child's understanding.")
    page.get_by_role("button", name="Save record").click()
    problem = page.get_by_role("link", name="Describe the setting, as you chose Other")
    expect(problem).to_be_visible()
    assert_accessible(page, context="practice observation with errors")

    page.get_by_label("Describe the setting").fill("Strategy meeting at the school")
    page.get_by_role("button", name="Save record").click()

    saved_and_readable(page, "observation")
    assert PracticeObservation.objects.get().setting_detail == "Strategy meeting at the school"


def test_a_reviewing_manager_records_conference_chair_supervision(
    page: Page, live_server, office: Council
) -> None:
    sign_in(page, live_server, office.chairs_manager.user)
    page.goto(f"{live_server.url}/records/chair/new/?staff={office.chair.staff_id}")
    assert_accessible(page, context="new conference chair supervision")
    screenshot(page, "other-records-chair-new")

    page.get_by_label("Noah Near (C-NEAR)").check()
    page.get_by_role("button", name="Show the questions for the children chosen").click()
    question = page.get_by_label(re.compile(r"^1\. Is the child protection plan effective"))
    question.fill("Partly: the core group has not met since June.")
    page.get_by_label("2. What is working well?").fill("School attendance is up.")
    assert_accessible(page, context="conference chair supervision with questions")
    screenshot(page, "other-records-chair-questions")
    page.get_by_role("button", name="Save record").click()

    saved_and_readable(page, "chair")
    assert ChairReview.objects.get().working_well == "School attendance is up."


def test_oversight_is_recorded_with_javascript_switched_off(
    no_js_page: Page, live_server, office: Council
) -> None:
    page = no_js_page
    sign_in(page, live_server, office.manager.user)
    page.goto(f"{live_server.url}/records/oversight/new/?case={office.case.case_id}")
    page.get_by_label("Decision", exact=True).fill("Convene a strategy discussion today.")
    page.get_by_label("Action", exact=True).fill("Arrange the strategy discussion.")
    page.get_by_label("Who is responsible").select_option(label=office.worker.name)

    page.get_by_role("button", name="Add another action").click()
    expect(page.get_by_role("group", name="Action 2")).to_be_visible()
    expect(page.get_by_label("Decision", exact=True)).to_have_value(
        "Convene a strategy discussion today."
    )
    page.get_by_role("group", name="Action 2").get_by_label("Action", exact=True).fill(
        "Tell the school the outcome."
    )
    page.get_by_role("group", name="Action 2").get_by_label("Who is responsible").select_option(
        label=office.manager.name
    )
    assert_accessible(page, context="management oversight without JavaScript")
    page.get_by_role("button", name="Save as draft").click()

    expect(page.get_by_text(re.compile(r"record created\. It is a draft"))).to_be_visible()
    session = Session.objects.get()
    assert session.actions.count() == 2
    assert session.oversight_notes.get().rationale == ""
