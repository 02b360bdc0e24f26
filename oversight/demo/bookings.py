"""The demo council's year ahead (B 2.1): each supervisor with a demo sign-in has booked a year of
one-to-ones with each person they supervise, at the agreed frequency or the policy's, starting
a few days before each person's supervision falls due, as a supervisor does with "Book the year
ahead". They are plans: none counts until it takes place.

Deterministic from the seed, like the rest of the demo.
"""

from __future__ import annotations

import datetime as dt
import random

from oversight.audit.actor import Actor
from oversight.facts.caseloads import is_professional_supervision
from oversight.facts.live import staff_obligations
from oversight.organisation.models import LineManagement
from oversight.records.writing import book_year_ahead
from oversight.supervision.models import Session
from oversight.supervision.year_ahead import supervision_frequency, year_ahead

TIMES = (dt.time(9, 30), dt.time(10, 0), dt.time(11, 0), dt.time(14, 0), dt.time(15, 30))
PLACES = ("Meeting room 2", "Meeting room 4", "Online", "The quiet room")


def book_the_year_ahead(seed: int, as_of: dt.date) -> int:
    """Book the year for every supervisee of a supervisor who can sign in; returns how many
    sessions were booked."""
    rng = random.Random(seed * 7919 + 16)
    booked = 0
    managed = list(
        LineManagement.objects.active_on(as_of)
        .filter(manager__user__isnull=False, staff__end_date__isnull=True)
        .select_related("manager__user", "staff")
        .order_by("manager__staff_id", "staff__staff_id")
    )
    # Everyone's supervision due dates from one run of the engine.
    owed = staff_obligations([line.staff for line in managed], as_of)
    for line in managed:
        supervisor, supervisee = line.manager, line.staff
        frequency = supervision_frequency(supervisee, supervisor)
        if frequency is None:
            continue
        # Most supervisors book from the day supervision falls due, a few days early; someone
        # overdue is booked as soon as the diary allows.
        due = next(
            (o.due_date for o in owed[supervisee.staff_id] if is_professional_supervision(o)),
            as_of,
        )
        first = max(
            due - dt.timedelta(days=rng.randrange(0, 6)),
            as_of + dt.timedelta(days=rng.randrange(1, 6)),
        )
        while first.weekday() >= 5:
            first -= dt.timedelta(days=1)
        if first <= as_of:
            first = as_of + dt.timedelta(days=1)
            while first.weekday() >= 5:
                first += dt.timedelta(days=1)
        sessions = book_year_ahead(
            by=Actor(supervisor.user, "127.0.0.1"),
            supervisor=supervisor,
            supervisee=supervisee,
            kind="individual",
            dates=year_ahead(first, frequency.period),
            start_time=rng.choice(TIMES),
            duration_minutes=rng.choice((60, 90)),
            location=rng.choice(PLACES),
            announce=False,  # the demo emails nobody about plans made before it began
        )
        for number, session in enumerate(sessions, start=1):
            # From the staff IDs, not random: the same seed makes the same council.
            Session.objects.filter(pk=session.pk).update(
                session_id=f"OV-B{supervisor.staff_id}-{supervisee.staff_id}-{number:02d}"
            )
        booked += len(sessions)
    return booked
