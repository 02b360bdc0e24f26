"""People and teams: who opens a person's overview or a team's page, arranges cover, records a
leaver, and moves a supervisor's people to someone else."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404

from oversight.access.models import Delegation
from oversight.access.predicates import require
from oversight.access.queries import access_for, chain_below, has_left, visible_staff
from oversight.organisation.models import Staff, StaffQuerySet, Team

MOVING_REFUSED = (
    "Only a manager above this supervisor in line management can move the people they "
    "supervise. Ask their senior manager."
)
COVER_REFUSED = (
    "Only the manager themselves, or a manager above them in line management, can arrange cover "
    "for them. Ask their line manager."
)
NOBODY_TO_COVER = (
    "{name} does not manage anyone, so there is nothing for a deputy to cover. Cover is for a "
    "manager's supervisees while they are away."
)
LEAVER_REFUSED = (
    "Only a manager above this person in line management can record that they are leaving. "
    "Ask their line manager."
)


def can_view_staff(user: Any, staff: Staff, day: dt.date | None = None) -> bool:
    """May the user open this person's supervision overview?"""
    access = access_for(user, day)
    return (
        access.is_qa
        or access.in_line(staff)
        or (access.is_business_support and not has_left(staff, access.day))
        or (access.is_hr and has_left(staff, access.day))
    )


CASELOAD_REFUSED = (
    "A person's caseload is for them, the managers above them in line management and quality "
    "assurance. Check the staff ID, or ask their manager."
)


def can_view_caseload(user: Any, staff: Staff, day: dt.date | None = None) -> bool:
    """May the user see this person's caseload over time (issue 16): the person themselves, their
    management chain on the day, quality assurance."""
    access = access_for(user, day)
    return access.is_qa or access.in_line(staff)


def manages_anyone(user: Any, day: dt.date | None = None) -> bool:
    """Has anyone below them in line management on the day (their own or, deputising, another
    manager's)."""
    return access_for(user, day).manages_anyone


def can_delegate(user: Any, from_manager: Staff, day: dt.date | None = None) -> bool:
    """A manager arranges their own cover, or a manager above them does. A deputy cannot pass the
    cover on: the chain is their own, without the managers they deputise for."""
    access = access_for(user, day)
    if access.staff is None:
        return False
    if access.is_self(from_manager):
        return True
    return from_manager.pk in chain_below({access.staff.pk}, access.day) and not has_left(
        from_manager, access.day
    )


def can_arrange_cover(user: Any, manager: Staff, day: dt.date | None = None) -> bool:
    """May the user open the cover page for `manager`: `can_delegate`, and the manager supervises
    someone on the day (otherwise there is nothing to cover)."""
    access = access_for(user, day)
    supervises = bool(chain_below({manager.pk}, access.day, max_depth=1))
    return supervises and can_delegate(user, manager, access.day)


def can_record_leaver(user: Any, staff: Staff, day: dt.date | None = None) -> bool:
    """A manager above the person in line management (their own line manager or anyone over
    them) records that they are leaving, while they are still here."""
    access = access_for(user, day)
    return access.manages(staff) and not access.is_self(staff)


def can_reassign_supervisees(user: Any, supervisor: Staff, day: dt.date | None = None) -> bool:
    """A senior manager moves a supervisor's people (N 12.1): someone above the supervisor in
    their own line management chain. Deputies do not (a reorganisation is not cover), nor
    Business Support."""
    access = access_for(user, day)
    if access.staff is None:
        return False
    return access.manages(supervisor) and supervisor.pk in chain_below(
        {access.staff.pk}, access.day
    )


def reassign_candidates(user: Any, supervisor: Staff, day: dt.date | None = None) -> StaffQuerySet:
    """Who can take the people over: the senior manager and anyone in their reach who works
    here on the day, other than the supervisor and the people moving."""
    access = access_for(user, day)
    pks = set(access.managed) | ({access.staff.pk} if access.staff else set())
    return (
        Staff.objects.filter(pk__in=pks)
        .active_on(access.day)
        .exclude(pk=supervisor.pk)
        .exclude(pk__in=supervisor.supervisees_on(access.day).values("pk"))
    )


