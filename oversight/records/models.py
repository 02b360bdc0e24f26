"""What a supervision record holds, and the record itself as a view of its session.

A session (`supervision.Session`) is the fact that supervision happened; its record is everything
written about it: the professional (non-case) discussion (N Appendix 8), a note per child
discussed (N Appendices 3-5), decisions and actions, the agenda, and the contents of the other
kinds of supervision (management oversight, group, practice observation, conference chair).

Which contents each kind of session normally has:

    one-to-one (individual)   ProfessionalRecord, a CaseNote per child, Actions, AgendaItems
    case discussion           a CaseNote or an OversightNote per child, Actions
    management oversight      an OversightNote per child, Actions
    group                     GroupRecord (children presented are the session's cases), Actions
    practice observation      PracticeObservation, Actions
    conference chair          a ChairReview per child, Actions

Contents can be changed only while the record is with its author (draft or returned): every
content model checks this when saved or deleted. Bulk queryset updates bypass the check, so the
app never uses them on record contents.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.db import models, transaction
from django.db.models import Exists, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.utils import timezone

from oversight import transitions
from oversight.access.staff import staff_of
from oversight.cases.models import Case, CaseQuerySet
from oversight.formatting import long_date, state_phrase, why_locked
from oversight.organisation.models import Staff, Team
from oversight.records import workflow
from oversight.records.workflow import (
    EDITABLE_STATES,
    LOCKED_STATES,
    SHARED_STATES,
    IncompleteRecord,
    Move,
    NotAllowed,
    ReasonRequired,
    RecordLocked,
    Role,
    State,
    WorkflowError,
    require_staff,
)
from oversight.supervision.models import (
    JointSupervisee,
    Session,
    SessionCase,
    SessionEvent,
    SessionQuerySet,
)
from oversight.transitions import AppendOnlyError, TransitionRow
from oversight.versions import Versioned

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.contrib.auth.models import AbstractBaseUser, User


# The workflow's own history ---------------------------------------------------------------------


class RecordTransition(models.Model):
    """One move of a record through the workflow: who moved it, when, from what, to what and why."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(max_length=20, choices=State.choices)
    to_state = models.CharField(max_length=20, choices=State.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="record_transitions"
    )
    at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(blank=True, help_text="Why the record was returned.")

    class Meta:
        # Rows are appended under a lock on the session, so the highest id is the latest move.
        ordering = ["session", "id"]
        indexes = [models.Index(fields=["session", "-id"], name="records_transition_latest")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(to_state=State.RETURNED) | ~Q(reason=""),
                name="record_returned_with_reason",
            ),
            models.CheckConstraint(
                condition=~Q(from_state=F("to_state")), name="record_transition_changes_state"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_from_state_display()} to {self.get_to_state_display()} at {self.at}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("A record's history cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("A record's history cannot be deleted.")


def state_expression() -> Coalesce:
    """The record's state, computed in SQL from its latest transition, for filtering lists."""
    latest = (
        RecordTransition.objects.filter(session=OuterRef("pk"))
        .order_by("-id")
        .values("to_state")[:1]
    )
    never_moved = models.Case(
        models.When(recorded_date__isnull=False, then=Value(State.IMPORTED.value)),
        default=Value(State.DRAFT.value),
    )
    return Coalesce(Subquery(latest), never_moved, output_field=models.CharField())


class RecordQuerySet(SessionQuerySet):
    def with_state(self) -> RecordQuerySet:
        if "workflow_state" in self.query.annotations:
            return self
        # Whether each is a joint supervision, read with it: a list shows each record's state
        # ("With the supervisees") without asking again for every row.
        joint = JointSupervisee.objects.filter(session=OuterRef("pk"))
        return self.annotate(workflow_state=state_expression(), joint_annotated=Exists(joint))

    def in_state(self, *states: str) -> RecordQuerySet:
        # A lookup on with_state()'s annotation, which the plugin cannot follow across methods.
        return self.with_state().filter(workflow_state__in=states)  # type: ignore[misc]

    def drafts_of(self, supervisor: Staff) -> RecordQuerySet:
        """Records the supervisor is still writing (a cancelled booking has nothing to write)."""
        return self.in_state(State.DRAFT).filter(supervisor=supervisor).not_cancelled()

    def returned_to(self, supervisor: Staff) -> RecordQuerySet:
        """Records a worker has sent back to the supervisor to correct."""
        return self.in_state(State.RETURNED).filter(supervisor=supervisor)

    def sent_by(self, supervisor: Staff) -> RecordQuerySet:
        """Records the supervisor has sent and the worker has not yet agreed or returned."""
        return self.in_state(State.SENT).filter(supervisor=supervisor)

    def awaiting_agreement(self, staff: Staff) -> RecordQuerySet:
        """Records waiting for this worker to agree or return; a group record (or a joint
        supervision), for each attendee (supervisee) until they have agreed or returned their own
        copy of its latest sending."""
        latest_sending = (
            RecordTransition.objects.filter(session=OuterRef("session"))
            .order_by("-id")
            .values("pk")[:1]
        )
        # The records agreed copy by copy first, from this person's own copies (a small indexed
        # read), so the database need not work out the state of every such record to find them.
        copies = (
            AttendeeCopy.objects.filter(staff=staff, sending=Subquery(latest_sending))
            .annotate(has_answer=Exists(AttendeeCopyTransition.objects.filter(copy=OuterRef("pk"))))
            .values_list("session_id", "has_answer")
        )
        unanswered_copies = [session for session, answered in copies if not answered]
        # A joint supervision's first supervisee who has answered their copy waits no longer.
        answered_copies = [session for session, answered in copies if answered]
        return (
            self.in_state(State.SENT)
            .filter(Q(supervisee=staff) | Q(pk__in=unanswered_copies))
            .exclude(pk__in=answered_copies)
            .exclude(supervisor=staff)
        )

    def agreed(self) -> RecordQuerySet:
        return self.in_state(State.AGREED)

    def shared(self) -> RecordQuerySet:
        """Records others may read: sent, agreed or recorded elsewhere."""
        return self.in_state(*SHARED_STATES)

    # The records list's filters (oversight/web/records/filters.py) ------------------------------

    def with_cancelled(self) -> RecordQuerySet:
        """Each record annotated `cancelled`: its booking was cancelled."""
        if "cancelled" in self.query.annotations:
            return self
        return self.annotate(
            cancelled=Exists(
                SessionEvent.objects.filter(
                    session=OuterRef("pk"), kind=SessionEvent.Kind.CANCELLED
                )
            )
        )

    def cancelled(self) -> RecordQuerySet:
        """Cancelled bookings: listed as "Cancelled" whatever their record's state."""
        return self.with_cancelled().filter(cancelled=True)  # type: ignore[misc]

    def listed_as(self, state: str) -> RecordQuerySet:
        """Records in `state` as the list shows it: not cancelled bookings."""
        return self.in_state(state).with_cancelled().filter(cancelled=False)  # type: ignore[misc]

    def of_team(self, team: Team) -> RecordQuerySet:
        """A team's records: its members' supervision (by the supervisee's team) and the group
        sessions the team held."""
        return self.filter(Q(supervisee__team=team) | Q(supervisee__isnull=True, team=team))

    def dated_between(self, start: dt.date | None, end: dt.date | None) -> RecordQuerySet:
        """Sessions held (or booked) from `start` to `end`, both included; either may be open."""
        found = self
        if start is not None:
            found = found.filter(date__gte=start)
        if end is not None:
            found = found.filter(date__lte=end)
        return found


# mypy cannot check a base class made by a call; the django-stubs plugin still gives the manager
# RecordQuerySet's methods, and get_queryset's return type is checked below.
class RecordManager(models.Manager.from_queryset(RecordQuerySet)):  # type: ignore[misc]
    # Every record read through Record.objects carries its state, so lists can show and filter it.
    def get_queryset(self) -> RecordQuerySet:
        return super().get_queryset().with_state()


class Record(Session):
    """A session seen as a record going through the workflow.

    A proxy rather than a new table: the session and its record are one thing, and a proxy gives
    the record its own manager and methods without touching the supervision app or storing a
    status that could drift from the history.
    """

    objects: ClassVar[RecordManager] = RecordManager()

    workflow_state: str  # set by with_state() or by a move

    class Meta:
        proxy = True
        verbose_name = "supervision record"

    @classmethod
    def of(cls, session: Session) -> Record:
        if isinstance(session, Record):
            return session
        return cls.objects.get(pk=session.pk)

    # State and who may do what -------------------------------------------------------------

    @property
    def state(self) -> str:
        if "workflow_state" not in self.__dict__:
            self.workflow_state = self.state_from_db()
        return self.workflow_state

    def state_from_db(self) -> str:
        return Record.objects.filter(pk=self.pk).values_list("workflow_state", flat=True).get()

    def role_of(self, staff: Staff | None) -> Role | None:
        if staff is None:
            return None
        if self.supervisor_id == staff.pk:
            return Role.SUPERVISOR
        if self.supervisee_id is not None:
            if self.supervisee_id == staff.pk:
                return Role.SUPERVISEE
            # Joint supervision: each worker supervised in it is a supervisee (B 3.1.10).
            joint = JointSupervisee.objects.filter(session_id=self.pk, staff=staff).exists()
            return Role.SUPERVISEE if joint else None
        # A group has no single supervisee: any attendee other than the author can agree it.
        attended = GroupRecord.objects.filter(session_id=self.pk, attendees=staff).exists()
        return Role.SUPERVISEE if attended else None

    def is_self_supervised(self) -> bool:
        return self.supervisor_id is not None and self.supervisor_id == self.supervisee_id

    def can_edit(self, user: AbstractBaseUser | None) -> bool:
        """Only the supervisor, and only while the record is a draft or returned to them."""
        return (
            not self.is_self_supervised()
            and self.role_of(staff_of(user)) == Role.SUPERVISOR
            and self.state in EDITABLE_STATES
            and not self.events.filter(kind=SessionEvent.Kind.CANCELLED).exists()
        )

    def allowed_moves(self, user: AbstractBaseUser | None) -> tuple[Move, ...]:
        """The moves this person can make now (for the buttons a page shows)."""
        if self.is_self_supervised():
            return ()
        staff = staff_of(user)
        role = self.role_of(staff)
        if role == Role.SUPERVISEE and self.agreed_by_each_attendee:
            # An attendee moves their own copy, while it is waiting for them.
            copy = self.copy_for(staff)
            if copy is None:
                return ()
            return AttendeeCopyWorkflow.moves_from(copy.state)
        return tuple(m for m in workflow.moves_from(self.state) if m.who == role)

    # Group records: agreed by each attendee ---------------------------------------------------

    @property
    def agreed_by_each_attendee(self) -> bool:
        """A group record has no single supervisee: each attendee agrees their own copy. A joint
        supervision has several: each of them agrees their own copy too (B 3.1.10)."""
        return self.supervisee_id is None or self.is_joint()

    def is_joint(self) -> bool:
        """Whether more than one worker was supervised in this case discussion."""
        if self.supervisee_id is None or self.type not in JointSupervisee.JOINT_TYPES:
            return False
        if "joint_annotated" in self.__dict__:  # RecordQuerySet.with_state()
            return bool(self.__dict__["joint_annotated"])
        return self.joint_rows.exists()

    def joint_names(self) -> list[str]:
        """The names of the others supervised with the supervisee, for the record's page."""
        return [row.staff.name for row in self.joint_rows.select_related("staff")]

    def agreeing(self) -> models.QuerySet[Staff]:
        """Who is sent a copy to agree: a group's attendees; a joint supervision's supervisees."""
        supervisee = self.supervisee_id
        if supervisee is None:
            return self.group_attendees()
        joint = JointSupervisee.objects.filter(session_id=self.pk).values("staff")
        people = Staff.objects.filter(Q(pk=supervisee) | Q(pk__in=joint))
        return people if self.supervisor_id is None else people.exclude(pk=self.supervisor_id)

    def copies(self) -> models.QuerySet[AttendeeCopy]:
        """The attendees' copies of the latest sending (none before the record is first sent),
        with what each attendee did with theirs."""
        latest = self.transitions.filter(to_state=State.SENT).order_by("-id").first()
        return (
            AttendeeCopy.objects.filter(sending=latest)
            .select_related("staff")
            .prefetch_related(
                models.Prefetch(
                    "transitions", queryset=AttendeeCopyTransition.objects.order_by("id")
                )
            )
        )

    def copy_for(self, staff: Staff | None) -> AttendeeCopy | None:
        """This attendee's copy, while the record is with the attendees."""
        if staff is None or self.state_from_db() != State.SENT:
            return None
        return next((c for c in self.copies() if c.staff_id == staff.pk), None)

    def history(self) -> models.QuerySet[RecordTransition]:
        return self.transitions.select_related("by").order_by("id")

    # The moves --------------------------------------------------------------------------------

    def send_to_worker(self, *, by: User, on: dt.date | None = None) -> RecordTransition:
        """Send the record to the worker to agree; the first send sets the recorded date.

        A group record is sent to each attendee: every sending gives each of them a copy of
        their own to agree or return, so a corrected record sent again is agreed afresh by
        everyone, including those who agreed the version before."""
        with transaction.atomic():
            sending = workflow.apply(
                self, "send_to_worker", by=by, on=on, checks=self._ready_to_send
            )
            if self.agreed_by_each_attendee:
                for attendee in self.agreeing():
                    AttendeeCopy.objects.create(sending=sending, session=self, staff=attendee)
        return sending

    def agree(self, *, by: User) -> RecordTransition | AttendeeCopyTransition:
        """The worker agrees the record. An attendee of a group agrees their own copy, and the
        record is agreed (by the last of them) once every attendee has."""
        if not self.agreed_by_each_attendee:
            return workflow.apply(self, "agree", by=by)
        with transaction.atomic():
            copy = self._locked_copy(by)
            if copy is None:  # not an attendee, or not with the attendees: the table says why
                return workflow.apply(self, "agree", by=by)
            _, _, agreed = AttendeeCopyWorkflow().apply(
                copy, "agree", by=by, detail={"session": self.session_id}
            )
            if all(c.state == CopyState.AGREED for c in self.copies()):
                return workflow.apply(self, "agree", by=by)
        self.workflow_state = State.SENT
        return agreed

    def return_to_supervisor(
        self, *, by: User, reason: str
    ) -> RecordTransition | AttendeeCopyTransition:
        """The worker returns the record to be corrected. An attendee of a group returns their
        own copy, and that alone sends the record back to its author: it cannot be agreed by
        everyone while one attendee says it is wrong."""
        if not self.agreed_by_each_attendee:
            return workflow.apply(self, "return_to_supervisor", by=by, reason=reason)
        with transaction.atomic():
            copy = self._locked_copy(by)
            if copy is not None:
                AttendeeCopyWorkflow().apply(
                    copy,
                    "return_to_supervisor",
                    by=by,
                    reason=reason,
                    detail={"session": self.session_id, "reason": reason.strip()},
                )
            return workflow.apply(self, "return_to_supervisor", by=by, reason=reason)

    def _locked_copy(self, by: User) -> AttendeeCopy | None:
        Session.objects.select_for_update().filter(pk=self.pk).values_list("pk").get()
        return self.copy_for(staff_of(by))

    def ensure_every_attendee_agreed(self) -> None:
        """Raise IncompleteRecord if this is a group record not yet agreed by every attendee."""
        if not self.agreed_by_each_attendee:
            return
        waiting = [c.staff.name for c in self.copies() if c.state != CopyState.AGREED]
        if waiting or not self.copies().exists():
            raise IncompleteRecord(
                "Everyone it was sent to agrees their own copy of this record. Still to agree: "
                + (", ".join(waiting) or "nobody was sent it")
                + "."
            )

    def _ready_to_send(self, move: Move) -> None:
        if self.supervisee_id is None and not self.group_attendees().exists():
            raise IncompleteRecord(
                "Nobody can agree this record yet: a group record needs its attendees listed, "
                "and any other record a supervisee."
            )
        if self.type == "individual" and not self.has_anything_written():
            raise IncompleteRecord(
                "There is nothing in this record to send. Write the professional part, or a note "
                "for a child discussed, then send it."
            )
        # N Appendix 7 step 12: send only once every child discussed has a completed note.
        if missing := list(self.missing_notes()):
            raise IncompleteRecord(
                "Write a note for every child discussed before sending. Missing: "
                + ", ".join(str(case) for case in missing)
                + "."
            )

    def has_anything_written(self) -> bool:
        """Whether a one-to-one has its professional part written or a note about any child.

        The actions agreed are written on the professional part's page, so they count too."""
        if CaseNote.objects.filter(session_id=self.pk).exists():
            return True
        if Action.objects.filter(session_id=self.pk).exists():
            return True
        professional = ProfessionalRecord.objects.filter(session_id=self.pk).first()
        return professional is not None and any(
            getattr(professional, topic).strip() for topic in ProfessionalRecord.TOPICS
        )

    def group_attendees(self) -> models.QuerySet[Staff]:
        attendees = Staff.objects.filter(group_records_attended__session_id=self.pk)
        return attendees if self.supervisor_id is None else attendees.exclude(pk=self.supervisor_id)

    def missing_notes(self) -> CaseQuerySet:
        """Children discussed in the session that have no note, oversight note or chair review."""
        if self.type == "group":
            # Children presented at a group are written up in the group record as a whole.
            return Case.objects.none()
        return (
            Case.objects.filter(session_cases__session_id=self.pk)
            .exclude(pk__in=CaseNote.objects.filter(session_id=self.pk).values("case"))
            .exclude(pk__in=OversightNote.objects.filter(session_id=self.pk).values("case"))
            .exclude(pk__in=ChairReview.objects.filter(session_id=self.pk).values("case"))
        )

    # Additions that do not edit the record ----------------------------------------------------

    def add_agenda_item(self, *, by: User, text: str) -> AgendaItem:
        """Either party adds something to discuss, before the record is sent."""
        staff = require_staff(by, "add to the agenda")
        if self.is_self_supervised() or self.role_of(staff) is None:
            raise NotAllowed("Only the supervisor or the supervisee can add to the agenda.")
        if not text.strip():
            raise ReasonRequired("Say what you want to discuss.")
        with transaction.atomic():
            item = AgendaItem.objects.create(session=self, added_by=staff, text=text.strip())
            workflow.audit(by, "create", item, {"session": self.session_id})
        return item

    def add_addendum(
        self,
        *,
        by: User,
        text: str,
        on: dt.date | None = None,
        case: Case | None = None,
    ) -> Addendum:
        """Correct or add to a finished record without changing what was agreed."""
        state = self.state_from_db()
        if state not in LOCKED_STATES:
            then = (
                "Edit it instead."
                if state in EDITABLE_STATES
                else "The worker can return it to you to correct."
            )
            raise WorkflowError(
                f"An addendum corrects a finished record; this one is {state_phrase(state)}. {then}"
            )
        staff = require_staff(by, "add an addendum")
        if staff.pk != self.supervisor_id:
            raise NotAllowed(
                f"Only the record's author ({workflow.who_is(self, Role.SUPERVISOR)}) can add an "
                "addendum."
            )
        if not text.strip():
            raise ReasonRequired("Write the correction or addition.")
        if case is not None and not self.session_cases.filter(case=case).exists():
            raise WorkflowError(f"{case} was not discussed in this session.")
        with transaction.atomic():
            addendum = Addendum.objects.create(
                session=self,
                author=staff,
                on=on or timezone.localdate(),
                text=text.strip(),
                case=case,
            )
            workflow.audit(by, "create", addendum, {"session": self.session_id})
        return addendum

    def record_disagreement(
        self,
        *,
        by: User,
        what: str,
        on: dt.date | None = None,
        proposed_resolution: str = "",
    ) -> Disagreement:
        """Either party records a disagreement they could not resolve (N 9.1, B 2.1)."""
        staff = require_staff(by, "record a disagreement")
        if self.role_of(staff) is None:
            raise NotAllowed("Only the supervisor or the supervisee can record a disagreement.")
        if not what.strip():
            raise ReasonRequired("Say what the disagreement is about.")
        with transaction.atomic():
            disagreement = Disagreement.objects.create(
                session=self,
                raised_by=staff,
                raised_on=on or timezone.localdate(),
                what=what.strip(),
                proposed_resolution=proposed_resolution.strip(),
            )
            workflow.audit(by, "create", disagreement, {"session": self.session_id})
        return disagreement


def ensure_editable(session_id: int | None) -> None:
    """Raise RecordLocked unless the session's record is a draft or returned to its author."""
    if session_id is None:
        return
    state = Record.objects.filter(pk=session_id).values_list("workflow_state", flat=True).first()
    if state is not None and state not in EDITABLE_STATES:
        raise RecordLocked(why_locked(state))
    if SessionEvent.objects.filter(
        session_id=session_id, kind=SessionEvent.Kind.CANCELLED
    ).exists():
        raise RecordLocked("This session was cancelled, so its record cannot be written.")


class RecordContent(models.Model):
    """Part of a record: saved or deleted only while the record is with its author."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        ensure_editable(self.record_session_id())
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        ensure_editable(self.record_session_id())
        return super().delete(*args, **kwargs)

    def record_session_id(self) -> int | None:
        # Each concrete part declares its own `session` (a foreign key, a one-to-one, or empty for
        # an action marked outside supervision), so this abstract model has none for mypy to see.
        return self.session_id  # type: ignore[attr-defined]


def _discussed(session_id: int, case_id: int) -> None:
    # A note or action about a child means the child was discussed; the obligations engine counts
    # the session's cases, so the two must not disagree.
    SessionCase.objects.get_or_create(session_id=session_id, case_id=case_id)


class ChildNote(RecordContent):
    """A note about one child in a record: writing it marks the child as discussed."""

    kind = "note"  # how the note is named in lists, e.g. "Case supervision note"

    class Meta:
        abstract = True

    # `case` and `session` are declared by each concrete note, not by this abstract model.
    def __str__(self) -> str:
        return f"{self.kind} for {self.case}, {self.session.date}"  # type: ignore[attr-defined]

    def save(self, *args: Any, **kwargs: Any) -> None:
        with transaction.atomic():
            super().save(*args, **kwargs)
            _discussed(self.session_id, self.case_id)  # type: ignore[attr-defined]  # as above


# Professional (non-case) supervision: N Appendix 8 ----------------------------------------------


class Capacity(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"


class ProfessionalRecord(Versioned, RecordContent):
    """The non-case part of a one-to-one, following Newham's professional supervision checklist."""

    session = models.OneToOneField(
        Session, on_delete=models.CASCADE, related_name="professional_record"
    )
    professional_development = models.TextField("professional development and training", blank=True)
    welfare = models.TextField(
        blank=True, help_text="How the supervisee is finding the job, and any support they need."
    )
    actions_review = models.TextField(
        "review of actions and new actions",
        blank=True,
        help_text="Also add each action below, so it comes back at the next supervision.",
    )
    targets_and_objectives = models.TextField("progress against targets and objectives", blank=True)
    service_plans = models.TextField(
        "contribution to council and service plans",
        blank=True,
        help_text="How the supervisee's work contributes to the council's and service's plans.",
    )
    leave_and_sickness = models.TextField("annual leave, TOIL and sickness", blank=True)
    health_and_safety = models.TextField("health and safety", blank=True)
    equality_and_diversity = models.TextField(
        "equality and diversity",
        blank=True,
        help_text="Including differences between supervisor and supervisee and their effect.",
    )
    team_issues = models.TextField("team issues", blank=True)
    workload = models.TextField(
        "caseload and workload",
        blank=True,
        help_text="Whether the caseload is within the supervisee's competence and capacity.",
    )
    # B 1.3: supervision reviews the current caseload and "ensures that this is within the
    # individual's professional competency and capacity"; the answer is kept apart from the notes
    # above so it can be counted, blank when the discussion did not reach it.
    within_capacity = models.CharField(
        "is the caseload within the supervisee's competence and capacity?",
        max_length=3,
        choices=Capacity.choices,
        blank=True,
    )
    # The Knowledge and Skills Statements the discussion covered, as codes
    # (oversight/records/kss.py says what each means).
    kss = models.JSONField("knowledge and skills statements discussed", default=list, blank=True)
    next_session_at = models.DateTimeField(
        "time and date of the next one-to-one", null=True, blank=True
    )

    TOPICS = (
        "professional_development",
        "welfare",
        "actions_review",
        "targets_and_objectives",
        "service_plans",
        "leave_and_sickness",
        "health_and_safety",
        "equality_and_diversity",
        "team_issues",
        "workload",
    )

    class Meta:
        verbose_name = "professional supervision record"

    def __str__(self) -> str:
        return f"Professional supervision, {self.session}"


class LearningActivity(RecordContent):
    """A course, conference, period of acting up or project, and what it did for the worker."""

    professional_record = models.ForeignKey(
        ProfessionalRecord, on_delete=models.CASCADE, related_name="learning_activities"
    )
    activity = models.TextField(
        "what activity was undertaken",
        help_text="For example a course, conference, period of acting up or special project.",
    )
    intended_outcome = models.TextField("intended outcome", blank=True)
    how_it_helped = models.TextField("how it has helped you or the service", blank=True)
    kss = models.JSONField("knowledge and skills statements", default=list, blank=True)

    class Meta:
        ordering = ["professional_record", "id"]
        verbose_name_plural = "learning activities"

    def __str__(self) -> str:
        return self.activity[:60]

    def record_session_id(self) -> int | None:
        return ProfessionalRecord.objects.values_list("session_id", flat=True).get(
            pk=self.professional_record_id
        )


# Case supervision: N Appendices 3-5 --------------------------------------------------------------


class Compliance(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


def _non_negotiable(label: str) -> models.CharField:
    return models.CharField(
        label,
        max_length=20,
        choices=Compliance.choices,
        blank=True,
        help_text="Blank: not checked.",
    )


class CaseNote(Versioned, ChildNote):
    """The record of one child's case discussed in supervision, in Newham's PPF format."""

    kind = "Case supervision note"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="case_notes")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="case_notes")
    purpose = models.TextField(
        "the purpose",
        blank=True,
        help_text="Why are we involved? What is the work aiming to achieve, and what needs to "
        "change?",
    )
    plan = models.TextField(
        "the plan: progress and outcomes",
        blank=True,
        help_text="Is the plan working? What change has been seen, and what is the evidence?",
    )
    focus = models.TextField(
        "the focus: the child's story",
        blank=True,
        help_text="What does the child's story mean? Their wishes, feelings and daily life.",
    )
    analysis = models.TextField(
        "analysis",
        blank=True,
        help_text="The current hypothesis and alternative explanations. What are your conclusions "
        "and what do they mean for the child?",
    )
    identity = models.TextField(
        "identity and difference",
        blank=True,
        help_text="The impact of the Social GGRRAAACCEEESSS (gender, race, religion, culture, "
        "ability and so on) on the child, the family and the work.",
    )

    # Non-negotiables (N Appendix 3): compliance with statutory and policy requirements.
    family_details_complete = _non_negotiable("family details complete")
    family_details_comment = models.TextField("family details: comment", blank=True)
    childs_views_evident = _non_negotiable("child's views evident on file")
    childs_views_comment = models.TextField("child's views: comment", blank=True)
    seen_alone = _non_negotiable("child seen alone")
    seen_alone_comment = models.TextField("seen alone: comment", blank=True)
    timescales_met = _non_negotiable("assessment and visit timescales met")
    timescales_comment = models.TextField("timescales: comment", blank=True)
    plans_up_to_date = _non_negotiable("plans, reviews, core groups and PEPs up to date")
    plans_comment = models.TextField("plans and reviews: comment", blank=True)
    reports_shared = _non_negotiable("reports shared with the family")
    reports_shared_comment = models.TextField("reports shared: comment", blank=True)

    copied_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="copies",
        help_text="The brother's or sister's note this one was copied from.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    # What "copy to siblings" copies: everything written, not who or where.
    WRITTEN_FIELDS = (
        "purpose",
        "plan",
        "focus",
        "analysis",
        "identity",
        "family_details_complete",
        "family_details_comment",
        "childs_views_evident",
        "childs_views_comment",
        "seen_alone",
        "seen_alone_comment",
        "timescales_met",
        "timescales_comment",
        "plans_up_to_date",
        "plans_comment",
        "reports_shared",
        "reports_shared_comment",
    )
    NON_NEGOTIABLES = (
        ("family_details_complete", "family_details_comment"),
        ("childs_views_evident", "childs_views_comment"),
        ("seen_alone", "seen_alone_comment"),
        ("timescales_met", "timescales_comment"),
        ("plans_up_to_date", "plans_comment"),
        ("reports_shared", "reports_shared_comment"),
    )

    class Meta:
        ordering = ["session", "case"]
        verbose_name = "case supervision note"
        constraints = [
            models.UniqueConstraint(fields=["session", "case"], name="one_case_note_per_child")
        ]

    def copy_to_siblings(self, *, by: User, with_actions: bool = True) -> list[CaseNote]:
        """Copy this note to each brother or sister not yet noted in this session.

        Only siblings whose case is open on the session date get a copy, and a sibling who already
        has a note keeps it: a copy is a starting point to tailor, never an overwrite (N Appendix 6
        warns against records that mix up brothers and sisters). The case's actions in this
        session are copied too, so each child's chronology shows the decisions about them.
        """
        record = Record.of(self.session)
        if not record.can_edit(by):
            raise NotAllowed("Only the supervisor can copy notes, while the record is with them.")
        noted = CaseNote.objects.filter(session_id=self.session_id).values("case")
        siblings = self.case.siblings().active_on(record.date).exclude(pk__in=noted)
        actions = list(Action.objects.filter(session_id=self.session_id, case_id=self.case_id))
        copies = []
        with transaction.atomic():
            for sibling in siblings:
                copy = CaseNote(session_id=self.session_id, case=sibling, copied_from=self)
                for name in self.WRITTEN_FIELDS:
                    setattr(copy, name, getattr(self, name))
                copy.save()
                copies.append(copy)
                if with_actions:
                    for action in actions:
                        action.copy_for(sibling)
            if copies:
                workflow.audit(
                    by,
                    "create",
                    record,
                    {"copied_note": self.pk, "to_cases": [c.case.case_id for c in copies]},
                )
        return copies


