"""Taking a return from the browser: checked by its content as supervision files are
(oversight/files/uploads.py), stored under a random name, recorded and audited; and applying it
through the one import path (oversight/returns/plan.py)."""

from __future__ import annotations

import datetime as dt
import uuid
import zipfile
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction

from oversight.access.returns import require_import_returns
from oversight.audit.actor import Actor
from oversight.files.uploads import (
    _AbsurdArchive,
    _check_archive_sizes,
    clean_display_name,
    describe_size,
    document_storage,
    max_upload_bytes,
)
from oversight.import_export.importer import ImportSummary
from oversight.returns.formats import ANNEX_A, plan_return
from oversight.returns.models import ReturnApplied, ReturnUpload, WorkerDecision
from oversight.returns.plan import FILES, Plan, apply_plan

WORKBOOK_DESCRIPTION = "an Excel workbook (.xlsx)"
CONTENT_TYPES_READ_LIMIT = 256 * 1024
FACT_KINDS = tuple(FILES)


def check_workbook(uploaded: Any) -> None:
    """An Excel workbook and nothing else: a zip holding a workbook part, no macros, and sizes
    a real workbook has (a zip bomb is refused before anything is inflated)."""
    if uploaded is None:
        raise ValidationError("Select a file", code="required")
    size = int(uploaded.size or 0)
    if size == 0:
        raise ValidationError("The selected file is empty", code="empty")
    if size > max_upload_bytes():
        raise ValidationError(
            f"The selected file must be smaller than {describe_size(max_upload_bytes())}",
            code="too_big",
        )
    stream = uploaded.file if hasattr(uploaded, "file") else uploaded
    stream.seek(0)
    refused = ValidationError(
        f"The selected file must be {WORKBOOK_DESCRIPTION}: save the return from Excel as an "
        "Excel Workbook and select that",
        code="type",
    )
    try:
        with zipfile.ZipFile(stream) as archive:
            infos = archive.infolist()
            _check_archive_sizes(infos)
            names = {info.filename for info in infos}
            if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
                raise refused
            if any(info.flag_bits & 0x1 for info in infos):
                raise refused
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                raise refused
            with archive.open("[Content_Types].xml") as part:
                content_types = part.read(CONTENT_TYPES_READ_LIMIT + 1)
    except _AbsurdArchive:
        raise ValidationError(
            "The selected workbook cannot be checked because it expands to far more than a "
            "return would: save it again from Excel and select that",
            code="type",
        ) from None
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, NotImplementedError, EOFError):
        raise refused from None
    finally:
        stream.seek(0)
    if (
        len(content_types) > CONTENT_TYPES_READ_LIMIT
        or b"spreadsheetml.sheet.main+xml" not in content_types
    ):
        raise refused


def store_return(uploaded: Any, *, changed_on: dt.date, by: Actor) -> ReturnUpload:
    """Check the workbook, keep it under a random name, record and audit the upload."""
    require_import_returns(by.user)
    check_workbook(uploaded)
    stream = uploaded.file if hasattr(uploaded, "file") else uploaded
    storage = document_storage()
    wanted = f"returns/{uuid.uuid4().hex}.xlsx"
    stored = storage.save(wanted, File(stream, name=wanted))
    try:
        with transaction.atomic():
            upload = ReturnUpload.objects.create(
                format=ANNEX_A,
                original_name=clean_display_name(getattr(uploaded, "name", "")),
                stored_name=stored,
                size=int(uploaded.size),
                changed_on=changed_on,
                uploaded_by=by.user,
            )
            by.audit(
                "create",
                upload,
                detail={"file": upload.original_name, "changed_on": changed_on},
            )
    except BaseException:
        storage.delete(stored)
        raise
    return upload


def open_return(upload: ReturnUpload) -> IO[bytes]:
    return document_storage().open(upload.stored_name, "rb")


def plan_upload(upload: ReturnUpload) -> Plan:
    with open_return(upload) as stream:
        return plan_return(
            upload.format,
            stream,
            changed_on=upload.changed_on,
            decisions=upload.decisions(),
            name=upload.original_name,
        )


def decide_worker(upload: ReturnUpload, name: str, staff_id: str, *, by: Actor) -> None:
    """Record who a worker's name in the return is ("" leaves their children unallocated)."""
    require_import_returns(by.user)
    with transaction.atomic():
        decision = WorkerDecision.objects.create(
            upload=upload, name=name, staff_id=staff_id, decided_by=by.user
        )
        by.audit(
            "create",
            decision,
            detail={"return": str(upload.pk), "name": name, "staff_id": staff_id},
        )


class AlreadyApplied(Exception):
    pass


def apply_upload(upload: ReturnUpload, *, by: Actor) -> ImportSummary:
    """Apply the return through the data set importer, all or nothing, and record that it was.
    Raises ReturnNotReady or DataSetError (nothing written) as `apply_plan` does."""
    require_import_returns(by.user)
    with transaction.atomic():
        # Locked, so two people pressing Apply at once cannot both apply it.
        ReturnUpload.objects.select_for_update().get(pk=upload.pk)
        if ReturnApplied.objects.filter(upload=upload).exists():
            raise AlreadyApplied
        plan = plan_upload(upload)
        summary = apply_plan(
            plan, actor=by, source={"format": upload.format, "upload": str(upload.pk)}
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
    return summary
