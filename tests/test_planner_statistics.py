"""After a council is loaded in bulk, the database plans its queries for the rows it now holds."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from oversight.cases.models import Case
from oversight.import_export.importer import import_folder
from tests.paths import conformance_folders

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner statistics")
def test_it_analyses_the_tables_an_import_filled() -> None:
    import_folder(conformance_folders()[2], changed_on=dt.date(2026, 1, 5))

    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [Case._meta.db_table])
        (estimated,) = cursor.fetchone()

    assert estimated == Case.objects.count() > 0
