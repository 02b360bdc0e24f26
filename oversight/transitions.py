"""Tables of allowed moves, and the one way to make a move: shared by every stateful thing.

A stateful thing (a supervision record, an agreement, a disagreement, an action) has one table of
`Move`s saying who may move it from which state to which. `Workflow.apply` is the only code that
moves one: inside one transaction it locks the thing's row, reads its state, checks the table and
who is acting, runs the move's own checks, writes what the move changes, appends a history row and
writes the audit entry. Because the row is locked before its state is read, the second of two
people moving the same thing at once waits, then finds it already moved and is refused with a
message naming the state it is now in (a worker escalating a disagreement while the supervisor
resolves it cannot leave it both escalated and resolved).

Each thing says how its state is read, who a user is to it, and where its history goes by
subclassing `Workflow`; the rules themselves stay in its table.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from oversight.audit import trail

if TYPE_CHECKING:
    from django.contrib.auth.models import User


# Errors: all are WorkflowError, so a view can catch one type and show the message. -------------


class WorkflowError(Exception):
    """A move or change the workflow does not allow; the message says why in plain English."""


class NotAllowed(WorkflowError, PermissionDenied):
    """The person is not the one who may do this (a view turns PermissionDenied into a 403)."""


class ReasonRequired(WorkflowError, ValidationError):
    """A required explanation was left blank (a ValidationError, so a form can show it)."""

    def __str__(self) -> str:
        return str(self.message)


class AppendOnlyError(WorkflowError):
    """A history row was changed or deleted; history is only ever added to."""


class IllegalTransition(WorkflowError):
    """The move is not in the table from the thing's current state."""

    def __init__(self, message: str, *, attempted: str = "", state: str = "") -> None:
        self.attempted = attempted
        self.state = state
        super().__init__(message)


# The table --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Move:
    """One row of a table: `who` may make the move `name` from `from_state` to `to_state`.

    `who` is a role (a TextChoices member, whose label names it in messages). A move several
    roles may make has a row for each.
    """

    name: str
    from_state: str
    to_state: str
    who: Any
    reason_required: bool = False

    @property
    def label(self) -> str:
        # The name is the label: "send_to_worker" is the button "Send to worker".
        return self.name.replace("_", " ").capitalize()

    def describe(self) -> str:
        return f"{self.label.lower()} (by {self.who.label})"


