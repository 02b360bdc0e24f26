"""The whole data set from the browser (issue 10, part 4b): the organisation's administrators
download, as one zip, exactly the CSV files `oversight export` writes; nobody else can, and each
download is on the audit trail."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from oversight.audit.models import AuditEvent
from oversight.import_export.importer import import_folder
from tests.council import council
from tests.paths import CONFORMANCE

pytestmark = pytest.mark.django_db

FOLDER = CONFORMANCE / "03-bedford-allocation-and-legal-planning"


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_zip_holds_exactly_the_files_oversight_export_writes(tmp_path: Path) -> None:
    import_folder(FOLDER, changed_on=dt.date(2026, 1, 5))
    org = council()  # people who sign in, beside the imported council
    call_command("export", str(tmp_path), stdout=io.StringIO())

    response = client_for(org.admin).get(reverse("data_set:download"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="oversight-data-set-')
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    written = sorted(path.name for path in tmp_path.iterdir())
    assert sorted(archive.namelist()) == written
    assert "staff.csv" in written
    for name in written:
        assert archive.read(name) == (tmp_path / name).read_bytes(), name


def test_business_support_may_download_it_too_and_each_download_is_audited() -> None:
    org = council()

    page = client_for(org.support).get(reverse("data_set:page"))
    response = client_for(org.support).get(reverse("data_set:download"))

    assert page.status_code == 200
    assert "Download the data set" in page.content.decode()
    assert response.status_code == 200
    [entry] = AuditEvent.objects.filter(action="export", object_type="data_set")
    assert entry.actor == org.support
    assert entry.detail["rows"]["staff.csv"] == 8
    assert entry.ip_address == "127.0.0.1"


def test_nobody_else_may_download_it() -> None:
    org = council()

    for user in (org.manager.user, org.head.user, org.worker.user, org.qa, org.hr):
        assert client_for(user).get(reverse("data_set:page")).status_code == 403
        assert client_for(user).get(reverse("data_set:download")).status_code == 403
    assert Client().get(reverse("data_set:download")).status_code == 302  # to sign in
    assert not AuditEvent.objects.filter(action="export").exists()


def test_the_menu_offers_it_only_to_those_who_may() -> None:
    org = council()

    assert "Data set" in client_for(org.admin).get("/").content.decode()
    assert "Data set" not in client_for(org.head.user).get("/").content.decode()
