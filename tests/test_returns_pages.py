"""Loading a standard return in the browser: Business Support upload, preview, match workers and
apply; the same import path as `oversight import`, all or nothing and audited. Applying runs in
the background (django.tasks): here the task runs at once when the apply commits; the tests of
the progress run django-tasks-db's own worker (tests/test_returns_progress.py)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from oversight.audit.models import AuditEvent
from oversight.cases.models import Allocation, Case, CaseStatus
from oversight.returns.models import ApplyState, ReturnApplied, ReturnUpload, WorkerDecision
from tests.council import pdf_bytes
from tests.factories import StaffFactory, user_in_group
from tests.paths import DATA
from tests.test_annex_a_import import JAN_2024, RETURN_DATE, fact_counts, staff_the_workbooks_name

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
SSDA903 = DATA / "ssda903"
SSDA903_FILES = ("header.csv", "episodes.csv", "sw_episodes.csv")


@pytest.fixture
def support(client: Client, settings: Any) -> Client:
    # The background task runs as soon as the apply commits.
    settings.TASKS = IMMEDIATE
    client.force_login(user_in_group("support", "Business support"))
    return client


Apply = Callable[[Client, ReturnUpload], Any]


@pytest.fixture
def apply(django_capture_on_commit_callbacks: Any) -> Apply:
    """Press Apply: the task is queued when the request's transaction commits, and runs."""

    def press(client: Client, returned: ReturnUpload) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"/returns/{returned.pk}/apply/")
        if response.status_code != 302:
            return response
        return client.get(response["Location"])

    return press


def workbook_upload(path: Path = JAN_2024, name: str | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name or path.name, path.read_bytes(), content_type=XLSX)


def upload(client: Client, file: Any, day: dt.date = RETURN_DATE) -> Any:
    return client.post(
        "/returns/",
        {
            "workbook": file,
            "changed_on_day": str(day.day),
            "changed_on_month": str(day.month),
            "changed_on_year": str(day.year),
        },
    )


def test_business_support_upload_preview_and_apply_an_annex_a_workbook(
    support: Client, media: Path, apply: Apply
) -> None:
    staff_the_workbooks_name()

    response = upload(support, workbook_upload())
    returned = ReturnUpload.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/returns/{returned.pk}/"

    preview = support.get(response["Location"]).content.decode()
    assert "What this return will change" in preview
    assert "23 children in the return" in preview
    assert fact_counts() == (0, 0, 0)  # a preview changes nothing

    applied = apply(support, returned)
    assert "Return applied" in applied.content.decode()
    assert fact_counts() == (23, 18, 23)
    assert ReturnApplied.objects.get().upload == returned
    assert ReturnUpload.objects.get().state == ApplyState.APPLIED
    entry = AuditEvent.objects.get(action="import")
    assert entry.actor_label == "support"
    assert entry.detail["return"]["upload"] == str(returned.pk)
    assert AuditEvent.objects.get(action="apply").actor_label == "support"


def test_the_preview_counts_new_changed_and_ended_rows_per_kind(
    support: Client, media: Path
) -> None:
    staff_the_workbooks_name()
    upload(support, workbook_upload())
    returned = ReturnUpload.objects.get()

    page = support.get(f"/returns/{returned.pk}/").content.decode()

    assert '<th scope="row" class="govuk-table__header">Cases</th>' in page
    assert "List 7 row 3" in page  # where each row comes from


def test_an_unmatched_worker_is_resolved_before_the_return_can_be_applied(
    support: Client, media: Path, apply: Apply
) -> None:
    staff_the_workbooks_name(leave_out=("Petra Wills",))
    cover = StaffFactory(staff_id="PW-1", name="Petra Wilson")
    upload(support, workbook_upload())
    returned = ReturnUpload.objects.get()

    page = support.get(f"/returns/{returned.pk}/").content.decode()
    assert "Who is Petra Wills?" in page
    assert "No member of staff has this name. Named in List 7 rows 3, 4" in page
    assert "Apply this return" not in page
    refused = apply(support, returned)
    assert refused.status_code == 400
    assert fact_counts() == (0, 0, 0)
    assert ReturnUpload.objects.get().state == ApplyState.UPLOADED  # nothing queued

    support.post(f"/returns/{returned.pk}/workers/", {"worker_0": "PW-1"})
    assert WorkerDecision.objects.get().staff_id == "PW-1"
    assert "Apply this return" in support.get(f"/returns/{returned.pk}/").content.decode()
    apply(support, returned)

    assert Allocation.objects.get(case__case_id="5358472").worker == cover


