"""Quality assurance in a real browser (issue 14): QA draws a sample of a team's records, grades
two, the supervisor responds, and the team's results page shows the audit; the sample redraws the
same with its seed. Every page is checked with axe-core. And the quality prompts appear beside a
case note as the manager types it."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from oversight.quality.models import AuditSample
from oversight.quality.rubric import RUBRIC
from tests.browser.conftest import assert_accessible, screenshot, signed_in
from tests.council import TODAY, Council, council, record, sent, smith_children

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("frozen_today"),
]

START = dt.date(2025, 4, 1)


@pytest.fixture
def team() -> Council:
    org = council()
    for n in range(4):
        who = org.worker if n % 2 else org.colleague
        sent(record(org.manager, who, START + dt.timedelta(days=7 * (n + 1))))
    return org


def fill_date(page: Page, legend: str, day: dt.date) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def grade_next(page: Page, sample_url: str, comment: str) -> None:
    page.goto(sample_url)
    page.get_by_role("link", name=re.compile(r"^Grade the record")).first.click()
    expect(page.get_by_role("heading", name="Grade the record")).to_be_visible()
    for criterion in RUBRIC:
        group = page.get_by_role("group", name=criterion.title)
        if criterion.key == "childs_voice":
            group.get_by_label("2 Requires improvement").check()
            page.get_by_label(f"Comment on {criterion.title.lower()}").fill(comment)
        else:
            group.get_by_label("3 Good").check()
    page.get_by_label("Overall comment").fill("Clear decisions; the child's words are missing.")
    page.get_by_role("button", name="Save the audit").click()
    expect(page.get_by_text("Audit saved")).to_be_visible()


def test_qa_samples_a_team_grades_two_records_and_the_supervisor_responds(
    browser: Browser, page: Page, live_server: Any, team: Council
) -> None:
    signed_in(page, live_server, team.qa)
    page.goto(f"{live_server.url}/quality/")
    page.get_by_role("button", name="Draw a sample").click()
    assert_accessible(page, context="draw a sample")
    page.get_by_role("button", name="Draw the sample").click()
    expect(page.get_by_role("link", name="Select the team to audit")).to_be_visible()
    assert_accessible(page, context="draw a sample, with errors")

    page.get_by_label("Team").select_option(label="Court Team 1")
    fill_date(page, "Records from", START)
    fill_date(page, "Records to", TODAY)
    page.get_by_label("How many records").fill("2")
    page.get_by_label("Seed (optional)").fill("31")
    page.get_by_role("button", name="Draw the sample").click()
    expect(page.get_by_text("Sample drawn: 2 records")).to_be_visible()
    expect(page.locator("#seed")).to_have_text("31")
    assert_accessible(page, context="the sample")
    sample_url = page.url

    page.get_by_role("link", name="Draw it again with the same seed to check").click()
    expect(page.locator("#check")).to_contain_text("the same 2 records, in the same order")

    grade_next(page, sample_url, "Nothing of what Wanda's children said.")
    assert_accessible(page, context="a graded audit")
    grade_next(page, sample_url, "The child's own words are not recorded.")
    screenshot(page, "quality-audit-graded")

    # The supervisor reads the audit and responds.
    manager = browser.new_context(locale="en-GB", bypass_csp=True).new_page()
    signed_in(manager, live_server, team.manager.user)
    manager.goto(f"{live_server.url}/quality/")
    expect(manager.get_by_text("Waiting for your response")).to_have_count(2)
    assert_accessible(manager, context="quality, for the supervisor")
    manager.get_by_role("link", name=re.compile("One-to-one supervision")).first.click()
    manager.get_by_label("Your response").fill("Agreed: I will record the child's own words.")
    manager.get_by_role("button", name="Send your response").click()
    expect(manager.get_by_text("Response saved")).to_be_visible()
    expect(manager.locator("#response")).to_be_visible()
    assert_accessible(manager, context="the audit, responded")

    # The team's results show both audits.
    page.goto(f"{live_server.url}/quality/teams/{team.team.pk}/")
    expect(page.locator("#records-graded")).to_have_text("2")
    expect(page.locator("#percent-good")).to_have_text("89%")  # 16 of 18 grades good
    expect(page.get_by_text("Supervisor responded")).to_be_visible()
    assert_accessible(page, context="team results")
    screenshot(page, "quality-team-results")
    assert AuditSample.objects.get().seed == 31

    # The team's compliance dashboard shows them beside the timeliness figures.
    manager.goto(f"{live_server.url}/dashboards/teams/{team.team.pk}/")
    expect(manager.locator("#quality-records")).to_have_text("2")
    expect(manager.locator("#quality-good")).to_have_text("89%")
    assert_accessible(manager, context="team dashboard with audit results")


def test_prompts_appear_beside_a_case_note_as_the_manager_writes(
    page: Page, live_server: Any
) -> None:
    org = smith_children(council())
    assert org.amy is not None
    draft = record(org.manager, org.worker, TODAY)
    signed_in(page, live_server, org.manager.user)
    page.goto(f"{live_server.url}/records/{draft.pk}/write/cases/{org.amy.pk}/")
    expect(page.get_by_role("heading", name="Quality prompts")).to_be_visible()

    page.get_by_label("Plan: progress and outcomes").fill(
        "Placement stable. Contact session went ahead."
    )

    prompts = page.locator("#quality-prompts")
    expect(prompts).to_contain_text("Instead of “Placement”, try “home”", timeout=8_000)
    expect(prompts).to_contain_text("The child's views and lived experience are not mentioned")
    page.get_by_label("Focus: the child's story").fill("Amy told me she wants to see her nan.")
    expect(prompts).not_to_contain_text("lived experience are not mentioned", timeout=8_000)
    assert_accessible(page, context="case note with prompts")
    screenshot(page, "quality-prompts-while-writing")

    # Advice, never a block: the draft saves as it is.
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft saved")).to_be_visible()
    expect(page.locator("#quality-prompts")).to_contain_text("Instead of “Placement”")
