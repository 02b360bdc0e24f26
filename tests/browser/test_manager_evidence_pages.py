"""Twice-yearly evidence in a real browser with JavaScript off (issue 14, N 8.1): the head of
service opens a manager's review from My work, is asked what they found, records the review and
sees it listed; every page is checked with axe-core."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, signed_in
from tests.council import Council, council, days_ago, record, sent, signed_agreement
from tests.engine.test_manager_evidence_review import policy_text_with_evidence_review

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("frozen_today"),
]


@pytest.fixture
def org(settings: Any, tmp_path: Path) -> Council:
    path = tmp_path / "ours.toml"
    path.write_text(policy_text_with_evidence_review("newham"), encoding="utf-8")
    settings.OVERSIGHT_POLICY = str(path)
    built = council()
    for n in range(3):
        sent(record(built.manager, built.worker, days_ago(14 * n + 2)))
    signed_agreement(built)
    return built


def test_the_head_reviews_a_managers_evidence_from_my_work(
    no_js_page: Page, live_server: Any, org: Council
) -> None:
    page = no_js_page
    signed_in(page, live_server, org.head.user)
    page.goto(f"{live_server.url}/")
    page.locator(f"a[href='/people/{org.manager.staff_id}/evidence/']").click()

    heading = "Review Tamsin Manager\N{RIGHT SINGLE QUOTATION MARK}s supervision evidence"
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    expect(page.get_by_role("link", name="One-to-one supervision on")).to_have_count(3)
    assert_accessible(page, context="review a manager's evidence")

    page.get_by_role("button", name="Record that I have reviewed this").click()
    expect(
        page.get_by_role("link", name="Enter what you found in the agreements and the records")
    ).to_be_visible()
    assert_accessible(page, context="review a manager's evidence, with errors")

    page.get_by_label("What did you find?").fill("Agreements in place; the records are timely.")
    page.get_by_role("button", name="Record that I have reviewed this").click()

    expect(page.get_by_text("Recorded that you reviewed Tamsin Manager's evidence")).to_be_visible()
    expect(page.get_by_text("Agreements in place; the records are timely.")).to_be_visible()
    assert_accessible(page, context="review recorded")
