"""Applying a return in the background (issue 12, part 2): Apply queues it, django-tasks-db's
worker (`oversight db_worker`) applies it all or nothing through the same path as `oversight
import`, and the page can follow how far it has got while the applying transaction is still open.
"""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.test import Client
from django_tasks_db.models import DBTaskResult

from oversight.audit.models import AuditEvent
from oversight.dashboards.models import Summary
from oversight.organisation.models import Team
from oversight.returns.applying import WRITING, ProgressWriter
from oversight.returns.models import ApplyState, ReturnUpload
from tests.factories import user_in_group
from tests.test_annex_a_import import fact_counts, staff_the_workbooks_name
from tests.test_returns_pages import upload, workbook_upload

# The worker commits and closes its connection as in production: no test transaction around it.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def support(client: Client, media: Path) -> Client:
    client.force_login(user_in_group("support", "Business support"))
    return client


def work() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", stdout=StringIO())


def test_the_worker_applies_a_queued_return_and_the_page_follows_it(
    support: Client, django_capture_on_commit_callbacks: Any
) -> None:
    staff_the_workbooks_name()
    upload(support, workbook_upload())
    returned = ReturnUpload.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        support.post(f"/returns/{returned.pk}/apply/")
    assert DBTaskResult.objects.get().status == "READY"
    assert "Queued" in support.get(f"/returns/{returned.pk}/").content.decode()
    polled = support.get(f"/returns/{returned.pk}/progress/", headers={"HX-Request": "true"})
    assert "Waiting for the background worker" in polled.content.decode()

    work()

    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert fact_counts() == (23, 18, 23)
    finished = ReturnUpload.objects.get()
    assert (finished.state, finished.done, finished.total) == (ApplyState.APPLIED, 64, 64)
    polled = support.get(f"/returns/{returned.pk}/progress/", headers={"HX-Request": "true"})
    assert polled["HX-Refresh"] == "true"  # htmx loads the page again, which says so
    assert "Return applied" in support.get(f"/returns/{returned.pk}/").content.decode()
    # Audited in the name of whoever pressed Apply, as one import.
    [entry] = AuditEvent.objects.filter(action="import")
    assert entry.actor_label == "support"
    # As after `oversight import`: the dashboards' figures computed for the data now held.
    assert Summary.objects.exists()


def test_progress_is_seen_while_the_applying_transaction_is_still_open() -> None:
    staff_the_workbooks_name()
    returned = ReturnUpload.objects.create(
        format="annex-a",
        original_name="Annex_A.xlsx",
        stored_name="returns/x.xlsx",
        size=1,
        changed_on=dt.date(2021, 3, 31),
        uploaded_by=user_in_group("support", "Business support"),
        state=ApplyState.APPLYING,
    )
    writer = ProgressWriter(returned)
    page = connections.create_connection(DEFAULT_DB_ALIAS)  # another request, reading
    try:
        with transaction.atomic():
            Team.objects.create(name="Written by the apply")  # the transaction has written
            writer(WRITING, 20, 64)
            seen = _progress_seen_by(page, returned)
            if connection.vendor == "sqlite":
                # One writer at a time: the progress waits for the transaction (and never
                # fails or blocks it).
                assert seen == ("", 0, 0)
            else:
                assert seen == (WRITING, 20, 64)
                assert not _team_seen_by(page)  # while the apply's rows are not
        if connection.vendor == "sqlite":
            writer(WRITING, 64)  # the transaction has ended: written at once
            assert _progress_seen_by(page, returned) == (WRITING, 64, 64)
    finally:
        writer.close()
        page.close()


def _progress_seen_by(other: Any, returned: ReturnUpload) -> tuple[str, int, int]:
    pk = ReturnUpload._meta.get_field("id").get_db_prep_value(returned.pk, other)  # type: ignore[union-attr]
    with other.cursor() as cursor:
        cursor.execute("SELECT stage, done, total FROM returns_returnupload WHERE id = %s", [pk])
        stage, done, total = cursor.fetchone()
    return stage, done, total


def _team_seen_by(other: Any) -> bool:
    with other.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM organisation_team WHERE name = %s", ["Written by the apply"]
        )
        return bool(cursor.fetchone()[0])
