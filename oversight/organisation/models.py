"""Who works where and who supervises whom.

Line management is kept as dated rows rather than a field on the staff member, so a change of
supervisor keeps its history and the obligations engine can ask who supervised whom on any date.
Team membership and job roles are dated rows too (`TeamMembership`, `StaffRole`): `Staff.team`
stays the team a person is in now, for every page, and the membership rows say which team they
were in on any earlier day, for the indicators of past months (INDICATORS.md). A person with no
membership rows is in `Staff.team` on every day (the data set without team_membership.csv).
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

    def in_team_on(self, team: Team, day: dt.date) -> StaffQuerySet:
        """Who was in `team` on `day`: their membership row on the day says so, and someone
        with no membership rows at all is in their current team on every day."""
        return self.filter(
            Q(pk__in=TeamMembership.objects.active_on(day).filter(team=team).values("staff"))
            | (Q(team=team) & ~Q(pk__in=TeamMembership.objects.values("staff")))
        )

    def in_team_by(self, team: Team, day: dt.date) -> StaffQuerySet:
        """Everyone who was in `team` on `day` or at any time before it: whose rows may count in
        the team's figures on `day` (a session counts in the supervisee's team on its date)."""
        return self.filter(
            Q(pk__in=TeamMembership.objects.filter(team=team, start_date__lte=day).values("staff"))
            | (Q(team=team) & ~Q(pk__in=TeamMembership.objects.values("staff")))
        )

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


class TeamMembershipQuerySet(DatedQuerySet["TeamMembership"]):
    def current(self) -> TeamMembershipQuerySet:
        return self.filter(end_date__isnull=True)


class TeamMembership(models.Model):
    """One period in which `staff` belonged to `team`. A move ends one row and starts the next
    (`oversight.organisation.transfers.move_to_team`); the open row's team is `Staff.team`."""

    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="team_memberships")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="memberships")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    objects = TeamMembershipQuerySet.as_manager()

    class Meta:
        ordering = ["staff", "start_date"]
        verbose_name = "team membership period"
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="team_membership_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["staff", "team", "start_date"], name="one_team_membership_per_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff.name} in {self.team.name} from {self.start_date}"


# The children's social work workforce census's OrgRole codes (DfE CSWW specification; the same
# list is in liia-tools' wf_xmlschema.xsd): the role a census row gives, in words.
CENSUS_ROLES = {
    "1": "Senior manager",
    "2": "Middle manager",
    "3": "First line manager",
    "4": "Senior practitioner",
    "5": "Case holder",
    "6": "Qualified without cases",
}


class StaffRoleQuerySet(DatedQuerySet["StaffRole"]):
    def current(self) -> StaffRoleQuerySet:
        return self.filter(end_date__isnull=True)


class StaffRole(models.Model):
    """One period in which `staff` held a job title or role (from HR, or the workforce census's
    OrgRole). Periods of one person do not overlap."""

    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=200, help_text="The job title or role, e.g. Case holder.")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    objects = StaffRoleQuerySet.as_manager()

    class Meta:
        ordering = ["staff", "start_date"]
        verbose_name = "job role period"
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="staff_role_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["staff", "role", "start_date"], name="one_staff_role_per_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff.name}: {self.role} from {self.start_date}"
