"""Object checks: may this user see or do this, on this day?

Roles, all computed from the organisation on the day (see `oversight.access.queries`):

    supervisee          their own sessions, agreements, file and allocated cases
    line manager        the same for everyone below them in line management on the day
                        (direct supervisees and, for senior managers, the whole chain)
    deputy              for the dates of a Delegation, what the manager they stand in for has
                        as a manager (not that manager's own file or records)
    Business support    create files, add to sections 1 and 4; no records, cases or files read
    HR                  leavers' files (end date before the day), read only
    Quality assurance   read everything, change nothing
    superuser           nothing (running the system is not a reason to read supervision)

Every function takes `day` (today if omitted) so the views can show the position on a past date
and tests can be exact.

The rules are grouped by what they are about: `files` (supervision files and their documents),
`agreements`, `people` (overviews, teams, cover, leavers, transfers), `cases` (the child's
page), `audit_trail`, and here the checks on sessions' records and children's cases that the
records share. `queries` computes a user's reach on a day and the querysets that start from it;
`staff` is who the user is; `rules` registers the checks with django-rules. Each topic module has
the `can_*` answers and, for the views, fetch-and-authorise helpers that return the object or
raise Http404 / PermissionDenied with a message saying why and what to do.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from oversight.access.queries import access_for
from oversight.cases.models import Allocation, Case
from oversight.supervision.models import JointSupervisee, Session


def can_view_record(user: Any, session: Session, day: dt.date | None = None) -> bool:
    """May the user read this session's record?

    A one-to-one record belongs to the supervisee's file, so it follows the supervisee: a
    supervisor who no longer manages them loses it, the new one gains it (N 12.1). A group record
    belongs to whoever led it, the managers above them and the people who attended it. A joint
    supervision belongs to each supervisee's file, so it follows each of them (B 3.1.10).
    """
    access = access_for(user, day)
    if access.is_qa:
        return True
    if access.staff is None:
        return False
    if session.supervisee_id is not None:
        if access.in_line(session.supervisee):
            return True
        joint = JointSupervisee.objects.filter(session_id=session.pk).select_related("staff")
        return any(access.in_line(row.staff) for row in joint)
    if session.supervisor_id is not None and (
        session.supervisor_id in access.acting_as or access.manages(session.supervisor)
    ):
        return True
    return access.staff.group_records_attended.filter(session_id=session.pk).exists()


def can_edit_record(user: Any, session: Session, day: dt.date | None = None) -> bool:
    """Only the session's supervisor, or someone deputising for them on the day, and only while
    they can still read it. Whether the record's state allows changes is the records app's
    question; QA, HR, Business Support and superusers never get here as authors."""
    access = access_for(user, day)
    if access.staff is None or session.supervisor_id is None:
        return False
    return session.supervisor_id in access.acting_as and can_view_record(user, session, day)


def can_view_case(user: Any, case: Case, day: dt.date | None = None) -> bool:
    """Case notes are the child's record (B 3.4): whoever may see the child may see them, that is
    the worker allocated on the day and everyone managing them (or deputising), and QA."""
    access = access_for(user, day)
    if access.is_qa:
        return True
    if access.staff is None:
        return False
    workers = {access.staff.pk, *access.managed}
    return (
        Allocation.objects.active_on(access.day)
        .filter(case=case, worker_id__in=workers, worker__start_date__lte=access.day)
        .filter(Q(worker__end_date__isnull=True) | Q(worker__end_date__gte=access.day))
        .exists()
    )


def require(allowed: bool, message: str = "You do not have access to this.") -> None:
    """For views: `require(can_view_record(request.user, session, day))`."""
    if not allowed:
        raise PermissionDenied(message)