# Decisions and actions ------------------------------------------------------------------------


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACHIEVED = "achieved", "Achieved"
    NOT_ACHIEVED = "not_achieved", "Not achieved"


class ActionRole(models.TextChoices):
    OWNER = "owner", "the action's owner"
    SETTER = "setter", "the supervisor who set it"
    REVIEWER = "reviewer", "the supervisor reviewing it in a later supervision"


_AO, _AA, _AN = ActionStatus.OPEN, ActionStatus.ACHIEVED, ActionStatus.NOT_ACHIEVED
_OWNER, _SETTER, _REVIEWER = ActionRole.OWNER, ActionRole.SETTER, ActionRole.REVIEWER
# Outside supervision the owner or the supervisor who set it marks an action; in a later
# supervision the supervisor writing that record reviews it (B 3.3 "confirming if the tasks were
# completed"), and may record a review that leaves the status as it was, with a comment.
# fmt: off
ACTION_TRANSITIONS: tuple[Move, ...] = (
    # name                 from  to   who
    Move("mark_achieved",     _AO, _AA, _OWNER),
    Move("mark_achieved",     _AO, _AA, _SETTER),
    Move("mark_achieved",     _AO, _AA, _REVIEWER),
    Move("mark_achieved",     _AN, _AA, _OWNER),
    Move("mark_achieved",     _AN, _AA, _SETTER),
    Move("mark_achieved",     _AN, _AA, _REVIEWER),
    Move("mark_not_achieved", _AO, _AN, _OWNER),
    Move("mark_not_achieved", _AO, _AN, _SETTER),
    Move("mark_not_achieved", _AO, _AN, _REVIEWER),
    Move("mark_not_achieved", _AA, _AN, _OWNER),
    Move("mark_not_achieved", _AA, _AN, _SETTER),
    Move("mark_not_achieved", _AA, _AN, _REVIEWER),
    Move("reopen",            _AA, _AO, _OWNER),
    Move("reopen",            _AA, _AO, _SETTER),
    Move("reopen",            _AA, _AO, _REVIEWER),
    Move("reopen",            _AN, _AO, _OWNER),
    Move("reopen",            _AN, _AO, _SETTER),
    Move("reopen",            _AN, _AO, _REVIEWER),
    Move("review",            _AO, _AO, _REVIEWER),
    Move("review",            _AA, _AA, _REVIEWER),
    Move("review",            _AN, _AN, _REVIEWER),
)
# fmt: on
# The move that takes an action to each status (from the same status it is a review).
ACTION_MOVES = {_AA: "mark_achieved", _AN: "mark_not_achieved", _AO: "reopen"}


