"""My work, a child's page, open actions and a team page in a real browser: each role's pages
pass axe (WCAG 2.2 AA), work without JavaScript, and a manager can reach a child by keyboard."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from oversight.cases.models import Case
from tests.browser.conftest import assert_accessible, focused, screenshot, sign_in, tab_to
from tests.council import DAY, Council, action, child, council, record, sent, today
from tests.factories import user_in_group

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


def busy_council() -> tuple[Council, Case, Case]:
    """A team with children due and overdue, a record to agree, a returned one, and actions."""
    org = council(last_supervised=today() - 10 * DAY)
    amara = child(org.worker, name="Amara Okafor", last_supervised=today() - 60 * DAY)
    bisi = child(org.worker, name="Bisi Okafor", last_supervised=today() - 52 * DAY)
    child(org.colleague, name="Chidi Mensah", last_supervised=today() - 10 * DAY)
    child(org.outsider, name="Dara Khan", last_supervised=today() - 70 * DAY)
    shared = record(org.manager, org.worker, today() - 7 * DAY, case=amara)
    action(shared, due=today() - DAY, text="See Amara alone at school", case=amara)
    action(shared, due=today() + 10 * DAY, text="Book the core group meeting")
    sent(shared)
    returned = sent(record(org.manager, org.colleague, today() - 3 * DAY))
    returned.return_to_supervisor(by=org.colleague.user, reason="The visit date is wrong.")
    record(org.manager, org.worker, today() - DAY, case=amara)
    org.worker.sessions_received.create(
        type="individual",
        date=today() + 2 * DAY,
        supervisor=org.manager,
        location="Meeting room 2",
    )
    # Amara was supervised last week; Bisi is due soon, so is on the manager's list.
    return org, amara, bisi


def visit(page: Page, live_server: Any, path: str, name: str) -> None:
    page.goto(f"{live_server.url}{path}")
    expect(page.locator("h1")).to_be_visible()
    screenshot(page, name)
    assert_accessible(page, context=f"{name} ({path})")


def test_a_workers_pages_are_accessible(page: Page, live_server: Any) -> None:
    org, amara, _ = busy_council()
    sign_in(page, live_server, can_sign_in(org.worker.user), PASSWORD)

    visit(page, live_server, "/", "my-work-worker")
    expect(page.get_by_text("Meeting room 2")).to_be_visible()
    expect(page.get_by_role("link", name="Read and agree")).to_have_count(1)
    visit(page, live_server, f"/children/{amara.case_id}/", "child-page-worker")
    expect(page.get_by_role("heading", name="Amara Okafor")).to_be_visible()
    visit(page, live_server, "/actions/", "actions-worker")
    expect(page.get_by_text("See Amara alone at school")).to_be_visible()


def test_a_managers_pages_are_accessible(page: Page, live_server: Any) -> None:
    org, amara, _ = busy_council()
    sign_in(page, live_server, can_sign_in(org.manager.user), PASSWORD)

    visit(page, live_server, "/", "my-work-manager")
    expect(page.get_by_text("Reason: The visit date is wrong.")).to_be_visible()
    visit(page, live_server, "/actions/", "actions-manager")
    visit(page, live_server, f"/children/{amara.case_id}/", "child-page-manager")
    expect(page.get_by_text("Only you can see this until you send it.")).to_be_visible()
    visit(page, live_server, f"/team/{org.team.pk}/", "team-page-manager")


def test_a_heads_pages_are_accessible(page: Page, live_server: Any) -> None:
    org, _, _ = busy_council()
    sign_in(page, live_server, can_sign_in(org.head.user), PASSWORD)

    visit(page, live_server, "/", "my-work-head")
    page.get_by_role("link", name="Court Team 1").click()
    expect(page.get_by_role("heading", name="Court Team 1", level=1)).to_be_visible()
    screenshot(page, "team-page-head")
    assert_accessible(page, context="team page, head")


def test_the_page_for_someone_without_a_staff_record_is_accessible(
    page: Page, live_server: Any
) -> None:
    auditor = user_in_group("auditor", "Quality assurance")
    sign_in(page, live_server, can_sign_in(auditor), PASSWORD)

    visit(page, live_server, "/", "my-work-auditor")
    expect(page.get_by_role("link", name="Check the audit trail")).to_be_visible()


def test_a_manager_reaches_a_child_due_supervision_by_keyboard_alone(
    page: Page, live_server: Any
) -> None:
    org, _, bisi = busy_council()
    sign_in(page, live_server, can_sign_in(org.manager.user), PASSWORD)
    page.goto(f"{live_server.url}/")

    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Skip to main content"
    page.keyboard.press("Enter")
    tab_to(page, lambda f: f["text"].startswith("Bisi Okafor"), limit=40)
    page.keyboard.press("Enter")

    expect(page).to_have_url(f"{live_server.url}/children/{bisi.case_id}/")
    expect(page.get_by_role("heading", name="Bisi Okafor")).to_be_visible()


def test_my_work_and_the_child_page_work_without_javascript(
    no_js_page: Page, live_server: Any
) -> None:
    org, _, _ = busy_council()
    sign_in(no_js_page, live_server, can_sign_in(org.manager.user), PASSWORD)

    visit(no_js_page, live_server, "/", "my-work-manager-no-js")
    # Bisi is on the manager's list once for each thing due for her; any link opens her page.
    no_js_page.get_by_role("link", name="Bisi Okafor").first.click()
    expect(no_js_page.get_by_role("heading", name="Bisi Okafor")).to_be_visible()
    assert_accessible(no_js_page, context="child page without JavaScript")
