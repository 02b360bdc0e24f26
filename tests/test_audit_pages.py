"""The audit trail pages: searching the trail (managers over their line, quality assurance over
everything), exporting what was found, and every person's own access history."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from oversight.audit import trail
from oversight.audit.actor import Actor
from oversight.audit.models import AuditEvent
from oversight.audit.trail import audit
from oversight.files.models import Document, SupervisionFile
from oversight.files.uploads import store_document
from tests.council import pdf_bytes, upload
from tests.factories import (
    AccountFactory,
    AgreementFactory,
    LineManagementFactory,
    SessionFactory,
    StaffFactory,
    sign_in_as,
    user_in_group,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


@pytest.fixture
def council() -> dict[str, Any]:
    """A head of service over a team manager over a worker, someone in another line, and QA."""
    head = StaffFactory(name="Hana Head", category="manager")
    manager = StaffFactory(name="Milo Manager", category="manager")
    worker = StaffFactory(name="Wren Worker")
    outsider = StaffFactory(name="Otto Outsider")
    other_manager = StaffFactory(name="Olga Other", category="manager")
    LineManagementFactory(staff=manager, manager=head)
    LineManagementFactory(staff=worker, manager=manager)
    LineManagementFactory(staff=outsider, manager=other_manager)
    people = {
        "head": head,
        "manager": manager,
        "worker": worker,
        "outsider": outsider,
        "other_manager": other_manager,
    }
    users = {name: sign_in_as(staff, username=name) for name, staff in people.items()}
    users["qa"] = user_in_group("qa", "Quality assurance")
    return {"staff": people, "users": users}


def at(day: dt.date, monkeypatch: pytest.MonkeyPatch) -> None:
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(10, 30)))
    monkeypatch.setattr(trail, "_now", lambda: moment)


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def rows_of(response: Any) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


# Who may search ----------------------------------------------------------------------------------


def test_a_worker_with_nobody_below_them_cannot_search_the_trail(council: dict) -> None:
    client = signed_in(council["users"]["worker"])
    assert client.get("/audit/").status_code == 403
    assert client.get("/audit/export/").status_code == 403


def test_a_superuser_cannot_search_the_trail_by_being_one() -> None:
    admin = AccountFactory(username="root", is_superuser=True, is_staff=True)
    assert signed_in(admin).get("/audit/").status_code == 403


def test_a_manager_sees_what_was_done_by_and_to_the_people_below_them(
    council: dict,
) -> None:
    staff, users = council["staff"], council["users"]
    worker_session = SessionFactory(supervisee=staff["worker"], supervisor=staff["manager"])
    outsider_session = SessionFactory(
        supervisee=staff["outsider"], supervisor=staff["other_manager"]
    )
    audit(users["manager"], "view", worker_session, object_label="Wren's record")
    audit(users["other_manager"], "view", outsider_session, object_label="Otto's record")
    audit(users["worker"], "sign_in", users["worker"])
    audit(users["qa"], "view", worker_session, object_label="Wren's record, by QA")

    page = signed_in(users["head"]).get("/audit/", {"action": ""}).content.decode()

    assert "Wren&#x27;s record" in page
    assert "Wren&#x27;s record, by QA" in page
    assert "Signed in" in page
    assert "Otto&#x27;s record" not in page
    assert "Milo Manager (manager)" in page


def test_quality_assurance_sees_everything(council: dict) -> None:
    users = council["users"]
    audit(
        users["other_manager"],
        "view",
        object_type="supervision.session",
        object_id=1,
        object_label="Otto's record",
    )

    page = signed_in(users["qa"]).get("/audit/", {"about": "Otto"}).content.decode()

    assert "Otto&#x27;s record" in page
    assert "1 entry found" in page


# Searching -------------------------------------------------------------------------------------


def test_it_shows_only_the_form_until_a_search_is_made(council: dict) -> None:
    users = council["users"]
    audit(users["worker"], "sign_in", users["worker"])
    page = signed_in(users["qa"]).get("/audit/").content.decode()
    assert "Who did it" in page
    assert "<table" not in page
    assert not AuditEvent.objects.filter(object_type="audit.search").exists()


def test_it_searches_by_person_object_action_and_dates(
    council: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    users = council["users"]
    at(dt.date(2025, 3, 1), monkeypatch)
    audit(
        users["manager"],
        "view",
        object_type="supervision.session",
        object_id=7,
        object_label="Early look",
    )
    at(dt.date(2025, 3, 10), monkeypatch)
    audit(
        users["manager"],
        "download",
        object_type="organisation.staff",
        object_id=3,
        object_label="File of Wren Worker",
    )
    audit(
        users["head"],
        "view",
        object_type="supervision.session",
        object_id=7,
        object_label="Head's look",
    )
    monkeypatch.undo()
    client = signed_in(users["qa"])

    def found(**query: str) -> set[str]:
        response = client.get("/audit/", query)
        return {
            label
            for label in ("Early look", "File of Wren Worker", "Head&#x27;s look")
            if label in response.content.decode()
        }

    assert found(person="Milo") == {"Early look", "File of Wren Worker"}
    assert found(person="head") == {"Head&#x27;s look"}
    assert found(about="wren") == {"File of Wren Worker"}
    assert found(about="7") == {"Early look", "Head&#x27;s look"}
    assert found(action="download") == {"File of Wren Worker"}
    assert found(
        date_from_day="5",
        date_from_month="3",
        date_from_year="2025",
        date_to_day="10",
        date_to_month="3",
        date_to_year="2025",
    ) == {"File of Wren Worker", "Head&#x27;s look"}
    assert found(date_to_day="1", date_to_month="3", date_to_year="2025") == {"Early look"}


def test_it_explains_dates_it_cannot_use_and_keeps_what_was_typed(council: dict) -> None:
    client = signed_in(council["users"]["qa"])

    page = client.get(
        "/audit/",
        {
            "person": "Milo",
            "date_from_day": "31",
            "date_from_month": "2",
            "date_from_year": "2025",
        },
    ).content.decode()
    assert "There is a problem" in page
    assert "The From date must be a real date" in page
    assert 'value="Milo"' in page
    assert 'value="31"' in page

    backwards = client.get(
        "/audit/",
        {
            "date_from_day": "10",
            "date_from_month": "3",
            "date_from_year": "2025",
            "date_to_day": "1",
            "date_to_month": "3",
            "date_to_year": "2025",
        },
    ).content.decode()
    assert "The To date must be the same as or after the From date" in backwards


def test_it_pages_through_results_keeping_the_search(council: dict) -> None:
    users = council["users"]
    for number in range(55):
        audit(
            users["manager"],
            "view",
            object_type="supervision.session",
            object_id=number,
            object_label=f"Look {number:02d}",
        )
    client = signed_in(users["qa"])

    first = client.get("/audit/", {"person": "manager"}).content.decode()
    second = client.get("/audit/", {"person": "manager", "page": "2"}).content.decode()

    assert "55 entries found, newest first" in first
    assert "Look 54" in first
    assert "Look 04" not in first
    assert 'href="?person=manager&amp;page=2"' in first
    assert "Look 04" in second
    assert 'href="?person=manager&amp;page=1"' in second


def test_every_search_is_itself_audited(council: dict) -> None:
    qa = council["users"]["qa"]
    signed_in(qa).get("/audit/", {"person": "Milo", "action": "view"})

    entry = AuditEvent.objects.filter(object_type="audit.search").get()
    assert entry.actor == qa
    assert entry.action == "view"
    assert entry.detail == {"filters": {"person": "Milo", "action": "view"}, "page": 1}


# Exporting -------------------------------------------------------------------------------------


def test_it_exports_the_filtered_entries_as_csv_and_audits_the_export(council: dict) -> None:
    users = council["users"]
    audit(
        users["manager"],
        "view",
        object_type="supervision.session",
        object_id=1,
        object_label='=HYPERLINK("http://evil")',
    )
    audit(
        users["head"],
        "view",
        object_type="supervision.session",
        object_id=2,
        object_label="Not this one",
    )

    response = signed_in(users["qa"]).get("/audit/export/", {"person": "Milo"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-trail-')
    rows = rows_of(response)
    assert [row["actor"] for row in rows] == ["manager"]
    # A cell a spreadsheet would run as a formula is written as text.
    assert rows[0]["object_label"] == '\'=HYPERLINK("http://evil")'
    export = AuditEvent.objects.get(action="export")
    assert export.actor == users["qa"]
    assert export.detail == {"filters": {"person": "Milo"}, "rows": 1}


def test_a_manager_exports_only_their_line(council: dict) -> None:
    users = council["users"]
    audit(users["worker"], "sign_in", users["worker"])
    audit(users["outsider"], "sign_in", users["outsider"])

    rows = rows_of(signed_in(users["manager"]).get("/audit/export/", {"action": "sign_in"}))

    assert [row["actor"] for row in rows] == ["worker"]


def test_a_team_managers_export_leaves_out_another_teams_document_metadata(
    council: dict, settings: Any, tmp_path: Any
) -> None:
    """Issue 9, finding 9: an officer in the manager's line adds to another team's file, and the
    entry's title, file name and staff ID are that file's contents, which the manager may not
    read. The search starts from what the manager may see."""
    settings.MEDIA_ROOT = tmp_path / "media"
    staff, users = council["staff"], council["users"]
    officer = StaffFactory(name="Bella Support", staff_id="BS1", category="support_staff")
    LineManagementFactory(staff=officer, manager=staff["manager"])
    officer_user = sign_in_as(officer, username="officer")
    officer_user.groups.add(Group.objects.get_or_create(name="Business support")[0])
    for person, title in ((staff["outsider"], "Otto's DBS"), (staff["worker"], "Wren's DBS")):
        store_document(
            person,
            upload(f"{title[:4]}-dbs.pdf", pdf_bytes()),
            kind="dbs",
            title=title,
            expiry_date=None,
            by=Actor(officer_user),
        )

    rows = rows_of(signed_in(users["manager"]).get("/audit/export/", {"action": "create"}))

    exported = "\n".join(str(row) for row in rows)
    assert "Wren's DBS" in exported, "a document in the file of someone below them is theirs"
    assert "Otto's DBS" not in exported
    assert "Otto-dbs.pdf" not in exported
    assert staff["outsider"].staff_id not in exported
    page = signed_in(users["manager"]).get("/audit/", {"action": ""}).content.decode()
    assert "Otto&#x27;s DBS" not in page
    # Quality assurance still see every entry.
    qa_rows = rows_of(signed_in(users["qa"]).get("/audit/export/", {"action": "create"}))
    assert "Otto's DBS" in "\n".join(str(row) for row in qa_rows)


# My access history -----------------------------------------------------------------------------


def test_everyone_sees_who_else_looked_at_their_records_agreements_and_file(
    council: dict,
) -> None:
    staff, users = council["staff"], council["users"]
    session = SessionFactory(supervisee=staff["worker"], supervisor=staff["manager"])
    agreement = AgreementFactory(staff=staff["worker"], supervisor=staff["manager"])
    someone_elses = SessionFactory(supervisee=staff["outsider"], supervisor=staff["manager"])
    audit(users["manager"], "view", session, object_label="Record of 3 March")
    audit(users["qa"], "view", agreement, object_label="Agreement of 8 January")
    audit(users["head"], "download", staff["worker"], object_label="Wren's whole file")
    audit(users["manager"], "change", session, object_label="A change, not a look")
    audit(users["worker"], "view", session, object_label="Wren looking herself")
    audit(users["manager"], "view", someone_elses, object_label="Otto's record")

    response = signed_in(users["worker"]).get("/audit/mine/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Who has looked at your records" in page
    assert "Record of 3 March" in page
    assert "Agreement of 8 January" in page
    assert "Wren&#x27;s whole file" in page
    assert "Downloaded" in page
    assert "Milo Manager (manager)" in page
    for absent in ("A change, not a look", "Wren looking herself", "Otto&#x27;s record"):
        assert absent not in page
    looked = AuditEvent.objects.get(object_type="audit.access_history")
    assert looked.actor == users["worker"]
    assert looked.object_id == str(staff["worker"].pk)


def test_a_worker_sees_who_downloaded_documents_from_their_own_file(council: dict) -> None:
    staff, users = council["staff"], council["users"]
    file = SupervisionFile.objects.create(staff=staff["worker"], created_on=dt.date(2025, 1, 6))
    document = Document.objects.create(
        file=file,
        section=2,
        kind="other",
        title="Return to work plan",
        original_name="plan.pdf",
        stored_name="x1.pdf",
        content_type="application/pdf",
        size=10,
        sha256="0" * 64,
        uploaded_by=users["manager"],
    )
    audit(users["manager"], "download", document, object_label="Return to work plan")

    page = signed_in(users["worker"]).get("/audit/mine/").content.decode()

    assert "Return to work plan" in page
    assert "Downloaded" in page


def test_the_access_history_says_when_nobody_has_looked(council: dict) -> None:
    page = signed_in(council["users"]["worker"]).get("/audit/mine/").content.decode()
    assert "Nobody else has opened or downloaded your records yet." in page


def test_an_account_without_a_staff_record_is_told_why_there_is_no_history() -> None:
    page = signed_in(AccountFactory(username="lonely")).get("/audit/mine/").content.decode()
    assert "Your account is not linked to a member of staff" in page
    assert not AuditEvent.objects.exists()
