"""The supervision file pages in a real browser: uploading and downloading, moving supervisees,
recording a leaver and HR's retention pages, each checked with axe-core (WCAG 2.2 AA), and the
upload working without JavaScript."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from oversight.audit.actor import Actor
from oversight.files.retention import record_leaver
from oversight.files.uploads import store_document
from tests.browser.conftest import assert_accessible, screenshot, sign_in
from tests.council import council, pdf_bytes, upload
from tests.factories import LineManagementFactory, StaffFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("oversight.urls"),
    pytest.mark.usefixtures("frozen_today"),
]

PASSWORD = "a-long-test-password"


@pytest.fixture(autouse=True)
def fast_files(settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def org():
    org = council()
    for user in org.users.values():
        user.set_password(PASSWORD)
        user.save()
    return org


def choose_date(page: Page, legend: str, day: dt.date) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def test_a_manager_uploads_and_downloads_a_document(page: Page, live_server, org, tmp_path):
    sign_in(page, live_server, "manager", PASSWORD)
    page.goto(f"{live_server.url}/files/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Supervision files")
    assert_accessible(page, context="files list")
    screenshot(page, "files-list")

    page.get_by_role("link", name="Wanda Worker", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Wanda Worker")
    assert_accessible(page, context="empty file")

    page.get_by_role("button", name="Add a document").click()
    page.get_by_role("button", name="Add document").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Select a file")
    expect(summary).to_contain_text("Select what kind of document it is")
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert_accessible(page, context="upload with errors")
    screenshot(page, "files-upload-errors")

    chosen = tmp_path / "DBS <certificate> 2025.pdf"
    chosen.write_bytes(pdf_bytes())
    page.get_by_label("Upload a file").set_input_files(str(chosen))
    page.get_by_label("DBS check").check()
    page.get_by_label("Title (optional)").fill("DBS certificate 2025")
    choose_date(page, "Expiry date (optional)", timezone.localdate() + dt.timedelta(days=10))
    page.get_by_role("button", name="Add document").click()

    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "DBS certificate 2025 added to section 1"
    )
    expect(page.get_by_role("heading", name="Renewals due")).to_be_visible()
    assert_accessible(page, context="file with a document")
    screenshot(page, "files-detail")

    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("DBS certificate 2025")).click()
    download = download_info.value
    assert download.suggested_filename == "DBS certificate 2025.pdf"
    assert Path(download.path()).read_bytes() == pdf_bytes()


def test_the_upload_works_without_javascript(no_js_page: Page, live_server, org, tmp_path):
    page = no_js_page
    sign_in(page, live_server, "manager", PASSWORD)
    page.goto(f"{live_server.url}/files/WA/upload/")
    chosen = tmp_path / "appraisal.pdf"
    chosen.write_bytes(pdf_bytes())
    page.get_by_label("Upload a file").set_input_files(str(chosen))
    page.get_by_label("Appraisal").check()
    page.get_by_role("button", name="Add document").click()

    expect(page.get_by_role("link", name=re.compile(r"^appraisal \(download\)"))).to_be_visible()
    assert_accessible(page, context="file without JavaScript")


def test_moving_supervisees_and_recording_a_leaver(page: Page, live_server, org):
    sign_in(page, live_server, "head", PASSWORD)
    page.goto(f"{live_server.url}/files/MA/")
    page.get_by_role("link", name="Move the people Tamsin Manager supervises").click()
    assert_accessible(page, context="reassign form")
    page.get_by_label("Who will supervise them?").select_option("MB")
    choose_date(page, "When does the new supervisor take over?", timezone.localdate())
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check who moves to Omar Manager")
    assert_accessible(page, context="reassign check")
    screenshot(page, "people-reassign-check")
    page.get_by_role("button", name="Confirm and move 2 people").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("2 people move to Omar Manager")
    assert_accessible(page, context="reassign done")
    screenshot(page, "people-reassign-done")

    page.goto(f"{live_server.url}/files/MA/")
    page.get_by_role("link", name="Record that Tamsin Manager is leaving").click()
    assert_accessible(page, context="leaver form")
    choose_date(page, "What is their last working day?", timezone.localdate())
    page.get_by_role("button", name="Continue").click()
    assert_accessible(page, context="leaver check")
    screenshot(page, "people-leaver-check")
    page.get_by_role("button", name="Record leaving date").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Tamsin Manager\N{RIGHT SINGLE QUOTATION MARK}s last working day is recorded"
    )


def test_hr_confirms_destruction_after_retention(page: Page, live_server, org):
    long_ago = dt.date(2010, 1, 4)
    leaver = StaffFactory(staff_id="OLD", name="Lee Leaver", start_date=long_ago)
    LineManagementFactory(staff=leaver, manager=org.manager, start_date=long_ago)
    store_document(
        leaver,
        upload("appraisal.pdf", pdf_bytes()),
        kind="appraisal",
        title="Appraisal 2016",
        expiry_date=None,
        by=Actor(org.users["manager"]),
    )
    record_leaver(leaver, dt.date(2017, 3, 31), by=Actor(org.users["manager"]))

    sign_in(page, live_server, "hr", PASSWORD)
    page.goto(f"{live_server.url}/files/retention/")
    assert_accessible(page, context="retention list")
    screenshot(page, "files-retention")
    page.get_by_role("link", name="Destroy Lee Leaver\N{RIGHT SINGLE QUOTATION MARK}s file").click()
    assert_accessible(page, context="destroy confirm")
    screenshot(page, "files-destroy")
    page.get_by_role("button", name="Destroy file").click()

    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "The supervision file of Lee Leaver is destroyed (1 document deleted)"
    )
    expect(page.get_by_text("No files are past their retention period.")).to_be_visible()


def test_a_manager_arranges_and_ends_cover_for_their_absence(page: Page, live_server, org):
    sign_in(page, live_server, "manager", PASSWORD)
    page.get_by_role("link", name="Arrange cover while you are away").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cover for Tamsin Manager")
    assert_accessible(page, context="cover page, nothing arranged")

    page.get_by_role("button", name="Arrange cover").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Select who will cover")
    expect(summary).to_contain_text("Enter the date cover starts")
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert_accessible(page, context="cover page with errors")

    today = timezone.localdate()
    page.get_by_label("Who will cover?").select_option(label="Omar Manager (Assessment Team 1)")
    choose_date(page, "When does cover start?", today)
    choose_date(page, "What is the last day of cover?", today + dt.timedelta(days=7))
    page.get_by_label("Why is cover needed?").fill("Annual leave")
    page.get_by_role("button", name="Arrange cover").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Omar Manager covers for Tamsin Manager"
    )
    expect(page.get_by_role("table")).to_contain_text("Covering now")
    assert_accessible(page, context="cover page with cover arranged")
    screenshot(page, "cover")

    page.get_by_role("button", name=re.compile("^End cover now")).click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Omar Manager no longer covers from today"
    )
