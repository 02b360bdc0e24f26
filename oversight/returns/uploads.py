"""Taking a return from the browser (an Annex A workbook, or a CIN or workforce census in XML):
checked by its content as supervision files are (oversight/files/uploads.py), stored under a
random name, recorded and audited; and applying it through the one import path
(oversight/returns/plan.py)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction

from oversight.access.returns import require_import_returns
from oversight.audit.actor import Actor
from oversight.files.uploads import (
    AbsurdArchive,
    clean_display_name,
    describe_size,
    document_storage,
    is_office_document,
    max_upload_bytes,
)
from oversight.import_export.importer import ImportSummary
from oversight.returns.formats import ANNEX_A, CIN_CENSUS, WORKFORCE, plan_return
from oversight.returns.models import ReturnApplied, ReturnUpload, WorkerDecision
from oversight.returns.plan import FILES, Plan, apply_plan

WORKBOOK_DESCRIPTION = "an Excel workbook (.xlsx)"
FACT_KINDS = tuple(FILES)


def check_return(uploaded: Any) -> str:
    """Which return the upload is, by its content: an Annex A workbook, or a census in XML.
    Anything else is refused with a message that says what to select."""
    if uploaded is None:
        raise ValidationError("Select a file", code="required")
    stream = uploaded.file if hasattr(uploaded, "file") else uploaded
    stream.seek(0)
    head = bytes(stream.read(4096))
    stream.seek(0)
    if head.startswith(b"PK"):
        check_workbook(uploaded)
        return ANNEX_A
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith((b"<?xml", b"<Message")):
        check_size(uploaded)
        return WORKFORCE if b"<Collection>CSWW</Collection>" in head else CIN_CENSUS
    raise ValidationError(
        f"The selected file must be {WORKBOOK_DESCRIPTION} or a census return in XML",
        code="type",
    )


def check_size(uploaded: Any) -> None:
    size = int(uploaded.size or 0)
    if size == 0:
        raise ValidationError("The selected file is empty", code="empty")
    if size > max_upload_bytes():
        raise ValidationError(
            f"The selected file must be smaller than {describe_size(max_upload_bytes())}",
            code="too_big",
        )


def check_workbook(uploaded: Any) -> None:
    """An Excel workbook and nothing else: a zip holding a workbook part, no macros, and sizes
    a real workbook has (a zip bomb is refused before anything is inflated)."""
    if uploaded is None:
        raise ValidationError("Select a file", code="required")
    check_size(uploaded)
    stream = uploaded.file if hasattr(uploaded, "file") else uploaded
    try:
        is_workbook = is_office_document(stream, "xl/workbook.xml", b"spreadsheetml.sheet.main+xml")
    except AbsurdArchive:
        raise ValidationError(
            "The selected workbook cannot be checked because it expands to far more than a "
            "return would: save it again from Excel and select that",
            code="type",
        ) from None
    if not is_workbook:
        raise ValidationError(
            f"The selected file must be {WORKBOOK_DESCRIPTION}: save the return from Excel as "
            "an Excel Workbook and select that",
            code="type",
        )


def store_return(uploaded: Any, *, changed_on: dt.date, by: Actor) -> ReturnUpload:
    """Check the workbook, keep it under a random name, record and audit the upload."""
    require_import_returns(by.user)
    kind = check_return(uploaded)
    stream = uploaded.file if hasattr(uploaded, "file") else uploaded
    storage = document_storage()
    wanted = f"returns/{uuid.uuid4().hex}.{'xlsx' if kind == ANNEX_A else 'xml'}"
    stored = storage.save(wanted, File(stream, name=wanted))
    try:
        with transaction.atomic():
            upload = ReturnUpload.objects.create(
                format=kind,
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
