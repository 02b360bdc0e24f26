"""A supervisee's caseload in a real browser (issue 16, part 3): the manager follows the link from
the team page, reads the chart's numbers in the table beside it, and the page passes axe."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, screenshot, signed_in
from tests.council import child, council

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("frozen_today"),
]


def test_a_manager_opens_a_workers_caseload_from_the_team_page(
    page: Page, live_server: Any
) -> None:
    org = council()
    for name in ("Amy Smith", "Ben Jones", "Cara Khan"):
        child(org.worker, name=name)
    child(org.worker, name="Dan Ode", status="child_protection")
    signed_in(page, live_server, org.manager.user)

    page.goto(f"{live_server.url}/team/{org.team.pk}/")
    page.get_by_role("link", name="Caseload of Wanda Worker").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Caseload")
    expect(page.get_by_role("img", name="Children allocated to Wanda Worker")).to_be_visible()
    today_row = page.get_by_role("row").filter(has_text="(today)")
    expect(today_row).to_contain_text("4")
    expect(today_row).to_contain_text("Within")
    screenshot(page, "caseload")
    assert_accessible(page, context="caseload page")
