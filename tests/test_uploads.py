"""Uploading to a supervision file: only PDF, Word (DOCX), PNG and JPEG, told apart by their
content; within the size limit; never stored under the browser's name; stored completely or not
at all; every upload and download audited, and downloads only as attachments."""

from __future__ import annotations

import io
import re
import secrets
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from oversight.audit.actor import Actor
from oversight.audit.models import AuditEvent
from oversight.files.models import Document
from oversight.files.retention import orphaned_files
from oversight.files.uploads import check_upload, clean_display_name, store_document
from tests.council import (
    CONTENT_TYPES,
    docx_bytes,
    jpeg_bytes,
    macro_docx_bytes,
    pdf_bytes,
    plain_zip_bytes,
    png_bytes,
    upload,
    xlsx_bytes,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.urls("oversight.urls"),
    pytest.mark.usefixtures("media", "frozen_today"),
]

WRONG_TYPE = "The selected file must be a PDF, Word document (DOCX), PNG or JPG"
UNCHECKABLE = (
    "The selected Word document cannot be checked because it expands to far more than a document "
    "would: save it again from Word, or as a PDF, and select that file"
)


def stored_files(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def post_upload(client, org, file, **fields):
    client.force_login(org.users["manager"])
    data = {"kind": "dbs", "title": "", **fields}
    if file is not None:
        data["document"] = file
    return client.post(reverse("files:upload", args=[org.worker.staff_id]), data)


@pytest.mark.parametrize(
    ("name", "content", "content_type", "extension"),
    [
        ("dbs.pdf", pdf_bytes(), "application/pdf", "pdf"),
        (
            "plan.docx",
            docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "docx",
        ),
        ("scan.png", png_bytes(), "image/png", "png"),
        ("photo.jpeg", jpeg_bytes(), "image/jpeg", "jpg"),
    ],
)
def test_it_accepts_pdf_word_png_and_jpeg_by_their_content(
    client, org, media, name, content, content_type, extension
):
    response = post_upload(client, org, upload(name, content, "application/octet-stream"))

    assert response.status_code == 302
    document = Document.objects.get()
    assert document.content_type == content_type
    assert document.original_name == name
    assert re.fullmatch(rf"documents/[0-9a-f]{{32}}\.{extension}", document.stored_name)
    assert (media / document.stored_name).read_bytes() == content
    assert document.size == len(content)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.pdf", b"<html><script>alert(1)</script></html>"),
        ("report.pdf", b"MZ\x90\x00 an executable"),
        ("plan.docx", xlsx_bytes()),
        ("plan.docx", plain_zip_bytes()),
        ("plan.docx", macro_docx_bytes()),
        ("image.png", b"GIF89a\x01\x00\x01\x00"),
    ],
    ids=["html-named-pdf", "exe-named-pdf", "spreadsheet", "plain-zip", "macros", "gif"],
)
def test_it_refuses_a_file_whose_content_is_not_allowed_whatever_its_name(
    client, org, media, name, content
):
    response = post_upload(client, org, upload(name, content, "application/pdf"))

    assert response.status_code == 200
    assert WRONG_TYPE in response.content.decode()
    assert Document.objects.count() == 0
    assert stored_files(media) == []


def test_it_refuses_a_file_over_the_size_limit(client, org, media, settings):
    settings.OVERSIGHT_UPLOAD_MAX_BYTES = 2048

    response = post_upload(client, org, upload("big.pdf", pdf_bytes(padding=3000)))

    assert "The selected file must be smaller than 2KB" in response.content.decode()
    assert Document.objects.count() == 0
    assert stored_files(media) == []


def test_it_tells_the_limit_in_megabytes_by_default(client, org):
    client.force_login(org.users["manager"])
    page = client.get(reverse("files:upload", args=[org.worker.staff_id])).content.decode()
    assert "smaller than 10MB" in page


def test_it_refuses_an_empty_file(client, org, media):
    response = post_upload(client, org, upload("empty.pdf", b""))

    assert "The selected file is empty" in response.content.decode()
    assert stored_files(media) == []


