"""Notifications of what just happened to someone: a record sent to them or returned to them, a
disagreement escalated to them, a booking with them made, moved or cancelled.

The domain operations call ``announce`` with the row that records the event (a record
transition, a disagreement transition, a session event). Nothing is sent unless their
transaction commits; then a background task composes and sends the message, once per person
and event (the sent-log), however often the task runs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from oversight.formatting import long_date
from oversight.organisation.models import Staff
from oversight.records.models import DisagreementTransition, GroupRecord, RecordTransition
from oversight.reminders.models import Frequency, Kind, Message, Notification, Preference
from oversight.reminders.sending import Mention, compose
from oversight.supervision.models import Session, SessionEvent

RECORD_SENT = "record_sent"
RECORD_RETURNED = "record_returned"
DISAGREEMENT_ESCALATED = "disagreement_escalated"
BOOKING_MADE = "booking_made"
BOOKING_MOVED = "booking_moved"
BOOKING_CANCELLED = "booking_cancelled"
EVENTS = (
    RECORD_SENT,
    RECORD_RETURNED,
    DISAGREEMENT_ESCALATED,
    BOOKING_MADE,
    BOOKING_MOVED,
    BOOKING_CANCELLED,
)


def announce(event: str, row_pk: int) -> None:
    """Queue the notification of `event` (recorded by the row `row_pk`) once this commits."""
    from oversight.reminders.tasks import notify_event

    assert event in EVENTS, event
    # In the application at once, with the change; by email after it commits.
    told = _told(event, row_pk)
    if told is not None:
        Notification.objects.bulk_create(
            Notification(recipient=person, event=event, what=told.what, path=told.path)
            for person in told.recipients
        )
    transaction.on_commit(lambda: notify_event.enqueue(event, row_pk))


@dataclass(frozen=True)
class Told:
    """Who is told, what happened (a subject line with no child's name), and where to go."""

    recipients: list[Staff]
    subject: str
    what: str
    path: str


def compose_event(event: str, row_pk: int) -> list[Message]:
    """The messages for an event, one per person told; none for what was said already."""
    told = _told(event, row_pk)
    if told is None:
        return []
    # Emails for events are their own choice (the notification in the application is always made).
    off = set(
        Preference.objects.filter(staff__in=told.recipients)
        .filter(Q(frequency=Frequency.OFF) | Q(events=False))
        .values_list("staff_id", flat=True)
    )
    made = []
    for person in told.recipients:
        if not person.email or person.pk in off:
            continue
        message = compose(
            person,
            Kind.EVENT,
            "event",
            {"told": told},
            [Mention(f"{event}:{row_pk}")],
        )
        if message is not None:
            made.append(message)
    return made


def _at(day: dt.date | None, time: dt.time | None) -> str:
    return long_date(day) + (f" at {time:%H:%M}" if time else "")


def _record_path(session: Session) -> str:
    return reverse("records:detail", args=[session.pk])


def _told(event: str, row_pk: int) -> Told | None:
    if event in (RECORD_SENT, RECORD_RETURNED):
        transition = RecordTransition.objects.select_related("session").filter(pk=row_pk).first()
        if transition is None:
            return None
        session = transition.session
        kind = session.get_type_display()
        on = long_date(session.date)
        if event == RECORD_SENT:
            recipients = (
                # Each supervisee of a joint supervision agrees it for themselves (B 3.1.10).
                [session.supervisee, *Staff.objects.filter(joint_rows__session=session)]
                if session.supervisee is not None
                else list(
                    Staff.objects.filter(
                        pk__in=GroupRecord.objects.filter(session=session).values("attendees")
                    )
                )
            )
            return Told(
                recipients,
                "A supervision record is waiting for you to agree",
                f"The {kind.lower()} record from {on} has been sent to you to agree or return.",
                _record_path(session),
            )
        return Told(
            [session.supervisor] if session.supervisor is not None else [],
            "A supervision record was returned to you",
            f"The {kind.lower()} record from {on} was returned to you to correct.",
            _record_path(session),
        )
    if event == DISAGREEMENT_ESCALATED:
        moved = (
            DisagreementTransition.objects.select_related(
                "disagreement__escalated_to", "disagreement__session"
            )
            .filter(pk=row_pk)
            .first()
        )
        if moved is None or moved.disagreement.escalated_to is None:
            return None
        disagreement = moved.disagreement
        line_manager: Staff = moved.disagreement.escalated_to
        return Told(
            [line_manager],
            "A disagreement about supervision was escalated to you",
            "A disagreement between a supervisor and the person they supervise was escalated to "
            f"you. The three-way meeting is on {long_date(disagreement.meeting_date)}.",
            _record_path(disagreement.session),
        )
    happened = SessionEvent.objects.select_related("session__supervisee").filter(pk=row_pk).first()
    supervisee = happened.session.supervisee if happened is not None else None
    if happened is None or supervisee is None:
        return None
    session = happened.session
    when = _at(session.date, session.start_time)
    if event == BOOKING_MADE:
        subject, what = "Supervision booked", f"Your supervision is booked for {when}."
    elif event == BOOKING_MOVED:
        before = _at(happened.from_date, happened.from_time)
        subject, what = "Supervision moved", f"Your supervision on {before} has moved to {when}."
    else:
        subject, what = "Supervision cancelled", f"Your supervision on {when} was cancelled."
    return Told([supervisee], subject, what, _record_path(session))
