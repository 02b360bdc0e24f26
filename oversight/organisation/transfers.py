"""Moving a supervisor's people to a new supervisor in one step (N 12.1, B 2.3).

When a supervisor leaves or changes role, each of their current line management rows ends the
day before the change and a new row starts with the new supervisor on the day. History is kept
(rows are ended, never rewritten), the supervision files follow by themselves because access is
computed from line management, and the engine makes a new supervision agreement due for each new
relationship while the old agreement stays on file.

Records the outgoing supervisor has not finished (one-to-ones with the people moving, still a
draft or returned to them) are handed over to the new supervisor in the same step: otherwise
the outgoing supervisor could no longer open them and the new one could not edit them. The
session's supervisor becomes the new one, a `handed_over` session event says who wrote it and
who has it now, and the audit trail has the change.

Who may move people is an access rule (`oversight.access.people.can_reassign_supervisees`): the
access rules depend on the organisation, never the other way round.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from oversight.audit.actor import Actor
from oversight.audit.trail import changes
from oversight.formatting import long_date
from oversight.organisation.models import LineManagement, Staff
from oversight.records.models import Record
from oversight.records.workflow import EDITABLE_STATES
from oversight.supervision.models import Session, SessionEvent


def rows_to_move(supervisor: Staff, on: dt.date) -> list[LineManagement]:
    """The supervisor's line management rows that would still run on `on`: those that move."""
    return list(
        LineManagement.objects.filter(manager=supervisor, start_date__lt=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .filter(Q(staff__end_date__isnull=True) | Q(staff__end_date__gte=on))
        .select_related("staff__team")
        .order_by("staff__name")
    )


def unfinished_records(supervisor: Staff, moving: list[LineManagement]) -> list[Record]:
    """The supervisor's one-to-one records with the people moving that are still with them to
    write (draft or returned), booked or held, not cancelled: these are handed over."""
    return list(
        Record.objects.in_state(*EDITABLE_STATES)
        .filter(supervisor=supervisor, supervisee_id__in=[row.staff_id for row in moving])
        .not_cancelled()
        .select_related("supervisee")
        .order_by("supervisee__name", "date", "pk")
    )


def handover_note(supervisor: Staff, new_supervisor: Staff, on: dt.date) -> str:
    return (
        f"Handed over from {supervisor.name}, who wrote it, to {new_supervisor.name} "
        f"when {new_supervisor.name} became the supervisor on {long_date(on)}"
    )


def check_transfer(supervisor: Staff, new_supervisor: Staff, on: dt.date) -> list[LineManagement]:
    """What would move, or a ValidationError naming what is wrong (for the form and the
    confirm step alike: the organisation may have changed between the two)."""
    if new_supervisor.pk == supervisor.pk:
        raise ValidationError(
            "Choose someone other than the current supervisor", code="same_supervisor"
        )
    if new_supervisor.start_date > on or (
        new_supervisor.end_date is not None and new_supervisor.end_date < on
    ):
        raise ValidationError(
            f"{new_supervisor.name} does not work here on {on:%-d %B %Y}. "
            "Choose someone who does, or change the date",
            code="new_supervisor_absent",
        )
    later = LineManagement.objects.filter(manager=supervisor, start_date__gte=on)
    if first := later.select_related("staff").order_by("start_date", "staff__name").first():
        raise ValidationError(
            f"{first.staff.name} starts with {supervisor.name} on "
            f"{first.start_date:%-d %B %Y}, after this date. Choose a later date",
            code="later_rows",
        )
    moving = rows_to_move(supervisor, on)
    if not moving:
        raise ValidationError(
            f"{supervisor.name} has nobody to move on {on:%-d %B %Y}", code="nobody"
        )
    if any(row.staff_id == new_supervisor.pk for row in moving):
        raise ValidationError(
            f"{new_supervisor.name} is one of the people moving, so cannot supervise them all. "
            "Choose someone else",
            code="new_supervisor_moving",
        )
    return moving


def reassign_supervisees(
    supervisor: Staff,
    new_supervisor: Staff,
    on: dt.date,
    *,
    by: Actor,
) -> list[LineManagement]:
    """End each of the supervisor's current rows on the day before `on` and start a row with
    the new supervisor on `on` (keeping any planned end). All or nothing, each step audited.
    Returns the new rows."""
    created: list[tuple[LineManagement, LineManagement, dt.date | None]] = []
    with transaction.atomic():
        moving = check_transfer(supervisor, new_supervisor, on)
        # Locked so a send or a cancellation cannot slip in between finding them and moving them.
        handed = unfinished_records(supervisor, moving)
        list(Session.objects.select_for_update().filter(pk__in=[r.pk for r in handed]))
        handed = unfinished_records(supervisor, moving)
        note = handover_note(supervisor, new_supervisor, on)
        for record in handed:
            Session.objects.filter(pk=record.pk).update(supervisor=new_supervisor)
            SessionEvent.objects.create(
                session_id=record.pk, kind=SessionEvent.Kind.HANDED_OVER, by=by.user, reason=note
            )
        day_before = on - dt.timedelta(days=1)
        for row in moving:
            planned_end = row.end_date
            row.end_date = day_before
            row.save(update_fields=["end_date"])
            new_row = LineManagement.objects.create(
                staff=row.staff, manager=new_supervisor, start_date=on, end_date=planned_end
            )
            created.append((row, new_row, planned_end))
        # The trail's writers queue on one lock until the transaction ends: write it last.
        for record in handed:
            by.audit(
                "change",
                record,
                object_type=Session._meta.label_lower,
                detail={
                    **changes(
                        {"supervisor": supervisor.staff_id}, {"supervisor": new_supervisor.staff_id}
                    ),
                    "reason": "handed over with the supervisee",
                    "state": record.workflow_state,
                    "written_by": supervisor.staff_id,
                },
            )
        for row, new_row, planned_end in created:
            by.audit(
                "change",
                row,
                detail={
                    **changes({"end_date": planned_end}, {"end_date": day_before}),
                    "reason": "supervisor changed",
                    "new_supervisor": new_supervisor.staff_id,
                },
            )
            by.audit(
                "create",
                new_row,
                detail={
                    "staff_id": row.staff.staff_id,
                    "manager": new_supervisor.staff_id,
                    "start_date": on,
                    "end_date": planned_end,
                    "previous_manager": supervisor.staff_id,
                },
            )
    return [new_row for _row, new_row, _end in created]


def moved_on(supervisor: Staff, new_supervisor: Staff, on: dt.date) -> list[LineManagement]:
    """The rows a transfer on `on` created, found again from the data (for the page after)."""
    return list(
        LineManagement.objects.filter(manager=new_supervisor, start_date=on)
        .filter(
            staff__line_management__manager=supervisor,
            staff__line_management__end_date=on - dt.timedelta(days=1),
        )
        .select_related("staff__team")
        .distinct()
        .order_by("staff__name")
    )


def handed_over_on(supervisor: Staff, new_supervisor: Staff, on: dt.date) -> list[Record]:
    """The records a transfer on `on` handed over, found again from their events (for the page
    after)."""
    return list(
        Record.objects.filter(
            supervisor=new_supervisor,
            events__kind=SessionEvent.Kind.HANDED_OVER,
            events__reason=handover_note(supervisor, new_supervisor, on),
        )
        .select_related("supervisee")
        .distinct()
        .order_by("supervisee__name", "date", "pk")
    )
