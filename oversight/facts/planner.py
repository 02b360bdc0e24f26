"""Telling the database what it now holds, after loading a council in bulk.

PostgreSQL plans queries from statistics it gathers in the background (autovacuum), some time
after rows arrive. Straight after `oversight demo` or `oversight import` it still believed the
tables nearly empty (it planned the facts' queries for 319 open cases instead of 15,026), so the
first reports after a load were slow. ANALYZE gathers the statistics there and then.
"""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connections

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


def refresh_planner_statistics(using: str = DEFAULT_DB_ALIAS) -> None:
    """ANALYZE the fact tables on PostgreSQL; on SQLite, `PRAGMA optimize` (which analyses only
    what needs it, in milliseconds)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in FACT_MODELS)
            cursor.execute(f"ANALYZE {tables}")
        elif connection.vendor == "sqlite":
            cursor.execute("PRAGMA optimize")
