"""Who may read, write and start supervision records: one check per kind of thing.

Each `can_*` answers yes or no; each `require_*` (and the fetch-and-authorise helpers
`viewable_record`, `writable_record`, `editable_record`) raises PermissionDenied with a sentence
saying why, so a view calls it and a 403 follows. The author of any record is the person signed
in: the supervisor is always the writer's own staff member, never chosen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from oversight.access.predicates import can_edit_record, can_view_case, can_view_record, require
from oversight.access.queries import access_for, is_line_manager
from oversight.access.staff import staff_of
from oversight.cases.models import Case
from oversight.organisation.models import LineManagement, Staff, StaffQuerySet, Team
from oversight.records.models import Record

# The record types written part by part on the one-to-one pages; the others have one form each.
ONE_TO_ONE_TYPES = frozenset({"individual", "case_discussion"})


# Reading a record --------------------------------------------------------------------------------


def viewable_record(user: Any, pk: int) -> Record:
    """The record, if the user may read it today; 404 if there is none, 403 if not theirs."""
    record = Record.objects.select_related("supervisor", "supervisee", "team").filter(pk=pk).first()
    if record is None:
        raise Http404("There is no supervision record with that number.")
    require(
        can_view_record(user, record, timezone.localdate()),
        "You cannot see this record: it belongs to someone you do not supervise.",
    )
    return record


# Writing a record --------------------------------------------------------------------------------


def can_write_record(user: Any, record: Record) -> bool:
    """The supervisor who wrote the record (whatever its state: a locked record is explained)."""
    staff = staff_of(user)
    return staff is not None and record.supervisor_id == staff.pk


def writable_record(user: Any, pk: int) -> Record:
    """A one-to-one or case discussion record the user is the author of.

    Whether its state still allows changes is checked by the view, which explains a locked record
    rather than refusing it without a word.
    """
    record = viewable_record(user, pk)
    if record.type not in ONE_TO_ONE_TYPES:
        raise Http404("This kind of record is written on another page.")
    require(
        can_write_record(user, record), "Only the supervisor who wrote this record can change it."
    )
    return record


def can_edit_record_now(user: Any, record: Record) -> bool:
    """Its author, while it is a draft or returned to them, and while they can still read it."""
    return can_edit_record(user, record) and record.can_edit(user)


def editable_record(user: Any, pk: int, types: Collection[str]) -> Record:
    """A record of one of `types` that the user may change now; 404 if there is none."""
    record = (
        Record.objects.select_related("supervisor", "supervisee", "team")
        .filter(pk=pk, type__in=list(types))
        .first()
    )
    if record is None:
        raise Http404("There is no record of this kind with that number.")
    require(
        can_edit_record_now(user, record),
        "You cannot change this record: only its author can, while it is a draft or has been "
        "returned to them.",
    )
    return record


# Booking a one-to-one ----------------------------------------------------------------------------


def can_book_supervision(user: Any, supervisee: Staff, day: dt.date | None = None) -> bool:
    """The supervisee's line manager on the day, or a manager deputising for them, books it.

    A manager further up the line can read their records but does not hold the supervision.
    """
    access = access_for(user, day)
    # Unlike starting an agreement (access.agreements), covering for the line manager is enough.
    return access.manages(supervisee) and is_line_manager(
        access.staff, supervisee, access.day, covering_for=access.deputising_for
    )


def require_book_supervision(user: Any, supervisee: Staff) -> None:
    require(
        can_book_supervision(user, supervisee),
        "You can book supervision only with people you line manage, or whose manager you are "
        "covering for.",
    )


def bookable_supervisees(user: Any, day: dt.date | None = None) -> list[Staff]:
    """Everyone the user may book supervision with on the day, by name."""
    access = access_for(user, day)
    if access.staff is None:
        return []
    direct = LineManagement.objects.active_on(access.day).filter(manager_id__in=access.acting_as)
    people = Staff.objects.filter(pk__in=direct.values("staff")).active_on(access.day)
    return [p for p in people.order_by("name") if can_book_supervision(user, p, access.day)]


def joint_supervisee_choices(
    user: Any, supervisee: Staff, day: dt.date | None = None
) -> StaffQuerySet:
    """Who a case discussion with `supervisee` may also supervise jointly (B 3.1.10): others the
    user may book supervision with, since each of them is supervised in it."""
    others = [p.pk for p in bookable_supervisees(user, day) if p.pk != supervisee.pk]
    return Staff.objects.filter(pk__in=others).order_by("name", "staff_id")


# Starting the other kinds of record --------------------------------------------------------------


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
    return access_for(user, day).managed_staff()


def require_write_oversight(user: Any, case: Case, day: dt.date) -> None:
    """Management oversight is written by someone who may see the child and supervises someone
    (B 1.2: "the manager's responsibility"; N 3.1 situational supervision). Which worker it names
    is limited by the form to the people they supervise."""
    author(user, day)
    require(can_view_case(user, case, day), "You cannot see this child's case.")
    require(
        access_for(user, day).manages_anyone,
        "Management oversight is recorded by a manager of the worker who holds the case.",
    )


def can_write_group(user: Any, team: Team, day: dt.date) -> bool:
    """A group is recorded by whoever leads it: a manager of someone in the team (B 3, Appendix
    E), or their deputy. Members of the team attend and agree it; they do not write it."""
    if access_for(user, day).staff is None:
        return False
    return supervised_by(user, day).filter(team=team).exists()


def require_write_group(user: Any, team: Team, day: dt.date) -> None:
    author(user, day)
    require(
        can_write_group(user, team, day),
        f"Group supervision for {team.name} is recorded by a manager of the team; you do not "
        "manage anyone in it.",
    )


def can_supervise(user: Any, staff: Staff, day: dt.date) -> bool:
    """Observations and a chair's dedicated supervision are for the person's own managers."""
    return access_for(user, day).manages(staff)


def require_supervises(user: Any, staff: Staff, day: dt.date, doing: str) -> None:
    author(user, day)
    require(can_supervise(user, staff, day), f"You do not supervise {staff.name}, so {doing}.")