def test_a_broken_workbook_lists_every_problem_with_its_sheet_row_and_column(
    support: Client, media: Path, tmp_path: Path, apply: Apply
) -> None:
    staff_the_workbooks_name()
    workbook = openpyxl.load_workbook(JAN_2024)
    workbook["List 7"]["G3"] = "31/02/2021"
    workbook["List 8"]["AH1"] = "Key worker"
    broken = tmp_path / "broken.xlsx"
    workbook.save(broken)
    upload(support, workbook_upload(broken))
    returned = ReturnUpload.objects.get()

    page = support.get(f"/returns/{returned.pk}/").content.decode()

    assert "There are problems in this return: nothing has been changed" in page
    assert '<td class="govuk-table__cell">List 7</td>' in page
    assert "&#x27;31/02/2021&#x27; is not a date" in page
    assert "missing column: no heading reads &#x27;Allocated Worker&#x27;" in page
    assert "Apply this return" not in page
    assert apply(support, returned).status_code == 400
    assert fact_counts() == (0, 0, 0)


def test_a_file_that_is_not_an_excel_workbook_is_refused_at_upload(
    support: Client, media: Path
) -> None:
    response = upload(support, SimpleUploadedFile("return.xlsx", pdf_bytes(), XLSX))

    assert response.status_code == 200
    assert (
        "The selected file must be an Excel workbook (.xlsx), a census return in XML, or the "
        "SSDA903&#x27;s CSV files" in response.content.decode()
    )
    assert not ReturnUpload.objects.exists()


def test_a_return_is_applied_once(support: Client, media: Path, apply: Apply) -> None:
    staff_the_workbooks_name()
    upload(support, workbook_upload())
    returned = ReturnUpload.objects.get()
    apply(support, returned)

    again = apply(support, returned)

    assert "This return has already been applied" in again.content.decode()
    assert AuditEvent.objects.filter(action="import").count() == 1
    assert Case.objects.count() == 23


def test_a_cin_census_in_xml_is_uploaded_and_applied_the_same_way(
    support: Client, media: Path, apply: Apply
) -> None:
    census = DATA / "cin-census" / "cin-2022.xml"
    upload(support, SimpleUploadedFile("cin.xml", census.read_bytes(), "text/xml"))
    returned = ReturnUpload.objects.get()
    assert returned.format == "cin-census"

    assert "1 child in the return" in support.get(f"/returns/{returned.pk}/").content.decode()
    apply(support, returned)

    assert Case.objects.get().case_id == "DfEX0000001"


def test_a_census_failing_its_schema_is_listed_by_element(support: Client, media: Path) -> None:
    census = (DATA / "cin-census" / "cin-2022.xml").read_bytes()
    broken = census.replace(b"<CPPstartDate>1970-02-17", b"<CPPstartDate>17/02/1970")
    upload(support, SimpleUploadedFile("cin.xml", broken, "text/xml"))
    returned = ReturnUpload.objects.get()

    page = support.get(f"/returns/{returned.pk}/").content.decode()

    assert "ChildProtectionPlans/CPPstartDate" in page
    assert "write dates as YYYY-MM-DD" in page
    assert "Apply this return" not in page


@pytest.mark.parametrize("group", ["HR", "Quality assurance"])
def test_only_business_support_load_returns(client: Client, group: str) -> None:
    client.force_login(user_in_group("someone", group))

    assert client.get("/returns/").status_code == 403


# The SSDA903: a zip of its CSV files, or the files selected together ---------------------------


def ssda903_zip(folder: Path = SSDA903, inside: str = "ssda903/") -> SimpleUploadedFile:
    """The return's folder zipped as a case management system exports it (every file, in a
    folder of its own)."""
    bundle = io.BytesIO()
    with zipfile.ZipFile(bundle, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.glob("*.csv")):
            archive.write(path, f"{inside}{path.name}")
    return SimpleUploadedFile("ssda903.zip", bundle.getvalue(), "application/zip")


def ssda903_files(folder: Path = SSDA903) -> list[SimpleUploadedFile]:
    return [
        SimpleUploadedFile(name, (folder / name).read_bytes(), "text/csv") for name in SSDA903_FILES
    ]