def test_it_asks_for_a_file_when_none_is_chosen(client, org, media):
    response = post_upload(client, org, None)

    assert "Select a file" in response.content.decode()
    assert Document.objects.count() == 0


def test_it_keeps_what_was_typed_when_the_file_is_refused(client, org):
    response = post_upload(
        client,
        org,
        upload("x.pdf", b"not a pdf"),
        title="DBS certificate 2025",
        expiry_date_day="27",
        expiry_date_month="3",
        expiry_date_year="2026",
    )

    page = response.content.decode()
    assert 'value="DBS certificate 2025"' in page
    assert 'value="27"' in page
    assert 'value="2026"' in page
    assert re.search(r'value="dbs"\s+checked', page)


@pytest.mark.parametrize(
    "hostile",
    [
        "../../etc/passwd.pdf",
        "..\\..\\windows\\system32\\evil.pdf",
        "<script>alert(1)</script>.pdf",
        "a" * 400 + ".pdf",
        "Ünïcödé résumé 📄.pdf",
        "\x00\x1f null.pdf",
        "...",
    ],
    ids=["dot-dot-slash", "backslashes", "markup", "very-long", "unicode", "control", "dots"],
)
def test_it_never_uses_the_browsers_file_name_on_disk(client, org, media, hostile):
    response = post_upload(client, org, upload(hostile, pdf_bytes()))

    assert response.status_code == 302
    document = Document.objects.get()
    assert re.fullmatch(r"documents/[0-9a-f]{32}\.pdf", document.stored_name)
    assert [p.relative_to(media).as_posix() for p in stored_files(media)] == [document.stored_name]
    shown = document.original_name
    assert not set(shown) & set("/\\<>\x00\x1f")
    assert 0 < len(shown) <= 120
    assert shown.endswith(".pdf") or shown == "document"


def test_it_cleans_display_names_without_losing_readable_text():
    assert clean_display_name("C:\\Users\\ann\\DBS 2025.pdf") == "DBS 2025.pdf"
    assert clean_display_name("../../etc/passwd") == "passwd"
    assert clean_display_name("<script>.pdf") == "script.pdf"
    assert clean_display_name("Re\u0301sume\u0301.pdf") == "Résumé.pdf"
    assert clean_display_name("") == "document"
    long = clean_display_name("x" * 300 + ".docx")
    assert len(long) == 120
    assert long.endswith("….docx")


def test_it_shows_a_hostile_name_as_text_on_the_file_page(client, org):
    post_upload(client, org, upload("<img src=x onerror=alert(1)>.pdf", pdf_bytes()))

    page = client.get(reverse("files:detail", args=[org.worker.staff_id])).content.decode()

    assert "<img src=x" not in page
    assert "img src=x onerror=alert(1).pdf" in page


def test_it_removes_the_written_file_when_recording_it_fails(org, media):
    with pytest.raises(ValidationError):
        store_document(
            org.worker,
            upload("dbs.pdf", pdf_bytes()),
            kind="dbs",
            title="DBS",
            expiry_date="31/02/2026",  # type: ignore[arg-type]  # a value the database refuses
            by=Actor(org.users["manager"]),
        )

    assert Document.objects.count() == 0
    assert stored_files(media) == []
    assert not AuditEvent.objects.filter(object_type="files.document").exists()


