"""An appraisal (N 4x4x4 "an annual appraisal and Personal Development Plan"; B 5, the PDR) or a
probation review (N 11.3 "probation reports"), with the Personal Development Plan agreed at it.

Both are facts the engine reads (`appraisal`, `probation_review`, switched on in a council's
policy file) and both are kept in section 3 of the person's supervision file. They are made only
by `appraisals.recording.record_appraisal` and never changed: a correction is a later appraisal.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone

from oversight.organisation.models import Staff
from oversight.transitions import AppendOnlyError


class AppraisalKind(models.TextChoices):
    ANNUAL = "annual", "Annual appraisal"
    PROBATION = "probation", "Probation review"


class AppraisalOutcome(models.TextChoices):
    EXCEEDS = "exceeds", "Exceeds expectations"
    MEETS = "meets", "Meets expectations"
    PARTLY_MEETS = "partly_meets", "Partly meets expectations"
    DOES_NOT_MEET = "does_not_meet", "Does not meet expectations"
    PROBATION_ON_TRACK = "probation_on_track", "Probation continues: on track"
    PROBATION_CONCERNS = "probation_concerns", "Probation continues: concerns to address"
    PROBATION_PASSED = "probation_passed", "Probation passed"
    PROBATION_EXTENDED = "probation_extended", "Probation extended"


# The outcomes each kind may have: a probation review says how probation stands.
OUTCOMES_OF_KIND: dict[str, tuple[str, ...]] = {
    AppraisalKind.ANNUAL: (
        AppraisalOutcome.EXCEEDS,
        AppraisalOutcome.MEETS,
        AppraisalOutcome.PARTLY_MEETS,
        AppraisalOutcome.DOES_NOT_MEET,
    ),
    AppraisalKind.PROBATION: (
        AppraisalOutcome.PROBATION_ON_TRACK,
        AppraisalOutcome.PROBATION_CONCERNS,
        AppraisalOutcome.PROBATION_PASSED,
        AppraisalOutcome.PROBATION_EXTENDED,
    ),
}


class AppraisalQuerySet(models.QuerySet["Appraisal"]):
    def of_staff(self, staff: Staff) -> AppraisalQuerySet:
        return self.filter(staff=staff)

    def latest_first(self) -> AppraisalQuerySet:
        return self.order_by("-held_on", "-id")


class Appraisal(models.Model):
    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="appraisals")
    appraiser = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=AppraisalKind.choices)
    held_on = models.DateField("date of the appraisal")
    evidence_from = models.DateField(help_text="The first day of the evidence it was drawn from.")
    summary = models.TextField()
    outcome = models.CharField(max_length=30, choices=AppraisalOutcome.choices)
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = AppraisalQuerySet.as_manager()

    class Meta:
        ordering = ["staff", "-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.staff.name}, {self.held_on}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("A recorded appraisal cannot be changed; record another.")
        super().save(*args, **kwargs)


class DevelopmentObjective(models.Model):
    """One item of the Personal Development Plan agreed at an appraisal."""

    appraisal = models.ForeignKey(
        Appraisal, on_delete=models.PROTECT, related_name="development_plan"
    )
    objective = models.TextField(help_text="What the person will develop or achieve.")
    support = models.TextField(
        "learning and support", blank=True, help_text="Training, shadowing or other support."
    )
    by_when = models.DateField("by when", null=True, blank=True)

    class Meta:
        ordering = ["appraisal", "id"]

    def __str__(self) -> str:
        return self.objective[:60]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("A Personal Development Plan cannot be changed once recorded.")
        super().save(*args, **kwargs)
