"""A record on paper (issue 10, part 5): from an agreed record's page, a worker downloads the
record as a PDF that holds both signatures."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page
from pypdf import PdfReader

from tests.browser.conftest import assert_accessible, screenshot, signed_in
from tests.council import DAY, council, record, sent, today

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("frozen_today"),
]


def test_a_worker_downloads_an_agreed_record_with_both_signatures(
    page: Page, live_server: Any
) -> None:
    org = council()
    shared = sent(record(org.manager, org.worker, today() - 3 * DAY), on=today() - 2 * DAY)
    shared.agree(by=org.worker.user)
    signed_in(page, live_server, org.worker.user)
    page.goto(live_server.url + reverse("records:detail", args=[shared.pk]))
    assert_accessible(page, context="record page with its PDF link")
    screenshot(page, "record-with-pdf-link")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download as PDF").click()

    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    content = download.path().read_bytes()
    assert content.startswith(b"%PDF-")
    text = " ".join(
        "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages).split()
    )
    assert "Tamsin Manager Sent as the record of the supervision on 11 June 2025" in text
    assert "Wanda Worker Agreed the record on 11 June 2025" in text
