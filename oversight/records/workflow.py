"""The write-send-agree workflow of a supervision record (Newham's Azeus steps, Appendix 7).

The supervisor writes the record, sends it to the worker, and the worker either agrees it or
returns it to the supervisor with a reason; a returned record is corrected and sent again. Every
allowed move is a row of TRANSITIONS below, applied by the one machinery every stateful thing
shares (`oversight.transitions`): nothing else can change a record's state.

The state is never stored on the session. Each move appends a RecordTransition row and the state
is read back from the latest one, so the history and the state cannot disagree.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils import timezone

from oversight import transitions
from oversight.access.staff import staff_of
from oversight.audit import trail
from oversight.formatting import long_date, long_time, state_phrase
from oversight.organisation.models import Staff
from oversight.supervision.models import Session, SessionEvent
from oversight.transitions import Move, NotAllowed, ReasonRequired, WorkflowError

__all__ = [
    "EDITABLE_STATES",
    "LOCKED_STATES",
    "MOVE_NAMES",
    "SHARED_STATES",
    "TRANSITIONS",
    "IllegalTransition",
    "IncompleteRecord",
    "Move",
    "NotAllowed",
    "ReasonRequired",
    "RecordLocked",
    "Role",
    "State",
    "WorkflowError",
    "apply",
    "moves_from",
]

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.contrib.auth.models import AbstractBaseUser, User

    from oversight.records.models import Record, RecordTransition


class State(models.TextChoices):
    DRAFT = "draft", "Draft"
    SENT = "sent", "Sent to the worker"
    RETURNED = "returned", "Returned to the supervisor"
    AGREED = "agreed", "Agreed"
    # Never the target of a move: a session loaded from a council's data set with a recorded date
    # and no moves in Oversight. Its record was written and signed off in the council's own system,
    # which Oversight cannot see, so it is shown as "recorded elsewhere" and cannot be edited here.
    IMPORTED = "imported", "Recorded elsewhere"


class Role(models.TextChoices):
    SUPERVISOR = "supervisor", "the supervisor"
    SUPERVISEE = "supervisee", "the supervisee"


# fmt: off
TRANSITIONS: tuple[Move, ...] = (
    # name                  from            to              who              reason required?
    Move("send_to_worker",       State.DRAFT,    State.SENT,     Role.SUPERVISOR, False),
    Move("send_to_worker",       State.RETURNED, State.SENT,     Role.SUPERVISOR, False),
    Move("agree",                State.SENT,     State.AGREED,   Role.SUPERVISEE, False),
    Move("return_to_supervisor", State.SENT,     State.RETURNED, Role.SUPERVISEE, True),
)
# fmt: on

MOVE_NAMES = tuple(dict.fromkeys(m.name for m in TRANSITIONS))
# The supervisor may change the record's contents only while it is with them.
EDITABLE_STATES = frozenset({State.DRAFT, State.RETURNED})
# Finished records: corrected only by an addendum, never by editing.
LOCKED_STATES = frozenset({State.AGREED, State.IMPORTED})
# What others may read, e.g. on the child's chronology. A returned record is back with its author
# being corrected, so like a draft it is not shown until it is sent again.
SHARED_STATES = frozenset({State.SENT, State.AGREED, State.IMPORTED})


def moves_from(state: str) -> tuple[Move, ...]:
    return RecordWorkflow.moves_from(state)


# Errors: all are WorkflowError (from oversight.transitions), so a view can catch one type. --------


class IllegalTransition(transitions.IllegalTransition):
    def __init__(self, attempted: str, state: str) -> None:
        self.allowed = moves_from(state)
        if self.allowed:
            allowed = "; ".join(m.describe() for m in self.allowed)
            then = f"From '{state}' the allowed moves are: {allowed}."
        else:
            then = f"From '{state}' no moves are allowed."
            if state in LOCKED_STATES:
                then += " To correct it, add an addendum."
        super().__init__(
            f"Cannot {attempted.replace('_', ' ')}: the record is {state_phrase(state)}. {then}",
            attempted=attempted,
            state=state,
        )


class RecordLocked(WorkflowError):
    """The record's contents cannot change in its current state."""


class IncompleteRecord(WorkflowError):
    """The record cannot be sent yet."""


class BookingProblem(WorkflowError):
    """A booking cannot be confirmed, moved or cancelled as asked; the message says why."""


# Whether a session took place (issue 8) ---------------------------------------------------------


def starts_at(session: Session) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(session.date, session.start_time or dt.time()))


def mark_held(session: Session, *, by: Any, now: dt.datetime | None = None) -> SessionEvent:
    """The `held` row, refused before the session's time (also written by sending the record).
    The caller holds the lock on the session."""
    now = now or timezone.now()
    if now < starts_at(session):
        when = long_date(session.date)
        if session.start_time is not None:
            when = f"{long_time(starts_at(session))} on {when}"
        raise BookingProblem(
            f"This session is booked for {when}. Confirm it took place, or send its record, "
            "once that time has come."
        )
    return SessionEvent.objects.create(session=session, kind=SessionEvent.Kind.HELD, by=by)


def confirm_by_sending(session: Session, on: dt.date | None, by: User) -> None:
    """Sending the record of a booking says it took place; a cancelled one cannot be sent."""
    events = SessionEvent.objects.filter(session=session)
    if events.filter(kind=SessionEvent.Kind.CANCELLED).exists():
        raise IncompleteRecord("This session was cancelled, so there is no record to send.")
    if (
        events.filter(kind=SessionEvent.Kind.BOOKED).exists()
        and not events.filter(kind=SessionEvent.Kind.HELD).exists()
    ):
        # Sent on a given day (`on`): by the end of it; sent now: from the session's start.
        now = None if on is None else timezone.make_aware(dt.datetime.combine(on, dt.time.max))
        mark_held(session, by=by, now=now)


