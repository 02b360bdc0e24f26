"""The background work of reminders, run by `oversight db_worker` (django-tasks-db)."""

from __future__ import annotations

from django.tasks import task

from oversight.reminders import sending


@task()
def deliver_message(message_id: int) -> str:
    return sending.deliver(message_id)


@task()
def notify_event(event: str, row_pk: int) -> None:
    """Tell whoever an event concerns (oversight.reminders.events), and send it."""
    from oversight.reminders.events import compose_event

    for message in compose_event(event, row_pk):
        sending.deliver(message.pk)
