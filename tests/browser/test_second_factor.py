"""Two-step verification in a real browser: setting up an authenticator app from the QR code's
key, signing in with a code, a wrong code, the lockout after too many passwords, and the audit
trail pages, each checked with axe-core (WCAG 2.2 AA)."""

from __future__ import annotations

import base64
import re
from typing import Any

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, Page, expect

from oversight.audit.trail import audit
from tests.browser.conftest import assert_accessible, screenshot, sign_in
from tests.factories import (
    PASSWORD,
    LineManagementFactory,
    StaffFactory,
    code_from_key,
    person,
    sign_in_as,
    user_in_group,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def quick_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["tests.factories.QuickArgon2PasswordHasher"]


def test_setting_up_and_signing_in_with_an_authenticator_app(page: Page, live_server: Any) -> None:
    person("ada")
    sign_in(page, live_server, "ada", PASSWORD)
    page.goto(f"{live_server.url}/account/two-factor/")

    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-step verification")
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    assert_accessible(page, context="two-step verification set-up")
    screenshot(page, "two-factor-setup")

    # What a person types into their app when they cannot scan: the key shown on the page.
    key = base64.b32decode(page.locator("#setup-key").inner_text().replace(" ", ""))
    page.get_by_label("Security code").fill("000000")
    page.get_by_role("button", name="Turn on two-step verification").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The security code is not correct")
    assert_accessible(page, context="set-up with a wrong code")
    screenshot(page, "two-factor-setup-error")

    page.get_by_label("Security code").fill(code_from_key(key))
    page.get_by_role("button", name="Turn on two-step verification").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Two-step verification is on"
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-step verification")
    assert_accessible(page, context="two-step verification on")
    screenshot(page, "two-factor-on")
    assert TOTPDevice.objects.filter(user__username="ada", confirmed=True).exists()

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server, "ada", PASSWORD)
    expect(page).to_have_url(re.compile(r"/sign-in/code/\?next=%2F$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your security code")
    assert_accessible(page, context="security code page")
    screenshot(page, "sign-in-code")

    # Typing the address of another page does not get round it.
    page.goto(f"{live_server.url}/audit/mine/")
    expect(page).to_have_url(re.compile(r"/sign-in/code/"))

    page.get_by_label("Enter your security code").fill("12345")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Security code must be 6 numbers")
    expect(page.get_by_label("Enter your security code")).to_have_value("12345")
    assert_accessible(page, context="security code page with an error")
    screenshot(page, "sign-in-code-error")

    page.get_by_label("Enter your security code").fill(code_from_key(key, steps_from_now=1))
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/audit/mine/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Who has looked at your records")


def test_the_code_page_works_without_javascript(no_js_page: Page, live_server: Any) -> None:
    user = person("ada")
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    page = no_js_page

    sign_in(page, live_server, "ada", PASSWORD)
    expect(page).to_have_url(re.compile(r"/sign-in/code/"))
    page.get_by_label("Enter your security code").fill(code_from_key(device.bin_key))
    page.get_by_role("button", name="Continue").click()

    expect(page).to_have_url(f"{live_server.url}/")


def test_too_many_wrong_passwords_show_an_accessible_lockout(page: Page, live_server: Any) -> None:
    person("ada")
    # Five wrong passwords, then a wait before the next try.
    for _ in range(6):
        sign_in(page, live_server, "ada", "wrong")

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text(
        "You have tried to sign in too many times. Wait 30 seconds and try again, "
        "or ask your system administrator"
    )
    expect(page).to_have_title(re.compile(r"^Error: Sign in"))
    expect(page.get_by_label("Username")).to_have_value("ada")
    assert_accessible(page, context="sign-in lockout")
    screenshot(page, "sign-in-locked-out")


def test_the_audit_trail_pages_are_accessible(page: Page, live_server: Any) -> None:
    manager = StaffFactory(name="Milo Manager", category="manager")
    worker = StaffFactory(name="Wren Worker")
    LineManagementFactory(staff=worker, manager=manager)
    manager_user = sign_in_as(manager, username="milo")
    manager_user.set_password(PASSWORD)
    manager_user.save()
    worker_user = sign_in_as(worker, username="wren")
    worker_user.set_password(PASSWORD)
    worker_user.save()
    audit(manager_user, "view", worker, object_label="Supervision file of Wren Worker")
    qa = user_in_group("quality", "Quality assurance")
    qa.set_password(PASSWORD)
    qa.save()

    sign_in(page, live_server, "quality", PASSWORD)
    page.goto(f"{live_server.url}/audit/")
    assert_accessible(page, context="audit trail search form")
    page.get_by_label("Who did it").fill("milo")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("table")).to_contain_text("Supervision file of Wren Worker")
    assert_accessible(page, context="audit trail results")
    screenshot(page, "audit-trail-results")

    page.locator("#id_date_from_day").fill("31")
    page.locator("#id_date_from_month").fill("2")
    page.locator("#id_date_from_year").fill("2025")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page, context="audit trail search with a wrong date")
    screenshot(page, "audit-trail-error")

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server, "wren", PASSWORD)
    page.goto(f"{live_server.url}/audit/mine/")
    expect(page.get_by_role("table")).to_contain_text("Milo Manager (milo)")
    assert_accessible(page, context="my access history")
    screenshot(page, "audit-mine")


def test_pages_keep_to_the_content_security_policy(browser: Browser, live_server: Any) -> None:
    person("ada")
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    sign_in(page, live_server, "ada", PASSWORD)
    page.goto(f"{live_server.url}/account/two-factor/")
    page.wait_for_load_state("networkidle")
    body_class = page.evaluate("document.body.className")
    context.close()

    assert violations == []
    assert "govuk-frontend-supported" in body_class
