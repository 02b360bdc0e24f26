"""The summary table: the compliance indicators (INDICATORS.md) computed ahead of time.

A derived table, never a second source of truth: `oversight summarise` fills it from the same
code as `oversight indicators`, and `oversight summarise --check` recomputes and compares. Pages
read it instead of running the whole organisation's engine while someone waits. One `Summary` per
policy and date (a day's figures; a month end's are the trend), stamped with when it was computed.
"""

from __future__ import annotations

import datetime as dt

from django.db import models

from oversight.engine.indicators import Figure


class SummaryQuerySet(models.QuerySet["Summary"]):
    def under(self, policy_name: str) -> SummaryQuerySet:
        return self.filter(policy=policy_name)

    def on(self, days: list[dt.date]) -> SummaryQuerySet:
        return self.filter(as_of__in=days)


class Summary(models.Model):
    """The figures of every scope on one date under one policy, as computed at `computed_at`."""

    policy = models.CharField(max_length=200, help_text="The policy's name, e.g. bedford.")
    as_of = models.DateField()
    computed_at = models.DateTimeField()
    seconds = models.FloatField(help_text="How long the computation of this date took.")

    objects = SummaryQuerySet.as_manager()

    class Meta:
        ordering = ["policy", "as_of"]
        verbose_name_plural = "summaries"
        constraints = [
            models.UniqueConstraint(fields=["policy", "as_of"], name="one_summary_per_day")
        ]

    def __str__(self) -> str:
        return f"Indicators under {self.policy} on {self.as_of}"


class SummaryFigure(models.Model):
    """One row of `oversight indicators`: a scope's obligations of one kind on its date."""

    summary = models.ForeignKey(Summary, on_delete=models.CASCADE, related_name="figures")
    scope_type = models.CharField(max_length=20)  # team | service | organisation
    scope_id = models.CharField(max_length=200, blank=True)  # empty for the organisation
    obligation = models.CharField(max_length=100)
    counted = models.PositiveIntegerField()
    in_time = models.PositiveIntegerField()
    met_late = models.PositiveIntegerField()
    overdue = models.PositiveIntegerField()

    class Meta:
        ordering = ["summary", "scope_type", "scope_id", "obligation"]
        indexes = [models.Index(fields=["summary", "scope_type", "scope_id"])]

    def __str__(self) -> str:
        return f"{self.obligation} for {self.scope_type} {self.scope_id}".strip()

    def figure(self, as_of: dt.date) -> Figure:
        return Figure(
            as_of,
            self.scope_type,
            self.scope_id,
            self.obligation,
            self.counted,
            self.in_time,
            self.met_late,
            self.overdue,
        )
