"""The supervision file (N 11.1, 11.3): one per worker, four sections, readable by the worker,
their line and senior managers and QA; Business Support add to sections 1 and 4 and read
nothing; documents that expire become due items."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from oversight.audit.actor import Actor
from oversight.audit.models import AuditEvent
from oversight.files.due import file_due_items
from oversight.files.models import Document, SupervisionFile
from oversight.files.uploads import store_document
from tests.council import pdf_bytes, png_bytes, upload
from tests.factories import AgreementFactory, StaffFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.urls("oversight.urls"),
    pytest.mark.usefixtures("media", "frozen_today"),
]


def add(org, kind="dbs", *, staff=None, by="manager", expiry=None, title="", content=None):
    return store_document(
        staff or org.worker,
        upload(f"{kind}.pdf", content or pdf_bytes()),
        kind=kind,
        title=title,
        expiry_date=expiry,
        by=Actor(org.users[by]),
    )


def test_it_shows_the_four_sections_with_agreements_in_section_2(client, org):
    add(org, "dbs", title="DBS certificate")
    add(org, "appraisal", title="Appraisal 2024")
    add(org, "toil", title="TOIL sheet")
    old_supervisor = StaffFactory(name="Olive Former", category="manager")
    AgreementFactory(staff=org.worker, supervisor=old_supervisor, signed_date=dt.date(2023, 1, 5))
    AgreementFactory(staff=org.worker, supervisor=org.manager, signed_date=dt.date(2024, 1, 9))
    AgreementFactory(staff=org.worker, supervisor=org.manager, signed_date=dt.date(2024, 7, 9))
    client.force_login(org.users["manager"])

    page = client.get(reverse("files:detail", args=["WA"])).content.decode()

    headings = re.findall(r'<h2 class="govuk-heading-m[^"]*">(Section [^<]+)</h2>', page)
    assert headings == [
        "Section 1: Registration, DBS check and car insurance",
        "Section 2: Supervision agreements",
        "Section 3: Development plans, appraisals and probation reports",
        "Section 4: Other, for example annual leave and TOIL",
    ]
    sections = re.split(r"<h2 class=\"govuk-heading-m[^\"]*\">Section ", page)
    assert "DBS certificate" in sections[1]
    assert "Tamsin Manager" in sections[2]
    assert sections[2].count("In force") == 1
    assert "Replaced by a later agreement" in sections[2]
    assert "Olive Former" in sections[2]
    assert "Previous supervisor, kept for audit" in sections[2]
    assert "Appraisal 2024" in sections[3]
    assert "TOIL sheet" in sections[4]


def test_it_keeps_one_file_per_worker(org):
    add(org, "dbs")
    add(org, "appraisal")

    assert SupervisionFile.objects.filter(staff=org.worker).count() == 1
    assert Document.objects.filter(file__staff=org.worker).count() == 2


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("worker", True),  # their own file
        ("manager", True),  # line manager
        ("head", True),  # senior manager
        ("qa", True),
        ("other_manager", False),  # another team's manager
        ("outsider", False),  # another team's worker changing the id in the URL
        ("support", False),  # Business Support add, never read
        ("hr", False),  # HR only once the person has left
        ("admin", False),  # a superuser runs the system, it does not read supervision
    ],
)
def test_it_lets_only_the_right_people_open_and_download(client, org, who, allowed):
    document = add(org, "dbs")
    client.force_login(org.users[who])

    page = client.get(reverse("files:detail", args=["WA"]))
    download = client.get(reverse("files:download", args=[document.pk]))

    assert page.status_code == (200 if allowed else 403)
    assert download.status_code == (200 if allowed else 403)
    if not allowed:
        assert b"%PDF" not in download.content
        assert not AuditEvent.objects.filter(action="download").exists()


def test_it_refuses_an_unknown_person_or_document_as_it_refuses_someone_elses(client, org):
    client.force_login(org.users["outsider"])

    assert client.get(reverse("files:detail", args=["NOBODY"])).status_code == 403
    assert client.get(reverse("files:download", args=[999999])).status_code == 403


def test_it_sends_someone_signed_out_to_sign_in(client, org):
    document = add(org, "dbs")

    response = client.get(reverse("files:download", args=[document.pk]))

    assert response.status_code == 302
    assert "/sign-in/" in response["Location"]


def test_it_lists_only_the_files_the_user_may_open(client, org):
    client.force_login(org.users["manager"])

    page = client.get(reverse("files:list")).content.decode()

    assert "Wanda Worker" in page
    assert "Colin Colleague" in page
    assert "Olive Outsider" not in page


def test_it_finds_a_file_by_name(client, org):
    client.force_login(org.users["head"])

    page = client.get(reverse("files:list"), {"q": "wanda"}).content.decode()

    assert "Wanda Worker" in page
    assert "Olive Outsider" not in page


def test_it_audits_opening_a_file(client, org):
    add(org, "dbs")
    client.force_login(org.users["head"])

    client.get(reverse("files:detail", args=["WA"]))

    entry = AuditEvent.objects.filter(action="view").get()
    assert entry.actor_label == "head"
    assert entry.object_type == "files.supervisionfile"
    assert entry.object_label == "Supervision file of Wanda Worker"


def test_it_lets_business_support_add_to_sections_1_and_4_only(client, org):
    client.force_login(org.users["support"])
    url = reverse("files:upload", args=["WB"])

    form = client.get(url).content.decode()
    refused = client.post(url, {"kind": "appraisal", "document": upload("a.pdf", pdf_bytes())})
    accepted = client.post(url, {"kind": "dbs", "document": upload("dbs.pdf", pdf_bytes())})

    offered = re.findall(r'name="kind" type="radio" value="([a-z_]+)"', form)
    assert offered == ["swe_registration", "dbs", "car_insurance", "annual_leave", "toil", "other"]
    assert "Select what kind of document it is" in refused.content.decode()
    assert accepted.status_code == 302
    assert accepted["Location"] == reverse("files:list")
    assert Document.objects.get().section == 1


def test_it_refuses_business_support_a_section_3_document_even_outside_the_form(org):
    with pytest.raises(PermissionDenied):
        add(org, "appraisal", by="support")

    assert Document.objects.count() == 0


def test_it_shows_business_support_whom_they_can_add_to_but_not_the_files(client, org):
    client.force_login(org.users["support"])

    page = client.get(reverse("files:list")).content.decode()

    assert "Add documents to a file" in page
    assert reverse("files:upload", args=["WB"]) in page
    assert f'href="{reverse("files:detail", args=["WB"])}"' not in page


def test_it_refuses_uploads_from_someone_outside_the_line(client, org, media):
    client.force_login(org.users["other_manager"])

    response = client.post(
        reverse("files:upload", args=["WA"]),
        {"kind": "dbs", "document": upload("x.pdf", pdf_bytes())},
    )

    assert response.status_code == 403
    assert Document.objects.count() == 0
    assert not media.exists() or not any(media.rglob("*.pdf"))


def test_it_refuses_uploads_from_the_worker_and_from_qa(client, org):
    for who in ("worker", "qa", "hr"):
        client.force_login(org.users[who])
        response = client.get(reverse("files:upload", args=["WA"]))
        assert response.status_code == 403, who


def test_it_makes_expiring_and_expired_documents_due(org):
    today = dt.date(2025, 3, 1)
    add(org, "dbs", expiry=dt.date(2025, 3, 20))  # within 30 days
    add(org, "car_insurance", expiry=dt.date(2025, 2, 28))  # expired yesterday
    add(org, "swe_registration", expiry=dt.date(2025, 11, 30))  # months away
    add(org, "appraisal")  # does not expire

    due = file_due_items([org.worker, org.colleague], today)

    assert due["WA2"] == []
    assert [(i.kind, i.expiry_date, i.status) for i in due["WA"]] == [
        ("car_insurance", dt.date(2025, 2, 28), "overdue"),
        ("dbs", dt.date(2025, 3, 20), "due_soon"),
    ]
    assert (
        due["WA"][0].explanation
        == "Car insurance expired on 28 February 2025: upload the renewed one"
    )


def test_it_counts_only_the_latest_of_each_kind(org):
    add(org, "dbs", expiry=dt.date(2025, 2, 1))
    add(org, "dbs", expiry=dt.date(2028, 2, 1), content=png_bytes())

    assert file_due_items([org.worker], dt.date(2025, 3, 1))["WA"] == []


def test_it_shows_renewals_due_on_the_file_page(client, org):
    add(org, "dbs", expiry=timezone.localdate() + dt.timedelta(days=10))
    client.force_login(org.users["manager"])

    page = client.get(reverse("files:detail", args=["WA"])).content.decode()

    assert "Renewals due" in page
    assert "app-tag--due-soon" in page
