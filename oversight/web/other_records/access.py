"""Who may write the other kinds of record, on top of the predicates in `oversight.access`.

Each check raises PermissionDenied, so a view calls it and a 403 follows. The author of any record
is the person signed in: the supervisor is always the writer's own staff member, never chosen.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied

from oversight.access.predicates import can_edit_record, can_view_case, require
from oversight.access.queries import access_for
from oversight.cases.models import Case
from oversight.organisation.models import Staff, StaffQuerySet, Team
from oversight.records.models import Record
from oversight.supervision.models import Session


def author(user: Any, day: dt.date) -> Staff:
    """The writer's own staff member, active on the day; records are written by staff only."""
    access = access_for(user, day)
    if access.staff is None:
        raise PermissionDenied(
            "Only a member of staff can write supervision records; this account is not linked to "
            "one."
        )
    return access.staff


def supervised_by(user: Any, day: dt.date) -> StaffQuerySet:
    """Everyone the user supervises on the day: their line management chain, and the chains of
    any manager they deputise for."""
    access = access_for(user, day)
    return Staff.objects.filter(pk__in=access.managed).active_on(day)


def require_oversight(user: Any, case: Case, worker: Staff | None, day: dt.date) -> None:
    """Management oversight is written by someone who may see the child and supervises the
    worker (B 1.2: "the manager's responsibility"; N 3.1 situational supervision)."""
    author(user, day)
    require(can_view_case(user, case, day), "You cannot see this child's case.")
    require(
        bool(access_for(user, day).managed),
        "Management oversight is recorded by a manager of the worker who holds the case.",
    )
    if worker is not None:
        require(
            access_for(user, day).manages(worker),
            f"You do not supervise {worker.name}, so you cannot record oversight of their work.",
        )


def require_group(user: Any, team: Team, day: dt.date) -> None:
    """A group is recorded by a member of the team, or a manager of someone in it."""
    staff = author(user, day)
    in_team = staff.team_id == team.pk
    manages_member = supervised_by(user, day).filter(team=team).exists()
    require(in_team or manages_member, f"You do not lead or manage anyone in {team.name}.")


def require_supervises(user: Any, staff: Staff, day: dt.date, doing: str) -> None:
    """Observations and a chair's dedicated supervision are for the person's own managers."""
    author(user, day)
    require(access_for(user, day).manages(staff), f"You do not supervise {staff.name}, so {doing}.")


def require_editable(user: Any, session: Session) -> Record:
    """The record's author may change it while it is a draft or returned to them (and only
    while they can still read it)."""
    record = Record.of(session)
    require(
        can_edit_record(user, session) and record.can_edit(user),
        "You cannot change this record: only its author can, while it is a draft or has been "
        "returned to them.",
    )
    return record