class ActionQuerySet(models.QuerySet["Action"]):
    def with_status(self) -> ActionQuerySet:
        """Annotate `current_status` and `status_on` from the latest status update."""
        if "current_status" in self.query.annotations:
            return self
        latest = ActionUpdate.objects.filter(action=OuterRef("pk")).order_by("-on", "-id")
        return self.annotate(
            current_status=Coalesce(
                Subquery(latest.values("status")[:1]), Value(ActionStatus.OPEN.value)
            ),
            status_on=Subquery(latest.values("on")[:1]),
        )

    def open(self) -> ActionQuerySet:
        # A lookup on with_status()'s annotation, which the plugin cannot follow across methods.
        return self.with_status().filter(current_status=ActionStatus.OPEN)  # type: ignore[misc]

    def for_owner(self, staff: Staff) -> ActionQuerySet:
        return self.filter(owner=staff)

    def overdue_on(self, day: dt.date) -> ActionQuerySet:
        """Still open after the day it was due (due on `day` itself is not yet overdue)."""
        return self.open().filter(due_date__lt=day)

    def in_shared_records(self) -> ActionQuerySet:
        """Actions the worker has been sent: a draft's actions are not yet theirs to do."""
        return self.filter(session__in=Record.objects.shared().values("pk"))


class Action(RecordContent):
    """A decision and the action that follows from it (N Appendix 4, B 3.3)."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="actions")
    case = models.ForeignKey(
        Case,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervision_actions",
        help_text="The child this is about; blank for professional (non-case) actions.",
    )
    decision = models.TextField(
        "decision and why", blank=True, help_text="Purposeful: why are we doing this?"
    )
    action = models.TextField(help_text="Planned and focused: who will do what.")
    desired_outcome = models.TextField(
        "desired outcome", blank=True, help_text="The difference it should make for the child."
    )
    due_date = models.DateField("timescale", null=True, blank=True, help_text="Due by this date.")
    owner = models.ForeignKey(
        Staff,
        on_delete=models.PROTECT,
        related_name="supervision_actions",
        help_text="Who is responsible for doing it.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["session", "id"]
        indexes = [models.Index(fields=["owner", "due_date"])]

    def __str__(self) -> str:
        return self.action[:60]

    def save(self, *args: Any, **kwargs: Any) -> None:
        with transaction.atomic():
            super().save(*args, **kwargs)
            if self.case_id is not None:
                _discussed(self.session_id, self.case_id)

    @property
    def status(self) -> str:
        if "current_status" not in self.__dict__:
            latest = self.updates.order_by("-on", "-id").first()
            self.current_status = latest.status if latest else ActionStatus.OPEN.value
            self.status_on = latest.on if latest else None
        return self.current_status

    @property
    def completed_on(self) -> dt.date | None:
        """The day it was marked achieved or not achieved; None while open."""
        return None if self.status == ActionStatus.OPEN else self.status_on

    def copy_for(self, case: Case) -> Action:
        return Action.objects.create(
            session_id=self.session_id,
            case=case,
            decision=self.decision,
            action=self.action,
            desired_outcome=self.desired_outcome,
            due_date=self.due_date,
            owner_id=self.owner_id,
        )

    def mark(
        self,
        status: str,
        *,
        by: User,
        on: dt.date | None = None,
        in_session: Session | None = None,
        comment: str = "",
    ) -> ActionUpdate:
        """Mark the action achieved, not achieved or open again, as a new dated status row.

        Reviewed in a later supervision (`in_session`, B 3.3 "confirming if the tasks were
        completed"), the row belongs to that record, so the record where the action was set stays
        exactly as agreed. Outside supervision, the owner or the supervisor who set it may mark it.
        """
        workflow = ActionWorkflow(
            ActionStatus(status),
            on=on or timezone.localdate(),
            in_session=in_session,
            comment=comment.strip(),
        )
        _, _, update = workflow.apply(
            self,
            ACTION_MOVES[workflow.target],
            by=by,
            checks=workflow.check_date,
            detail={"on": str(workflow.on)},
        )
        self.__dict__.pop("current_status", None)
        return update


class ActionUpdate(RecordContent):
    """A dated change of an action's status; the latest one is the action's status."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(max_length=20, choices=ActionStatus.choices)
    on = models.DateField("date")
    by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    session = models.ForeignKey(
        Session,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="action_reviews",
        help_text="The supervision in which the action was reviewed, if it was.",
    )
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["action", "on", "id"]
        verbose_name = "action status update"

    def __str__(self) -> str:
        return f"{self.get_status_display()} on {self.on}"


class ActionWorkflow(transitions.Workflow[Action, ActionUpdate]):
    """Marking one action: its history is its ActionUpdate rows, its status the latest one's."""

    thing = "action"
    moves = ACTION_TRANSITIONS

    def __init__(
        self, target: ActionStatus, *, on: dt.date, in_session: Session | None, comment: str
    ) -> None:
        self.target, self.on, self.in_session, self.comment = target, on, in_session, comment

    def state_of(self, thing: Action) -> str:
        thing.__dict__.pop("current_status", None)
        return thing.status

    def role_of(self, thing: Action, by: User) -> ActionRole | None:
        staff = require_staff(by, "update an action")
        setter, worker = Session.objects.values_list("supervisor_id", "supervisee_id").get(
            pk=thing.session_id
        )
        if self.in_session is not None:
            if self.in_session.supervisee_id != worker:
                raise WorkflowError("An action is reviewed in a supervision of the same worker.")
            return ActionRole.REVIEWER if Record.of(self.in_session).can_edit(by) else None
        if staff.pk == thing.owner_id:
            return ActionRole.OWNER
        return ActionRole.SETTER if staff.pk == setter else None

    def choose(self, thing: Action, name: str, state: str, role: Any | None, by: User) -> Move:
        # Marked with the status it already has, it is a review (allowed only in supervision).
        return super().choose(thing, "review" if state == self.target else name, state, role, by)

    def illegal(self, thing: Action, name: str, state: str, role: Any | None) -> Exception:
        return WorkflowError(
            f"This action is already {ActionStatus(state).label.lower()}; choose another status "
            "to change it."
        )

    def not_allowed(
        self, thing: Action, moves: tuple[Move, ...], role: Any | None, by: User
    ) -> Exception:
        if self.in_session is not None:
            return NotAllowed(
                "Only the supervisor can review actions, while the record is with them."
            )
        if moves[0].name == "review":
            return self.illegal(thing, "review", moves[0].from_state, role)
        return NotAllowed("Only the action's owner or the supervisor who set it can mark it.")

    def check_date(self, thing: Action, move: Move) -> None:
        # The status is the latest update's by date, so an earlier-dated one would not count.
        last = thing.updates.order_by("-on", "-id").values_list("on", flat=True).first()
        if last is not None and self.on < last:
            raise WorkflowError(
                f"This action's status was last changed on {long_date(last)}; a change cannot "
                f"be dated {long_date(self.on)}, before that."
            )

    def append(
        self, thing: Action, move: Move, from_state: str, *, by: User, reason: str
    ) -> ActionUpdate:
        return ActionUpdate.objects.create(
            action=thing,
            status=move.to_state,
            on=self.on,
            # role_of() has already refused anyone who is not a member of staff.
            by=require_staff(by, "update an action"),
            session=self.in_session,
            comment=self.comment,
        )


class AgendaItem(RecordContent):
    """Something either party wants to discuss, added before the session (N 5.1, 5.2)."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="agenda_items")
    added_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    text = models.TextField("what to discuss")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["session", "added_at", "id"]
        verbose_name = "agenda item"

    def __str__(self) -> str:
        return self.text[:60]


# The other kinds of supervision ----------------------------------------------------------------


class OversightNote(ChildNote):
    """A management oversight or ad hoc case discussion: the decision and why (B 1.2, N 3.1)."""

    kind = "Management oversight"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="oversight_notes")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="oversight_notes")
    discussion = models.TextField(
        "what prompted it and what was discussed",
        blank=True,
        help_text="For example a change of circumstances or a new incident.",
    )
    decision = models.TextField()
    rationale = models.TextField(
        "why (rationale)",
        help_text="The evidence and reasoning, clear enough to defend the decision later.",
    )

    class Meta:
        ordering = ["session", "case"]
        verbose_name = "management oversight note"
        constraints = [
            models.UniqueConstraint(fields=["session", "case"], name="one_oversight_note_per_child")
        ]


class GroupRecord(RecordContent):
    """Group reflective supervision (B Appendix E; N 3 group supervision aims).

    The children presented are the session's cases discussed; names stay out of the text.
    """

    session = models.OneToOneField(Session, on_delete=models.CASCADE, related_name="group_record")
    facilitator = models.ForeignKey(
        Staff,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="group_records_facilitated",
        help_text="Who led the discussion, if not the supervisor who records it.",
    )
    attendees = models.ManyToManyField(Staff, related_name="group_records_attended", blank=True)
    presented_by = models.ForeignKey(
        Staff,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="group_records_presented",
        help_text="The practitioner who brought the case.",
    )
    presentation = models.TextField(
        "the case or issue presented",
        blank=True,
        help_text="What was brought and what help was wanted. Use the child's ID, not their name.",
    )
    hypotheses = models.TextField(
        "hypotheses", blank=True, help_text="The hypotheses and alternative explanations explored."
    )
    learning = models.TextField(
        "learning", blank=True, help_text="What the presenter and the group take from it."
    )

    class Meta:
        verbose_name = "group reflective supervision record"

    def __str__(self) -> str:
        return f"Group reflective supervision, {self.session}"


@receiver(m2m_changed, sender=GroupRecord.attendees.through)
def _attendees_locked_with_record(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: set[int] | None, **_: Any
) -> None:
    # Attendees are who can agree a group record, so changing them is an edit like any other.
    if not action.startswith("pre_"):
        return
    if not reverse:
        ensure_editable(instance.session_id)
        return
    # Changed from the staff member's side (staff.group_records_attended.add(...)).
    groups = (
        instance.group_records_attended.all()
        if pk_set is None
        else GroupRecord.objects.filter(pk__in=pk_set)
    )
    for session_id in groups.values_list("session_id", flat=True):
        ensure_editable(session_id)


# Group records: each attendee agrees or returns their own copy (issue 8) -------------------------


class CopyState(models.TextChoices):
    AWAITING = "awaiting", "Not yet agreed"
    AGREED = "agreed", "Agreed"
    RETURNED = "returned", "Returned"


class AttendeeRole(models.TextChoices):
    ATTENDEE = "attendee", "the attendee it was sent to"


ATTENDEE = AttendeeRole.ATTENDEE


# fmt: off
COPY_TRANSITIONS: tuple[Move, ...] = (
    # name, from, to, who, reason required?
    Move("agree", CopyState.AWAITING, CopyState.AGREED, ATTENDEE, False),
    Move("return_to_supervisor", CopyState.AWAITING, CopyState.RETURNED, ATTENDEE, True),
)
# fmt: on


class AttendeeCopy(models.Model):
    """One attendee's copy of a group record, made each time the record is sent to the attendees.

    Each attendee agrees or returns their own copy; the record is agreed once every copy of its
    latest sending is agreed, and goes back to its author as soon as one is returned. A record
    sent again after a return makes new copies for everyone: the earlier ones, and what each
    attendee did with them, stay as they were.
    """

    sending = models.ForeignKey(
        RecordTransition, on_delete=models.CASCADE, related_name="attendee_copies"
    )
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendee_copies")
    # Named `staff`, as other things about one person are, so the audit trail of the copy is
    # found among that person's (oversight.access.audit_trail).
    staff = models.ForeignKey(
        Staff,
        on_delete=models.PROTECT,
        related_name="group_record_copies",
        verbose_name="attendee",
    )

    class Meta:
        ordering = ["sending", "staff__name", "id"]
        verbose_name = "attendee's copy of a group record"
        verbose_name_plural = "attendees' copies of group records"
        constraints = [
            models.UniqueConstraint(fields=["sending", "staff"], name="one_copy_per_attendee")
        ]

    def __str__(self) -> str:
        return f"{self.staff}'s copy of {self.session}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("Who a record was sent to cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("Who a record was sent to cannot be deleted.")

    @property
    def state(self) -> str:
        # Read from the rows the page prefetched, if it did.
        moves = list(self.transitions.all())
        return moves[-1].to_state if moves else CopyState.AWAITING

    @property
    def answered(self) -> AttendeeCopyTransition | None:
        moves = list(self.transitions.all())
        return moves[-1] if moves else None


class AttendeeCopyTransition(TransitionRow):
    """An attendee agreeing or returning their copy of a group record."""

    copy = models.ForeignKey(AttendeeCopy, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(max_length=30, choices=CopyState.choices)
    to_state = models.CharField(max_length=30, choices=CopyState.choices)

    class Meta:
        ordering = ["copy", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(to_state=CopyState.RETURNED) | ~Q(reason=""),
                name="attendee_copy_returned_with_reason",
            ),
            models.CheckConstraint(
                condition=~Q(from_state=F("to_state")),
                name="attendee_copy_transition_changes_state",
            ),
        ]


class AttendeeCopyWorkflow(transitions.Workflow[AttendeeCopy, AttendeeCopyTransition]):
    thing = "copy of the record"
    moves = COPY_TRANSITIONS

    def lock(self, thing: AttendeeCopy) -> AttendeeCopy:
        # The session is what every move of the record locks: an attendee agreeing waits for
        # another attendee's agreement or return, so the last two to agree cannot both miss
        # that everyone has.
        Session.objects.select_for_update().filter(pk=thing.session_id).values_list("pk").get()
        return AttendeeCopy.objects.select_related("staff").get(pk=thing.pk)

    def state_of(self, thing: AttendeeCopy) -> str:
        latest = thing.transitions.order_by("-id").values_list("to_state", flat=True).first()
        return latest or CopyState.AWAITING

    def role_of(self, thing: AttendeeCopy, by: User) -> AttendeeRole | None:
        staff = staff_of(by)
        return ATTENDEE if staff is not None and staff.pk == thing.staff_id else None

    def illegal(self, thing: AttendeeCopy, name: str, state: str, role: Any | None) -> Exception:
        done = "agreed" if state == CopyState.AGREED else "returned"
        return transitions.IllegalTransition(
            f"{thing.staff.name} has already {done} their copy of this record.",
            attempted=name,
            state=state,
        )

    def not_allowed(
        self, thing: AttendeeCopy, moves: tuple[Move, ...], role: Any | None, by: User
    ) -> Exception:
        return NotAllowed(
            f"Only {thing.staff.name} can {moves[0].label.lower()} their copy of this record."
        )

    def reason_missing(self, move: Move) -> Exception:
        return ReasonRequired(
            f"A reason is required to {move.label.lower()}: say what needs to change."
        )

    def append(
        self, thing: AttendeeCopy, move: Move, from_state: str, *, by: User, reason: str
    ) -> AttendeeCopyTransition:
        return thing.transitions.create(
            from_state=from_state, to_state=move.to_state, by=by, reason=reason
        )


class ObservationSetting(models.TextChoices):
    HOME_VISIT = "home_visit", "Home visit"
    CONFERENCE = "conference", "Conference or meeting"
    COURT = "court", "Court"
    DIRECT_WORK = "direct_work", "Direct work with a family"
    OTHER = "other", "Other"


class PracticeObservation(RecordContent):
    """An observation of the worker's practice (B 3.1.9, Appendix C)."""

    session = models.OneToOneField(
        Session, on_delete=models.CASCADE, related_name="practice_observation"
    )
    setting = models.CharField(max_length=20, choices=ObservationSetting.choices)
    setting_detail = models.CharField(
        "setting in more detail", max_length=200, blank=True, help_text="Needed if 'Other'."
    )
    strengths = models.TextField(blank=True)
    areas_for_development = models.TextField("areas for development", blank=True)
    worker_reflection = models.TextField(
        "worker's reflection", blank=True, help_text="The worker's own view of the observed work."
    )

    class Meta:
        verbose_name = "practice observation"
        constraints = [
            models.CheckConstraint(
                condition=~Q(setting=ObservationSetting.OTHER) | ~Q(setting_detail=""),
                name="observation_other_setting_described",
            )
        ]

    def __str__(self) -> str:
        return f"Practice observation ({self.get_setting_display()}), {self.session}"


class ChairReview(ChildNote):
    """A conference chair's dedicated supervision before the 9-month review conference (B 4)."""

    kind = "Conference chair review"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="chair_reviews")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="chair_reviews")
    plan_effective = models.TextField(
        "1. Is the child protection plan effective in safeguarding the child? If not, what needs "
        "to change?",
        blank=True,
    )
    working_well = models.TextField("2. What is working well?", blank=True)
    immediate_action = models.TextField(
        "3. Is any immediate action or case escalation required?", blank=True
    )
    core_group = models.TextField(
        "4. Is there evidence that the core group is driving the plan? If not, what needs to be "
        "addressed at the review conference and how should the plan be developed?",
        blank=True,
    )
    plo_or_proceedings = models.TextField(
        "5. Is there evidence that PLO or care proceedings should be considered?", blank=True
    )
    end_plan = models.TextField(
        "6. Is there evidence that it may be possible to end the child protection plan?",
        blank=True,
    )
    practice_issues = models.TextField(
        "7. Are there practice issues to raise with the operational team manager and head of "
        "service?",
        blank=True,
    )
    multi_agency_issues = models.TextField(
        "8. Are there multi-agency issues to address at the review conference or raise with the "
        "head of safeguarding?",
        blank=True,
    )

    QUESTIONS = (
        "plan_effective",
        "working_well",
        "immediate_action",
        "core_group",
        "plo_or_proceedings",
        "end_plan",
        "practice_issues",
        "multi_agency_issues",
    )

    class Meta:
        ordering = ["session", "case"]
        verbose_name = "conference chair case review"
        constraints = [
            models.UniqueConstraint(fields=["session", "case"], name="one_chair_review_per_child")
        ]


