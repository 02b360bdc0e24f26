"""Deputising managers (N 11.1): the one thing about access that is stored rather than computed.

A delegation is dated at both ends on purpose: cover for leave or sickness has to stop by itself,
so there is no open-ended delegation and nothing has to run at midnight to take access away.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q

from oversight.organisation.models import Staff


class DelegationQuerySet(models.QuerySet["Delegation"]):
    def active_on(self, day: dt.date) -> DelegationQuerySet:
        return self.filter(start_date__lte=day, end_date__gte=day)


class Delegation(models.Model):
    """`deputy` acts for `from_manager`, with the same access, from start_date to end_date."""

    from_manager = models.ForeignKey(
        Staff, on_delete=models.CASCADE, related_name="delegations_given"
    )
    deputy = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="delegations_held")
    start_date = models.DateField()
    end_date = models.DateField(help_text="The last day of cover; access ends after it.")
    reason = models.CharField(max_length=200, help_text="For example: annual leave.")
    # Kept (PROTECT) because who arranged someone's access to supervision records is part of the
    # account of who could see them.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="delegations_created"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DelegationQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "id"]
        verbose_name = "deputising arrangement"
        indexes = [models.Index(fields=["deputy", "start_date", "end_date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="delegation_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(deputy=models.F("from_manager")),
                name="delegation_deputy_is_someone_else",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.deputy.name} deputises for {self.from_manager.name} "
            f"from {self.start_date} to {self.end_date}"
        )
