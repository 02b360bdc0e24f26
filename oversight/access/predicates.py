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
and tests can be exact. The `rules` predicates at the bottom use today.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import rules
from django.core.exceptions import PermissionDenied
from django.db.models import Q

from oversight.access.queries import Access, access_for, chain_below
from oversight.cases.models import Allocation, Case
from oversight.organisation.models import Staff
from oversight.supervision.models import Agreement, Session

FILE_SECTIONS = (1, 2, 3, 4)
# N 11.3: section 1 is registration, DBS and car insurance; section 4 is "other", e.g. leave and
# TOIL. Those are what Business Support hold; agreements, development plans, appraisals and
# records are the managers'.
BUSINESS_SUPPORT_SECTIONS = frozenset({1, 4})


def _not_left(staff: Staff, day: dt.date) -> bool:
    return staff.end_date is None or staff.end_date >= day


def _has_left(staff: Staff, day: dt.date) -> bool:
    return staff.end_date is not None and staff.end_date < day


def _line_reach(access: Access, staff: Staff) -> bool:
    return access.is_self(staff) or access.manages(staff)


def can_view_staff(user: Any, staff: Staff, day: dt.date | None = None) -> bool:
    """May the user open this person's supervision overview?"""
    access = access_for(user, day)
    return (
        access.is_qa
        or _line_reach(access, staff)
        or (access.is_business_support and _not_left(staff, access.day))
        or (access.is_hr and _has_left(staff, access.day))
    )


def can_view_file(user: Any, staff: Staff, day: dt.date | None = None) -> bool:
    """May the user read this person's supervision file (N 11.1: line, senior and deputising
    managers; the person themselves; HR once they have left (N 11.2); QA)?"""
    access = access_for(user, day)
    return (
        access.is_qa
        or _line_reach(access, staff)
        or (access.is_hr and _has_left(staff, access.day))
    )


def can_view_agreement(user: Any, agreement: Agreement, day: dt.date | None = None) -> bool:
    return can_view_file(user, agreement.staff, day)


def can_create_file(user: Any, staff: Staff, day: dt.date | None = None) -> bool:
    """N 11.1: Business Support's technical officer creates the file, the manager makes sure."""
    access = access_for(user, day)
    if not _not_left(staff, access.day):
        return False
    return access.is_business_support or access.manages(staff)


def can_upload_to_file(user: Any, staff: Staff, section: int, day: dt.date | None = None) -> bool:
    """Managers add to any section; Business Support to sections 1 and 4; nobody to a leaver's
    file (it has gone to HR for retention) and QA, HR and the supervisee only read."""
    if section not in FILE_SECTIONS:
        raise ValueError(f"A supervision file has sections 1 to 4, not {section!r}.")
    access = access_for(user, day)
    if not _not_left(staff, access.day):
        return False
    return access.manages(staff) or (
        access.is_business_support and section in BUSINESS_SUPPORT_SECTIONS
    )


def can_view_record(user: Any, session: Session, day: dt.date | None = None) -> bool:
    """May the user read this session's record?

    A one-to-one record belongs to the supervisee's file, so it follows the supervisee: a
    supervisor who no longer manages them loses it, the new one gains it (N 12.1). A group record
    belongs to whoever led it, the managers above them and the team that met.
    """
    access = access_for(user, day)
    if access.is_qa:
        return True
    if access.staff is None:
        return False
    if session.supervisee_id is not None:
        return _line_reach(access, session.supervisee)
    if session.supervisor_id is not None and (
        session.supervisor_id in access.acting_as or access.manages(session.supervisor)
    ):
        return True
    return session.team_id is not None and session.team_id == access.staff.team_id


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


def can_delegate(user: Any, from_manager: Staff, day: dt.date | None = None) -> bool:
    """A manager arranges their own cover, or a manager above them does. A deputy cannot pass the
    cover on: the chain is their own, without the managers they deputise for."""
    access = access_for(user, day)
    if access.staff is None:
        return False
    if access.is_self(from_manager):
        return True
    return from_manager.pk in chain_below({access.staff.pk}, access.day) and _not_left(
        from_manager, access.day
    )


def require(allowed: bool, message: str = "You do not have access to this.") -> None:
    """For views: `require(can_view_record(request.user, session, day))`."""
    if not allowed:
        raise PermissionDenied(message)


# rules predicates (today), registered as permissions and rules in oversight/access/rules.py -----


@rules.predicate
def view_staff(user: Any, staff: Staff | None) -> bool:
    return isinstance(staff, Staff) and can_view_staff(user, staff)


@rules.predicate
def view_file(user: Any, staff: Staff | None) -> bool:
    return isinstance(staff, Staff) and can_view_file(user, staff)


@rules.predicate
def create_file(user: Any, staff: Staff | None) -> bool:
    return isinstance(staff, Staff) and can_create_file(user, staff)


@rules.predicate
def view_agreement(user: Any, agreement: Agreement | None) -> bool:
    return isinstance(agreement, Agreement) and can_view_agreement(user, agreement)


@rules.predicate
def view_record(user: Any, session: Session | None) -> bool:
    return isinstance(session, Session) and can_view_record(user, session)


@rules.predicate
def edit_record(user: Any, session: Session | None) -> bool:
    return isinstance(session, Session) and can_edit_record(user, session)


@rules.predicate
def view_case(user: Any, case: Case | None) -> bool:
    return isinstance(case, Case) and can_view_case(user, case)


@rules.predicate
def delegate(user: Any, from_manager: Staff | None) -> bool:
    return isinstance(from_manager, Staff) and can_delegate(user, from_manager)
