"""A document's section and a file's archive date are read, not stored (N 11.2, 11.3).

The section follows from the kind of document and the archive date from the owner's leaving
date; the migration that dropped the stored columns first checked they gave the same values.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from oversight.audit.actor import Actor
from oversight.files.models import KINDS, Document, SupervisionFile
from oversight.files.retention import record_leaver
from oversight.files.uploads import store_document
from tests.council import council, pdf_bytes, upload
from tests.factories import StaffFactory, UserFactory

BEFORE = [("files", "0001_initial")]
AFTER = [("files", "0002_derive_archived_and_section")]


@pytest.mark.django_db
@pytest.mark.usefixtures("frozen_today")
def test_a_documents_section_is_its_kinds_and_lists_order_by_it() -> None:
    org = council()
    for kind in ("other", "appraisal", "dbs", "paper_agreement"):
        store_document(
            org.worker,
            upload(f"{kind}.pdf", pdf_bytes()),
            kind=kind,
            title=kind,
            expiry_date=None,
            by=Actor(org.manager.user),
        )

    documents = list(Document.objects.all())
    assert [(d.kind, d.section) for d in documents] == [
        ("dbs", 1),
        ("paper_agreement", 2),
        ("appraisal", 3),
        ("other", 4),
    ]
    assert all(d.section == KINDS[d.kind][1] for d in documents)
    assert [d.kind for d in Document.objects.in_section(3)] == ["appraisal"]
    assert org.worker.supervision_file.documents.first().kind == "dbs"


@pytest.mark.django_db
@pytest.mark.usefixtures("frozen_today")
def test_a_file_is_archived_from_the_day_after_its_owner_leaves() -> None:
    org = council()
    last_day = dt.date(2025, 3, 31)

    supervision_file = record_leaver(org.worker, last_day, by=Actor(org.manager.user))

    assert supervision_file.archived_on == dt.date(2025, 4, 1)
    assert SupervisionFile.objects.get(staff=org.worker).archived_on == dt.date(2025, 4, 1)
    assert SupervisionFile(staff=StaffFactory(), created_on=last_day).archived_on is None


def _migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor


def _stored_rows(apps, *, section: int, archived_on: dt.date) -> None:
    Staff = apps.get_model("organisation", "Staff")
    User = apps.get_model(settings.AUTH_USER_MODEL)
    SupervisionFile = apps.get_model("files", "SupervisionFile")
    Document = apps.get_model("files", "Document")
    user = User.objects.get(pk=UserFactory().pk)
    leaver = Staff.objects.get(pk=StaffFactory(end_date=dt.date(2025, 3, 31)).pk)
    stored = SupervisionFile.objects.create(
        staff=leaver, created_on=dt.date(2024, 1, 1), archived_on=archived_on
    )
    Document.objects.create(
        file=stored,
        section=section,
        kind="appraisal",
        title="Appraisal",
        original_name="appraisal.pdf",
        stored_name="documents/appraisal.pdf",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
        uploaded_by=user,
    )


@pytest.mark.django_db(transaction=True)
def test_the_migration_drops_the_columns_when_what_replaces_them_agrees() -> None:
    executor = _migrate(BEFORE)
    _stored_rows(
        executor.loader.project_state(BEFORE).apps, section=3, archived_on=dt.date(2025, 4, 1)
    )

    _migrate(AFTER)

    kept = Document.objects.get()
    assert kept.section == 3
    assert kept.file.archived_on == dt.date(2025, 4, 1)


@pytest.mark.django_db(transaction=True)
def test_the_migration_refuses_to_drop_values_it_could_not_read_back() -> None:
    executor = _migrate(BEFORE)
    _stored_rows(
        executor.loader.project_state(BEFORE).apps, section=4, archived_on=dt.date(2025, 5, 1)
    )

    with pytest.raises(RuntimeError) as refused:
        _migrate(AFTER)

    assert "is in section 4, but its kind belongs in 3" in str(refused.value)
    assert "was archived on 2025-05-01, but its owner's leaving date is 2025-03-31" in str(
        refused.value
    )
    # Nothing was dropped: corrected, the rows migrate.
    before = executor.loader.project_state(BEFORE).apps
    before.get_model("files", "Document").objects.update(section=3)
    before.get_model("files", "SupervisionFile").objects.update(archived_on=dt.date(2025, 4, 1))
    _migrate(AFTER)
    assert Document.objects.get().section == 3
