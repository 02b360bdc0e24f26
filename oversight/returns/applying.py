"""Applying an uploaded return in the background, with its progress for the page to show.

Pressing Apply queues the upload (`queue_apply`); the worker (`oversight db_worker`) runs
`apply_queued` (oversight/returns/tasks.py), which goes the way `oversight import` goes: the
return is planned (`plan_return`), its rows loaded by the data set importer in one transaction
with the audit entry (`apply_plan`), then the dashboards' figures computed again
(`summarise_after_load`). Nothing is written unless everything is.

Where it has got to (stage, rows written of rows to write) is written on the upload's row as it
goes. Those writes must be seen by the page while the applying transaction is still open, so
they do not go through it: on PostgreSQL through a connection of their own, in autocommit, that
changes only the progress columns (the applying transaction only reads the row, so neither waits
for the other). SQLite has one writer at a time and the applying transaction is it: there the
progress stops at "Checking every row" until the transaction ends, and the page shows that
stage (the reading before it, usually the longest part, is reported as it happens).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Q
from django.utils import timezone

from oversight.access.returns import require_import_returns
from oversight.audit.actor import Actor
from oversight.dashboards.summaries import summarise_after_load
from oversight.import_export.importer import ImportSummary
from oversight.import_export.reader import DataSetError, Problem
from oversight.returns.models import ApplyState, ReturnApplied, ReturnUpload
from oversight.returns.plan import FILES, ReturnNotReady, apply_plan
from oversight.returns.uploads import plan_upload

READING, CHECKING, WRITING = "reading", "checking", "writing"
STAGES = {
    READING: "Reading the return",
    CHECKING: "Checking every row",
    WRITING: "Writing the changes",
}
# An apply with no progress for this long was stopped with its worker (its transaction was rolled
# back when the connection closed): it may be applied again.
STALE = dt.timedelta(minutes=30)
FACT_KINDS = tuple(FILES)
UNEXPECTED = (
    "Applying stopped with an unexpected error. Nothing was changed. Apply it again; if it stops "
    "again, ask the system administrator to look at the background worker's log."
)


class AlreadyApplied(Exception):
    pass


class AlreadyQueued(Exception):
    pass


def is_stale(upload: ReturnUpload, now: dt.datetime | None = None) -> bool:
    """Applying, but nothing heard from the worker for longer than any stage takes."""
    now = now or timezone.now()
    return (
        upload.state == ApplyState.APPLYING
        and upload.progress_at is not None
        and upload.progress_at < now - STALE
    )


class ProgressWriter:
    """Writes an upload's stage and rows done where the page can read them at once."""

    def __init__(self, upload: ReturnUpload) -> None:
        self.pk = upload.pk
        self.total = 0
        self._own: Any = None

    def _connection(self) -> Any:
        main = connections[DEFAULT_DB_ALIAS]
        if not main.in_atomic_block:
            return main  # autocommit: seen as soon as it is written
        if main.vendor == "sqlite":
            return None  # one writer at a time, and the applying transaction is it
        if self._own is None:
            self._own = connections.create_connection(DEFAULT_DB_ALIAS)
        return self._own

    def __call__(self, stage: str, done: int = 0, total: int | None = None) -> None:
        if total is not None:
            self.total = total
        connection = self._connection()
        if connection is None:
            return
        meta = ReturnUpload._meta
        fields = {f.name: f for f in meta.concrete_fields}
        values = {"stage": stage, "done": done, "total": self.total, "progress_at": timezone.now()}
        quote = connection.ops.quote_name
        assignments = ", ".join(f"{quote(fields[name].column)} = %s" for name in values)
        parameters = [
            fields[name].get_db_prep_save(value, connection) for name, value in values.items()
        ]
        key = fields["id"]
        state = quote(fields["state"].column)
        # Names from the model, values as parameters.
        sql = f"UPDATE {quote(meta.db_table)} SET {assignments} "
        sql += f"WHERE {quote(key.column)} = %s AND {state} = %s"
        with connection.cursor() as cursor:
            cursor.execute(
                sql,
                [*parameters, key.get_db_prep_value(self.pk, connection), ApplyState.APPLYING],
            )

    def close(self) -> None:
        if self._own is not None:
            self._own.close()
            self._own = None


