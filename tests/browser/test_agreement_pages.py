"""A supervision agreement from start to signature in a real browser, with and without JavaScript:
the manager prepares and confirms it, the worker confirms it, and axe-core checks every page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from oversight.organisation.models import Staff
from oversight.supervision.models import Agreement
from tests.browser.conftest import assert_accessible, screenshot, sign_in
from tests.council import DAY, TERMS, TODAY, council

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("frozen_today"),
]


PASSWORD = "a-long-test-password"


def with_password(staff: Staff) -> str:
    user = staff.user
    user.set_password(PASSWORD)
    user.save()
    return str(user.username)


@pytest.fixture(params=[True, False], ids=["javascript", "no-javascript"])
def pages(request: Any, browser: Browser) -> Iterator[tuple[Page, Page, str]]:
    """One browser window each for the manager and the worker (they sign in separately)."""
    javascript = request.param
    contexts = [
        # bypass_csp: axe-core is injected as an inline script, which the app's CSP forbids.
        browser.new_context(java_script_enabled=javascript, locale="en-GB", bypass_csp=True)
        for _ in range(2)
    ]
    for context in contexts:
        context.set_default_timeout(10_000)
    yield contexts[0].new_page(), contexts[1].new_page(), "js" if javascript else "nojs"
    for context in contexts:
        context.close()


def check(page: Page, name: str, suffix: str) -> None:
    assert_accessible(page, context=name)
    screenshot(page, f"agreements-{name}-{suffix}")


def test_an_agreement_is_prepared_confirmed_and_signed(
    pages: tuple[Page, Page, str], live_server: Any
) -> None:
    manager_page, worker_page, suffix = pages
    team = council(worker_started=TODAY - 10 * DAY)

    # The manager finds the worker and starts an agreement.
    sign_in(manager_page, live_server, with_password(team.manager), PASSWORD)
    manager_page.goto(f"{live_server.url}/agreements/")
    expect(manager_page.get_by_role("heading", level=1)).to_have_text("Supervision agreements")
    check(manager_page, "list", suffix)
    manager_page.get_by_role("link", name="Agreements of Wanda Worker").click()
    expect(
        manager_page.get_by_text("Supervision agreement with Tamsin Manager due")
    ).to_be_visible()
    check(manager_page, "staff", suffix)
    manager_page.get_by_role("button", name="Start a new agreement").click()
    expect(manager_page.get_by_role("heading", level=1)).to_contain_text(
        "New agreement between Tamsin Manager and Wanda Worker"
    )
    check(manager_page, "new", suffix)

    # Confirming with terms missing keeps what was typed and says what is missing.
    manager_page.get_by_label("How often will supervision happen?").select_option("14d")
    manager_page.get_by_label("Where will supervision take place?").fill("Meeting room 2")
    manager_page.get_by_role("button", name="Save and confirm").click()
    summary = manager_page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter how long each session will last")
    expect(manager_page.get_by_label("Where will supervision take place?")).to_have_value(
        "Meeting room 2"
    )
    expect(manager_page.get_by_label("How often will supervision happen?")).to_have_value("14d")
    expect(manager_page).to_have_title(
        "Error: New supervision agreement: Wanda Worker \N{EN DASH} Oversight"
    )
    check(manager_page, "new-errors", suffix)
    summary.get_by_role("link", name="Enter how long each session will last").click()
    if suffix == "js":
        expect(manager_page.get_by_label("How long will each session last?")).to_be_focused()
    assert not Agreement.objects.exists()

    # Saved as a draft, then completed and confirmed.
    manager_page.get_by_label("How long will each session last?").fill(TERMS["session_length"])
    manager_page.get_by_role("button", name="Save draft").click()
    expect(manager_page.get_by_text("Draft saved.")).to_be_visible()
    check(manager_page, "draft", suffix)
    manager_page.get_by_role("link", name="Change the terms").click()
    for label, name in (
        ("Who is responsible for recording supervision?", "recording"),
        ("What is the extent of confidentiality?", "confidentiality"),
        ("How will the agenda be set?", "agenda_setting"),
        ("How will difficulties be resolved?", "mediating_difficulties"),
    ):
        manager_page.get_by_label(label).fill(TERMS[name])
    check(manager_page, "edit", suffix)
    manager_page.get_by_role("button", name="Save and confirm").click()
    expect(manager_page.get_by_text("waiting for Wanda Worker to confirm")).to_be_visible()
    expect(manager_page.get_by_role("button", name="Confirm agreement")).to_have_count(0)
    check(manager_page, "awaiting-worker", suffix)

    # The worker confirms it from their list.
    sign_in(worker_page, live_server, with_password(team.worker), PASSWORD)
    worker_page.goto(f"{live_server.url}/agreements/")
    waiting = worker_page.get_by_role(
        "link", name="Agreement between Tamsin Manager and Wanda Worker", exact=True
    )
    expect(waiting).to_be_visible()
    check(worker_page, "worker-list", suffix)
    waiting.click()
    expect(worker_page.get_by_role("link", name="Change the terms")).to_have_count(0)
    expect(worker_page.get_by_text("Every 2 weeks (14d)")).to_be_visible()
    check(worker_page, "worker-detail", suffix)
    worker_page.get_by_role("button", name="Confirm agreement").click()
    today = timezone.localdate()
    expect(worker_page.locator(".govuk-notification-banner")).to_contain_text(
        f"It is signed and in force from {today.day} {today:%B %Y}."
    )
    check(worker_page, "signed", suffix)

    agreement = Agreement.objects.get()
    assert agreement.signed_date == today
    assert agreement.location == "Meeting room 2"

    # The worker's page now shows it in force, and the engine counts it as done.
    worker_page.get_by_role(
        "link", name="Back to Wanda Worker\N{RIGHT SINGLE QUOTATION MARK}s agreements"
    ).click()
    expect(worker_page.get_by_text("With Tamsin Manager, signed")).to_be_visible()
    expect(worker_page.locator(".app-tag--met").first).to_have_text("Done")
    check(worker_page, "worker-staff", suffix)
    assert today - team.worker_started < dt.timedelta(days=28)