def test_an_ssda903_return_zipped_is_uploaded_previewed_and_applied(
    support: Client, media: Path, apply: Apply
) -> None:
    worker = StaffFactory(name="Sam Lazy", swe_number="SW999")

    upload(support, ssda903_zip())
    returned = ReturnUpload.objects.get()
    assert returned.format == "ssda903"
    page = support.get(f"/returns/{returned.pk}/").content.decode()
    assert "2124 children in the return" in page
    assert Case.objects.count() == 0
    apply(support, returned)

    # As the command loads it (tests/test_ssda903_import.py): CHILD10 from sw_episodes.csv line 2.
    assert Case.objects.count() == 2124
    assert list(
        Allocation.objects.filter(case__case_id="CHILD10").values_list(
            "worker", "start_date", "end_date"
        )
    ) == [(worker.pk, dt.date(2020, 1, 1), dt.date(2020, 1, 3))]
    # 566910: C2 from 15/02/2016 (episodes.csv line 2), still looked after.
    assert set(
        CaseStatus.objects.filter(case__case_id="566910").values_list(
            "status", "start_date", "end_date"
        )
    ) == {("looked_after", dt.date(2016, 2, 15), None)}


def test_the_ssda903_files_selected_together_are_one_upload_of_the_files_oversight_reads(
    support: Client, media: Path, apply: Apply
) -> None:
    StaffFactory(name="Sam Lazy", swe_number="SW999")
    uasc = SimpleUploadedFile("uasc.csv", (SSDA903 / "uasc.csv").read_bytes(), "text/csv")

    upload(support, [*ssda903_files(), uasc])

    returned = ReturnUpload.objects.get()
    assert returned.format == "ssda903"
    assert returned.original_name == "header.csv, episodes.csv, sw_episodes.csv, uasc.csv"
    with zipfile.ZipFile(media / returned.stored_name) as kept:
        assert sorted(kept.namelist()) == sorted(SSDA903_FILES)  # not uasc.csv
    apply(support, returned)
    assert Case.objects.count() == 2124


def test_a_broken_ssda903_lists_its_problems_by_file_and_line_and_changes_nothing(
    support: Client, media: Path, tmp_path: Path, apply: Apply
) -> None:
    # Nobody has SW999 (sw_episodes.csv line 2), and a date written the wrong way.
    folder = tmp_path / "ssda903"
    folder.mkdir()
    for name in SSDA903_FILES:
        (folder / name).write_bytes((SSDA903 / name).read_bytes())
    episodes = (folder / "episodes.csv").read_text(encoding="utf-8-sig")
    (folder / "episodes.csv").write_text(episodes.replace("566910,15/02/2016", "566910,2016-02-15"))
    upload(support, ssda903_zip(folder, inside=""))
    returned = ReturnUpload.objects.get()

    page = support.get(f"/returns/{returned.pk}/").content.decode()

    assert "There are problems in this return: nothing has been changed" in page
    assert '<th scope="col" class="govuk-table__header">File</th>' in page
    assert "&#x27;2016-02-15&#x27; is not a date: write it as dd/mm/yyyy" in page
    assert "no member of staff has the Social Work England number &#x27;SW999&#x27;" in page
    assert "Apply this return" not in page
    assert apply(support, returned).status_code == 400
    assert Case.objects.count() == 0


def test_a_zip_without_the_ssda903_files_or_a_lone_csv_file_is_refused_at_upload(
    support: Client, media: Path
) -> None:
    other = io.BytesIO()
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("notes.txt", "not a return")

    no_files = upload(support, SimpleUploadedFile("return.zip", other.getvalue()))
    one_file = upload(support, ssda903_files()[1])
    with_a_pdf = upload(support, [*ssda903_files(), SimpleUploadedFile("x.pdf", pdf_bytes())])

    assert "The selected zip holds no SSDA903 files: it must hold header.csv" in (
        no_files.content.decode()
    )
    assert "An SSDA903 return is several CSV files: select header.csv, episodes.csv" in (
        one_file.content.decode()
    )
    assert "&#x27;x.pdf&#x27; is not a CSV file" in with_a_pdf.content.decode()
    assert not ReturnUpload.objects.exists()


# Applying in the background ---------------------------------------------------------------------


