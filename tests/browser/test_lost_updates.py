"""Two tabs open on the same draft in a real browser: the second save is refused with a message
naming who saved and when, the typed answers stay, the other tab's answers are shown, the page
passes axe-core, and saving again goes through (issue 9, finding 5)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from oversight.records.models import ProfessionalRecord
from tests.browser.conftest import assert_accessible, screenshot, signed_in
from tests.council import council, smith_children

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("frozen_today"),
]


WORKLOAD = re.compile("^What was discussed about the caseload")


def test_the_second_of_two_tabs_is_told_what_the_first_saved(page: Page, live_server) -> None:
    team = smith_children(council())
    record = team.session()
    signed_in(page, live_server, team.manager_user)
    url = f"{live_server.url}/records/{record.pk}/write/professional/"
    tab_a, tab_b = page, page.context.new_page()
    tab_a.goto(url)
    tab_b.goto(url)

    tab_a.get_by_label(re.compile("^Welfare")).fill("A: finding the caseload heavy.")
    tab_a.get_by_role("button", name="Save draft").click()
    expect(tab_a.get_by_text("Draft saved")).to_be_visible()

    tab_b.get_by_label(WORKLOAD).fill("B: eighteen children.")
    tab_b.get_by_role("button", name="Save draft").click()

    summary = tab_b.locator(".govuk-error-summary")
    expect(summary).to_contain_text(
        "You, in another tab or window, saved this record at 09:00, after you opened it."
    )
    expect(tab_b.get_by_label(WORKLOAD)).to_have_value("B: eighteen children.")
    expect(tab_b.locator("#their-changes")).to_contain_text("A: finding the caseload heavy.")
    assert_accessible(tab_b, context="the page refusing a save made after another")
    screenshot(tab_b, "lost-updates-refused")

    tab_b.get_by_label(re.compile("^Welfare")).fill("A: finding the caseload heavy.")
    tab_b.get_by_role("button", name="Save draft").click()

    expect(tab_b.get_by_text("Draft saved")).to_be_visible()
    stored = ProfessionalRecord.objects.get(session=record)
    assert (stored.welfare, stored.workload) == (
        "A: finding the caseload heavy.",
        "B: eighteen children.",
    )