# After the record: addenda and disagreements -------------------------------------------------


class Addendum(models.Model):
    """A later correction or addition to a finished record; the original stays as agreed."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="addenda")
    author = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    on = models.DateField("date")
    text = models.TextField()
    case = models.ForeignKey(
        Case,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="addenda",
        help_text="The child it is about, so it also shows in their chronology.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["session", "on", "id"]
        verbose_name_plural = "addenda"

    def __str__(self) -> str:
        return f"Addendum of {self.on} to {self.session}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("An addendum cannot be changed; add another one.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("An addendum cannot be deleted.")


class DisagreementState(models.TextChoices):
    OPEN = "open", "Open"
    ESCALATED = "escalated", "Escalated"
    RESOLVED = "resolved", "Resolved"


class DisagreementRole(models.TextChoices):
    SUPERVISOR = "supervisor", "the supervisor"
    SUPERVISEE = "supervisee", "the supervisee"
    LINE_MANAGER = "line_manager", "the supervisor's line manager"


_OPEN, _ESCALATED = DisagreementState.OPEN, DisagreementState.ESCALATED
_RESOLVED = DisagreementState.RESOLVED
_SUPERVISOR, _SUPERVISEE = DisagreementRole.SUPERVISOR, DisagreementRole.SUPERVISEE
_LINE_MANAGER = DisagreementRole.LINE_MANAGER
# Either party escalates, or records the outcome of a disagreement they settle between them; once
# escalated, the supervisor's line manager decides it at the three-way meeting (N 9.1).
# fmt: off
DISAGREEMENT_TRANSITIONS: tuple[Move, ...] = (
    # name       from        to          who            outcome required?
    Move("escalate", _OPEN,      _ESCALATED, _SUPERVISOR,   False),
    Move("escalate", _OPEN,      _ESCALATED, _SUPERVISEE,   False),
    Move("resolve",  _OPEN,      _RESOLVED,  _SUPERVISOR,   True),
    Move("resolve",  _OPEN,      _RESOLVED,  _SUPERVISEE,   True),
    Move("resolve",  _ESCALATED, _RESOLVED,  _LINE_MANAGER, True),
)
# fmt: on
# What the moves write on the disagreement itself.
DISAGREEMENT_MOVE_FIELDS = (
    "escalated_on",
    "escalated_by",
    "escalated_to",
    "meeting_date",
    "outcome",
    "resolved_on",
    "resolved_by",
)


class DisagreementQuerySet(models.QuerySet["Disagreement"]):
    def awaiting_decision_by(self, staff: Staff) -> DisagreementQuerySet:
        """Escalated to `staff` (the supervisor's line manager, N 9.1) and not yet resolved."""
        return self.filter(escalated_to=staff, resolved_on__isnull=True)


class Disagreement(models.Model):
    """A disagreement between supervisor and supervisee that they could not resolve.

    Recorded with what will be done about it (B 2.1, 3.3); if it cannot be resolved between them,
    it is escalated to a three-way meeting with the supervisor's line manager, who decides the
    next steps (N 9.1).
    """

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="disagreements")
    raised_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    raised_on = models.DateField("date raised")
    what = models.TextField("what the disagreement is about")
    proposed_resolution = models.TextField(
        "what will be done to resolve it", blank=True, help_text="Or why it needs escalating."
    )
    escalated_on = models.DateField("date escalated", null=True, blank=True)
    escalated_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    escalated_to = models.ForeignKey(
        Staff,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="disagreements_escalated_to",
        help_text="The supervisor's line manager, who chairs the three-way meeting.",
    )
    meeting_date = models.DateField("date of the three-way meeting", null=True, blank=True)
    outcome = models.TextField(blank=True)
    resolved_on = models.DateField("date resolved", null=True, blank=True)
    resolved_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = DisagreementQuerySet.as_manager()

    class Meta:
        ordering = ["session", "raised_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(escalated_on__isnull=True)
                | Q(escalated_to__isnull=False, meeting_date__isnull=False),
                name="disagreement_escalated_to_a_meeting",
            ),
            models.CheckConstraint(
                condition=Q(resolved_on__isnull=True) | ~Q(outcome=""),
                name="disagreement_resolved_with_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"Disagreement raised {self.raised_on}: {self.what[:40]}"

    @property
    def status(self) -> str:
        """Read from what the moves wrote; DISAGREEMENT_TRANSITIONS says how it may change."""
        if self.resolved_on:
            return DisagreementState.RESOLVED
        return DisagreementState.ESCALATED if self.escalated_on else DisagreementState.OPEN

    def history(self) -> models.QuerySet[DisagreementTransition]:
        return self.transitions.select_related("by").order_by("id")

    def escalate(
        self, *, by: User, meeting_date: dt.date, on: dt.date | None = None
    ) -> DisagreementTransition:
        """Arrange a three-way meeting with the supervisor's line manager on `on` (N 9.1)."""
        on = on or timezone.localdate()
        manager: Staff | None = None

        def check(disagreement: Disagreement, move: Move) -> None:
            nonlocal manager
            supervisor = disagreement.session.supervisor
            manager = supervisor.line_manager_on(on) if supervisor else None
            if manager is None:
                raise WorkflowError(
                    f"The supervisor has no line manager in Oversight on {long_date(on)}, so "
                    "there is nobody to escalate to. Record their line manager first."
                )
            if meeting_date < disagreement.raised_on:
                raise WorkflowError(
                    "The three-way meeting cannot be before the disagreement arose."
                )

        def write(disagreement: Disagreement, move: Move) -> None:
            disagreement.escalated_on, disagreement.escalated_to = on, manager
            disagreement.escalated_by = staff_of(by)
            disagreement.meeting_date = meeting_date
            disagreement.save(
                update_fields=["escalated_on", "escalated_by", "escalated_to", "meeting_date"]
            )

        def escalation(disagreement: Disagreement) -> dict[str, str]:
            # check() refuses the move when there is nobody to escalate to.
            assert disagreement.escalated_to is not None
            return {
                "escalated_to": disagreement.escalated_to.staff_id,
                "meeting": str(meeting_date),
            }

        escalated = self._move(
            "escalate",
            by=by,
            checks=check,
            write=write,
            detail=escalation,
        )
        # Tell the line manager, once this commits (issue 11); imported here, as the reminders
        # app reads these models.
        from oversight.reminders import events

        events.announce(events.DISAGREEMENT_ESCALATED, escalated.pk)
        return escalated

    def resolve(
        self, *, by: User, outcome: str, on: dt.date | None = None
    ) -> DisagreementTransition:
        """Record the outcome. Once escalated, only the supervisor's line manager decides it."""

        def write(disagreement: Disagreement, move: Move) -> None:
            disagreement.outcome = outcome.strip()
            disagreement.resolved_on = on or timezone.localdate()
            disagreement.resolved_by = staff_of(by)
            disagreement.save(update_fields=["outcome", "resolved_on", "resolved_by"])

        return self._move(
            "resolve",
            by=by,
            reason=outcome,
            write=write,
            detail=lambda d: {"resolved_on": str(d.resolved_on)},
        )

    def _move(
        self,
        name: str,
        *,
        by: User,
        detail: Callable[[Disagreement], dict[str, Any]],
        reason: str = "",
        checks: Callable[[Disagreement, Move], None] | None = None,
        write: Callable[[Disagreement, Move], None],
    ) -> DisagreementTransition:
        current, _, transition = DisagreementWorkflow().apply(
            self, name, by=by, reason=reason, checks=checks, write=write, detail=detail
        )
        for field in DISAGREEMENT_MOVE_FIELDS:
            setattr(self, field, getattr(current, field))
        return transition


class DisagreementTransition(TransitionRow):
    """One move of a disagreement: escalated to a three-way meeting, or resolved."""

    disagreement = models.ForeignKey(
        Disagreement, on_delete=models.CASCADE, related_name="transitions"
    )
    from_state = models.CharField(max_length=30, choices=DisagreementState.choices)
    to_state = models.CharField(max_length=30, choices=DisagreementState.choices)

    class Meta:
        # Appended under a lock on the disagreement, so the highest id is the latest move.
        ordering = ["disagreement", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_state=F("to_state")),
                name="disagreement_transition_changes_state",
            )
        ]


