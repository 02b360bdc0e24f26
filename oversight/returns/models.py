"""Returns uploaded in the browser, the decisions made about their workers, and their applying.

An upload's file and date are never changed; a later decision about a name supersedes an earlier
one, and applying a return is a row of its own (at most one per upload). What moves is where the
applying has got to (queued, applying with its stage and rows, applied or failed), written by the
background task (`oversight/returns/applying.py`) for the page to show.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from oversight.returns.formats import FORMATS


class ApplyState(models.TextChoices):
    UPLOADED = "uploaded", "Not applied"
    QUEUED = "queued", "Queued"
    APPLYING = "applying", "Applying"
    APPLIED = "applied", "Applied"
    FAILED = "failed", "Not applied: problems"


class ReturnUploadQuerySet(models.QuerySet["ReturnUpload"]):
    def may_queue(self) -> ReturnUploadQuerySet:
        """Uploads that may be queued to apply: never applied, and not queued or applying."""
        return self.filter(state__in=[ApplyState.UPLOADED, ApplyState.FAILED])


class ReturnUpload(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    format = models.CharField(max_length=20, choices=list(FORMATS.items()))
    original_name = models.CharField(max_length=200)
    # Under MEDIA_ROOT, a random name: never the browser's name, never served by a URL.
    stored_name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    changed_on = models.DateField(help_text="The date the return was produced.")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # Where applying it has got to (the background task writes these as it goes).
    state = models.CharField(max_length=20, choices=ApplyState.choices, default=ApplyState.UPLOADED)
    stage = models.CharField(max_length=100, blank=True)
    done = models.PositiveIntegerField(default=0, help_text="Rows written so far.")
    total = models.PositiveIntegerField(default=0, help_text="Rows the return changes.")
    problems = models.JSONField(default=list, blank=True, help_text="Why applying failed.")
    progress_at = models.DateTimeField(null=True, blank=True)

    objects = ReturnUploadQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.get_format_display()}: {self.original_name}"

    def decisions(self) -> dict[str, str]:
        """The latest decision for each worker's name: a staff id, or "" (leave unallocated)."""
        latest: dict[str, str] = {}
        for decision in self.worker_decisions.order_by("decided_at", "pk"):
            latest[decision.name] = decision.staff_id
        return latest


class WorkerDecision(models.Model):
    upload = models.ForeignKey(
        ReturnUpload, on_delete=models.CASCADE, related_name="worker_decisions"
    )
    name = models.CharField(max_length=200)
    staff_id = models.CharField(max_length=50, blank=True)  # empty: leave the children unallocated
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.name} is {self.staff_id or 'nobody (unallocated)'}"


class ReturnApplied(models.Model):
    upload = models.OneToOneField(ReturnUpload, on_delete=models.PROTECT, related_name="applied")
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    applied_at = models.DateTimeField(auto_now_add=True)
    summary = models.JSONField(default=dict)

    class Meta:
        verbose_name = "applied return"

    def __str__(self) -> str:
        return f"{self.upload} applied at {self.applied_at:%Y-%m-%d %H:%M}"
