"""The whole journey of a one-to-one, in a real browser, with axe-core on every page seen.

The manager books a session, writes case supervision for two children and the professional
part, and sends it; the worker returns it with a reason (by keyboard only); the manager corrects
and resends it; the worker agrees (by keyboard); the record is then locked, is on both children's
chronologies, and the engine's due dates have moved.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.urls import Resolver404, resolve
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect

from oversight.facts.live import staff_obligations, worker_obligations
from oversight.records.models import Record
from oversight.records.queries import chronology
from oversight.records.workflow import State
from oversight.supervision.models import Session
from tests.browser.conftest import assert_accessible, focused, screenshot, sign_in, tab_to
from tests.council import Council, council, smith_children

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("frozen_today"),
]

PASSWORD = "a-long-journey-password"
REASON = "Ben was seen alone at home, not at school. Please correct his note."


@pytest.fixture
def team() -> Council:
    team = smith_children(council())
    for user in (team.manager_user, team.worker_user):
        user.set_password(PASSWORD)
        user.save()
    return team


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Callable[..., Page]]:
    """Pages in contexts of their own (one per person), closed after the test."""
    contexts: list[BrowserContext] = []

    def make(**options: Any) -> Page:
        # axe is injected as an inline script, which the app's Content Security Policy rightly
        # blocks; the test browser bypasses the policy so it can check the pages.
        context = browser.new_context(
            locale="en-GB", timezone_id="Europe/London", bypass_csp=True, **options
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def no_js(new_page: Callable[..., Page]) -> Page:
    return new_page(java_script_enabled=False)


def last_met(obligations: list[Any], name: str, subject_id: str) -> Any:
    found = [o for o in obligations if o.obligation == name and o.subject_id == subject_id]
    return found[0].last_met if found else None


def check(page: Page, name: str) -> None:
    """Every page a person sees is checked with axe and photographed."""
    assert_accessible(page, context=name)
    screenshot(page, f"journey-{name}")


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def fill_date(page: Page, prefix: str, day: Any) -> None:
    page.locator(f"#{prefix}_day").fill(str(day.day))
    page.locator(f"#{prefix}_month").fill(str(day.month))
    page.locator(f"#{prefix}_year").fill(str(day.year))


def press_until(page: Page, predicate: Any, key: str = "Enter", limit: int = 80) -> None:
    tab_to(page, predicate, limit=limit)
    page.keyboard.press(key)
    page.wait_for_load_state()


def test_a_one_to_one_from_booking_to_agreement(new_page, live_server, team) -> None:
    today = timezone.localdate()
    worker_id = team.worker.staff_id
    before_staff = staff_obligations([team.worker], today)[worker_id]
    before_cases = worker_obligations(team.worker, today)
    assert last_met(before_staff, "professional_supervision", worker_id) is None

    manager = new_page()
    sign_in(manager, live_server, team.manager_user.username, PASSWORD)
    check(manager, "manager-home")

    # Book the session.
    manager.goto(f"{live_server.url}/records/")
    check(manager, "records-list-empty")
    manager.get_by_role("link", name="Book a session").click()
    check(manager, "choose-supervisee")
    manager.get_by_role("link", name=team.worker.name).click()
    check(manager, "book")
    manager.get_by_role("button", name="Book session").click()
    expect(manager).to_have_title(re.compile("^Error: "))
    check(manager, "book-errors")
    fill_date(manager, "id_date", today)
    manager.get_by_label("Start time").fill("08:30")  # earlier this morning: it has taken place
    manager.get_by_label("Length in minutes").fill("90")
    manager.get_by_label("Place").fill("Meeting room 2")
    manager.get_by_role("button", name="Book session").click()
    expect(manager.locator(".govuk-notification-banner--success")).to_contain_text("booked")
    check(manager, "record-booked")
    session = Session.objects.get(supervisee=team.worker)

    # Choose the two children and write their case supervision.
    manager.get_by_role("link", name="Edit the record").click()
    check(manager, "write")
    manager.get_by_role("link", name="Choose the children discussed").click()
    check(manager, "cases")
    expect(manager.locator(".govuk-checkboxes__label").first).to_contain_text("Amy Smith")
    manager.get_by_label("Amy Smith").check()
    manager.get_by_label("Ben Smith").check()
    manager.get_by_role("button", name="Save the children chosen").click()

    manager.get_by_role("link", name=re.compile("Amy Smith")).click()
    check(manager, "case-note-amy")
    manager.locator("#id_purpose").fill("Keep Amy safe at home while her mother works on the plan.")
    manager.locator("#id_plan").fill("Attendance up from 60% to 85%.")
    manager.locator("#id_focus").fill("Amy says she likes her new teacher.")
    manager.locator("#id_analysis").fill("The morning routine helped; or the new class did.")
    manager.locator("#id_seen_alone_0").check()
    manager.locator("#id_actions-0-decision").fill("The plan continues.")
    manager.get_by_role("button", name="Save draft").click()
    # An action row without its action: the error names it and nothing typed is lost.
    expect(manager.locator(".govuk-error-summary")).to_contain_text(
        "Enter the action: who will do what"
    )
    check(manager, "case-note-amy-error")
    expect(manager.locator("#id_plan")).to_have_value("Attendance up from 60% to 85%.")
    manager.locator("#id_actions-0-action").fill("Chase the core group minutes.")
    fill_date(manager, "id_actions-0-due_date", today)
    manager.get_by_role("button", name="Save and go back to the record").click()
    check(manager, "write-after-amy")

    manager.get_by_role("link", name=re.compile("Ben Smith")).click()
    manager.locator("#id_purpose").fill("Support Ben through the move to secondary school.")
    manager.locator("#id_seen_alone_0").check()
    manager.locator("#id_seen_alone_comment").fill("Seen alone at school.")
    manager.get_by_role("button", name="Save and go back to the record").click()

    manager.get_by_role("link", name="Professional supervision").click()
    check(manager, "professional")
    manager.locator("#id_welfare").fill("Finding the caseload heavy since the court case.")
    manager.locator("#id_actions-0-decision").fill("Workload is too high.")
    manager.locator("#id_actions-0-action").fill("No new allocations this month.")
    manager.locator("#id_learning-0-activity").fill("Court skills course")
    manager.get_by_role("button", name="Save and go back to the record").click()
    expect(manager.get_by_text("Started")).to_be_visible()

    manager.get_by_role("button", name=f"Send to {team.worker.name}").click()
    expect(manager.locator(".govuk-notification-banner--success")).to_contain_text(
        f"Record sent to {team.worker.name}"
    )
    check(manager, "record-sent")
    assert Record.objects.get(pk=session.pk).state == State.SENT

    # The worker returns it with a reason, using only the keyboard.
    worker = new_page()
    sign_in(worker, live_server, team.worker_user.username, PASSWORD)
    worker.goto(f"{live_server.url}/records/?show=waiting")
    check(worker, "worker-waiting")
    press_until(worker, lambda f: f["tag"] == "a" and team.worker.name in f["text"])
    expect(worker).to_have_url(f"{live_server.url}/records/{session.pk}/")
    check(worker, "worker-record")
    press_until(worker, lambda f: f["text"] == "Return to supervisor")
    expect(worker.locator(".govuk-error-summary")).to_contain_text(
        "Enter why you are returning the record"
    )
    check(worker, "worker-return-error")
    press_until(worker, lambda f: f["id"] == "id_reason", key="End")
    worker.keyboard.type(REASON)
    press_until(worker, lambda f: f["text"] == "Return to supervisor", key="Space")
    expect(worker.locator(".govuk-notification-banner--success")).to_contain_text("returned")
    check(worker, "worker-returned")
    assert Record.objects.get(pk=session.pk).state == State.RETURNED

    # The manager corrects Ben's note and sends it again.
    manager.goto(f"{live_server.url}/records/{session.pk}/")
    expect(manager.get_by_role("table", name="History of the record")).to_contain_text(REASON)
    check(manager, "manager-returned")
    manager.get_by_role("link", name="Edit the record").click()
    manager.get_by_role("link", name=re.compile("Ben Smith")).click()
    manager.locator("#id_seen_alone_comment").fill("Seen alone at home.")
    manager.get_by_role("button", name="Save and go back to the record").click()
    manager.get_by_role("button", name=f"Send to {team.worker.name}").click()
    expect(manager.locator(".govuk-notification-banner--success")).to_be_visible()

    # The worker agrees, by keyboard.
    worker.goto(f"{live_server.url}/records/{session.pk}/")
    expect(worker.get_by_text("Seen alone at home.")).to_be_visible()
    press_until(worker, lambda f: f["text"] == "Agree", key="Space")
    expect(worker.locator(".govuk-notification-banner--success")).to_contain_text("agreed")
    check(worker, "worker-agreed")
    assert Record.objects.get(pk=session.pk).state == State.AGREED

    # Locked: the manager can no longer edit, and is told to add an addendum.
    manager.goto(f"{live_server.url}/records/{session.pk}/")
    expect(manager.get_by_role("link", name="Edit the record")).to_have_count(0)
    check(manager, "manager-agreed")
    response = manager.goto(f"{live_server.url}/records/{session.pk}/write/cases/{team.amy.pk}/")
    assert response is not None
    assert response.status == 403
    expect(manager.get_by_role("heading", level=1)).to_have_text("This record cannot be changed")
    expect(manager.locator("main")).to_contain_text("add an addendum")
    check(manager, "locked")

    # On both children's chronology.
    for child in (team.amy, team.ben):
        assert any(e.record.pk == session.pk for e in chronology(child, viewer=team.worker_user))
        if _child_page_exists(child.case_id):
            manager.goto(f"{live_server.url}/children/{child.case_id}/")
            expect(manager.locator("main")).to_contain_text(today.strftime("%Y")[:4])
            check(manager, f"child-{child.case_id}")

    # The engine now counts the session: professional and case supervision were met today.
    after_staff = staff_obligations([team.worker], today)[worker_id]
    after_cases = worker_obligations(team.worker, today)
    assert last_met(after_staff, "professional_supervision", worker_id) == session.date
    for child in (team.amy, team.ben):
        assert last_met(before_cases, "case_supervision", child.case_id) is None
        assert last_met(after_cases, "case_supervision", child.case_id) == session.date
    assert last_met(after_cases, "case_supervision", team.cara.case_id) is None


def _child_page_exists(case_id: str) -> bool:
    try:
        resolve(f"/children/{case_id}/")
    except Resolver404:
        return False
    return True


def test_writing_a_case_note_works_without_javascript(no_js: Page, live_server, team):
    session = team.session()
    sign_in(no_js, live_server, team.manager_user.username, PASSWORD)
    url = f"{live_server.url}/records/{session.pk}/write/cases/{team.amy.pk}/"

    no_js.goto(url)
    expect(no_js.locator("body")).not_to_have_class(re.compile("govuk-frontend-supported"))
    # The help is a details element: it opens without JavaScript.
    no_js.get_by_text("Reminder: the Social GGRRAAACCEEESSS").click()
    expect(no_js.get_by_text("gender, geography, race")).to_be_visible()
    no_js.locator("#id_plan").fill("Attendance up from 60% to 85%.")
    no_js.locator("#id_actions-0-decision").fill("The plan continues.")
    no_js.get_by_role("button", name="Save draft").click()
    expect(no_js.locator(".govuk-error-summary")).to_contain_text(
        "Enter the action: who will do what"
    )
    expect(no_js.locator("#id_plan")).to_have_value("Attendance up from 60% to 85%.")
    assert_accessible(no_js, context="case note without JavaScript")
    screenshot(no_js, "journey-no-js-case-note")
    no_js.locator("#id_actions-0-action").fill("Chase the minutes.")
    no_js.get_by_role("button", name="Save draft").click()
    expect(no_js.locator(".govuk-notification-banner--success")).to_contain_text("Draft saved")
    assert focused(no_js) is not None
