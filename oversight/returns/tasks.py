"""The background work of returns, run by `oversight db_worker` (django-tasks-db)."""

from __future__ import annotations

from django.tasks import task

from oversight.returns import applying


@task()
def apply_return(upload_id: str, user_id: int, address: str | None) -> str:
    """Apply a queued upload (oversight/returns/applying.py), all or nothing."""
    return applying.apply_queued(upload_id, user_id, address)