# Who is acting ----------------------------------------------------------------------------------


def require_staff(user: AbstractBaseUser | None, doing: str) -> Staff:
    staff = staff_of(user)
    if staff is None:
        raise NotAllowed(f"Only a member of staff can {doing}; this account is not linked to one.")
    return staff


def ensure_not_self_supervised(record: Session) -> None:
    if record.supervisor_id is not None and record.supervisor_id == record.supervisee_id:
        raise NotAllowed(
            "This session names the same person as supervisor and supervisee, and nobody can "
            "agree their own record. Correct the session first."
        )


# The audit trail --------------------------------------------------------------------------------


def audit(by: Any, action: str, obj: models.Model, detail: dict[str, Any]) -> None:
    trail.audit(by, action, obj, detail=detail, object_type=object_type_of(obj))


def object_type_of(obj: models.Model) -> str | None:
    # A record is its session: entries about either are filed under the session.
    return Session._meta.label_lower if isinstance(obj, Session) else None


# Applying a move --------------------------------------------------------------------------------


# Named in quotes: the record models import this module.
class RecordWorkflow(transitions.Workflow["Record", "RecordTransition"]):
    thing = "record"
    moves = TRANSITIONS

    def lock(self, thing: Record) -> Record:
        # Lock the session so two clicks, or the two people, cannot both move it from one state.
        # The state is read after the lock, in its own query, from the latest transition.
        session = Session.objects.select_for_update().get(pk=thing.pk)
        thing.supervisor_id, thing.supervisee_id = session.supervisor_id, session.supervisee_id
        return thing

    def state_of(self, thing: Record) -> str:
        return thing.state_from_db()

    def role_of(self, thing: Record, by: User) -> Role | None:
        return thing.role_of(staff_of(by))

    def illegal(self, thing: Record, name: str, state: str, role: Any | None) -> Exception:
        return IllegalTransition(name, state)

    def not_allowed(
        self, thing: Record, moves: tuple[Move, ...], role: Any | None, by: User
    ) -> Exception:
        ensure_not_self_supervised(thing)
        move = moves[0]
        require_staff(by, move.label.lower())
        return NotAllowed(f"Only {who_is(thing, move.who)} can {move.label.lower()} this record.")

    def reason_missing(self, move: Move) -> Exception:
        return ReasonRequired(
            f"A reason is required to {move.label.lower()}: say what needs to change."
        )

    def audit_object_type(self, thing: Record) -> str | None:
        return object_type_of(thing)

    def append(
        self, thing: Record, move: Move, from_state: str, *, by: User, reason: str
    ) -> RecordTransition:
        return thing.transitions.create(
            from_state=from_state, to_state=move.to_state, by=by, reason=reason
        )


def apply(
    record: Record,
    name: str,
    *,
    by: User,
    reason: str = "",
    on: dt.date | None = None,
    checks: Callable[[Move], None] | None = None,
) -> RecordTransition:
    """Make the move called `name` on `record`, or raise a WorkflowError saying why not.

    `on` is the day a send completes the record (default today); `checks` runs the record's own
    conditions for the chosen move (e.g. every child discussed has a note) before anything is
    written.
    """
    reason = (reason or "").strip()

    def check(locked: Record, move: Move) -> None:
        ensure_not_self_supervised(locked)
        if move.name == "agree":
            # A group record is agreed only by the last of its attendees to agree their copy.
            locked.ensure_every_attendee_agreed()
        if checks is not None:
            checks(move)

    def complete(locked: Record, move: Move) -> None:
        if move.to_state != State.SENT:
            return
        session = Session.objects.get(pk=locked.pk)
        confirm_by_sending(session, on, by)
        if session.recorded_date is not None:
            return
        # The recorded date is the day the supervisor first completed the record: the policies'
        # deadlines (B 3.3 "within 72 hours", N 3.1 "within 24 hours") are about writing it up,
        # and the worker's agreement is not timed. Keeping the first date on a re-send means
        # a worker's return does not make the supervisor look late, and a date the obligations
        # reports have already counted does not move under them.
        day = on or timezone.localdate()
        if day < session.date:
            raise IncompleteRecord(
                f"A record cannot be completed on {long_date(day)}, before the session on "
                f"{long_date(session.date)}."
            )
        Session.objects.filter(pk=session.pk).update(recorded_date=day)
        record.recorded_date = day

    _, move, transition = RecordWorkflow().apply(
        record, name, by=by, reason=reason, checks=check, write=complete, detail={"reason": reason}
    )
    record.workflow_state = move.to_state
    # Tell the person it now waits for, once this commits (issue 11). Imported here: the
    # reminders app reads the records models, which import this module.
    from oversight.reminders import events

    if move.to_state == State.SENT:
        events.announce(events.RECORD_SENT, transition.pk)
    elif move.to_state == State.RETURNED:
        events.announce(events.RECORD_RETURNED, transition.pk)
    return transition


def who_is(record: Session, role: Role) -> str:
    person = record.supervisor if role == Role.SUPERVISOR else record.supervisee
    if person is None:
        return "the group's attendees" if role == Role.SUPERVISEE else str(role.label)
    return f"{role.label} ({person.name})"
