"""Leavers and retention (N 11.2, B 2.3): a leaver's file passes to HR, is kept for the
council's retention period from the leaving date, and its documents are destroyed only when HR
confirm it. The audit entries about the file, including who confirmed destruction, stay."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from oversight.access.files import require_destroy_files
from oversight.access.queries import forget
from oversight.audit.actor import Actor
from oversight.audit.trail import changes
from oversight.cases.models import Allocation
from oversight.files.models import Document, SupervisionFile, add_years, retention_years
from oversight.files.uploads import document_storage
from oversight.organisation.models import LineManagement, Staff


def still_supervising(staff: Staff, last_day: dt.date) -> list[LineManagement]:
    """Line management rows that would leave someone without a supervisor after `last_day`."""
    return list(
        LineManagement.objects.filter(manager=staff)
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=last_day))
        .filter(Q(staff__end_date__isnull=True) | Q(staff__end_date__gt=last_day))
        .select_related("staff")
        .order_by("staff__name")
    )


def children_held(staff: Staff, last_day: dt.date) -> list[Allocation]:
    """The children's cases allocated to the person that run past `last_day` (or start after
    it): each must be reallocated to another worker, or the child is left with nobody."""
    return list(
        Allocation.objects.filter(worker=staff)
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=last_day))
        .filter(Q(case__close_date__isnull=True) | Q(case__close_date__gt=last_day))
        .select_related("case")
        .order_by("case__display_name", "case__case_id")
    )


def record_leaver(staff: Staff, last_day: dt.date, *, by: Actor) -> SupervisionFile:
    """Record `last_day` as the person's last working day: their own line management ends then,
    and their file is archived to HR from the next day (when `can_view_file` gives HR access).

    Refused while they still supervise anyone after that day: move those people first, or they
    would be left with no supervisor. Children they still hold do not stop it (the leaving date
    is a fact, and reallocation is business support's): the pages list them, see
    `children_held`."""
    if last_day < staff.start_date:
        raise ValidationError(
            "The leaving date must be on or after the day they started, "
            f"{staff.start_date:%-d %B %Y}",
            code="before_start",
        )
    if waiting := still_supervising(staff, last_day):
        names = ", ".join(row.staff.name for row in waiting)
        raise ValidationError(
            f"{staff.name} still supervises {names}. Move them to a new supervisor first",
            code="still_supervising",
        )
    with transaction.atomic():
        before = staff.end_date
        staff.end_date = last_day
        staff.save(update_fields=["end_date"])
        ended: list[tuple[LineManagement, dt.date | None]] = []
        dropped: list[LineManagement] = []
        for row in LineManagement.objects.filter(staff=staff).exclude(end_date__lte=last_day):
            if row.start_date > last_day:
                # A move planned for after they leave will never happen.
                dropped.append(row)
                continue
            ended.append((row, row.end_date))
            row.end_date = last_day
            row.save(update_fields=["end_date"])
        supervision_file = SupervisionFile.objects.filter(staff=staff).first()
        created = supervision_file is None
        if supervision_file is None:
            supervision_file = SupervisionFile.objects.create(
                staff=staff, created_on=timezone.localdate(), created_by=by.user
            )
        # Archived is read from the leaving date: the day after it, the file is HR's.
        archived_before = before + dt.timedelta(days=1) if before else None
        supervision_file.staff = staff

        # The trail's writers queue on one lock until the transaction ends: write it last.
        by.audit(
            "change",
            staff,
            detail=changes({"end_date": before}, {"end_date": last_day}),
        )
        for row in dropped:
            by.audit("delete", row, detail={"reason": "they leave before it"})
            row.delete()
        for row, old_end in ended:
            by.audit(
                "change",
                row,
                detail=changes({"end_date": old_end}, {"end_date": last_day}),
            )
        by.audit(
            "create" if created else "change",
            supervision_file,
            detail={
                "archived_to": "HR",
                **changes(
                    {"archived_on": archived_before}, {"archived_on": supervision_file.archived_on}
                ),
                "retention_ends": supervision_file.retention_ends,
            },
        )
    forget(by.user)
    return supervision_file


def files_past_retention(day: dt.date) -> list[SupervisionFile]:
    """Leavers' files whose retention period ended before `day` and that still hold documents
    or have not been marked destroyed."""
    # A coarse filter in the database (anyone who left more than `years` ago, with a day to
    # spare for 29 February), the exact test in Python.
    cutoff = add_years(day, -retention_years()) + dt.timedelta(days=1)
    candidates = (
        SupervisionFile.objects.not_destroyed()
        .filter(staff__end_date__lt=cutoff)
        .select_related("staff")
        .order_by("staff__end_date", "staff__name")
    )
    return [f for f in candidates if f.past_retention(day)]


def destroy_file(
    supervision_file: SupervisionFile,
    *,
    by: Actor,
    on: dt.date,
) -> int:
    """Delete the file's documents from the database and from disk, and mark the file
    destroyed, naming who confirmed it. Returns how many documents went.

    The database changes and their audit entries commit together; the files on disk are removed
    only once that has committed, so a failure can never leave rows pointing at nothing."""
    require_destroy_files(by.user, on)
    if not supervision_file.past_retention(on):
        raise ValidationError(
            "This file is still within its retention period, so it cannot be destroyed",
            code="within_retention",
        )
    storage = document_storage()
    with transaction.atomic():
        documents = list(Document.objects.filter(file=supervision_file).order_by("pk"))
        stored = [d.stored_name for d in documents]
        for document in documents:
            by.audit("delete", document, detail=document.audit_detail())
        Document.objects.filter(pk__in=[d.pk for d in documents]).delete()
        supervision_file.destroyed_on = on
        supervision_file.destroyed_by = by.user
        supervision_file.save(update_fields=["destroyed_on", "destroyed_by"])
        by.audit(
            "delete",
            supervision_file,
            detail={
                "staff_id": supervision_file.staff.staff_id,
                "left_on": supervision_file.staff.end_date,
                "retention_ends": supervision_file.retention_ends,
                "documents_destroyed": len(documents),
                "confirmed_by": by.user.get_username(),
            },
        )

        def remove_from_disk() -> None:
            for name in stored:
                storage.delete(name)

        transaction.on_commit(remove_from_disk)
    return len(documents)


def orphaned_files() -> list[str]:
    """Stored documents no row refers to (left by a crash between writing a file and recording
    it); the `retention` command lists and can remove them."""
    storage = document_storage()
    try:
        _folders, names = storage.listdir("documents")
    except FileNotFoundError:
        return []
    known = set(
        Document.objects.filter(stored_name__startswith="documents/").values_list(
            "stored_name", flat=True
        )
    )
    return sorted(f"documents/{name}" for name in names if f"documents/{name}" not in known)
