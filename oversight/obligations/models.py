"""The obligations store: the engine's answers for one day, kept so pages read slices of them.

Derived, never edited (ADR 0007): every row is what ``compute_obligations`` and ``Owners`` give
for the policy and day in ``StoreState``. Writes that change facts mark the subjects they affect
as stale in the same transaction (``stale.py``); whoever reads brings those subjects up to date
first (``store.ensure_current``), and a new day or policy recomputes everything.
`oversight obligations-store check` recomputes from scratch and lists every difference.
"""

from __future__ import annotations

from django.db import models


class StoredObligation(models.Model):
    subject_type = models.CharField(max_length=10)
    subject_id = models.CharField(max_length=200)
    obligation = models.CharField(max_length=60)
    due_date = models.DateField()
    status = models.CharField(max_length=10)
    last_met = models.DateField(null=True)
    rule = models.CharField(max_length=200)
    explanation = models.TextField()
    # The team whose figures it counts in: a person's team, the team of the worker holding a
    # child, the team itself, or the team of a record's supervisee.
    team = models.CharField(max_length=200, null=True)  # noqa: DJ001  (no team is not "")
    # The worker holding a child, or the supervisee of a record: who the work is with.
    worker = models.CharField(max_length=50, null=True)  # noqa: DJ001

    class Meta:
        indexes = [
            models.Index(fields=["subject_type", "subject_id"], name="stored_subject"),
            models.Index(fields=["team", "status"], name="stored_team_status"),
            # The children a group of workers hold (team pages, My work's caseloads).
            models.Index(fields=["worker"], name="stored_worker"),
        ]

    def __str__(self) -> str:
        return f"{self.obligation} for {self.subject_type} {self.subject_id} due {self.due_date}"


class ObligationOwner(models.Model):
    """One person who must act on a stored obligation (engine/owners.py decides who)."""

    # Deleted by the database with its obligation, in the same statement: the store is emptied
    # and filled again each day, and Django's cascade fetched and deleted 126,000 rows in 1,260
    # batches (3 s) to do it.
    obligation = models.ForeignKey(
        StoredObligation, on_delete=models.DB_CASCADE, related_name="owners"
    )
    owner = models.CharField(max_length=50)  # a staff ID

    class Meta:
        indexes = [
            # What a person owns, read from the index alone before the obligations are fetched.
            models.Index(fields=["owner", "obligation"], name="owned_by"),
        ]

    def __str__(self) -> str:
        return f"{self.owner} owns {self.obligation_id}"


class StaleSubject(models.Model):
    """A subject whose facts changed since its rows were computed."""

    subject_type = models.CharField(max_length=10)
    subject_id = models.CharField(max_length=200)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subject_type", "subject_id"], name="stale_once")
        ]

    def __str__(self) -> str:
        return f"{self.subject_type} {self.subject_id}"


class StoreState(models.Model):
    """Which day and policy the store holds (one row); none until the first computation."""

    valid_on = models.DateField()
    policy = models.CharField(max_length=200)
    computed_at = models.DateTimeField()
    rows = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.rows} obligations for {self.valid_on} under {self.policy}"
