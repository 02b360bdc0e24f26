"""Children's cases as the case management system knows them: who holds them and their status."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q

from oversight.dated import DatedQuerySet
from oversight.engine.facts import CASE_EVENTS, CASE_STATUSES
from oversight.organisation.models import Staff

STATUS_LABELS = {
    "child_in_need": "Child in need",
    "child_protection": "Child protection plan",
    "care_proceedings": "Care proceedings",
    "looked_after": "Looked after",
    "permanence_plan": "Permanence plan agreed",
    "care_leaver": "Care leaver",
    "short_breaks": "Short breaks",
    "adoption_support": "Adoption support",
}
EVENT_LABELS = {
    "legal_planning": "Legal planning meeting",
    "closure": "Case closure",
    "transfer": "Transfer",
    "child_protection": "Child protection decision",
}


class CaseQuerySet(DatedQuerySet["Case"]):
    start_field = "open_date"
    end_field = "close_date"

    def allocated_to(self, worker: Staff, day: dt.date) -> CaseQuerySet:
        return self.filter(
            pk__in=Allocation.objects.active_on(day).filter(worker=worker).values("case")
        )


class SiblingGroup(models.Model):
    """Children who are brothers and sisters, so a case note can be copied to each of them."""

    name = models.CharField(max_length=200)

    def __str__(self) -> str:
        return self.name


class Case(models.Model):
    case_id = models.CharField(
        "child ID", max_length=50, unique=True, help_text="The council's identifier for the child."
    )
    display_name = models.CharField("child's name", max_length=200, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    open_date = models.DateField()
    close_date = models.DateField(null=True, blank=True)
    sibling_group = models.ForeignKey(
        SiblingGroup, on_delete=models.SET_NULL, null=True, blank=True, related_name="children"
    )

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["case_id"]
        verbose_name = "child's case"
        constraints = [
            models.CheckConstraint(
                condition=Q(close_date__isnull=True) | Q(close_date__gte=models.F("open_date")),
                name="case_closes_after_opening",
            )
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.case_id})" if self.display_name else self.case_id

    def siblings(self) -> CaseQuerySet:
        if self.sibling_group_id is None:
            return Case.objects.none()
        return Case.objects.filter(sibling_group_id=self.sibling_group_id).exclude(pk=self.pk)


class Allocation(models.Model):
    """A worker holding a child's case for a period; a transfer is a new row."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="allocations")
    worker = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="allocations")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    objects = DatedQuerySet.as_manager()

    class Meta:
        ordering = ["case", "start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "worker", "start_date"], name="one_allocation_per_start"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="allocation_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} allocated to {self.worker.name} from {self.start_date}"


class CaseStatus(models.Model):
    """A legal or plan status of the child for a period (several may overlap)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="statuses")
    status = models.CharField(max_length=30, choices=[(s, STATUS_LABELS[s]) for s in CASE_STATUSES])
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    objects = DatedQuerySet.as_manager()

    class Meta:
        ordering = ["case", "start_date"]
        verbose_name_plural = "case statuses"
        constraints = [
            models.UniqueConstraint(
                fields=["case", "status", "start_date"], name="one_status_per_start"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="status_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} from {self.start_date}"


class CaseEvent(models.Model):
    """A decision point that must be discussed in supervision (legal planning, closure, ...)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    event = models.CharField(max_length=30, choices=[(e, EVENT_LABELS[e]) for e in CASE_EVENTS])
    date = models.DateField()

    class Meta:
        ordering = ["case", "date"]
        constraints = [
            models.UniqueConstraint(fields=["case", "event", "date"], name="one_event_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.get_event_display()} on {self.date}"
