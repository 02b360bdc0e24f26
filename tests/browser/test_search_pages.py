"""The search and the records list's filters in a real browser: a manager finds a child by ID and
opens their page, then filters the records list; both pages pass axe (WCAG 2.2 AA), wide and
375 pixels narrow, and work without JavaScript."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from oversight.cases.models import Case
from tests.browser.conftest import assert_accessible, screenshot, sign_in
from tests.council import Council, child, council, days_ago, record, sent

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("frozen_today"),
]

PASSWORD = "a-long-browser-password"


def can_sign_in(user: Any) -> str:
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    return user.get_username()


def team_with_records() -> tuple[Council, Case]:
    org = council()
    amara = child(org.worker, name="Amara Okafor")
    amara.case_id = "CHILD-4410"
    amara.save()
    child(org.outsider, name="Dara Khan")
    record(org.manager, org.worker, days_ago(40), case=amara)  # never written up: late
    sent(record(org.manager, org.worker, days_ago(12), case=amara))
    sent(record(org.manager, org.colleague, days_ago(5)))
    return org, amara


def both_widths(page: Page, name: str) -> None:
    screenshot(page, name)
    assert_accessible(page, context=name)
    page.set_viewport_size({"width": 375, "height": 800})
    screenshot(page, f"{name}-375")
    assert_accessible(page, context=f"{name}, 375 pixels wide")
    page.set_viewport_size({"width": 1280, "height": 800})


def test_a_manager_finds_a_child_by_id_and_filters_the_records_list(
    page: Page, live_server: Any
) -> None:
    org, amara = team_with_records()
    sign_in(page, live_server, can_sign_in(org.manager.user), PASSWORD)

    page.get_by_role("link", name="Search", exact=True).click()
    page.get_by_label("Search for a child, a person or a record").fill("child-4410")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="Children (1)")).to_be_visible()
    both_widths(page, "search-results-manager")
    page.get_by_role("link", name="Amara Okafor").click()
    expect(page).to_have_url(f"{live_server.url}/children/{amara.case_id}/")
    page.go_back()
    page.get_by_label("Search for a child, a person or a record").fill("wanda")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="People (1)")).to_be_visible()
    expect(page.get_by_role("heading", name="Records (2)")).to_be_visible()
    both_widths(page, "search-people-and-records-manager")
    page.go_back()
    page.get_by_role("link", name="Amara Okafor").click()
    expect(page).to_have_url(f"{live_server.url}/children/{amara.case_id}/")
    expect(page.get_by_role("heading", name="Amara Okafor", level=1)).to_be_visible()

    page.get_by_role("link", name="Records", exact=True).click()
    page.get_by_text("Filter records").click()
    page.get_by_label("Worker").select_option(label=f"{org.worker.name} ({org.worker.staff_id})")
    page.get_by_label("Late write-ups only").check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_text("Showing 1 to 1 of 1 record that matches the filters")).to_be_visible()
    expect(page.get_by_text("Write-up due")).to_be_visible()
    expect(page.get_by_label("Late write-ups only")).to_be_checked()
    both_widths(page, "records-list-filtered-manager")


def test_the_search_and_the_filters_work_without_javascript(
    no_js_page: Page, live_server: Any
) -> None:
    org, _ = team_with_records()
    sign_in(no_js_page, live_server, can_sign_in(org.manager.user), PASSWORD)

    no_js_page.goto(f"{live_server.url}/search/?q=Dara")
    nothing = "No results for \N{LEFT SINGLE QUOTATION MARK}Dara\N{RIGHT SINGLE QUOTATION MARK}"
    expect(no_js_page.get_by_role("heading", name=nothing)).to_be_visible()
    no_js_page.goto(f"{live_server.url}/records/")
    no_js_page.get_by_text("Filter records").click()
    no_js_page.get_by_label("Day").first.fill("31")
    no_js_page.get_by_label("Month").first.fill("2")
    no_js_page.get_by_label("Year").first.fill("2025")
    no_js_page.get_by_role("button", name="Apply filters").click()
    expect(no_js_page.get_by_text("There is a problem")).to_be_visible()
    expect(no_js_page.get_by_role("link", name="The From date must be a real date")).to_be_visible()
    assert_accessible(no_js_page, context="records list with a date error, without JavaScript")
