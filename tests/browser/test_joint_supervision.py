"""Joint supervision in a real browser (issue 16; B 3, 3.1.10), axe checking each page: the manager
books one case discussion with two workers jointly working with the Smith family, each worker
agrees the record for themselves, and it meets the case supervision of both workers' children."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import BrowserContext, Page, expect

from oversight.facts.live import worker_obligations
from oversight.records.models import Record
from oversight.records.workflow import State
from tests.browser.conftest import assert_accessible, screenshot, signed_in
from tests.council import TODAY, Council, council, smith_children
from tests.factories import (
    START,
    AllocationFactory,
    CaseFactory,
    CaseNoteFactory,
    CaseStatusFactory,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("frozen_today"),
]


@pytest.fixture
def family() -> Council:
    """Amy Smith is Wanda's; her sister Dina is Colin's. Both are on child protection plans."""
    org = smith_children(council())
    assert org.amy is not None
    org.case = CaseFactory(
        case_id="C-DINA",
        display_name="Dina Smith",
        sibling_group=org.amy.sibling_group,
        open_date=START,
    )
    AllocationFactory(case=org.case, worker=org.colleague, start_date=START)
    CaseStatusFactory(case=org.case, status="child_protection", start_date=START)
    return org


def open_as(context: BrowserContext, live_server, staff, path: str) -> Page:
    page = context.new_page()
    signed_in(page, live_server, staff.user)
    page.goto(live_server.url + path)
    return page


def last_supervised(staff, case_id: str):
    return next(
        o.last_met
        for o in worker_obligations(staff, TODAY)
        if o.subject_id == case_id and o.obligation == "case_supervision"
    )


def test_joint_supervision_meets_both_workers_obligations(
    context: BrowserContext, live_server, family: Council
) -> None:
    assert family.amy is not None
    assert family.case is not None
    manager = open_as(
        context, live_server, family.manager, f"/records/new/?supervisee={family.worker.staff_id}"
    )
    manager.get_by_label("Case discussion only").check()
    expect(
        manager.get_by_role(
            "group", name="Is anyone else working with the family supervised with them?"
        )
    ).to_be_visible()
    expect(manager.get_by_label("Olive Outsider")).to_have_count(0)
    manager.get_by_label("Colin Colleague").check()
    manager.locator("#id_date_day").fill(str(TODAY.day))
    manager.locator("#id_date_month").fill(str(TODAY.month))
    manager.locator("#id_date_year").fill(str(TODAY.year))
    manager.get_by_label("Start time").fill("08:00")  # earlier this morning: it has taken place
    manager.get_by_label("Length in minutes").fill("60")
    manager.get_by_label("Place").fill("Meeting room 2")
    assert_accessible(manager, context="booking a joint case discussion")
    manager.get_by_role("button", name="Book session").click()
    expect(
        manager.get_by_text("Session with Wanda Worker and Colin Colleague booked")
    ).to_be_visible()
    expect(manager.get_by_text("Wanda Worker, Colin Colleague")).to_be_visible()

    # The children of both workers are offered; the notes are written as on any record.
    record = Record.objects.get(type="case_discussion")
    manager.goto(live_server.url + reverse("records:edit", args=[record.pk]))
    expect(manager.get_by_text("Wanda Worker and Colin Colleague, jointly working")).to_be_visible()
    manager.get_by_role("link", name="Change who else is supervised").click()
    expect(manager.get_by_label("Colin Colleague")).to_be_checked()
    assert_accessible(manager, context="who else is supervised in a case discussion")
    manager.goto(live_server.url + reverse("records:cases", args=[record.pk]))
    manager.get_by_label("Amy Smith").check()
    manager.get_by_label("Dina Smith").check()
    assert_accessible(manager, context="choosing the children of a joint case discussion")
    with manager.expect_navigation():  # saved before the notes are written below
        manager.get_by_role("button", name="Save the children chosen").click()
    for case in (family.amy, family.case):
        CaseNoteFactory(session=record, case=case)
    # Sending the record confirms that the session took place.
    manager.goto(live_server.url + reverse("records:detail", args=[record.pk]))
    manager.get_by_role("button", name="Send to the supervisees").click()
    expect(manager.get_by_text("0 of 2 supervisees have agreed")).to_be_visible()
    assert_accessible(manager, context="joint case discussion sent to both supervisees")
    manager.close()

    worker = open_as(context, live_server, family.worker, "/")
    worker.get_by_role("link", name="Case discussion").first.click()
    worker.get_by_role("button", name="Agree", exact=True).click()
    expect(worker.get_by_text("1 of 2 supervisees have agreed")).to_be_visible()
    expect(worker.get_by_role("button", name="Agree", exact=True)).to_have_count(0)
    assert_accessible(worker, context="joint case discussion agreed by one supervisee")
    worker.close()
    assert Record.objects.get(pk=record.pk).state == State.SENT

    colleague = open_as(
        context, live_server, family.colleague, reverse("records:detail", args=[record.pk])
    )
    rows = colleague.get_by_role(
        "table", name="Each supervisee's agreement of the record as last sent"
    )
    expect(rows.get_by_role("row", name=f"{family.worker.name} Agreed")).to_be_visible()
    colleague.get_by_role("button", name="Agree", exact=True).click()
    expect(colleague.get_by_text("Every supervisee has agreed the record.")).to_be_visible()
    assert_accessible(colleague, context="joint case discussion agreed by both supervisees")
    screenshot(colleague, "joint-supervision-agreed")

    assert Record.objects.get(pk=record.pk).state == State.AGREED
    assert last_supervised(family.worker, family.amy.case_id) == TODAY
    assert last_supervised(family.colleague, family.case.case_id) == TODAY