def test_pressing_apply_queues_the_return_and_the_page_shows_it_waiting(
    client: Client, media: Path, django_capture_on_commit_callbacks: Any
) -> None:
    # The database backend, as in production: queued for `oversight db_worker`, not run here.
    client.force_login(user_in_group("support", "Business support"))
    staff_the_workbooks_name()
    upload(client, workbook_upload())
    returned = ReturnUpload.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/returns/{returned.pk}/apply/")

    assert ReturnUpload.objects.get().state == ApplyState.QUEUED
    assert fact_counts() == (0, 0, 0)
    # Left and come back to: the page says where it is, with a link to refresh it and, for
    # htmx, where to ask every 2 seconds.
    page = client.get("/returns/").content.decode()
    assert '<strong class="govuk-tag govuk-tag--blue">Queued</strong>' in page
    page = client.get(f"/returns/{returned.pk}/").content.decode()
    assert '<h2 class="govuk-heading-m">Queued</h2>' in page
    assert "<progress" in page
    assert f'hx-get="/returns/{returned.pk}/progress/" hx-trigger="every 2s"' in page
    assert f'<a class="govuk-link" href="/returns/{returned.pk}/">Refresh' in page
    assert "Apply this return" not in page
    again = client.post(f"/returns/{returned.pk}/apply/", follow=True)
    assert "This return is already being applied" in again.content.decode()


def test_the_progress_shows_the_stage_and_the_rows_written_of_the_rows_to_write(
    support: Client, media: Path
) -> None:
    staff_the_workbooks_name()
    upload(support, workbook_upload())
    returned = ReturnUpload.objects.get()
    # Where a background worker has got to.
    ReturnUpload.objects.filter(pk=returned.pk).update(
        state=ApplyState.APPLYING, stage="writing", done=23, total=64, progress_at=timezone.now()
    )

    fragment = support.get(f"/returns/{returned.pk}/progress/", headers={"HX-Request": "true"})
    page = support.get(f"/returns/{returned.pk}/").content.decode()
    without_htmx = support.get(f"/returns/{returned.pk}/progress/")

    text = fragment.content.decode()
    assert "Writing the changes: 23 of 64 rows written" in text
    assert '<progress class="app-progress" aria-labelledby="apply-stage" max="64" value="23">' in (
        text
    )
    assert "<html" not in text  # a fragment, for htmx to put in the page
    assert "Writing the changes: 23 of 64 rows written" in page
    assert without_htmx.status_code == 302
    assert without_htmx["Location"] == f"/returns/{returned.pk}/"


def test_once_applied_htmx_is_told_to_load_the_whole_page_again(
    support: Client, media: Path, apply: Apply
) -> None:
    staff_the_workbooks_name()
    upload(support, workbook_upload())
    returned = ReturnUpload.objects.get()
    apply(support, returned)

    fragment = support.get(f"/returns/{returned.pk}/progress/", headers={"HX-Request": "true"})

    assert fragment["HX-Refresh"] == "true"


def test_an_apply_that_fails_in_the_background_lists_why_and_changes_nothing(
    support: Client, media: Path, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    staff_the_workbooks_name(leave_out=("Petra Wills",))
    cover = StaffFactory(staff_id="PW-1", name="Petra Wilson")
    upload(support, workbook_upload())
    returned = ReturnUpload.objects.get()
    support.post(f"/returns/{returned.pk}/workers/", {"worker_0": "PW-1"})
    # Queued while the choice stood; by the time the worker applies it, PW-1 has gone.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        support.post(f"/returns/{returned.pk}/apply/")
    cover.delete()
    settings.TASKS = IMMEDIATE
    from oversight.returns.tasks import apply_return

    apply_return.enqueue(str(returned.pk), returned.uploaded_by.pk, None)

    assert ReturnUpload.objects.get().state == ApplyState.FAILED
    assert fact_counts() == (0, 0, 0)
    assert not AuditEvent.objects.filter(action="import").exists()
    page = support.get(f"/returns/{returned.pk}/").content.decode()
    assert "This return was not applied: nothing was changed" in page
    assert "&#x27;Petra Wills&#x27; was matched to staff id &#x27;PW-1&#x27;" in page
    assert "Who is Petra Wills?" in page  # choose again, then apply again


def test_a_return_whose_worker_stopped_while_applying_it_may_be_applied_again(
    support: Client, media: Path, apply: Apply
) -> None:
    staff_the_workbooks_name()
    upload(support, workbook_upload())
    returned = ReturnUpload.objects.get()
    # The worker was stopped mid-way: its transaction rolled back, nothing heard since.
    ReturnUpload.objects.filter(pk=returned.pk).update(
        state=ApplyState.APPLYING,
        stage="writing",
        progress_at=timezone.now() - dt.timedelta(minutes=31),
    )

    page = support.get(f"/returns/{returned.pk}/").content.decode()
    assert "stopped when the background worker stopped. Nothing was changed" in page
    assert "Apply this return again" in page
    applied = apply(support, returned)

    assert "Return applied" in applied.content.decode()
    assert fact_counts() == (23, 18, 23)
