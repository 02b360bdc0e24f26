"""Telling the database what it now holds, after loading a council in bulk.

PostgreSQL plans queries from statistics it gathers in the background (autovacuum), some time
after rows arrive. Straight after `oversight demo` or `oversight import` it still believed the
tables nearly empty (it planned the facts' queries for 319 open cases instead of 15,026), so the
first reports after a load were slow. ANALYZE gathers the statistics there and then. The
obligations store, emptied and filled again each day, is told the same way after each refresh.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model

from oversight.cases.models import Allocation, Case, CaseEvent, CaseStatus
from oversight.organisation.models import LineManagement, Staff, StaffRole, Team, TeamMembership
from oversight.supervision.models import Agreement, Session, SessionCase

# The tables a load fills and the facts are read from.
FACT_MODELS = (
    Team,
    Staff,
    LineManagement,
    TeamMembership,
    StaffRole,
    Case,
    Allocation,
    CaseStatus,
    CaseEvent,
    Session,
    SessionCase,
    Agreement,
)


def refresh_planner_statistics(
    models: Iterable[type[Model]] = FACT_MODELS, using: str = DEFAULT_DB_ALIAS
) -> None:
    """ANALYZE the tables of `models` (the fact tables unless named) on PostgreSQL; on SQLite,
    `PRAGMA optimize` (which analyses only what needs it, in milliseconds)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models)
            cursor.execute(f"ANALYZE {tables}")
        elif connection.vendor == "sqlite":
            cursor.execute("PRAGMA optimize")


def reclaim_space(models: Iterable[type[Model]], using: str = DEFAULT_DB_ALIAS) -> None:
    """VACUUM (ANALYZE) the tables of `models` on PostgreSQL, outside any transaction: rows
    deleted in bulk stay behind, read by every later scan, until they are reclaimed. Autovacuum
    does it in its own time, if it is on; the obligations store empties itself each day, and a
    director's My work read five times as many pages after a few days of refreshes (40 ms, not 5).
    On SQLite, nothing: it is written in place."""
    connection = connections[using]
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models)
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {tables}")
