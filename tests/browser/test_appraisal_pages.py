"""Appraisal and development in a real browser with JavaScript off (issue 16): the manager opens
Wanda's appraisal from My work, reads the year's evidence from supervision, records the appraisal
and its Personal Development Plan (first forgetting the plan), and downloads the evidence pack,
which opens as a PDF holding the evidence and the appraisal; every page is checked with axe."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from oversight.appraisals.models import Appraisal
from oversight.engine.optional import with_optional_obligations
from oversight.records.models import LearningActivity, ProfessionalRecord
from tests.browser.conftest import assert_accessible, screenshot, signed_in
from tests.council import Council, action, council, days_ago, record, sent

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("frozen_today"),
]


@pytest.fixture
def org(settings: Any, tmp_path: Path) -> Council:
    path = tmp_path / "ours.toml"
    path.write_text(with_optional_obligations("newham", ("appraisal",)), encoding="utf-8")
    settings.OVERSIGHT_POLICY = str(path)
    built = council()
    first = record(built.manager, built.worker, days_ago(200))
    LearningActivity.objects.create(
        professional_record=ProfessionalRecord.objects.get(session=first),
        activity="Trauma-informed practice course",
        how_it_helped="Used it in direct work with the Smith children",
    )
    action(first, due=days_ago(180), text="Visit school and see Amy alone")
    sent(first)
    for n in range(1, 6):
        sent(record(built.manager, built.worker, days_ago(200 - 30 * n)))
    return built


def test_the_manager_completes_an_appraisal_from_the_evidence_and_the_pdf_opens(
    no_js_page: Page, live_server: Any, org: Council
) -> None:
    page = no_js_page
    signed_in(page, live_server, org.manager.user)
    page.goto(f"{live_server.url}/")
    page.locator(f"a[href='/people/{org.worker.staff_id}/appraisal/']").first.click()

    expect(
        page.get_by_role("heading", name="Wanda Worker\N{RIGHT SINGLE QUOTATION MARK}s appraisal")
    ).to_be_visible()
    expect(page.get_by_text("6 supervision sessions took place with Wanda Worker")).to_be_visible()
    expect(page.get_by_text("Yes: Used it in direct work with the Smith children")).to_be_visible()
    expect(page.get_by_role("cell", name="Visit school and see Amy alone")).to_be_visible()
    assert_accessible(page, context="appraisal evidence")
    screenshot(page, "appraisal-evidence")

    page.get_by_label("Annual appraisal").check()
    page.get_by_label("Summary", exact=True).fill(
        "A good year: supervision as agreed and the course put into practice."
    )
    page.get_by_label("Meets expectations", exact=True).check()
    page.get_by_role("button", name="Record the appraisal").click()
    expect(
        page.get_by_role(
            "link", name="Enter at least one objective for the Personal Development Plan"
        )
    ).to_be_visible()
    assert_accessible(page, context="appraisal, with errors")

    page.get_by_label("What will they develop or achieve?").first.fill("Chair a core group")
    page.get_by_label("Learning and support").first.fill("Shadow a senior practitioner")
    page.get_by_role("button", name="Record the appraisal").click()

    expect(page.get_by_text("Recorded Wanda Worker")).to_be_visible()
    expect(page.get_by_role("cell", name="Chair a core group")).to_be_visible()
    assert_accessible(page, context="appraisal recorded")
    assert Appraisal.objects.get().development_plan.get().objective == "Chair a core group"

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the evidence pack as a PDF").click()
    content = download_info.value.path().read_bytes()
    assert content.startswith(b"%PDF-")
    text = " ".join(
        "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages).split()
    )
    assert "Appraisal evidence: Wanda Worker" in text
    assert "Trauma-informed practice course" in text
    assert "Chair a core group" in text
    assert "Meets expectations" in text