def test_it_downloads_as_an_attachment_with_the_stored_type_and_nosniff(client, org):
    post_upload(client, org, upload("DBS check.pdf", pdf_bytes()))
    document = Document.objects.get()

    response = client.get(reverse("files:download", args=[document.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="DBS check.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == pdf_bytes()


def test_it_names_the_download_after_what_the_file_really_is(client, org):
    post_upload(client, org, upload("notes.html", pdf_bytes()))
    document = Document.objects.get()

    response = client.get(reverse("files:download", args=[document.pk]))

    assert response["Content-Disposition"] == 'attachment; filename="notes.pdf"'


def test_it_names_a_unicode_download_safely(client, org):
    post_upload(client, org, upload("résumé.pdf", pdf_bytes()))

    response = client.get(reverse("files:download", args=[Document.objects.get().pk]))

    assert "filename*=utf-8''r%C3%A9sum%C3%A9.pdf" in response["Content-Disposition"]


def test_it_audits_each_upload_and_each_download(client, org):
    post_upload(client, org, upload("dbs.pdf", pdf_bytes()), title="DBS 2025")
    document = Document.objects.get()
    client.get(reverse("files:download", args=[document.pk]))
    client.get(reverse("files:download", args=[document.pk]))

    entries = AuditEvent.objects.about(document)
    assert [e.action for e in entries] == ["create", "download", "download"]
    assert {e.actor_label for e in entries} == {"manager"}
    created = entries.first()
    assert created.detail["title"] == "DBS 2025"
    assert created.detail["original_name"] == "dbs.pdf"
    assert created.detail["staff_id"] == org.worker.staff_id
    assert len(created.detail["sha256"]) == 64


def test_it_asks_for_the_file_again_when_only_another_answer_was_wrong(client, org, media):
    response = post_upload(client, org, upload("dbs.pdf", pdf_bytes()), kind="")

    page = response.content.decode()
    assert "Select what kind of document it is" in page
    assert "Select the file again: it is kept only once the whole form is correct" in page
    assert stored_files(media) == []


def test_it_finds_stored_files_that_no_document_refers_to(client, org, media):
    post_upload(client, org, upload("dbs.pdf", pdf_bytes()))
    stray = media / "documents" / "0123456789abcdef0123456789abcdef.pdf"
    stray.write_bytes(pdf_bytes())

    assert orphaned_files() == ["documents/0123456789abcdef0123456789abcdef.pdf"]


def word_document_with_padded_content_types(padding: bytes, repeat: int) -> bytes:
    """A Word document whose [Content_Types].xml is real but followed by `padding` * `repeat`
    (XML allows whitespace after the root element). Written a chunk at a time, so a zip bomb that
    inflates to hundreds of megabytes is built in little memory and is small on disk."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("[Content_Types].xml", "w", force_zip64=True) as part:
            part.write(CONTENT_TYPES)
            for _ in range(repeat):
                part.write(padding)
        archive.writestr("_rels/.rels", b"<Relationships/>")
        archive.writestr("word/document.xml", b"<w:document><w:body/></w:document>")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def zip_bomb() -> bytes:
    # 256 MB of spaces after the real content types: about 250 KB on disk.
    return word_document_with_padded_content_types(b" " * (1024 * 1024), 256)


def test_it_refuses_a_word_document_that_is_a_zip_bomb(client, org, media, zip_bomb):
    assert len(zip_bomb) < 1024 * 1024

    response = post_upload(client, org, upload("plan.docx", zip_bomb))

    assert response.status_code == 200
    assert UNCHECKABLE in response.content.decode()
    assert Document.objects.count() == 0
    assert stored_files(media) == []


def test_it_checks_a_zip_bomb_in_little_memory(zip_bomb):
    tracemalloc.start()
    try:
        with pytest.raises(ValidationError) as refused:
            check_upload(upload("plan.docx", zip_bomb))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert refused.value.messages == [UNCHECKABLE]
    assert peak < 4 * len(zip_bomb) + 1024 * 1024


def test_it_reads_only_the_start_of_an_oversized_content_types_part(client, org, media):
    # Random text hardly compresses, so no ratio gives this one away: 1 MB of it (in chunks longer
    # than deflate's window), read no further than a real [Content_Types].xml could reach.
    noise = secrets.token_hex(64 * 1024).encode()
    document = word_document_with_padded_content_types(noise, 8)

    response = post_upload(client, org, upload("plan.docx", document))

    assert UNCHECKABLE in response.content.decode()
    assert Document.objects.count() == 0


def test_it_checks_each_upload_once(org, media):
    uploaded = upload("plan.docx", docx_bytes())

    first = check_upload(uploaded)

    assert check_upload(uploaded) is first
