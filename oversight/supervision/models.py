"""Supervision sessions of every type, the cases discussed in them, and supervision agreements.

These are the facts the obligations engine counts. A session's `recorded_date` is when its record
was completed; the engine measures recording deadlines from the session date to it.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import models
from django.db.models import Q

from oversight.cases.models import Case
from oversight.organisation.models import Staff, Team
from oversight.policy.facts import SESSION_TYPES

SESSION_TYPE_LABELS = {
    "individual": "One-to-one supervision",
    "case_discussion": "Case discussion",
    "management_oversight": "Management oversight",
    "group": "Group reflective supervision",
    "practice_observation": "Practice observation",
    "conference_chair": "Conference chair supervision",
}


def new_session_id() -> str:
    # Sessions made in Oversight need an identifier that never collides with a council's own ids.
    return f"OV-{secrets.token_hex(5).upper()}"


class SessionQuerySet(models.QuerySet["Session"]):
    def on_or_before(self, day: dt.date) -> SessionQuerySet:
        return self.filter(date__lte=day)

    def of_type(self, *types: str) -> SessionQuerySet:
        return self.filter(type__in=types)

    def involving(self, staff: Staff) -> SessionQuerySet:
        return self.filter(Q(supervisor=staff) | Q(supervisee=staff))


class Session(models.Model):
    session_id = models.CharField("session ID", max_length=50, unique=True, default=new_session_id)
    type = models.CharField(
        max_length=30, choices=[(t, SESSION_TYPE_LABELS[t]) for t in SESSION_TYPES]
    )
    date = models.DateField()
    start_time = models.TimeField(null=True, blank=True)
    location = models.CharField(
        "place", max_length=200, blank=True, help_text="For example, meeting room 2, or online."
    )
    supervisor = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="sessions_led"
    )
    supervisee = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="sessions_received"
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="group_sessions",
        help_text="For group reflective supervision: the team that met.",
    )
    duration_minutes = models.PositiveIntegerField(null=True, blank=True)
    recorded_date = models.DateField(
        null=True, blank=True, help_text="When the record of the session was completed."
    )
    cases = models.ManyToManyField(Case, through="SessionCase", related_name="sessions")

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "session_id"]
        indexes = [models.Index(fields=["date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(recorded_date__isnull=True) | Q(recorded_date__gte=models.F("date")),
                name="session_recorded_on_or_after_it_happened",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} on {self.date} ({self.session_id})"


class SessionCase(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="session_cases")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="session_cases")

    class Meta:
        verbose_name = "case discussed"
        verbose_name_plural = "cases discussed"
        constraints = [
            models.UniqueConstraint(fields=["session", "case"], name="case_discussed_once")
        ]

    def __str__(self) -> str:
        return f"{self.case} in {self.session}"


class AgreementQuerySet(models.QuerySet["Agreement"]):
    def signed(self) -> AgreementQuerySet:
        return self.filter(signed_date__isnull=False)


class Agreement(models.Model):
    """A supervision agreement signed by a supervisee and their supervisor (N 6, B Appendix A)."""

    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="agreements")
    supervisor = models.ForeignKey(
        Staff, on_delete=models.PROTECT, related_name="agreements_as_supervisor"
    )
    signed_date = models.DateField(
        null=True,
        blank=True,
        help_text="The day both people had confirmed it; empty while it is still being agreed.",
    )
    frequency = models.CharField(
        max_length=10,
        blank=True,
        help_text="Agreed frequency as a period, e.g. 14d or 1m; blank to follow the policy.",
    )
    # The terms of N Appendix 1 and B Appendix A. Imported agreements carry none of them.
    session_length = models.CharField(
        "length of sessions", max_length=100, blank=True, help_text="For example, 90 minutes."
    )
    location = models.CharField("where supervision takes place", max_length=200, blank=True)
    recording = models.TextField("responsibility for recording", blank=True)
    confidentiality = models.TextField("extent of confidentiality", blank=True)
    agenda_setting = models.TextField("how the agenda is set", blank=True)
    mediating_difficulties = models.TextField("process for mediating difficulties", blank=True)
    other_issues = models.TextField("other issues", blank=True)
    # Each person's confirmation is their signature, with the time they gave it.
    supervisor_confirmed_at = models.DateTimeField(null=True, blank=True)
    supervisee_confirmed_at = models.DateTimeField(null=True, blank=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["staff", "-signed_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "supervisor", "signed_date"], name="one_agreement_per_signing"
            )
        ]

    def __str__(self) -> str:
        signed = f"signed {self.signed_date}" if self.signed_date else "not yet signed"
        return f"Agreement between {self.staff.name} and {self.supervisor.name}, {signed}"
