"""The chair-review impact report in a real browser (issue 16, part 5): the demo council's chairs'
manager opens it from the Quality page, chooses twelve months, and reads figures that match the
counts worked out again from the database rows; the page passes axe; the PDF downloads."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import override_settings
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, screenshot, signed_in
from tests.test_chair_review_report import DEMO_AS_OF, FAST_HASHER, expected_from_rows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def summary(page: Page, label: str) -> str:
    row = page.locator(".govuk-summary-list__row").filter(has=page.locator("dt", has_text=label))
    return row.first.locator("dd").inner_text().split(" ")[0]


def test_the_chairs_manager_reads_the_demo_councils_report_and_downloads_the_pdf(
    page: Page, live_server: Any
) -> None:
    with override_settings(PASSWORD_HASHERS=FAST_HASHER):
        call_command("demo", "--seed", "1", "--as-of", DEMO_AS_OF.isoformat(), stdout=StringIO())
    expected = expected_from_rows(dt.date(2025, 4, 1), dt.date(2026, 3, 31), DEMO_AS_OF)
    with time_machine.travel(dt.datetime(2026, 6, 30, 12, 0), tick=False):
        signed_in(page, live_server, get_user_model().objects.get(username="chair-manager"))

        page.goto(f"{live_server.url}/quality/")
        page.get_by_role("link", name="Chair-review impact report").click()
        page.get_by_label("Twelve months ending").select_option(label="March 2026")
        page.get_by_role("button", name="Show report").click()

        expect(page.get_by_role("heading", level=1)).to_have_text("Chair-review impact report")
        expect(page.get_by_text("April 2025 to March 2026").first).to_be_visible()
        assert expected["children"] > 20
        assert summary(page, "Plans reaching 8 months") == str(expected["children"])
        assert summary(page, "Chair review in time") == str(expected["in_time"])
        assert summary(page, "Chair review late") == str(expected["late"])
        assert summary(page, "Chair review not held") == str(expected["not_held"])
        screenshot(page, "chair-review-report")
        assert_accessible(page, context="chair-review report")

        with page.expect_download() as download:
            page.get_by_role("link", name="Download the report (PDF)").click()
        path = download.value.path()
        assert path is not None
        with open(path, "rb") as pdf:
            assert pdf.read(5) == b"%PDF-"