def cover_candidates(from_manager: Staff, day: dt.date) -> StaffQuerySet:
    """Who may be named to cover for `from_manager`: a manager working here on the day who sits
    near them, so already knows the work: in the same service, or reporting to the same line
    manager, or that line manager themselves. Never the manager who is away."""
    team = from_manager.team
    service_id = team.service_id if team is not None else None
    near = Q(category="manager", team__service_id=service_id) if service_id else Q(pk__in=[])
    line_manager = from_manager.line_manager_on(day)
    if line_manager is not None:
        near |= Q(pk=line_manager.pk) | (
            Q(category="manager") & Q(pk__in=line_manager.supervisees_on(day).values("pk"))
        )
    return Staff.objects.filter(near).active_on(day).exclude(pk=from_manager.pk)


# Fetch and authorise, for the views ------------------------------------------------------------


def person_for_user(user: Any, staff_id: str, day: dt.date | None = None) -> Staff:
    """The person, found among those the user may see; the same refusal whether they do not exist
    or are not the user's to see."""
    staff = visible_staff(user, day).select_related("team").filter(staff_id=staff_id).first()
    if staff is None:
        raise PermissionDenied(
            "You do not have access to this person: they are not someone you supervise. "
            "Check the staff ID, or ask their manager."
        )
    return staff


def caseload_person(user: Any, staff_id: str, day: dt.date | None = None) -> Staff:
    """The person whose caseload the user asks for; the same refusal whether they do not exist or
    are not the user's to see."""
    staff = Staff.objects.select_related("team").filter(staff_id=staff_id).first()
    if staff is None or not can_view_caseload(user, staff, day):
        raise PermissionDenied(CASELOAD_REFUSED)
    return staff


def supervisor_to_reassign(user: Any, staff_id: str, day: dt.date | None = None) -> Staff:
    supervisor = person_for_user(user, staff_id, day)
    require(can_reassign_supervisees(user, supervisor, day), MOVING_REFUSED)
    return supervisor


def manager_to_cover(user: Any, staff_id: str, day: dt.date | None = None) -> Staff:
    """The manager whose cover the user arranges: themselves or someone below them, who manages
    someone."""
    staff = person_for_user(user, staff_id, day)
    require(can_delegate(user, staff, day), COVER_REFUSED)
    require(can_arrange_cover(user, staff, day), NOBODY_TO_COVER.format(name=staff.name))
    return staff


def cover_to_end(user: Any, staff_id: str, pk: int, day: dt.date | None = None) -> Delegation:
    """One of the manager's arrangements, for someone who may arrange their cover; 404 if it is
    not theirs."""
    staff = manager_to_cover(user, staff_id, day)
    return get_object_or_404(Delegation.objects.select_related("deputy"), pk=pk, from_manager=staff)


def leaver_to_record(user: Any, staff_id: str, day: dt.date | None = None) -> Staff:
    staff = person_for_user(user, staff_id, day)
    require(can_record_leaver(user, staff, day), LEAVER_REFUSED)
    return staff


def team_for_user(user: Any, pk: int, day: dt.date | None = None) -> tuple[Team, list[Staff]]:
    """The team and its members on the day that the user may see on its page: everyone for QA,
    the people they manage for a manager; 404 if there is no such team, 403 if that is nobody."""
    access = access_for(user, day)
    team = get_object_or_404(Team.objects.select_related("service"), pk=pk)
    members = Staff.objects.in_team(team).active_on(access.day).order_by("name")
    if not access.is_qa:
        members = members.filter(pk__in=access.managed)
    found = list(members)
    if not found:
        raise PermissionDenied(
            "You can see a team's page only if you manage someone in it. Open your own team "
            "from My work."
        )
    return team, found