class TransitionRow(models.Model):
    """One move of a stateful thing: from what, to what, who made it, when and why.

    Rows are only appended. `by` is empty for history filled in from what was stored before
    moves were kept (the person is then named in the thing's own fields).
    """

    from_state = models.CharField(max_length=30)
    to_state = models.CharField(max_length=30)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.from_state} to {self.to_state} at {self.at}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("History cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("History cannot be deleted.")


# Applying a move --------------------------------------------------------------------------------


class Workflow[T: models.Model, R: models.Model]:
    """How one kind of stateful thing moves. Subclasses give the table and the readings.

    `T` is the thing and `R` the row its history is kept in.
    """

    thing: ClassVar[str]  # how messages name it: "record", "agreement"
    moves: ClassVar[tuple[Move, ...]]
    # A sentence ending for states from which nothing can move, e.g. "To correct it, add an
    # addendum."
    dead_ends: ClassVar[Mapping[str, str]] = {}

    # What each thing defines ---------------------------------------------------------------

    def state_of(self, thing: T) -> str:
        raise NotImplementedError

    def role_of(self, thing: T, by: User) -> Any | None:
        raise NotImplementedError

    def append(self, thing: T, move: Move, from_state: str, *, by: User, reason: str) -> R:
        """Append the history row for `move`, after the move's own writes."""
        raise NotImplementedError

    # What each thing may change -------------------------------------------------------------

    def lock(self, thing: T) -> T:
        """The thing read again from the database under a row lock held to the end of the move."""
        return type(thing)._default_manager.select_for_update().get(pk=thing.pk)

    def phrase(self, state: str) -> str:
        """The state in a sentence: "the record is {phrase}"."""
        return state.replace("_", " ")

    def illegal(self, thing: T, name: str, state: str, role: Any | None) -> Exception:
        allowed = self.moves_from(state)
        if allowed:
            then = f"From '{state}' the allowed moves are: "
            then += "; ".join(m.describe() for m in allowed) + "."
        else:
            then = f"From '{state}' no moves are allowed."
            if state in self.dead_ends:
                then += " " + self.dead_ends[state]
        return IllegalTransition(
            f"Cannot {name.replace('_', ' ')}: the {self.thing} is {self.phrase(state)}. {then}",
            attempted=name,
            state=state,
        )

    def not_allowed(
        self, thing: T, moves: tuple[Move, ...], role: Any | None, by: User
    ) -> Exception:
        who = " or ".join(dict.fromkeys(str(m.who.label) for m in moves))
        return NotAllowed(f"Only {who} can {moves[0].label.lower()} this {self.thing}.")

    def reason_missing(self, move: Move) -> Exception:
        return ReasonRequired(f"A reason is required to {move.label.lower()}.")

    def audit_object_type(self, thing: T) -> str | None:
        return None

    # The table ---------------------------------------------------------------------------------

    @classmethod
    def moves_from(cls, state: str) -> tuple[Move, ...]:
        return tuple(m for m in cls.moves if m.from_state == state)

    @classmethod
    def move_names(cls) -> tuple[str, ...]:
        return tuple(dict.fromkeys(m.name for m in cls.moves))

    def choose(self, thing: T, name: str, state: str, role: Any | None, by: User) -> Move:
        """The row of the table for `name` from `state` by `role`, or the error saying why not."""
        here = tuple(m for m in self.moves_from(state) if m.name == name)
        if not here:
            raise self.illegal(thing, name, state, role)
        mine = next((m for m in here if role is not None and m.who == role), None)
        if mine is None:
            raise self.not_allowed(thing, here, role, by)
        return mine

    # The one way to move -----------------------------------------------------------------------

    def apply(
        self,
        thing: T,
        name: str,
        *,
        by: User,
        reason: str = "",
        checks: Callable[[T, Move], None] | None = None,
        write: Callable[[T, Move], None] | None = None,
        audit_action: str = "transition",
        detail: Mapping[str, Any] | Callable[[T], Mapping[str, Any]] | None = None,
    ) -> tuple[T, Move, R]:
        """Make the move called `name` on `thing`, or raise a WorkflowError saying why not.

        `checks` runs the thing's own conditions for the chosen move before anything is written;
        `write` writes the fields the move changes on the locked thing (e.g. the meeting date of
        an escalation); `detail` adds to the audit entry (a function of the moved thing, if what
        to say is known only once it has moved). Returns the moved thing, the move and the
        history row.
        """
        if name not in self.move_names():
            raise ValueError(f"Unknown move {name!r}; the moves are {', '.join(self.move_names())}")
        reason = (reason or "").strip()
        with transaction.atomic():
            # Locked before the state is read, so two moves from one state cannot both succeed.
            locked = self.lock(thing)
            state = self.state_of(locked)
            move = self.choose(locked, name, state, self.role_of(locked, by), by)
            if move.reason_required and not reason:
                raise self.reason_missing(move)
            if checks is not None:
                checks(locked, move)
            if write is not None:
                write(locked, move)
            row = self.append(locked, move, state, by=by, reason=reason)
            now = self.state_of(locked)
            if now != move.to_state:
                # The history and the state must never disagree: a move whose writes do not
                # reach the state in the table is a bug, and nothing of it is kept.
                raise RuntimeError(
                    f"{move.name} should move the {self.thing} to {move.to_state}, not {now}"
                )
            extra = detail(locked) if callable(detail) else detail
            trail.audit(
                by,
                audit_action,
                locked,
                detail={"from": state, "to": move.to_state, **(extra or {})},
                object_type=self.audit_object_type(locked),
            )
        return locked, move, row
