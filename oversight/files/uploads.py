"""Checking and storing uploaded documents.

Nothing the browser says about a file is trusted: its type is read from its content (the
`filetype` package, and for Word documents the archive's own list of parts), its name is never a
path on disk (documents are stored under a random name), and the name shown back to people is a
cleaned copy. A document is either stored completely (file on disk and its row, audited) or not at
all.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import re
import unicodedata
import uuid
import weakref
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO, Any

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.db import transaction
from django.utils import timezone

from oversight.access.files import can_upload_to_file
from oversight.access.predicates import require
from oversight.audit.actor import Actor
from oversight.files.models import Document, SupervisionFile, section_of
from oversight.organisation.models import Staff

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# What may be uploaded, by the content type found in the file: the extension it is stored with.
ALLOWED = {
    "application/pdf": "pdf",
    DOCX: "docx",
    "image/png": "png",
    "image/jpeg": "jpg",
}
ALLOWED_DESCRIPTION = "a PDF, Word document (DOCX), PNG or JPG"
DISPLAY_NAME_LIMIT = 120
# Characters that mean something to file systems, shells or HTML; they have no place in a name
# that is only ever shown.
_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_SPACES = re.compile(r"\s+")


def max_upload_bytes() -> int:
    return int(getattr(settings, "OVERSIGHT_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))


def describe_size(size: int) -> str:
    if size >= 1024 * 1024 and size % (1024 * 1024) == 0:
        return f"{size // (1024 * 1024)}MB"
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f}MB"
    return f"{max(1, size // 1024)}KB"


def document_storage() -> Storage:
    """Where documents are kept: MEDIA_ROOT, which no URL serves."""
    return default_storage


@dataclass(frozen=True)
class CheckedUpload:
    content_type: str
    extension: str
    display_name: str
    size: int


def clean_display_name(name: str | None) -> str:
    """The browser's file name as safe display text: no folders, no control or markup
    characters, composed Unicode, at most DISPLAY_NAME_LIMIT characters with the extension
    kept."""
    text = unicodedata.normalize("NFC", name or "")
    # Whatever folders the browser (or an attacker) put in front, keep only the last part.
    text = re.split(r"[/\\]", text)[-1]
    text = _UNSAFE.sub("", text)
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    text = _SPACES.sub(" ", text).strip().strip(".").strip()
    if not text:
        return "document"
    if len(text) > DISPLAY_NAME_LIMIT:
        stem, dot, extension = text.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            text = stem[: DISPLAY_NAME_LIMIT - len(extension) - 2].rstrip() + "…." + extension
        else:
            text = text[: DISPLAY_NAME_LIMIT - 1].rstrip() + "…"
    return text


def download_name(document: Document) -> str:
    """The name a download is saved as: the display name with the extension of what the file
    really is, so a PDF is never saved as .exe or .html."""
    extension = ALLOWED.get(document.content_type, "bin")
    stem = PurePosixPath(document.original_name).stem if "." in document.original_name else ""
    return f"{stem or document.original_name or 'document'}.{extension}"


def _read_head(stream: IO[bytes], size: int = 8192) -> bytes:
    stream.seek(0)
    head = stream.read(size)
    stream.seek(0)
    return bytes(head)


# A Word document is a zip, and a zip can claim (or really hold) gigabytes in a few kilobytes.
# Only one small part is ever inflated, and only this much of it: a real [Content_Types].xml is a
# few kilobytes.
CONTENT_TYPES_READ_LIMIT = 256 * 1024
# Archives that no word processor writes are refused before anything is inflated.
ARCHIVE_MEMBER_LIMIT = 10_000
ARCHIVE_EXPANDED_LIMIT = 500 * 1024 * 1024  # all parts together, as the archive declares them
# Text compresses to about a tenth; a part that claims to be a thousand times its compressed size
# is a zip bomb, not a document.
ARCHIVE_RATIO_LIMIT = 200
UNCHECKABLE_WORD = (
    "The selected Word document cannot be checked because it expands to far more than a document "
    "would: save it again from Word, or as a PDF, and select that file"
)


class AbsurdArchive(Exception):
    """The archive's own numbers say it is not a real document."""


def check_archive_sizes(infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > ARCHIVE_MEMBER_LIMIT:
        raise AbsurdArchive
    if sum(info.file_size for info in infos) > ARCHIVE_EXPANDED_LIMIT:
        raise AbsurdArchive
    for info in infos:
        if info.file_size > ARCHIVE_RATIO_LIMIT * max(info.compress_size, 1024):
            raise AbsurdArchive


def is_office_document(stream: IO[bytes], main_part: str, main_type: bytes) -> bool:
    """An Office Open XML file is a zip: make sure it really is the kind wanted (its main part
    and the content type that names it: a Word document, an Excel workbook), not another kind, a
    macro-enabled one or any other zip.

    Bounded in memory and time whatever the archive holds: only the central directory and at most
    CONTENT_TYPES_READ_LIMIT bytes of one part are read. Raises AbsurdArchive for a zip bomb."""
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            infos = archive.infolist()
            check_archive_sizes(infos)
            names = {info.filename for info in infos}
            if main_part not in names or "[Content_Types].xml" not in names:
                return False
            if any(info.flag_bits & 0x1 for info in infos):  # encrypted parts: cannot be checked
                return False
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                return False
            with archive.open("[Content_Types].xml") as part:
                content_types = part.read(CONTENT_TYPES_READ_LIMIT + 1)
            if len(content_types) > CONTENT_TYPES_READ_LIMIT:
                raise AbsurdArchive
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, NotImplementedError, EOFError):
        return False
    finally:
        stream.seek(0)
    return main_type in content_types and b"macroEnabled" not in content_types


