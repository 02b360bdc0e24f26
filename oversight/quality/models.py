"""Quality assurance audits: a sample of a team's records drawn for a period, each record graded on
the published rubric, answered by its supervisor and moderated by a second auditor.

Facts only are stored. A sample keeps its seed, so the draw can be repeated and checked; a sampled
record's state is read from its latest transition row (`AUDIT_TRANSITIONS` says who moves it);
grades are appended rows, a moderator's grade standing in front of the first auditor's without
replacing it. Nothing here is ever updated in place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from oversight import transitions
from oversight.organisation.models import Staff, Team
from oversight.quality.rubric import CRITERIA, RUBRIC, Grade
from oversight.supervision.models import Agreement, Session
from oversight.transitions import AppendOnlyError, Move, TransitionRow

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class AuditState(models.TextChoices):
    SAMPLED = "sampled", "To audit"
    GRADED = "graded", "Graded, waiting for the supervisor"
    RESPONDED = "responded", "Supervisor responded"
    MODERATED = "moderated", "Moderated"


class AuditRole(models.TextChoices):
    AUDITOR = "auditor", "the auditor"
    SUPERVISOR = "supervisor", "the record's supervisor"
    MODERATOR = "moderator", "a second auditor"


_SAMPLED, _GRADED = AuditState.SAMPLED, AuditState.GRADED
_RESPONDED, _MODERATED = AuditState.RESPONDED, AuditState.MODERATED
_AUDITOR, _SUPERVISOR, _MODERATOR = AuditRole.AUDITOR, AuditRole.SUPERVISOR, AuditRole.MODERATOR
# The auditor grades; the supervisor answers (a response is its text, so it cannot be blank); a
# second auditor moderates, before or after the answer, and says why they agree or differ.
# fmt: off
AUDIT_TRANSITIONS: tuple[Move, ...] = (
    # name        from        to          who          reason required?
    Move("grade",    _SAMPLED,   _GRADED,    _AUDITOR,    False),
    Move("respond",  _GRADED,    _RESPONDED, _SUPERVISOR, True),
    Move("moderate", _GRADED,    _MODERATED, _MODERATOR,  True),
    Move("moderate", _RESPONDED, _MODERATED, _MODERATOR,  True),
)
# fmt: on
FINISHED_STATES = frozenset({AuditState.RESPONDED, AuditState.MODERATED})
GRADED_STATES = frozenset({AuditState.GRADED, *FINISHED_STATES})


class AuditSample(models.Model):
    """Records of one team drawn at random for one period. Never changed once drawn."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="audit_samples")
    period_start = models.DateField("period from")
    period_end = models.DateField("period to")
    seed = models.PositiveIntegerField(help_text="Draws the same records again when repeated.")
    size = models.PositiveSmallIntegerField("records asked for")
    candidates = models.PositiveIntegerField(
        help_text="How many records of the team and period there were to draw from."
    )
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    drawn_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-period_end", "team", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="audit_period_in_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.team} audit, {self.period_start} to {self.period_end} (seed {self.seed})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("A drawn sample cannot be changed; draw another.")
        super().save(*args, **kwargs)


def audit_state_expression() -> Coalesce:
    latest = (
        AuditTransition.objects.filter(sampled=OuterRef("pk")).order_by("-id").values("to_state")
    )
    return Coalesce(
        Subquery(latest[:1]), Value(AuditState.SAMPLED.value), output_field=models.CharField()
    )


class SampledRecordQuerySet(models.QuerySet["SampledRecord"]):
    def with_state(self) -> SampledRecordQuerySet:
        if "audit_state" in self.query.annotations:
            return self
        return self.annotate(audit_state=audit_state_expression())

    def in_state(self, *states: str) -> SampledRecordQuerySet:
        return self.with_state().filter(audit_state__in=states)  # type: ignore[misc]

    def of_supervisor(self, staff_pk: int) -> SampledRecordQuerySet:
        return self.filter(session__supervisor_id=staff_pk)


class SampledRecord(models.Model):
    """One record in a sample, and the audit of it."""

    sample = models.ForeignKey(AuditSample, on_delete=models.PROTECT, related_name="records")
    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="audits")
    position = models.PositiveSmallIntegerField(help_text="The order it was drawn in, from 1.")

    objects: ClassVar[Any] = SampledRecordQuerySet.as_manager()

    class Meta:
        ordering = ["sample", "position"]
        constraints = [
            models.UniqueConstraint(fields=["sample", "session"], name="record_sampled_once"),
            models.UniqueConstraint(fields=["sample", "position"], name="sample_position_once"),
        ]

    def __str__(self) -> str:
        return f"Audit of {self.session} ({self.sample})"

    @property
    def state(self) -> str:
        if "audit_state" not in self.__dict__:
            latest = self.transitions.order_by("-id").values_list("to_state", flat=True).first()
            self.audit_state = latest or AuditState.SAMPLED.value
        return str(self.audit_state)

    @property
    def state_label(self) -> str:
        return str(AuditState(self.state).label)

    def history(self) -> models.QuerySet[AuditTransition]:
        return self.transitions.select_related("by").order_by("id")

    def move(self, name: str) -> AuditTransition | None:
        """The latest time this move was made, if it was."""
        return self.transitions.filter(name=name).select_related("by").order_by("-id").first()

    def grades(self) -> dict[str, AuditGrade]:
        """Each criterion's standing grade: the moderator's where there is one, else the
        auditor's."""
        standing: dict[str, AuditGrade] = {}
        for row in self.grade_rows.select_related("by").order_by("id"):
            standing[row.criterion] = row
        return standing

    def first_grades(self) -> dict[str, AuditGrade]:
        return {
            row.criterion: row
            for row in self.grade_rows.filter(stage=GradeStage.AUDIT).select_related("by")
        }


