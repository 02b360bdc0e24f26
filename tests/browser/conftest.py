"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

Never run `playwright install`: these tests use /usr/bin/chromium (apt-get install chromium).
Mark each test `@pytest.mark.browser`; select them with `pytest -m browser`, skip with
`-m "not browser"`.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in the test's thread; the test still touches the
# database directly (creating users), which Django would otherwise refuse as async-unsafe.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

CHROMIUM = Path(os.environ.get("OVERSIGHT_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = Path(__file__).with_name("axe.min.js")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SCREENSHOTS = Path(os.environ.get("OVERSIGHT_SCREENSHOTS", "test-results/screenshots"))

expect.set_options(timeout=10_000)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: apt-get install -y chromium (never playwright install)"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    # axe is injected as an inline script, which the app's Content Security Policy rightly refuses;
    # the policy itself is tested without a browser (tests/test_sign_in_security.py).
    context = browser.new_context(locale="en-GB", timezone_id="Europe/London", bypass_csp=True)
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture
def no_js_page(browser: Browser) -> Iterator[Page]:
    """A page in a context with JavaScript switched off, as some users (and proxies) have it."""
    context = browser.new_context(java_script_enabled=False, locale="en-GB", bypass_csp=True)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def sign_in(page: Page, live_server: Any, username: str, password: str) -> None:
    """Sign in through the real sign-in page, as a person would (mouse and typing)."""
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_load_state()


def signed_in(page: Page, live_server: Any, user: Any) -> None:
    """A signed-in browser session for `user`, without the sign-in form (that is tested in
    test_sign_in): the test client's session cookie handed to the browser."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )


def assert_accessible(page: Page, *, context: str | None = None) -> None:
    """Run axe-core (WCAG 2.0, 2.1 and 2.2 A and AA rules) on the page; fail listing violations."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run bin/build-assets")
    page.add_script_tag(path=str(AXE))
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # JavaScript is switched off in this context (java_script_enabled=False), so the tag
        # did not run. Playwright's own evaluate still works, but timers never fire, and axe
        # waits on setTimeout: load axe through evaluate and run its timers as microtasks.
        page.evaluate("(source) => { (0, eval)(source); }", AXE.read_text(encoding="utf-8"))
        page.evaluate(
            """() => {
                window.setTimeout = (fn, ms, ...args) => {
                    Promise.resolve().then(() => fn(...args));
                    return 0;
                };
                window.clearTimeout = () => {};
            }"""
        )
    result = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary,
                                           html: n.html.slice(0, 200)})),
            }));
        }""",
        AXE_TAGS,
    )
    if result:
        lines = [f"{len(result)} accessibility violation(s) on {context or page.url}:"]
        for violation in result:
            lines.append(f"- [{violation['impact']}] {violation['id']}: {violation['help']}")
            lines.append(f"  {violation['helpUrl']}")
            for node in violation["nodes"][:10]:
                lines.append(f"    at {node['target']}: {node['html']}")
                for summary_line in (node["summary"] or "").splitlines():
                    lines.append(f"      {summary_line}")
        pytest.fail("\n".join(lines), pytrace=False)


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot under test-results/screenshots/ (git-ignored) to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '-', name)}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def focused(page: Page) -> dict[str, str]:
    """What has keyboard focus: tag, id, text, and accessible-ish name, for keyboard tests."""
    return json.loads(
        page.evaluate(
            """() => {
                const e = document.activeElement;
                return JSON.stringify({
                    tag: e ? e.tagName.toLowerCase() : "",
                    id: (e && e.id) || "",
                    text: ((e && (e.innerText || e.value)) || "").trim(),
                });
            }"""
        )
    )


def tab_to(page: Page, predicate: Any, *, limit: int = 15, shift: bool = False) -> dict[str, str]:
    """Press Tab until predicate(focused element) is true; fail if it takes more than limit."""
    key = "Shift+Tab" if shift else "Tab"
    seen = []
    for _ in range(limit):
        page.keyboard.press(key)
        current = focused(page)
        seen.append(current)
        if predicate(current):
            return current
    pytest.fail(f"Never reached the element by keyboard; focus went: {seen}", pytrace=False)
