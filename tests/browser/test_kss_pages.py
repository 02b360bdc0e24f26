"""Knowledge and Skills Statements in a real browser (issue 16): the manager tags the professional
discussion and a learning activity, answers the workload question beside the worker's caseload,
and sends the record; the worker opens their coverage from My work and sees the statements the
record covered and those not yet covered. Each page passes axe."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from oversight.records.models import LearningActivity, ProfessionalRecord
from tests.browser.conftest import assert_accessible, screenshot, signed_in
from tests.council import child, council

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("frozen_today"),
]


def test_a_manager_tags_a_record_and_the_worker_sees_their_coverage(
    page: Page, live_server: Any
) -> None:
    org = council()
    for name in ("Amy Smith", "Ben Jones", "Cara Khan"):
        child(org.worker, name=name)
    record = org.session(dt.date(2025, 6, 10))
    signed_in(page, live_server, org.manager.user)

    page.goto(f"{live_server.url}/records/{record.pk}/write/professional/")
    expect(page.get_by_text("Wanda Worker held 3 children on 10 June 2025")).to_be_visible()
    page.get_by_label("Welfare").fill("Settled after the court case.")
    page.get_by_role("group", name="Is the caseload within").get_by_label("Yes").check()
    page.get_by_label("What was discussed about the caseload and workload").fill(
        "Three children; room for one more next month."
    )
    discussed = page.get_by_role("group", name="Knowledge and skills statements discussed")
    discussed.get_by_label("7. Analysis, decision-making, planning and review").check()
    discussed.get_by_label("10. The role of supervision and research").check()
    page.locator("#id_learning-0-activity").fill("Court skills course")
    page.get_by_role("group", name="Knowledge and skills statements it developed").get_by_label(
        "8. The law and the family justice system"
    ).check()
    screenshot(page, "kss-professional-form")
    assert_accessible(page, context="professional part with KSS tags")
    page.get_by_role("button", name="Save and go back to the record").click()
    page.get_by_role("button", name="Send to Wanda Worker").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Record sent")

    professional = ProfessionalRecord.objects.get(session=record)
    assert professional.kss == ["cfsw-7", "cfsw-10"]
    assert LearningActivity.objects.get(professional_record=professional).kss == ["cfsw-8"]

    page.context.clear_cookies()
    signed_in(page, live_server, org.worker.user)
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="The knowledge and skills your supervision covered").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Knowledge and skills")
    expect(page.get_by_text("3 of 11")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="8. The law and the family justice system")
    expect(row).to_contain_text("10 June 2025: learning, Court skills course")
    uncovered = page.get_by_role("row").filter(has_text="1. The role of child and family")
    expect(uncovered).to_contain_text("Not yet covered")
    page.get_by_role("row").filter(has_text="10. The role of supervision").get_by_role(
        "link", name="10 June 2025"
    ).click()
    expect(page).to_have_url(f"{live_server.url}/records/{record.pk}/")
    expect(page.get_by_text("Within competence and capacity?")).to_be_visible()
    assert_accessible(page, context="record with its workload discussion and KSS tags")
    page.go_back()
    screenshot(page, "kss-coverage")
    assert_accessible(page, context="KSS coverage page")
