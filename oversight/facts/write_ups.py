"""When each record must be written up: the engine's record completion (B 2.2 / N 6.3).

A record whose write-up is late says so wherever it appears (My work, the record page, the
records list, the team page), always with the engine's deadline: this is the one way those pages
ask. Only sessions that took place owe a write-up; a booking owes nothing yet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import QuerySet

from oversight.engine.engine import Obligation
from oversight.obligations.models import StoredObligation
from oversight.obligations.store import as_obligation, ensure_current
from oversight.supervision.models import Session

# A write-up is late while it is overdue or due soon and not yet written: the one definition.
LATE = ("overdue", "due_soon")


def write_ups(sessions: Iterable[Session], as_of: dt.date) -> dict[int, Obligation]:
    """The record completion obligation of each of `sessions` that owes one, by session pk, on
    `as_of` (today), as the obligations store holds it (ADR 0007)."""
    by_id = {session.session_id: session.pk for session in sessions}
    if not by_id:
        return {}
    ensure_current(as_of)
    return {
        by_id[row.subject_id]: as_obligation(row)
        for row in StoredObligation.objects.filter(
            subject_type="session", subject_id__in=list(by_id)
        )
    }


def late_write_ups(sessions: Iterable[Session], as_of: dt.date) -> dict[int, Obligation]:
    """Those of `sessions` whose write-up is overdue or due soon (not yet written), by pk."""
    return {pk: o for pk, o in write_ups(sessions, as_of).items() if o.status in LATE}


def sessions_late_to_write_up(today: dt.date) -> QuerySet[StoredObligation, str]:
    """The session IDs of every session whose write-up is late today, for a list to filter by in
    the database (`session_id__in=`): the same engine answers as `late_write_ups`, read from the
    obligations store (brought up to date first) rather than computed for thousands of sessions.
    """
    ensure_current(today)
    return StoredObligation.objects.filter(subject_type="session", status__in=LATE).values_list(
        "subject_id", flat=True
    )
