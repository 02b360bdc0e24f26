"""A record on paper (issue 10, part 5, the print stylesheet): printing a record's page prints
the record, without the menus, the buttons or the empty forms around it."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.browser.conftest import screenshot, signed_in
from tests.council import DAY, council, record, sent, today

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("frozen_today"),
]


def test_a_record_prints_without_menus_buttons_or_empty_forms(page: Page, live_server: Any) -> None:
    org = council()
    shared = sent(record(org.manager, org.worker, today() - 3 * DAY))
    signed_in(page, live_server, org.worker.user)
    page.goto(live_server.url + reverse("records:detail", args=[shared.pk]))
    agree = page.get_by_role("button", name="Agree")
    expect(agree).to_be_visible()

    page.emulate_media(media="print")

    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_text(org.manager.name).first).to_be_visible()
    expect(agree).to_be_hidden()
    expect(page.get_by_role("button", name="Return to supervisor")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Menu")).to_be_hidden()
    expect(page.locator("footer")).to_be_hidden()
    expect(page.locator("form[method=post]").first).to_be_hidden()
    screenshot(page, "record-printed")
