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

A member of staff moving to another team (`move_to_team`) is dated the same way: their open
team membership ends the day before the move and a new one starts on the day, and `Staff.team`
(the team now, which every page reads) becomes the new team, so the indicators of earlier months
still count them in the team they were in then (INDICATORS.md).

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
from oversight.organisation.models import LineManagement, Staff, Team, TeamMembership
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


def move_to_team(
    staff: Staff, team: Team | None, on: dt.date, *, by: Actor
) -> TeamMembership | None:
    """Move `staff` into `team` (None: into no team) from `on`: their open membership ends the
    day before, a new one starts on `on`, and `Staff.team` becomes `team`. All or nothing,
    audited. A membership that starts on or after `on` is corrected rather than ended (it never
    ran). Returns the new period, or None when they are in no team."""
    with transaction.atomic():
        person = Staff.objects.select_for_update().get(pk=staff.pk)
        if person.team_id == (team.pk if team else None):
            where = f"in {team.name}" if team else "in no team"
            raise ValidationError(f"{person.name} is already {where}", code="same_team")
        if person.end_date is not None and person.end_date < on:
            raise ValidationError(
                f"{person.name} left on {person.end_date:%-d %B %Y}, before {on:%-d %B %Y}. "
                "Choose an earlier date",
                code="left",
            )
        later = TeamMembership.objects.filter(staff=person, start_date__gt=on)
        if first := later.select_related("team").order_by("start_date").first():
            raise ValidationError(
                f"{person.name} joins {first.team.name} on {first.start_date:%-d %B %Y}, after "
                "this date. Choose a later date",
                code="later_membership",
            )
        day_before = on - dt.timedelta(days=1)
        if (
            person.team is not None
            and person.start_date < on
            and (not TeamMembership.objects.filter(staff=person).exists())
        ):
            # No history yet: they have been in their team since they started (the data set's
            # reading of a person without team_membership.csv rows). Write that down first.
            TeamMembership.objects.create(
                staff=person, team=person.team, start_date=person.start_date
            )
        ended: list[tuple[TeamMembership, dt.date | None]] = []
        removed: list[TeamMembership] = []
        for period in TeamMembership.objects.current().filter(staff=person).select_related("team"):
            if period.start_date >= on:
                removed.append(period)
                continue
            ended.append((period, period.end_date))
            period.end_date = day_before
            period.save(update_fields=["end_date"])
        # Deleted by query, so the rows in hand keep their ids for the trail.
        TeamMembership.objects.filter(pk__in=[p.pk for p in removed]).delete()
        new = (
            TeamMembership.objects.create(staff=person, team=team, start_date=on)
            if team is not None
            else None
        )
        before = person.team.name if person.team else None
        person.team = team
        person.save(update_fields=["team"])
        staff.team = team
        for period, was in ended:
            by.audit(
                "change",
                period,
                detail={
                    **changes({"end_date": was}, {"end_date": day_before}),
                    "reason": "moved team",
                    "new_team": team.name if team else None,
                },
            )
        for period in removed:
            by.audit(
                "delete",
                period,
                detail={
                    "team": period.team.name,
                    "start_date": period.start_date,
                    "reason": "moved team",
                },
            )
        if new is not None:
            by.audit(
                "create",
                new,
                detail={"staff_id": person.staff_id, "team": new.team.name, "start_date": on},
            )
        by.audit(
            "change",
            person,
            detail={
                **changes({"team": before}, {"team": team.name if team else None}),
                "reason": "moved team",
                "on": on,
            },
        )
    return new
