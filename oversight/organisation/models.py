"""Who works where and who supervises whom.

Line management is kept as dated rows rather than a field on the staff member, so a change of
supervisor keeps its history and the obligations engine can ask who supervised whom on any date.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q

from oversight.dated import DatedQuerySet
from oversight.engine.facts import STAFF_CATEGORIES

CATEGORY_LABELS = {
    "case_holder": "Case holder (social worker, personal adviser)",
    "conference_chair": "Conference chair or independent reviewing officer",
    "non_case_holder": "Involved worker (no case-holding responsibility)",
    "support_staff": "Support staff (e.g. business support)",
    "manager": "Manager (team manager and above)",
}


class Service(models.Model):
    name = models.CharField(max_length=200, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    name = models.CharField(max_length=200, unique=True)
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, blank=True, related_name="teams"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class StaffQuerySet(DatedQuerySet["Staff"]):
    def in_team(self, team: Team) -> StaffQuerySet:
        return self.filter(team=team)

    def supervised_by(self, manager: Staff, day: dt.date) -> StaffQuerySet:
        return self.filter(
            pk__in=LineManagement.objects.active_on(day).filter(manager=manager).values("staff")
        )


class Staff(models.Model):
    staff_id = models.CharField(
        "staff ID", max_length=50, unique=True, help_text="The council's HR identifier."
    )
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    category = models.CharField(
        max_length=30, choices=[(c, CATEGORY_LABELS[c]) for c in STAFF_CATEGORIES]
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="staff"
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True, help_text="Last working day, if they left.")
    asye_start = models.DateField(
        "ASYE start",
        null=True,
        blank=True,
        help_text="Start of the Assessed and Supported Year in Employment, if newly qualified.",
    )
    swe_number = models.CharField(
        "Social Work England number", max_length=20, blank=True, help_text="For example SW123456."
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff",
    )

    objects = StaffQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "staff"
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="staff_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.staff_id})"

    def line_manager_on(self, day: dt.date) -> Staff | None:
        row = (
            self.line_management.active_on(day)
            .select_related("manager")
            .order_by("-start_date")
            .first()
        )
        return row.manager if row else None

    def supervisees_on(self, day: dt.date) -> StaffQuerySet:
        return Staff.objects.supervised_by(self, day)


class LineManagementQuerySet(DatedQuerySet["LineManagement"]):
    def current(self) -> LineManagementQuerySet:
        return self.filter(end_date__isnull=True)


class LineManagement(models.Model):
    """One period in which `manager` was the line manager (supervisor) of `staff`."""

    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="line_management")
    manager = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="managed")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    objects = LineManagementQuerySet.as_manager()

    class Meta:
        ordering = ["staff", "start_date"]
        verbose_name = "line management period"
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="line_management_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(staff=models.F("manager")), name="line_manager_is_someone_else"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.manager.name} supervises {self.staff.name} from {self.start_date}"
