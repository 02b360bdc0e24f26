"""Taking a return from the browser (an Annex A workbook, the SSDA903's CSV files zipped or
selected together, or a CIN or workforce census in XML): checked by its content as supervision
files are (oversight/files/uploads.py), stored under a random name, recorded and audited; and
planned through the one import path (oversight/returns/plan.py). Applying it is
oversight/returns/applying.py."""

from __future__ import annotations

import datetime as dt
import io
import uuid
import zipfile
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction

from oversight.access.returns import require_import_returns
from oversight.audit.actor import Actor
from oversight.files.uploads import (
    AbsurdArchive,
    check_archive_sizes,
    clean_display_name,
    describe_size,
    document_storage,
    is_office_document,
    max_upload_bytes,
)
from oversight.returns.formats import ANNEX_A, CIN_CENSUS, SSDA903, WORKFORCE, plan_return
from oversight.returns.models import ReturnUpload, WorkerDecision
from oversight.returns.plan import Plan
from oversight.returns.ssda903 import ssda903_names

WORKBOOK_DESCRIPTION = "an Excel workbook (.xlsx)"


RETURN_DESCRIPTION = (
    "an Excel workbook (.xlsx), a census return in XML, or the SSDA903's CSV files (in a zip, "
    "or selected together)"
)
SSDA903_FILES = "header.csv, episodes.csv and sw_episodes.csv"


def received(uploaded: Any) -> list[Any]:
    """The files of one upload: one, or several selected together."""
    if uploaded is None:
        return []
    if isinstance(uploaded, list | tuple):
        return [f for f in uploaded if f is not None]
    return [uploaded]


def _stream(uploaded: Any) -> IO[bytes]:
    return uploaded.file if hasattr(uploaded, "file") else uploaded


def check_return(uploaded: Any) -> str:
    """Which return the upload is, by its content: an Annex A workbook, a census in XML, or the
    SSDA903's CSV files (zipped, or several files selected together). Anything else is refused
    with a message that says what to select."""
    files = received(uploaded)
    if not files:
        raise ValidationError("Select a file", code="required")
    if len(files) > 1:
        check_ssda903_files(files)
        return SSDA903
    [one] = files
    stream = _stream(one)
    stream.seek(0)
    head = bytes(stream.read(4096))
    stream.seek(0)
    if head.startswith(b"PK"):
        check_size(one)
        try:
            if is_office_document(stream, "xl/workbook.xml", b"spreadsheetml.sheet.main+xml"):
                return ANNEX_A
            names = _zip_names(stream)
        except AbsurdArchive:
            raise ValidationError(
                "The selected file cannot be checked because it expands to far more than a "
                "return would: save or zip it again and select that",
                code="type",
            ) from None
        if "xl/workbook.xml" in names:
            raise ValidationError(
                f"The selected file must be {WORKBOOK_DESCRIPTION}: save the return from Excel "
                "as an Excel Workbook (not macro-enabled) and select that",
                code="type",
            )
        if not ssda903_names(names):
            raise ValidationError(
                f"The selected zip holds no SSDA903 files: it must hold {SSDA903_FILES}",
                code="type",
            )
        return SSDA903
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith((b"<?xml", b"<Message")):
        check_size(one)
        return WORKFORCE if b"<Collection>CSWW</Collection>" in head else CIN_CENSUS
    if str(getattr(one, "name", "")).lower().endswith(".csv"):
        raise ValidationError(
            f"An SSDA903 return is several CSV files: select {SSDA903_FILES} together, or "
            "upload them in a zip",
            code="type",
        )
    raise ValidationError(f"The selected file must be {RETURN_DESCRIPTION}", code="type")


def _zip_names(stream: IO[bytes]) -> list[str]:
    """The paths in a zip, after checking its own numbers (AbsurdArchive for a zip bomb)."""
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            infos = archive.infolist()
            check_archive_sizes(infos)
            return [info.filename for info in infos if not info.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError):
        return []
    finally:
        stream.seek(0)


def check_ssda903_files(files: list[Any]) -> None:
    """CSV files selected together: the SSDA903's, in text, within the size of one upload."""
    for one in files:
        name = str(getattr(one, "name", ""))
        if not name.lower().endswith(".csv"):
            raise ValidationError(
                f"'{clean_display_name(name)}' is not a CSV file: select several files only for "
                f"the SSDA903 return ({SSDA903_FILES})",
                code="type",
            )
        stream = _stream(one)
        stream.seek(0)
        head = bytes(stream.read(4096))
        stream.seek(0)
        if b"\x00" in head:
            raise ValidationError(
                f"'{clean_display_name(name)}' is not a CSV file: save it from the case "
                "management system as CSV and select it again",
                code="type",
            )
    if not ssda903_names([str(getattr(f, "name", "")) for f in files]):
        raise ValidationError(
            f"None of the selected files is part of an SSDA903 return: select {SSDA903_FILES}",
            code="type",
        )
    total = sum(int(f.size or 0) for f in files)
    if total > max_upload_bytes():
        raise ValidationError(
            f"The selected files must be smaller than {describe_size(max_upload_bytes())} together",
            code="too_big",
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


EXTENSIONS = {ANNEX_A: "xlsx", SSDA903: "zip", CIN_CENSUS: "xml", WORKFORCE: "xml"}


def store_return(uploaded: Any, *, changed_on: dt.date, by: Actor) -> ReturnUpload:
    """Check the return, keep it under a random name, record and audit the upload. The SSDA903's
    files selected together are kept as one zip of those Oversight reads."""
    require_import_returns(by.user)
    kind = check_return(uploaded)
    files = received(uploaded)
    if len(files) > 1:
        stream: IO[bytes] = _zipped(files)
        name = ", ".join(str(getattr(f, "name", "")) for f in files)
        size = len(stream.getbuffer())  # type: ignore[attr-defined]
    else:
        stream, name, size = _stream(files[0]), getattr(files[0], "name", ""), int(files[0].size)
    storage = document_storage()
    wanted = f"returns/{uuid.uuid4().hex}.{EXTENSIONS[kind]}"
    stored = storage.save(wanted, File(stream, name=wanted))
    try:
        with transaction.atomic():
            upload = ReturnUpload.objects.create(
                format=kind,
                original_name=clean_display_name(name),
                stored_name=stored,
                size=size,
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


def _zipped(files: list[Any]) -> io.BytesIO:
    """The SSDA903 files Oversight reads, of those selected, as one zip (the others hold
    children's details Oversight does not keep)."""
    wanted = set(ssda903_names([str(getattr(f, "name", "")) for f in files]))
    bundle = io.BytesIO()
    with zipfile.ZipFile(bundle, "w", zipfile.ZIP_DEFLATED) as archive:
        for one in files:
            name = str(getattr(one, "name", ""))
            if name in wanted:
                stream = _stream(one)
                stream.seek(0)
                archive.writestr(name.replace("\\", "/").rsplit("/", 1)[-1], stream.read())
    bundle.seek(0)
    return bundle


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
