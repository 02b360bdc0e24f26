"""What reminders were sent, to whom, about what: the sent-log that makes every run idempotent.

What is due is never stored here: each run asks the engine's owned obligations
(``oversight.facts.owned``). These tables only remember what has been said already, so that a
re-run, a retried task or two schedulers at once never say it twice (a unique constraint, not a
check that two processes could both pass), and deliver what was composed.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils import timezone

from oversight.organisation.models import Staff


class Frequency(models.TextChoices):
    DAILY = "daily", "Every day something falls due, and a summary each Monday"
    WEEKLY = "weekly", "A summary each Monday only"
    OFF = "off", "No reminders (escalations of long-overdue work still reach line managers)"


class Preference(models.Model):
    """How often a person wants reminders; someone who never chose gets them daily."""

    staff = models.OneToOneField(Staff, on_delete=models.CASCADE, related_name="reminders")
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.DAILY)
    # A second kind of email: something happened that is theirs to act on (a record sent or
    # returned to them, a disagreement escalated to them, a booking made, moved or cancelled).
    events = models.BooleanField(default=True)
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.staff}: {self.frequency}"


class Kind(models.TextChoices):
    DAILY = "daily", "Daily reminder"
    WEEKLY = "weekly", "Weekly digest"
    EVENT = "event", "Notification"


class Delivery(models.TextChoices):
    WAITING = "waiting", "Waiting to be sent"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed; will be tried again"
    GAVE_UP = "gave_up", "Failed too often; not tried again"


# A worker holds a message this long at most (the SMTP timeout is 30 seconds); a claim older than
# this belongs to a worker that was stopped, and the message is handed out again.
STALE_CLAIM = dt.timedelta(minutes=10)


class MessageQuerySet(models.QuerySet["Message"]):
    def to_deliver(self, now: dt.datetime) -> MessageQuerySet:
        """What a run hands to the worker (again): waiting; failed and past its back-off; or
        claimed by a worker that stopped before it finished (killed mid-send)."""
        return self.filter(
            Q(delivery=Delivery.WAITING)
            | Q(delivery=Delivery.FAILED, next_attempt_at__lte=now)
            | Q(delivery=Delivery.SENDING, claimed_at__lte=now - STALE_CLAIM)
        )


class Message(models.Model):
    """One email as composed: its words are fixed when it is made, so a retry sends the same."""

    recipient = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    to = models.EmailField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    subject = models.CharField(max_length=200)
    text = models.TextField()
    html = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    delivery = models.CharField(max_length=10, choices=Delivery.choices, default=Delivery.WAITING)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.to}: {self.subject}"


class Notice(models.Model):
    """The sent-log: `recipient` has been told `about` something for `period`, by `message`.

    `about` is an obligation (subject type, subject and obligation), an event (a record sent,
    a booking moved, by the row that records it) or a message itself (the daily email, the
    weekly digest); `period` is what makes it new again: an obligation's due date and phase
    ("2025-06-18 due soon", "... overdue", "... escalated"), the day or the week of a message.
    """

    recipient = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="+")
    about = models.CharField(max_length=200)
    period = models.CharField(max_length=50, blank=True)
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="notices")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "about", "period"], name="notice_once_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.about} ({self.period})"


class NotificationQuerySet(models.QuerySet["Notification"]):
    def for_staff(self, staff: Staff) -> NotificationQuerySet:
        return self.filter(recipient=staff)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """What happened that a person must act on, kept in the application (issue 11 §5): made in
    the same transaction as the change it tells of, whatever their email choice."""

    recipient = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="notifications")
    event = models.CharField(max_length=30)
    what = models.TextField()
    path = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return f"{self.recipient} : {self.what[:40]}"
