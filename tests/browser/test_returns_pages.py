"""Loading an Annex A return in a real browser: Business Support upload it, match a worker the
return names but Oversight cannot find, apply it, watch it queued for the background worker
(htmx asking how far it has got), leave and come back once the worker has applied it, and the
children are there with what is due for them; each page checked with axe-core (WCAG 2.2 AA)."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from oversight.cases.models import Allocation, Case
from tests.browser.conftest import assert_accessible, screenshot, signed_in
from tests.browser.test_file_pages import choose_date
from tests.factories import StaffFactory, user_in_group
from tests.test_annex_a_import import JAN_2024, RETURN_DATE, staff_the_workbooks_name

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("oversight.urls"),
]


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def test_business_support_load_an_annex_a_return(page: Page, live_server) -> None:
    staff_the_workbooks_name(leave_out=("Petra Wills",))
    StaffFactory(staff_id="PW-1", name="Petra Wilson")
    signed_in(page, live_server, user_in_group("support", "Business support"))

    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Returns").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Load a standard return")
    assert_accessible(page, context="returns upload")
    page.get_by_label("Upload the return").set_input_files(str(JAN_2024))
    choose_date(page, "Date of the return", RETURN_DATE)
    page.get_by_role("button", name="Upload and check").click()

    expect(page.get_by_role("heading", name="What this return will change")).to_be_visible()
    expect(page.get_by_text("Choose who each worker is before you apply")).to_be_visible()
    assert_accessible(page, context="returns preview with a worker to match")
    screenshot(page, "returns-preview-unmatched")
    page.get_by_label("Who is Petra Wills?").select_option("PW-1")
    page.get_by_role("button", name="Save these choices").click()

    expect(page.get_by_role("button", name="Apply this return")).to_be_visible()
    screenshot(page, "returns-preview-ready")
    page.get_by_role("button", name="Apply this return").click()

    # Queued for the background worker: the page shows it, and htmx asks how far it has got.
    expect(page.get_by_role("heading", name="Queued")).to_be_visible()
    expect(page.locator("progress")).to_be_visible()
    expect(page.get_by_role("link", name="Refresh to see how far it has got")).to_be_visible()
    assert_accessible(page, context="return queued")
    screenshot(page, "returns-queued")
    with page.expect_request(lambda request: request.url.endswith("/progress/")) as polled:
        pass
    assert polled.value.headers.get("hx-request") == "true"
    assert Case.objects.count() == 0

    # Left: the worker applies it meanwhile. Come back: it is applied.
    page.get_by_role("link", name="Back to returns").click()
    expect(page.get_by_text("Queued", exact=True)).to_be_visible()
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", stdout=StringIO())
    page.get_by_role("link", name="Annex_A_2024_Jan.xlsx").click()
    expect(page.get_by_role("heading", name="Return applied")).to_be_visible()
    assert_accessible(page, context="return applied")
    screenshot(page, "returns-applied")
    assert Case.objects.count() == 23
    assert Allocation.objects.get(case__case_id="5358472").worker.staff_id == "PW-1"

    # The children are there, with what is due for them.
    signed_in(page, live_server, user_in_group("qa", "Quality assurance"))
    page.goto(f"{live_server.url}/children/5358472/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Child 5358472")
    expect(page.get_by_role("heading", name="What is due")).to_be_visible()
    due = page.get_by_role("table").filter(has_text="Case supervision")
    expect(due).to_be_visible()
    screenshot(page, "returns-child-obligations")
