"""Two attendees agree a group record separately in a real browser (issue 8), axe checking each
page: the record waits for the second, shows who has agreed, and is agreed once both have."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import BrowserContext, Page, expect

from oversight.audit.actor import Actor
from oversight.records.models import Record
from oversight.records.workflow import State
from oversight.records.writing import save_group
from tests.browser.conftest import assert_accessible, screenshot, signed_in
from tests.council import TODAY, Council, conference_children, council

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("frozen_today"),
]


@pytest.fixture
def office() -> Council:
    return conference_children(council())


def sent_group(office: Council) -> Record:
    session = save_group(
        by=Actor(office.manager.user),
        session=None,
        author=office.manager,
        team=office.team,
        data={
            "date": TODAY - dt.timedelta(days=1),
            "facilitator": office.manager,
            "presented_by": office.worker,
            "attendees": [office.worker, office.colleague],
            "cases": [],
            "presentation": "Mother stopped engaging since the bereavement.",
            "hypotheses": "Grief rather than neglect?",
            "learning": "Use a genogram before the next visit.",
        },
        actions=[],
    )
    record = Record.of(session)
    record.send_to_worker(by=office.manager.user)
    return record


def open_as(context: BrowserContext, live_server, staff, record: Record) -> Page:
    page = context.new_page()
    signed_in(page, live_server, staff.user)
    page.goto(live_server.url + reverse("records:detail", args=[record.pk]))
    return page


def test_two_attendees_agree_a_group_record_separately(
    context: BrowserContext, live_server, office: Council
) -> None:
    record = sent_group(office)

    worker = open_as(context, live_server, office.worker, record)
    expect(worker.get_by_text("0 of 2 attendees have agreed")).to_be_visible()
    worker.get_by_role("button", name="Agree", exact=True).click()
    expect(
        worker.get_by_text("It is agreed once every attendee has agreed it").first
    ).to_be_visible()
    expect(worker.get_by_text("1 of 2 attendees have agreed")).to_be_visible()
    expect(worker.get_by_role("button", name="Agree", exact=True)).to_have_count(0)
    assert_accessible(worker, context="group record agreed by one of two attendees")
    worker.close()

    manager = open_as(context, live_server, office.manager, record)
    rows = manager.get_by_role("table", name="Each attendee's agreement of the record as last sent")
    expect(rows.get_by_role("row", name=f"{office.worker.name} Agreed")).to_be_visible()
    expect(rows.get_by_role("row", name=f"{office.colleague.name} Not yet agreed")).to_be_visible()
    screenshot(manager, "group-record-partly-agreed")
    manager.close()

    colleague = open_as(context, live_server, office.colleague, record)
    colleague.get_by_role("button", name="Agree", exact=True).click()
    expect(colleague.get_by_text("Every attendee has agreed the record.")).to_be_visible()
    assert_accessible(colleague, context="group record agreed by every attendee")
    screenshot(colleague, "group-record-agreed")
    assert Record.objects.get(pk=record.pk).state == State.AGREED


def test_an_attendee_returns_it_and_the_author_sees_why(
    context: BrowserContext, live_server, office: Council
) -> None:
    record = sent_group(office)
    # Each page is closed only once its answer has come back: closed with the form's request
    # still in flight, the browser once never answered again and the test hung.
    worker = open_as(context, live_server, office.worker, record)
    worker.get_by_role("button", name="Agree", exact=True).click()
    expect(worker.get_by_text("1 of 2 attendees have agreed")).to_be_visible()
    worker.close()

    colleague = open_as(context, live_server, office.colleague, record)
    colleague.get_by_label("Why are you returning the record?").fill(
        "I presented the case, not Wanda."
    )
    colleague.get_by_role("button", name="Return to supervisor").click()
    expect(colleague.get_by_role("button", name="Return to supervisor")).to_have_count(0)
    colleague.close()

    manager = open_as(context, live_server, office.manager, record)
    expect(manager.get_by_text("I presented the case, not Wanda.").first).to_be_visible()
    expect(manager.get_by_role("button", name="Send to the attendees")).to_be_visible()
    assert_accessible(manager, context="group record returned by one attendee")
    screenshot(manager, "group-record-returned-by-one")

    manager.get_by_role("link", name="Edit the record").click()
    expect(manager.get_by_text(f"Returned by {office.colleague.name}")).to_be_visible()
    assert_accessible(manager, context="correcting a group record returned by one attendee")
    screenshot(manager, "group-record-returned-form")
