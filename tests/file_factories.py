"""Documents made in the test (no fixtures on disk) and a small organisation for the supervision
file, transfer and leaver tests.

    head of service (Hana Head)
      team manager A (Ann Manager): worker A (Wes Worker)
      team manager B (Bob Manager): worker B (Bea Other)
    Business support (Sam Support), HR (Harriet HR) and QA (Quinn QA) are users in the groups.
"""

from __future__ import annotations

import datetime as dt
import io
import struct
import zipfile
import zlib
from types import SimpleNamespace
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.access_factories import NO_PASSWORD, sign_in_as, user_in_group
from tests.factories import (
    START,
    LineManagementFactory,
    ServiceFactory,
    StaffFactory,
    TeamFactory,
    UserFactory,
)

# Content types the browser might claim; the app ignores them and reads the content.
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def pdf_bytes(padding: int = 0) -> bytes:
    body = (
        b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
        b"2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\n"
        b"trailer <</Root 1 0 R>>\n"
    )
    return body + b"%" + b"x" * padding + b"\n%%EOF\n"


def png_bytes() -> bytes:
    """A real 1 by 1 pixel PNG, chunk by chunk."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def jpeg_bytes() -> bytes:
    """The start of a JFIF file (what identifies a JPEG), a comment and the end marker."""
    app0 = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    comment = b"test image"
    return (
        b"\xff\xd8"
        + b"\xff\xe0"
        + struct.pack(">H", len(app0) + 2)
        + app0
        + b"\xff\xfe"
        + struct.pack(">H", len(comment) + 2)
        + comment
        + b"\xff\xd9"
    )


CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/word/document.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx_bytes() -> bytes:
    return _zip(
        {
            "[Content_Types].xml": CONTENT_TYPES,
            "_rels/.rels": b"<Relationships/>",
            "word/document.xml": b"<w:document><w:body><w:p>Plan</w:p></w:body></w:document>",
        }
    )


def xlsx_bytes() -> bytes:
    return _zip(
        {
            "[Content_Types].xml": CONTENT_TYPES.replace(b"word/document", b"xl/workbook"),
            "xl/workbook.xml": b"<workbook/>",
        }
    )


def macro_docx_bytes() -> bytes:
    return _zip(
        {
            "[Content_Types].xml": CONTENT_TYPES,
            "word/document.xml": b"<w:document/>",
            "word/vbaProject.bin": b"\x00macro",
        }
    )


def plain_zip_bytes() -> bytes:
    return _zip({"notes.txt": b"hello"})


def upload(name: str, content: bytes, content_type: str = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def small_org() -> SimpleNamespace:
    service = ServiceFactory(name="Children's social care")
    team_a = TeamFactory(name="Team A", service=service)
    team_b = TeamFactory(name="Team B", service=service)
    head = StaffFactory(staff_id="H1", name="Hana Head", category="manager", team=None)
    manager_a = StaffFactory(staff_id="MA", name="Ann Manager", category="manager", team=team_a)
    manager_b = StaffFactory(staff_id="MB", name="Bob Manager", category="manager", team=team_b)
    worker_a = StaffFactory(staff_id="WA", name="Wes Worker", team=team_a)
    worker_a2 = StaffFactory(staff_id="WA2", name="Val Worker", team=team_a)
    worker_b = StaffFactory(staff_id="WB", name="Bea Other", team=team_b)
    for manager in (manager_a, manager_b):
        LineManagementFactory(staff=manager, manager=head, start_date=START)
    LineManagementFactory(staff=worker_a, manager=manager_a, start_date=START)
    LineManagementFactory(staff=worker_a2, manager=manager_a, start_date=START)
    LineManagementFactory(staff=worker_b, manager=manager_b, start_date=START)
    users = {
        "head": sign_in_as(head, "head"),
        "manager_a": sign_in_as(manager_a, "manager-a"),
        "manager_b": sign_in_as(manager_b, "manager-b"),
        "worker_a": sign_in_as(worker_a, "worker-a"),
        "worker_b": sign_in_as(worker_b, "worker-b"),
        "support": user_in_group("support", "Business support"),
        "hr": user_in_group("hr", "HR"),
        "qa": user_in_group("qa", "Quality assurance"),
        "admin": UserFactory(username="admin", password=NO_PASSWORD, is_superuser=True),
    }
    return SimpleNamespace(
        head=head,
        manager_a=manager_a,
        manager_b=manager_b,
        worker_a=worker_a,
        worker_a2=worker_a2,
        worker_b=worker_b,
        team_a=team_a,
        users=users,
    )


def fresh(user: Any) -> Any:
    """The user as a new request loads it: no access cached from an earlier day or change."""
    return get_user_model().objects.get(pk=user.pk)


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)
