"""Who may open, write and book one-to-one records: small checks that raise PermissionDenied."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from oversight.access.predicates import can_view_record, require
from oversight.access.queries import access_for
from oversight.access.staff import staff_of
from oversight.organisation.models import LineManagement, Staff
from oversight.records.models import Record

# The record types this area writes; the others are written in oversight/web/other_records.
WRITTEN_HERE = frozenset({"individual", "case_discussion"})


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


def writable_record(user: Any, pk: int) -> Record:
    """A one-to-one or case discussion record the user is the author of.

    Whether its state still allows changes is checked by the view, which explains a locked record
    rather than refusing it without a word.
    """
    record = viewable_record(user, pk)
    if record.type not in WRITTEN_HERE:
        raise Http404("This kind of record is written on another page.")
    staff = staff_of(user)
    if staff is None or record.supervisor_id != staff.pk:
        raise PermissionDenied("Only the supervisor who wrote this record can change it.")
    return record


def can_book_supervision(user: Any, supervisee: Staff, day: dt.date | None = None) -> bool:
    """The supervisee's line manager on the day, or a manager deputising for them, books it.

    A manager further up the line can read their records but does not hold the supervision.
    """
    access = access_for(user, day)
    if access.staff is None or access.staff.pk == supervisee.pk:
        return False
    if not access.manages(supervisee):
        return False
    manager = supervisee.line_manager_on(access.day)
    return manager is not None and manager.pk in access.acting_as


def bookable_supervisees(user: Any, day: dt.date | None = None) -> list[Staff]:
    """Everyone the user may book supervision with on the day, by name."""
    access = access_for(user, day)
    if access.staff is None:
        return []
    direct = LineManagement.objects.active_on(access.day).filter(manager_id__in=access.acting_as)
    people = Staff.objects.filter(pk__in=direct.values("staff")).active_on(access.day)
    return [p for p in people.order_by("name") if can_book_supervision(user, p, access.day)]
