"""What the `oversight` commands share: the same clear message for the same mistake."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor


def as_of_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            f"--as-of '{text}' is not a date: write it as YYYY-MM-DD", returncode=2
        ) from None


def require_migrated_database() -> None:
    """Stop with the fix, not a traceback, when the database has not been set up yet."""
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise CommandError(
            f"The database ({connection.settings_dict['NAME']}) is not set up or is out of date: "
            "run `oversight migrate` first.",
            returncode=2,
        )