class DisagreementWorkflow(transitions.Workflow[Disagreement, DisagreementTransition]):
    thing = "disagreement"
    moves = DISAGREEMENT_TRANSITIONS

    def lock(self, thing: Disagreement) -> Disagreement:
        # Lock the row alone, then read it with what it refers to. On PostgreSQL a locking query
        # that waited for another move re-reads only the locked row: rows joined in the same query
        # would still be from before that move (an escalation's line manager missing).
        list(Disagreement.objects.select_for_update().filter(pk=thing.pk).values_list("pk"))
        return Disagreement.objects.select_related("session", "escalated_to").get(pk=thing.pk)

    def state_of(self, thing: Disagreement) -> str:
        return thing.status

    def role_of(self, thing: Disagreement, by: User) -> DisagreementRole | None:
        staff = staff_of(by)
        if staff is None:
            return None
        if thing.escalated_to_id == staff.pk:
            return DisagreementRole.LINE_MANAGER
        role = Record.of(thing.session).role_of(staff)
        return None if role is None else DisagreementRole(role.value)

    def phrase(self, state: str) -> str:
        return state if state == DisagreementState.OPEN else f"already {state}"

    def not_allowed(
        self,
        thing: Disagreement,
        moves: tuple[Move, ...],
        role: Any | None,
        by: User,
    ) -> Exception:
        move = moves[0]
        require_staff(by, f"{move.name} a disagreement")
        if thing.escalated_to is not None:
            return NotAllowed(
                f"Only {thing.escalated_to.name}, the supervisor's line manager, can decide the "
                "outcome of an escalated disagreement."
            )
        return NotAllowed(f"Only the supervisor or the supervisee can {move.name} a disagreement.")

    def reason_missing(self, move: Move) -> Exception:
        return ReasonRequired("Record the outcome and the next steps.")

    def append(
        self,
        thing: Disagreement,
        move: Move,
        from_state: str,
        *,
        by: User,
        reason: str,
    ) -> DisagreementTransition:
        # The outcome is kept once, on the disagreement; the row records the move.
        return DisagreementTransition.objects.create(
            disagreement=thing, from_state=from_state, to_state=move.to_state, by=by
        )