def _is_word_document(stream: IO[bytes]) -> bool:
    return is_office_document(stream, "word/document.xml", b"wordprocessingml.document.main+xml")


# Each upload is checked once: the form checks it, and `store_document` checks again only what
# nobody checked (the answer is kept with the uploaded file object for as long as it lives).
_checked: weakref.WeakKeyDictionary[Any, CheckedUpload] = weakref.WeakKeyDictionary()


def check_upload(uploaded: Any) -> CheckedUpload:
    """Refuse anything not allowed, with a message that names the problem and the fix."""
    if uploaded is None:
        raise ValidationError("Select a file", code="required")
    try:
        known = _checked.get(uploaded)
    except TypeError:  # not weak-referenceable: check it every time
        known = None
    if known is not None:
        return known
    checked = _check_content(uploaded)
    with contextlib.suppress(TypeError):
        _checked[uploaded] = checked
    return checked


def _check_content(uploaded: Any) -> CheckedUpload:
    size = int(uploaded.size or 0)
    if size == 0:
        raise ValidationError("The selected file is empty", code="empty")
    limit = max_upload_bytes()
    if size > limit:
        raise ValidationError(
            f"The selected file must be smaller than {describe_size(limit)}", code="too_big"
        )
    stream = uploaded.file if hasattr(uploaded, "file") else uploaded
    guess = filetype.guess(_read_head(stream))
    mime = guess.mime if guess is not None else None
    if mime in {DOCX, "application/zip"}:
        try:
            mime = DOCX if _is_word_document(stream) else None
        except AbsurdArchive:
            raise ValidationError(UNCHECKABLE_WORD, code="type") from None
    if mime not in ALLOWED:
        raise ValidationError(f"The selected file must be {ALLOWED_DESCRIPTION}", code="type")
    return CheckedUpload(
        content_type=mime,
        extension=ALLOWED[mime],
        display_name=clean_display_name(getattr(uploaded, "name", "")),
        size=size,
    )


def _sha256(stream: IO[bytes]) -> str:
    digest = hashlib.sha256()
    stream.seek(0)
    for chunk in iter(lambda: stream.read(1024 * 1024), b""):
        digest.update(chunk)
    stream.seek(0)
    return digest.hexdigest()


def file_for(staff: Staff, *, by: Actor) -> SupervisionFile:
    """The person's file, created (and audited) the first time something is put in it."""
    found = SupervisionFile.objects.filter(staff=staff).first()
    if found is not None:
        return found
    created = SupervisionFile.objects.create(
        staff=staff, created_on=timezone.localdate(), created_by=by.user
    )
    by.audit("create", created, detail={"staff_id": staff.staff_id})
    return created


def store_document(
    staff: Staff,
    uploaded: Any,
    *,
    kind: str,
    title: str,
    expiry_date: dt.date | None,
    by: Actor,
) -> Document:
    """Check the upload, write it under a random name, then record and audit it in one
    transaction. If anything fails after the write, the written file is removed again.

    Call it outside any wider transaction the caller might roll back later: the file on disk
    cannot take part in that (`retention.orphaned_files` finds any left that way)."""
    require(
        can_upload_to_file(by.user, staff, section_of(kind)),
        "You cannot add documents to this section of this person's file.",
    )
    checked = check_upload(uploaded)
    stream = uploaded.file if hasattr(uploaded, "file") else uploaded
    digest = _sha256(stream)
    storage = document_storage()
    wanted = f"documents/{uuid.uuid4().hex}.{checked.extension}"
    stored = storage.save(wanted, File(stream, name=wanted))
    try:
        with transaction.atomic():
            supervision_file = file_for(staff, by=by)
            document = Document.objects.create(
                file=supervision_file,
                kind=kind,
                title=title.strip() or _title_from(checked.display_name),
                expiry_date=expiry_date,
                original_name=checked.display_name,
                stored_name=stored,
                content_type=checked.content_type,
                size=checked.size,
                sha256=digest,
                uploaded_by=by.user,
            )
            by.audit("create", document, detail=document.audit_detail())
    except BaseException:
        storage.delete(stored)
        raise
    return document


def _title_from(display_name: str) -> str:
    stem = PurePosixPath(display_name).stem if "." in display_name else display_name
    return stem.strip() or display_name


def open_document(document: Document) -> IO[bytes]:
    return document_storage().open(document.stored_name, "rb")
