"""The write-send-agree workflow of a supervision record (Newham's Azeus steps, Appendix 7).

The supervisor writes the record, sends it to the worker, and the worker either agrees it or
returns it to the supervisor with a reason; a returned record is corrected and sent again. Every
allowed move is a row of TRANSITIONS below: nothing else can change a record's state.

The state is never stored on the session. Each move appends a RecordTransition row and the state
is read back from the latest one, so the history and the state cannot disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from oversight.access.staff import staff_of
from oversight.audit import trail
from oversight.formatting import long_date, state_phrase
from oversight.organisation.models import Staff
from oversight.supervision.models import Session

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.contrib.auth.models import AbstractBaseUser

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


@dataclass(frozen=True)
class Move:
    name: str
    from_state: State
    to_state: State
    who: Role
    reason_required: bool

    @property
    def label(self) -> str:
        return MOVE_LABELS[self.name]

    def describe(self) -> str:
        return f"{self.label.lower()} (by {self.who.label})"


# fmt: off
TRANSITIONS: tuple[Move, ...] = (
    # name                  from            to              who              reason required?
    Move("send_to_worker",       State.DRAFT,    State.SENT,     Role.SUPERVISOR, False),
    Move("send_to_worker",       State.RETURNED, State.SENT,     Role.SUPERVISOR, False),
    Move("agree",                State.SENT,     State.AGREED,   Role.SUPERVISEE, False),
    Move("return_to_supervisor", State.SENT,     State.RETURNED, Role.SUPERVISEE, True),
)
# fmt: on

MOVE_LABELS = {
    "send_to_worker": "Send to worker",
    "agree": "Agree",
    "return_to_supervisor": "Return to supervisor",
}
MOVE_NAMES = tuple(MOVE_LABELS)
# The supervisor may change the record's contents only while it is with them.
EDITABLE_STATES = frozenset({State.DRAFT, State.RETURNED})
# Finished records: corrected only by an addendum, never by editing.
LOCKED_STATES = frozenset({State.AGREED, State.IMPORTED})
# What others may read, e.g. on the child's chronology. A returned record is back with its author
# being corrected, so like a draft it is not shown until it is sent again.
SHARED_STATES = frozenset({State.SENT, State.AGREED, State.IMPORTED})


def moves_from(state: str) -> tuple[Move, ...]:
    return tuple(m for m in TRANSITIONS if m.from_state == state)


# Errors: all are WorkflowError, so a view can catch one type and show the message. -------------


class WorkflowError(Exception):
    """A move or change the workflow does not allow; the message says why in plain English."""


class IllegalTransition(WorkflowError):
    def __init__(self, attempted: str, state: str) -> None:
        self.attempted = attempted
        self.state = state
        self.allowed = moves_from(state)
        if self.allowed:
            allowed = "; ".join(m.describe() for m in self.allowed)
            then = f"From '{state}' the allowed moves are: {allowed}."
        else:
            then = f"From '{state}' no moves are allowed."
            if state in LOCKED_STATES:
                then += " To correct it, add an addendum."
        super().__init__(
            f"Cannot {attempted.replace('_', ' ')}: the record is {state_phrase(state)}. {then}"
        )


class NotAllowed(WorkflowError, PermissionDenied):
    """The person is not the one who may do this (a view turns PermissionDenied into a 403)."""


class ReasonRequired(WorkflowError, ValidationError):
    """A required explanation was left blank (a ValidationError, so a form can show it)."""

    def __str__(self) -> str:
        return str(self.message)


class RecordLocked(WorkflowError):
    """The record's contents cannot change in its current state."""


class IncompleteRecord(WorkflowError):
    """The record cannot be sent yet."""


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
    # A record is its session: entries about either are filed under the session.
    object_type = Session._meta.label_lower if isinstance(obj, Session) else None
    trail.audit(by, action, obj, detail=detail, object_type=object_type)


# Applying a move --------------------------------------------------------------------------------


def apply(
    record: Record,
    name: str,
    *,
    by: AbstractBaseUser,
    reason: str = "",
    on: dt.date | None = None,
    checks: Callable[[Move], None] | None = None,
) -> RecordTransition:
    """Make the move called `name` on `record`, or raise a WorkflowError saying why not.

    `on` is the day a send completes the record (default today); `checks` runs the record's own
    conditions for the chosen move (e.g. every child discussed has a note) before anything is
    written.
    """
    if name not in MOVE_NAMES:
        raise ValueError(f"Unknown move {name!r}; the moves are {', '.join(MOVE_NAMES)}")
    reason = (reason or "").strip()
    with transaction.atomic():
        # Lock the session so two clicks, or the two people, cannot both move it from one state.
        session = Session.objects.select_for_update().get(pk=record.pk)
        record.supervisor_id, record.supervisee_id = session.supervisor_id, session.supervisee_id
        state = record.state_from_db()
        move = next((m for m in moves_from(state) if m.name == name), None)
        if move is None:
            raise IllegalTransition(name, state)

        ensure_not_self_supervised(session)
        staff = require_staff(by, move.label.lower())
        if record.role_of(staff) != move.who:
            raise NotAllowed(
                f"Only {who_is(record, move.who)} can {move.label.lower()} this record."
            )
        if move.reason_required and not reason:
            raise ReasonRequired(
                f"A reason is required to {move.label.lower()}: say what needs to change."
            )
        if checks is not None:
            checks(move)

        if move.to_state == State.SENT and session.recorded_date is None:
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

        transition = record.transitions.create(
            from_state=state, to_state=move.to_state, by=by, reason=reason
        )
        audit(by, "transition", session, {"from": state, "to": move.to_state, "reason": reason})
    record.workflow_state = move.to_state
    return transition


def who_is(record: Session, role: Role) -> str:
    person = record.supervisor if role == Role.SUPERVISOR else record.supervisee
    if person is None:
        return "the group's attendees" if role == Role.SUPERVISEE else str(role.label)
    return f"{role.label} ({person.name})"