class GradeStage(models.TextChoices):
    AUDIT = "audit", "Audit"
    MODERATION = "moderation", "Moderation"


class AuditGrade(models.Model):
    """One criterion of the rubric graded for one sampled record, by the auditor or a moderator."""

    sampled = models.ForeignKey(SampledRecord, on_delete=models.PROTECT, related_name="grade_rows")
    criterion = models.CharField(max_length=30, choices=[(c.key, c.title) for c in RUBRIC])
    grade = models.PositiveSmallIntegerField(choices=Grade.choices)
    comment = models.TextField(blank=True)
    stage = models.CharField(max_length=20, choices=GradeStage.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["sampled", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(grade__gte=1, grade__lte=4), name="audit_grade_on_the_scale"
            ),
            models.UniqueConstraint(
                fields=["sampled", "criterion", "stage"], name="criterion_graded_once_a_stage"
            ),
        ]

    def __str__(self) -> str:
        return f"{CRITERIA[self.criterion].title}: {self.get_grade_display()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("A grade cannot be changed; a moderator adds their own.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("A grade cannot be deleted.")


class AuditTransition(TransitionRow):
    """One move of an audit: graded (with the overall comment), answered, moderated."""

    sampled = models.ForeignKey(SampledRecord, on_delete=models.CASCADE, related_name="transitions")
    name = models.CharField(max_length=20)
    from_state = models.CharField(max_length=30, choices=AuditState.choices)
    to_state = models.CharField(max_length=30, choices=AuditState.choices)

    class Meta:
        ordering = ["sampled", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_state=F("to_state")), name="audit_transition_changes_state"
            )
        ]


class AuditWorkflow(transitions.Workflow[SampledRecord, AuditTransition]):
    thing = "audit"
    moves = AUDIT_TRANSITIONS

    def __init__(self, role_of: Any) -> None:
        # Who someone is to an audit is an access question, answered in oversight.access.quality.
        self._role_of = role_of

    def state_of(self, thing: SampledRecord) -> str:
        thing.__dict__.pop("audit_state", None)
        return thing.state

    def role_of(self, thing: SampledRecord, by: User) -> AuditRole | None:
        role: AuditRole | None = self._role_of(by, thing)
        return role

    def phrase(self, state: str) -> str:
        return str(AuditState(state).label).lower()

    def not_allowed(
        self, thing: SampledRecord, moves: tuple[Move, ...], role: Any | None, by: User
    ) -> Exception:
        name = moves[0].name
        if name == "grade":
            why = "Only quality assurance or a head of service above the team can grade a record"
            why += ", and never their own."
        elif name == "respond":
            why = "Only the supervisor who wrote the record can respond to its audit."
        else:
            why = "A second auditor moderates an audit: not the auditor who graded it, nor the "
            why += "record's supervisor."
        return transitions.NotAllowed(why)

    def reason_missing(self, move: Move) -> Exception:
        if move.name == "respond":
            return transitions.ReasonRequired("Write your response to the audit.")
        return transitions.ReasonRequired(
            "Say why you agree with the grades or why you changed them."
        )

    def audit_object_type(self, thing: SampledRecord) -> str | None:
        return "quality.sampledrecord"

    def append(
        self, thing: SampledRecord, move: Move, from_state: str, *, by: User, reason: str
    ) -> AuditTransition:
        return AuditTransition.objects.create(
            sampled=thing,
            name=move.name,
            from_state=from_state,
            to_state=move.to_state,
            by=by,
            reason=reason,
        )


class EvidenceReviewQuerySet(models.QuerySet["EvidenceReview"]):
    def of_manager(self, manager: Staff) -> EvidenceReviewQuerySet:
        return self.filter(manager=manager)


class EvidenceReview(models.Model):
    """A line manager's review of a manager's supervision evidence (N 8.1): the manager's
    agreements and a random sample of their records, with the seed that drew it, and what the
    reviewer found. Made only by ``quality.evidence.record_evidence_review``; never changed."""

    manager = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="evidence_reviews")
    reviewer = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    reviewed_on = models.DateField()
    seed = models.PositiveIntegerField(help_text="Draws the same sample of records again.")
    agreements = models.ManyToManyField(Agreement, related_name="+", blank=True)
    records = models.ManyToManyField(Session, related_name="+", blank=True)
    comments = models.TextField()
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = EvidenceReviewQuerySet.as_manager()

    class Meta:
        ordering = ["manager", "-reviewed_on", "-id"]

    def __str__(self) -> str:
        return f"Review of {self.manager}'s supervision evidence on {self.reviewed_on}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("A recorded review cannot be changed; record another.")
        super().save(*args, **kwargs)
