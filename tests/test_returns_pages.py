"""Loading a standard return in the browser: Business Support upload, preview, match workers and
apply; the same import path as `oversight import`, all or nothing and audited."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from oversight.audit.models import AuditEvent
from oversight.cases.models import Allocation, Case
from oversight.returns.models import ReturnApplied, ReturnUpload, WorkerDecision
from tests.council import pdf_bytes
from tests.factories import StaffFactory, user_in_group
from tests.paths import DATA
from tests.test_annex_a_import import JAN_2024, RETURN_DATE, fact_counts, staff_the_workbooks_name

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def support(client: Client) -> Client:
    client.force_login(user_in_group("support", "Business support"))
    return client


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
    support: Client, media: Path
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

    applied = support.post(f"/returns/{returned.pk}/apply/", follow=True)
    assert "Return applied" in applied.content.decode()
    assert fact_counts() == (23, 18, 23)
    assert ReturnApplied.objects.get().upload == returned
    entry = AuditEvent.objects.get(action="import")
    assert entry.actor_label == "support"
    assert entry.detail["return"]["upload"] == str(returned.pk)


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
    support: Client, media: Path
) -> None:
    staff_the_workbooks_name(leave_out=("Petra Wills",))
    cover = StaffFactory(staff_id="PW-1", name="Petra Wilson")
    upload(support, workbook_upload())
    returned = ReturnUpload.objects.get()

    page = support.get(f"/returns/{returned.pk}/").content.decode()
    assert "Who is Petra Wills?" in page
    assert "No member of staff has this name. Named in List 7 rows 3, 4" in page
    assert "Apply this return" not in page
    refused = support.post(f"/returns/{returned.pk}/apply/")
    assert refused.status_code == 400
    assert fact_counts() == (0, 0, 0)

    support.post(f"/returns/{returned.pk}/workers/", {"worker_0": "PW-1"})
    assert WorkerDecision.objects.get().staff_id == "PW-1"
    assert "Apply this return" in support.get(f"/returns/{returned.pk}/").content.decode()
    support.post(f"/returns/{returned.pk}/apply/")

    assert Allocation.objects.get(case__case_id="5358472").worker == cover


def test_a_broken_workbook_lists_every_problem_with_its_sheet_row_and_column(
    support: Client, media: Path, tmp_path: Path
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
    assert support.post(f"/returns/{returned.pk}/apply/").status_code == 400
    assert fact_counts() == (0, 0, 0)


def test_a_file_that_is_not_an_excel_workbook_is_refused_at_upload(
    support: Client, media: Path
) -> None:
    response = upload(support, SimpleUploadedFile("return.xlsx", pdf_bytes(), XLSX))

    assert response.status_code == 200
    assert (
        "The selected file must be an Excel workbook (.xlsx) or a census"
        in response.content.decode()
    )
    assert not ReturnUpload.objects.exists()


def test_a_return_is_applied_once(support: Client, media: Path) -> None:
    staff_the_workbooks_name()
    upload(support, workbook_upload())
    returned = ReturnUpload.objects.get()
    support.post(f"/returns/{returned.pk}/apply/")

    again = support.post(f"/returns/{returned.pk}/apply/", follow=True)

    assert "This return has already been applied" in again.content.decode()
    assert AuditEvent.objects.filter(action="import").count() == 1
    assert Case.objects.count() == 23


def test_a_cin_census_in_xml_is_uploaded_and_applied_the_same_way(
    support: Client, media: Path
) -> None:
    census = DATA / "cin-census" / "cin-2022.xml"
    upload(support, SimpleUploadedFile("cin.xml", census.read_bytes(), "text/xml"))
    returned = ReturnUpload.objects.get()
    assert returned.format == "cin-census"

    assert "1 child in the return" in support.get(f"/returns/{returned.pk}/").content.decode()
    support.post(f"/returns/{returned.pk}/apply/")

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
