"""Signing in and out through the real pages, in a real browser: by mouse, by keyboard, without
JavaScript, and with axe-core checking WCAG 2.2 AA on each page a person sees."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, focused, screenshot, sign_in, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

USERNAME = "ada.lovelace"
PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def user():
    return get_user_model().objects.create_user(
        username=USERNAME, password=PASSWORD, first_name="Ada", last_name="Lovelace"
    )


def test_sign_in_lands_on_my_work_and_pages_are_accessible(page: Page, live_server, user):
    page.goto(f"{live_server.url}/")
    # LoginRequiredMiddleware sends an anonymous person to the sign-in page.
    expect(page).to_have_url(re.compile(r"/sign-in/\?next=/$"))
    expect(page).to_have_title("Sign in \N{EN DASH} Oversight")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    # Unbranded: the service name in the header, no GOV.UK crown or logo anywhere.
    expect(page.get_by_role("link", name="Oversight", exact=True)).to_have_attribute("href", "/")
    expect(page.locator(".govuk-header__logotype, .govuk-footer__crown")).to_have_count(0)
    # Signed out: no navigation and no sign-out button.
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    # GOV.UK Frontend's JavaScript ran (as a module) and marked the page.
    expect(page.locator("body")).to_have_class(re.compile(r"\bgovuk-frontend-supported\b"))
    expect(page.locator("html")).to_have_attribute("lang", "en-GB")
    assert_accessible(page, context="sign-in page")
    screenshot(page, "sign-in")

    sign_in(page, live_server, USERNAME, PASSWORD)

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page).to_have_title("My work \N{EN DASH} Oversight")
    expect(page.get_by_role("heading", level=1)).to_have_text("My work")
    nav = page.get_by_role("navigation", name="Menu")
    expect(nav.get_by_role("link", name="My work")).to_have_attribute("aria-current", "page")
    expect(nav.get_by_role("button", name="Sign out")).to_be_visible()
    assert_accessible(page, context="landing page")
    screenshot(page, "landing")

    nav.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/sign-in/$"))
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/sign-in/\?next=/$"))


def test_wrong_password_shows_an_accessible_error(page: Page, live_server, user):
    sign_in(page, live_server, USERNAME, "not-the-password")

    expect(page).to_have_url(re.compile(r"/sign-in/$"))
    expect(page).to_have_title("Error: Sign in \N{EN DASH} Oversight")
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    expect(summary.get_by_role("alert")).to_be_visible()
    link = summary.get_by_role("link", name="Enter a correct username and password")
    expect(link).to_have_attribute("href", "#id_username")
    # GOV.UK Frontend moves focus to the summary so screen readers announce it.
    expect(summary).to_be_focused()
    expect(page.locator("#id_username-error")).to_have_text(
        "Error: Enter a correct username and password"
    )
    expect(page.get_by_label("Username")).to_have_value(USERNAME)
    expect(page.get_by_label("Password", exact=True)).to_have_value("")
    assert_accessible(page, context="sign-in page with a wrong password")
    screenshot(page, "sign-in-error")

    # The summary's link takes the person to the field to fix.
    link.click()
    expect(page.get_by_label("Username")).to_be_focused()


def test_empty_form_names_each_missing_field(page: Page, live_server, user):
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_role("button", name="Sign in", exact=True).click()

    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link")).to_have_text(["Enter your username", "Enter your password"])
    expect(page.locator("#id_username")).to_have_class(re.compile(r"\bgovuk-input--error\b"))
    expect(page.locator("#id_password")).to_have_class(re.compile(r"\bgovuk-input--error\b"))
    expect(page.locator("#id_username")).to_have_attribute("aria-describedby", "id_username-error")
    assert_accessible(page, context="sign-in page with empty fields")


def test_keyboard_only_sign_in_and_sign_out(page: Page, live_server, user):
    page.goto(f"{live_server.url}/sign-in/")

    # The first Tab reaches the skip link, and Enter on it moves to the main content.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main-content$"))

    tab_to(page, lambda f: f["id"] == "id_username")
    page.keyboard.type(USERNAME)
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "id_password"
    page.keyboard.type(PASSWORD)
    # With JavaScript the password has a Show button before the submit button.
    current = tab_to(page, lambda f: f["tag"] == "button" and f["text"] == "Sign in", limit=3)
    assert current["text"] == "Sign in"
    page.keyboard.press("Enter")

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My work")

    # Sign out by keyboard: Tab through the header to the button, press Enter.
    tab_to(page, lambda f: f["tag"] == "button" and f["text"] == "Sign out")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/sign-in/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")


def test_sign_in_works_without_javascript(no_js_page: Page, live_server, user):
    page = no_js_page
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/sign-in/\?next=/$"))
    # No script ran: the page is the plain server-rendered one.
    expect(page.locator("body")).not_to_have_class(re.compile(r"js-enabled"))
    # The password's Show button needs JavaScript, so it stays hidden.
    expect(page.get_by_role("button", name="Show password")).to_be_hidden()

    # A wrong password still gets the error summary from the server.
    sign_in(page, live_server, USERNAME, "wrong")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter a correct username and password"
    )
    assert_accessible(page, context="sign-in error without JavaScript")

    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My work")
    # Without JavaScript the navigation is not collapsed behind a Menu button.
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    screenshot(page, "landing-no-js")

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/sign-in/$"))


def test_next_is_followed_after_signing_in(page: Page, live_server, user):
    page.goto(f"{live_server.url}/?from=test")
    expect(page).to_have_url(re.compile(r"/sign-in/\?next="))
    page.get_by_label("Username").fill(USERNAME)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/?from=test")