def queue_apply(upload: ReturnUpload, *, by: Actor) -> None:
    """Hand the upload to the background worker to apply, once: raises AlreadyApplied or
    AlreadyQueued when it has been, or is being."""
    from oversight.returns.tasks import apply_return

    require_import_returns(by.user)
    now = timezone.now()
    with transaction.atomic():
        if ReturnApplied.objects.filter(upload=upload).exists():
            raise AlreadyApplied
        claimed = (
            ReturnUpload.objects.filter(pk=upload.pk)
            .filter(
                Q(state__in=[ApplyState.UPLOADED, ApplyState.FAILED])
                | Q(state=ApplyState.APPLYING, progress_at__lt=now - STALE)
            )
            .update(
                state=ApplyState.QUEUED, stage="", done=0, total=0, problems=[], progress_at=now
            )
        )
        if not claimed:
            raise AlreadyQueued
        by.audit("apply", upload, detail={"file": upload.original_name, "queued": True})
        transaction.on_commit(lambda: apply_return.enqueue(str(upload.pk), by.user.pk, by.address))


def apply_queued(upload_id: str, user_id: int, address: str | None) -> str:
    """The background task's work: apply the queued upload in the name of whoever queued it,
    recording the outcome on it. Returns what happened, for the worker's log."""
    upload = ReturnUpload.objects.get(pk=uuid.UUID(upload_id))
    by = Actor(user=get_user_model().objects.get(pk=user_id), address=address)
    started = ReturnUpload.objects.filter(pk=upload.pk, state=ApplyState.QUEUED).update(
        state=ApplyState.APPLYING, stage=READING, progress_at=timezone.now()
    )
    if not started:
        return "not queued: nothing to do"
    progress = ProgressWriter(upload)
    try:
        summary = apply_upload(upload, by=by, progress=progress)
    except AlreadyApplied:
        _finish(upload, ApplyState.APPLIED)
        return "already applied"
    except (ReturnNotReady, DataSetError) as error:
        _finish(upload, ApplyState.FAILED, error.problems)
        return f"not applied: {len(error.problems)} problem(s)"
    except BaseException:
        _finish(upload, ApplyState.FAILED, [Problem(upload.original_name, None, None, UNEXPECTED)])
        raise
    finally:
        progress.close()
    # As after `oversight import`: the dashboards read figures computed ahead of time.
    figures = summarise_after_load(timezone.localdate())
    return "; ".join([*summary.lines(), figures])


def _finish(upload: ReturnUpload, state: str, problems: Iterable[Problem] = ()) -> None:
    # Never over an apply that succeeded (a second task, say, after the first was thought lost).
    ReturnUpload.objects.filter(pk=upload.pk, applied__isnull=True).update(
        state=state,
        problems=[_problem_cells(p) for p in problems],
        progress_at=timezone.now(),
    )


def _problem_cells(problem: Problem) -> dict[str, Any]:
    return {
        "file": problem.file,
        "line": problem.line,
        "column": problem.column,
        "message": problem.message,
    }


def failed_problems(upload: ReturnUpload) -> list[Problem]:
    """The problems that stopped the last apply, as the importer gave them."""
    return [
        Problem(p.get("file", ""), p.get("line"), p.get("column"), p.get("message", ""))
        for p in upload.problems
    ]


def apply_upload(
    upload: ReturnUpload, *, by: Actor, progress: ProgressWriter | None = None
) -> ImportSummary:
    """Apply the return through the data set importer, all or nothing, and record that it was.
    Raises ReturnNotReady or DataSetError (nothing written) as `apply_plan` does."""
    require_import_returns(by.user)
    report = progress or (lambda stage, done=0, total=None: None)
    report(READING)
    plan = plan_upload(upload)
    total = len(plan.rows)
    report(CHECKING, 0, total)
    done = 0

    def written(kind: str) -> None:
        nonlocal done
        if kind == "checked":
            report(WRITING, 0)
        elif kind in FILES:
            done += len(plan.rows_of(kind))
            report(WRITING, min(done, total))

    with transaction.atomic():
        if ReturnApplied.objects.filter(upload=upload).exists():
            raise AlreadyApplied
        summary = apply_plan(
            plan,
            actor=by,
            source={"format": upload.format, "upload": str(upload.pk)},
            progress=written,
        )
        ReturnApplied.objects.create(
            upload=upload,
            applied_by=by.user,
            # What the return changed, of what a return can change.
            summary={
                "added": {k: summary.created[k] for k in FACT_KINDS if k in summary.created},
                "updated": {k: summary.updated[k] for k in FACT_KINDS if k in summary.updated},
            },
        )
        # The last write of the transaction, after every progress write: the row is then this
        # transaction's until it commits.
        ReturnUpload.objects.filter(pk=upload.pk).update(
            state=ApplyState.APPLIED,
            stage="",
            done=total,
            total=total,
            problems=[],
            progress_at=timezone.now(),
        )
    return summary
