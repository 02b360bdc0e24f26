"""Composing a message and delivering it: once per person, thing and period, whoever runs it.

A message and the sent-log rows for everything it mentions are written in one transaction; the
sent-log's unique constraint makes a second writer (a re-run, a retried task, a second scheduler)
fail there and write nothing, so nothing is said twice. Delivery is a background task
(``tasks.deliver``) that claims the message before sending, so two workers never both send it;
a worker killed mid-send leaves a stale claim that the next run hands out again.
"""

from __future__ import annotations

import datetime as dt
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from notifications_python_client.errors import APIError
from notifications_python_client.notifications import NotificationsAPIClient

from oversight.organisation.models import Staff
from oversight.reminders.models import Delivery, Kind, Message, Notice

# Failed deliveries are tried again after 5, 10, 20, 40 and 80 minutes, then left for a person.
FIRST_RETRY = dt.timedelta(minutes=5)
MOST_ATTEMPTS = 6


@dataclass(frozen=True)
class Mention:
    """Something a message says, for the sent-log: what about, and for which period."""

    about: str
    period: str = ""


def compose(
    recipient: Staff,
    kind: Kind,
    template: str,
    context: dict[str, Any],
    mentions: Iterable[Mention],
) -> Message | None:
    """Write the message and its sent-log rows, or nothing if any of them was said already.

    `template` names reminders/email/<template>.txt and .html, and the subject comes from
    <template>_subject.txt: no child's name goes in it."""
    context = {"recipient": recipient, "site": settings.OVERSIGHT_SITE_URL, **context}
    subject = " ".join(render_to_string(f"reminders/email/{template}_subject.txt", context).split())
    text = render_to_string(f"reminders/email/{template}.txt", context)
    html = render_to_string(f"reminders/email/{template}.html", context | {"subject": subject})
    try:
        with transaction.atomic():
            message = Message.objects.create(
                recipient=recipient,
                to=recipient.email,
                kind=kind,
                subject=subject,
                text=text,
                html=html,
            )
            Notice.objects.bulk_create(
                Notice(recipient=recipient, about=m.about, period=m.period, message=message)
                # Once each: two lines about one thing (a deputy's and their own) are one notice.
                for m in dict.fromkeys(mentions)
            )
    except IntegrityError:
        # Said already, by an earlier run or another process at the same moment.
        return None
    return message


def deliver(message_id: int, now: dt.datetime | None = None) -> str:
    """Send the message once: claim it, send it, record the outcome. Returns its delivery."""
    now = now or timezone.now()
    claimable = Message.objects.to_deliver(now).filter(pk=message_id)
    if not claimable.update(delivery=Delivery.SENDING, claimed_at=now):
        # Sent already, being sent by another worker, or waiting for its back-off.
        return str(Message.objects.filter(pk=message_id).values_list("delivery", flat=True).first())
    message = Message.objects.get(pk=message_id)
    try:
        if settings.OVERSIGHT_NOTIFY_API_KEY:
            _send_through_notify(message)
        else:
            _send_by_email(message)
    # Network errors (requests' included) are OSErrors; Notify's refusals are APIErrors.
    except (smtplib.SMTPException, OSError, APIError) as error:
        attempts = message.attempts + 1
        failed = Delivery.FAILED if attempts < MOST_ATTEMPTS else Delivery.GAVE_UP
        Message.objects.filter(pk=message.pk).update(
            delivery=failed,
            attempts=attempts,
            last_error=f"{type(error).__name__}: {error}"[:1000],
            next_attempt_at=now + FIRST_RETRY * 2 ** (attempts - 1),
        )
        return failed
    Message.objects.filter(pk=message.pk).update(
        delivery=Delivery.SENT, attempts=message.attempts + 1, sent_at=timezone.now(), last_error=""
    )
    return Delivery.SENT


def _send_by_email(message: Message) -> None:
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to],
    )
    email.attach_alternative(message.html, "text/html")
    email.send()


def _send_through_notify(message: Message) -> None:
    """GOV.UK Notify sends the plain-text version in its own accessible layout."""
    # The client says it is typed (py.typed) but its functions carry no annotations.
    client = NotificationsAPIClient(  # type: ignore[no-untyped-call]
        settings.OVERSIGHT_NOTIFY_API_KEY, base_url=settings.OVERSIGHT_NOTIFY_BASE_URL
    )
    client.send_email_notification(  # type: ignore[no-untyped-call]
        email_address=message.to,
        template_id=settings.OVERSIGHT_NOTIFY_TEMPLATE_ID,
        personalisation={"subject": message.subject, "body": message.text},
        reference=f"oversight-message-{message.pk}",
    )


def hand_to_worker(message_ids: Iterable[int]) -> None:
    """Queue each message's delivery once the transaction that made it has committed."""
    from oversight.reminders.tasks import deliver_message

    for message_id in message_ids:
        transaction.on_commit(lambda pk=message_id: deliver_message.enqueue(pk))  # type: ignore[misc]
