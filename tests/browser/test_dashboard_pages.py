"""The compliance dashboards in a real browser: a head of service drills down from the whole
organisation to a team and an overdue child and opens the child's page; every dashboard passes axe
(WCAG 2.2 AA); the figures read the same with JavaScript off; the page prints without the menus."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, screenshot, signed_in
from tests.council import DAY, Council, child, council, today

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("frozen_today"),
]


def council_with_figures() -> Council:
    """The test council with a child overdue for case supervision in Court Team 1 and another in
    time, and the figures computed as `oversight summarise` does every night."""
    org = council(last_supervised=today() - 10 * DAY)
    org.amy = child(org.worker, name="Amy Smith", last_supervised=today() - 70 * DAY)
    org.ben = child(org.colleague, name="Ben Jones", last_supervised=today() - 5 * DAY)
    child(org.outsider, name="Cara Khan", last_supervised=today() - 80 * DAY)
    call_command("summarise", "--as-of", today().isoformat(), stdout=io.StringIO())
    return org


def test_a_head_of_service_drills_down_to_an_overdue_child_and_opens_them(
    page: Page, live_server: Any
) -> None:
    org = council_with_figures()
    signed_in(page, live_server, org.head.user)

    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Dashboards").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Whole organisation")
    screenshot(page, "dashboard-organisation")
    assert_accessible(page, context="organisation dashboard")

    page.get_by_role("link", name="Children's social care").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Children's social care")
    screenshot(page, "dashboard-service")
    assert_accessible(page, context="service dashboard")

    page.get_by_role("link", name="Court Team 1", exact=True).click()  # not its caseloads
    expect(page.get_by_role("heading", level=1)).to_have_text("Court Team 1")
    screenshot(page, "dashboard-team")
    assert_accessible(page, context="team dashboard")

    overdue = page.locator("section.app-behind").filter(has_text="Case supervision")
    row = overdue.get_by_role("row").filter(has_text="Amy Smith")
    expect(row).to_contain_text("Overdue")
    expect(row).to_contain_text("Discuss the child in case supervision and record it")
    expect(overdue.get_by_role("table")).not_to_contain_text("Ben Jones")  # in time
    row.get_by_role("link", name="Amy Smith", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Amy Smith")


def test_the_dashboards_read_the_same_without_javascript_and_filter_by_team(
    no_js_page: Page, live_server: Any
) -> None:
    org = council_with_figures()
    signed_in(no_js_page, live_server, org.qa)
    page = no_js_page

    page.goto(f"{live_server.url}/dashboards/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Whole organisation")
    figures = page.get_by_role("table", name="How many obligations were in time")
    expect(figures.get_by_role("row").filter(has_text="Case supervision")).to_contain_text("33.3%")
    # Every figure on the page is the one `oversight indicators` prints for the organisation.
    shown = {
        row.get_attribute("data-obligation"): [
            cell.inner_text() for cell in row.locator("td").all()
        ]
        for row in figures.locator("tbody tr").all()
    }
    out = io.StringIO()
    call_command("indicators", "--as-of", today().isoformat(), "--by", "organisation", stdout=out)
    printed = {
        row["obligation"]: [
            f"{row['percent']}%" if row["percent"] else "none counted",
            row["counted"],
            row["in_time"],
            row["met_late"],
            row["overdue"],
        ]
        for row in csv.DictReader(io.StringIO(out.getvalue()))
    }
    assert shown == printed
    assert_accessible(page, context="organisation dashboard without JavaScript")

    page.get_by_label("Team").select_option(label="Assessment Team 1")
    page.get_by_role("button", name="Show figures").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Assessment Team 1")
    expect(page.locator("section.app-behind").first).to_contain_text("Cara Khan")


def test_a_dashboard_prints_its_figures_without_the_menus_or_filters(
    page: Page, live_server: Any
) -> None:
    org = council_with_figures()
    signed_in(page, live_server, org.qa)
    page.goto(f"{live_server.url}/dashboards/organisation/")
    page.emulate_media(media="print")

    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_role("table", name="How many obligations were in time")).to_be_visible()
    expect(page.locator("form.app-dashboard-filters")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Menu")).to_be_hidden()
    screenshot(page, "dashboard-organisation-print")
