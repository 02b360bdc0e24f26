"""Which obligations belong to a team or to one member of staff, for reports narrowed to them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from oversight.cases.models import Allocation
from oversight.organisation.models import Staff, Team
from oversight.supervision.models import Session


@dataclass(frozen=True)
class Scope:
    """The subjects a report covers, as (subject_type, subject_id) pairs."""

    subjects: frozenset[tuple[str, str]]


def scope_for_staff(staff: Iterable[Staff], as_of: dt.date, teams: Iterable[Team] = ()) -> Scope:
    """The staff themselves, the cases they hold on as_of, the sessions they led or received."""
    staff_pks = [s.pk for s in staff]
    subjects: set[tuple[str, str]] = set()
    subjects.update(
        ("staff", staff_id)
        for staff_id in Staff.objects.filter(pk__in=staff_pks).values_list("staff_id", flat=True)
    )
    subjects.update(
        ("case", case_id)
        for case_id in Allocation.objects.active_on(as_of)
        .filter(worker__in=staff_pks)
        .values_list("case__case_id", flat=True)
    )
    subjects.update(
        ("session", session_id)
        for session_id in Session.objects.filter(
            Q(supervisor__in=staff_pks) | Q(supervisee__in=staff_pks)
        ).values_list("session_id", flat=True)
    )
    subjects.update(("team", team.name) for team in teams)
    return Scope(frozenset(subjects))


def scope_for_team(team: Team, as_of: dt.date) -> Scope:
    return scope_for_staff(Staff.objects.in_team(team), as_of, teams=[team])
