"""Transfers (N 12.1) and leavers (N 11.2, B 2.3).

A senior manager moves all of a supervisor's people to a new supervisor in one confirmed step:
history is kept, the files follow, a new agreement becomes due and the old one stays on file.
A manager records a leaving date: the file passes to HR, is kept for the retention period from
the leaving date, and is destroyed only when HR confirm it, leaving the audit entry behind.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from oversight.access.files import can_view_file
from oversight.access.records import can_edit_record_now
from oversight.audit.actor import Actor
from oversight.audit.models import AuditEvent
from oversight.audit.trail import verify_chain
from oversight.cases.models import Allocation
from oversight.files.models import Document, SupervisionFile
from oversight.files.retention import destroy_file, files_past_retention, record_leaver
from oversight.files.uploads import store_document
from oversight.formatting import long_date
from oversight.organisation.models import LineManagement, Staff
from oversight.organisation.transfers import reassign_supervisees
from oversight.records.models import Record
from oversight.supervision.models import SessionEvent
from tests.council import child, date_fields, fresh, pdf_bytes, record, sent, today, upload
from tests.factories import START, AgreementFactory, LineManagementFactory, StaffFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.urls("oversight.urls"),
    pytest.mark.usefixtures("media", "frozen_today"),
]


# Transfers ----------------------------------------------------------------------------------


def test_it_shows_who_moves_before_changing_anything(client, org):
    client.force_login(org.users["head"])
    on = today()

    response = client.post(
        reverse("people:reassign", args=["MA"]),
        {"new_supervisor": "MB", **date_fields("on", on)},
    )

    page = response.content.decode()
    assert "Check who moves to Omar Manager" in page
    assert "Wanda Worker" in page
    assert "Colin Colleague" in page
    assert "Confirm and move 2 people" in page
    assert LineManagement.objects.filter(manager=org.other_manager).count() == 1
    assert not AuditEvent.objects.filter(object_type="organisation.linemanagement").exists()


def test_it_moves_everyone_on_confirm_and_keeps_the_history(client, org):
    AgreementFactory(staff=org.worker, supervisor=org.manager, signed_date=START)
    client.force_login(org.users["head"])
    on = today()

    response = client.post(
        reverse("people:reassign", args=["MA"]),
        {"new_supervisor": "MB", **date_fields("on", on), "confirm": "yes"},
    )

    assert response.status_code == 302
    rows = list(LineManagement.objects.filter(staff=org.worker).order_by("start_date"))
    assert [(r.manager.staff_id, r.start_date, r.end_date) for r in rows] == [
        ("MA", START, on - dt.timedelta(days=1)),
        ("MB", on, None),
    ]
    assert set(org.other_manager.supervisees_on(on).values_list("staff_id", flat=True)) == {
        "WA",
        "WA2",
        "WB",
    }
    assert can_view_file(fresh(org.users["other_manager"]), org.worker, on)
    assert not can_view_file(fresh(org.users["manager"]), org.worker, on)
    actions = list(
        AuditEvent.objects.filter(object_type="organisation.linemanagement").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == ["change", "change", "create", "create"]

    client.force_login(org.users["other_manager"])
    file_page = client.get(reverse("files:detail", args=["WA"])).content.decode()
    assert "Previous supervisor, kept for audit" in file_page


def test_it_shows_the_new_agreement_due_after_the_move(client, org):
    client.force_login(org.users["head"])
    on = today()

    response = client.post(
        reverse("people:reassign", args=["MA"]),
        {"new_supervisor": "MB", **date_fields("on", on), "confirm": "yes"},
        follow=True,
    )

    page = response.content.decode()
    assert "2 people move to Omar Manager" in page
    assert "New supervision agreements due" in page
    assert "Not required by the policy" not in page
    assert "govuk-tag" in page


def test_it_keeps_the_answers_when_going_back_to_change_them(client, org):
    client.force_login(org.users["head"])
    on = today() + dt.timedelta(days=7)

    page = client.get(
        reverse("people:reassign", args=["MA"]), {"new_supervisor": "MB", "on": on.isoformat()}
    ).content.decode()

    assert 'value="MB" selected' in page
    assert f'value="{on.day}"' in page


@pytest.mark.parametrize("who", ["manager", "other_manager", "worker", "support", "hr", "admin"])
def test_it_lets_only_a_manager_above_the_supervisor_move_their_people(client, org, who):
    client.force_login(org.users[who])

    response = client.post(
        reverse("people:reassign", args=["MA"]),
        {"new_supervisor": "MB", **date_fields("on", today()), "confirm": "yes"},
    )

    assert response.status_code == 403
    assert LineManagement.objects.filter(manager=org.manager, end_date__isnull=True).count() == 2


def test_it_refuses_a_date_before_the_supervision_began(client, org):
    client.force_login(org.users["head"])

    response = client.post(
        reverse("people:reassign", args=["MA"]),
        {"new_supervisor": "MB", **date_fields("on", START), "confirm": "yes"},
    )

    page = response.content.decode()
    assert "There is a problem" in page
    assert "Colin Colleague starts with Tamsin Manager on 8 January 2024, after this date" in page
    assert LineManagement.objects.filter(manager=org.other_manager).count() == 1


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (dt.date(9999, 12, 31), "The date the new supervisor takes over must be within a year"),
        (
            dt.date(1000, 1, 1),
            "The date the new supervisor takes over must be in the last 10 years",
        ),
    ],
)
def test_it_refuses_a_takeover_date_out_of_reach_with_a_message(client, org, day, message):
    client.force_login(org.users["head"])

    response = client.post(
        reverse("people:reassign", args=["MA"]),
        {"new_supervisor": "MB", **date_fields("on", day), "confirm": "yes"},
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert LineManagement.objects.filter(manager=org.other_manager).count() == 1


def test_it_asks_for_a_new_supervisor_and_a_date(client, org):
    client.force_login(org.users["head"])

    page = client.post(reverse("people:reassign", args=["MA"]), {}).content.decode()

    assert "Select who will supervise them" in page
    assert "Enter the date the new supervisor takes over" in page


def test_it_does_not_offer_the_people_moving_as_their_new_supervisor(client, org):
    client.force_login(org.users["head"])

    page = client.get(reverse("people:reassign", args=["MA"])).content.decode()

    assert 'value="MB"' in page
    assert 'value="WA"' not in page
    assert 'value="MA"' not in page


# Leavers ------------------------------------------------------------------------------------


def test_it_records_a_leaver_after_a_check_page(client, org):
    client.force_login(org.users["manager"])
    last_day = today() + dt.timedelta(days=14)
    url = reverse("people:leaver", args=["WA"])

    check = client.post(url, date_fields("last_day", last_day))
    assert "Check before you record that Wanda Worker is leaving" in check.content.decode()
    assert Staff.objects.get(pk=org.worker.pk).end_date is None

    done = client.post(url, {**date_fields("last_day", last_day), "confirm": "yes"})

    assert done.status_code == 302
    worker = Staff.objects.get(pk=org.worker.pk)
    assert worker.end_date == last_day
    assert LineManagement.objects.get(staff=worker).end_date == last_day
    supervision_file = SupervisionFile.objects.get(staff=worker)
    assert supervision_file.archived_on == last_day + dt.timedelta(days=1)
    assert supervision_file.retention_ends == last_day.replace(year=last_day.year + 6)
    changed = AuditEvent.objects.about(worker).get()
    assert changed.actor_label == "manager"
    assert changed.detail == {"end_date": {"before": None, "after": last_day.isoformat()}}


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (dt.date(9999, 12, 31), "Their last working day must be within a year from today"),
        (dt.date(1000, 1, 1), "Their last working day must be in the last 10 years"),
    ],
)
@pytest.mark.parametrize("confirm", ["", "yes"])
def test_it_refuses_a_last_day_out_of_reach_with_a_message(client, org, day, message, confirm):
    client.force_login(org.users["manager"])

    response = client.post(
        reverse("people:leaver", args=["WA"]), {**date_fields("last_day", day), "confirm": confirm}
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert Staff.objects.get(pk=org.worker.pk).end_date is None


def test_it_passes_a_leavers_file_to_hr(org):
    store_document(
        org.worker,
        upload("dbs.pdf", pdf_bytes()),
        kind="dbs",
        title="DBS",
        expiry_date=None,
        by=Actor(org.users["manager"]),
    )
    last_day = today() - dt.timedelta(days=1)

    record_leaver(org.worker, last_day, by=Actor(org.users["manager"]))

    worker = Staff.objects.get(pk=org.worker.pk)
    assert can_view_file(fresh(org.users["hr"]), worker)
    assert not can_view_file(fresh(org.users["manager"]), worker)
    assert not can_view_file(fresh(org.users["hr"]), worker, last_day)


def test_it_lets_hr_open_and_download_from_a_leavers_file(client, org):
    document = store_document(
        org.worker,
        upload("dbs.pdf", pdf_bytes()),
        kind="dbs",
        title="DBS",
        expiry_date=None,
        by=Actor(org.users["manager"]),
    )
    record_leaver(org.worker, today() - dt.timedelta(days=1), by=Actor(org.users["manager"]))
    client.force_login(org.users["hr"])

    assert client.get(reverse("files:detail", args=["WA"])).status_code == 200
    assert client.get(reverse("files:download", args=[document.pk])).status_code == 200
    assert client.get(reverse("files:upload", args=["WA"])).status_code == 403


def test_it_will_not_record_a_leaver_who_still_supervises_people(client, org):
    client.force_login(org.users["head"])

    response = client.post(
        reverse("people:leaver", args=["MA"]),
        {**date_fields("last_day", today()), "confirm": "yes"},
    )

    page = response.content.decode()
    assert (
        "Tamsin Manager still supervises Colin Colleague, Wanda Worker. Move them to a new" in page
    )
    assert Staff.objects.get(pk=org.manager.pk).end_date is None
    with pytest.raises(ValidationError):
        record_leaver(org.manager, today(), by=Actor(org.users["head"]))


@pytest.mark.parametrize("who", ["worker", "other_manager", "support", "hr", "qa"])
def test_it_lets_only_their_managers_record_a_leaver(client, org, who):
    client.force_login(org.users[who])

    response = client.get(reverse("people:leaver", args=["WA"]))

    assert response.status_code == 403


# Retention ----------------------------------------------------------------------------------


LONG_AGO = dt.date(2010, 1, 4)


def leaver_with_document(org, *, left: dt.date, staff_id: str = "L1") -> Document:
    leaver = StaffFactory(
        staff_id=staff_id, name=f"Lee Leaver {staff_id}", team=org.team, start_date=LONG_AGO
    )
    LineManagementFactory(
        staff=leaver, manager=org.manager, start_date=START - dt.timedelta(days=3650)
    )
    Staff.objects.filter(pk=leaver.pk).update(start_date=START - dt.timedelta(days=3650))
    leaver.refresh_from_db()
    document = store_document(
        leaver,
        upload("appraisal.pdf", pdf_bytes()),
        kind="appraisal",
        title="Appraisal",
        expiry_date=None,
        by=Actor(org.users["manager"]),
    )
    record_leaver(leaver, left, by=Actor(org.users["manager"]))
    return document


def years_ago(years: int, days: int = 0) -> dt.date:
    now = today()
    return now.replace(year=now.year - years, day=min(now.day, 28)) - dt.timedelta(days=days)


def test_it_lists_files_past_retention_for_hr(client, org):
    leaver_with_document(org, left=years_ago(7), staff_id="OLD")
    leaver_with_document(org, left=years_ago(2), staff_id="RECENT")
    client.force_login(org.users["hr"])

    page = client.get(reverse("files:retention")).content.decode()

    assert "Lee Leaver OLD" in page
    assert "Lee Leaver RECENT" not in page


@pytest.mark.parametrize("who", ["manager", "head", "support", "qa", "admin"])
def test_it_shows_the_retention_list_to_hr_only(client, org, who):
    client.force_login(org.users[who])

    assert client.get(reverse("files:retention")).status_code == 403


def test_it_follows_the_councils_retention_period(org, settings):
    leaver_with_document(org, left=years_ago(7))
    settings.OVERSIGHT_RETENTION_YEARS = 25  # Oxfordshire

    assert files_past_retention(today()) == []


def test_it_destroys_a_file_only_when_hr_confirm(
    client, org, media, django_capture_on_commit_callbacks
):
    document = leaver_with_document(org, left=years_ago(7))
    stored = media / document.stored_name
    client.force_login(org.users["hr"])
    url = reverse("files:destroy", args=["L1"])

    confirm_page = client.get(url).content.decode()
    assert "Destroy Lee Leaver L1\N{RIGHT SINGLE QUOTATION MARK}s supervision file?" in confirm_page
    assert stored.exists()
    assert Document.objects.filter(pk=document.pk).exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)

    assert response.status_code == 302
    assert not Document.objects.filter(pk=document.pk).exists()
    assert not stored.exists()
    supervision_file = SupervisionFile.objects.get(staff__staff_id="L1")
    assert supervision_file.destroyed_on == today()
    entry = AuditEvent.objects.filter(action="delete", object_type="files.supervisionfile").get()
    assert entry.actor_label == "hr"
    assert entry.detail["confirmed_by"] == "hr"
    assert entry.detail["documents_destroyed"] == 1
    assert AuditEvent.objects.filter(
        action="delete", object_type="files.document", object_id=str(document.pk)
    ).exists()
    assert verify_chain().intact
    assert files_past_retention(today()) == []


def test_it_will_not_destroy_a_file_still_within_retention(client, org, media):
    document = leaver_with_document(org, left=years_ago(5))
    client.force_login(org.users["hr"])

    response = client.post(reverse("files:destroy", args=["L1"]))

    assert response.status_code == 404
    assert (media / document.stored_name).exists()
    with pytest.raises(ValidationError):
        destroy_file(
            SupervisionFile.objects.get(staff__staff_id="L1"),
            by=Actor(fresh(org.users["hr"])),
            on=today(),
        )


# Transfers and leavers keep every piece of work (issue 8) ------------------------------------


def unfinished_work(org):
    """A draft with the worker, a record returned by the colleague, and one sent and waiting."""
    draft = record(org.manager, org.worker, today() - dt.timedelta(days=3))
    returned = sent(record(org.manager, org.colleague, today() - dt.timedelta(days=5)))
    returned.return_to_supervisor(by=org.colleague.user, reason="The visit date is wrong.")
    waiting = sent(record(org.manager, org.worker, today() - dt.timedelta(days=8)))
    return Record.of(draft), Record.of(returned), Record.of(waiting)


def test_it_says_on_the_check_page_that_unfinished_records_are_handed_over(client, org):
    draft, _returned, _waiting = unfinished_work(org)
    client.force_login(org.users["head"])

    page = client.post(
        reverse("people:reassign", args=["MA"]),
        {"new_supervisor": "MB", **date_fields("on", today())},
    ).content.decode()

    assert "Tamsin Manager has not finished 2 records with the people moving" in page
    assert "handed over to Omar Manager, who can finish and send them" in page
    assert "(draft)" in page
    assert "(returned to Tamsin Manager)" in page
    assert Record.objects.get(pk=draft.pk).supervisor == org.manager
    assert not SessionEvent.objects.filter(kind=SessionEvent.Kind.HANDED_OVER).exists()


def test_it_hands_unfinished_records_to_the_new_supervisor_and_loses_no_draft(client, org):
    draft, returned, waiting = unfinished_work(org)
    client.force_login(org.users["head"])

    client.post(
        reverse("people:reassign", args=["MA"]),
        {"new_supervisor": "MB", **date_fields("on", today()), "confirm": "yes"},
    )

    new_supervisor = fresh(org.users["other_manager"])
    outgoing = fresh(org.users["manager"])
    for unfinished in (draft, returned):
        now = Record.objects.get(pk=unfinished.pk)
        assert now.supervisor == org.other_manager
        assert now.state == unfinished.state
        assert can_edit_record_now(new_supervisor, now)
        assert not can_edit_record_now(outgoing, now)
        assert "send_to_worker" in [m.name for m in now.allowed_moves(new_supervisor)]
        event = SessionEvent.objects.get(session=now, kind=SessionEvent.Kind.HANDED_OVER)
        assert event.reason == (
            "Handed over from Tamsin Manager, who wrote it, to Omar Manager when Omar Manager "
            f"became the supervisor on {long_date(today())}"
        )
        entry = AuditEvent.objects.get(
            object_type="supervision.session", object_id=str(now.pk), action="change"
        )
        assert entry.detail["supervisor"] == {"before": "MA", "after": "MB"}
        assert entry.detail["written_by"] == "MA"
    # A record already with the worker is not the supervisor's to finish: it stays as written.
    assert Record.objects.get(pk=waiting.pk).supervisor == org.manager
    assert Record.objects.get(pk=returned.pk).history().last().by == org.colleague.user


def test_it_lists_the_handed_over_records_on_the_page_after_the_move(client, org):
    draft, returned, waiting = unfinished_work(org)
    client.force_login(org.users["head"])

    page = client.post(
        reverse("people:reassign", args=["MA"]),
        {"new_supervisor": "MB", **date_fields("on", today()), "confirm": "yes"},
        follow=True,
    ).content.decode()

    assert "Records handed over to Omar Manager" in page
    assert reverse("records:detail", args=[draft.pk]) in page
    assert reverse("records:detail", args=[returned.pk]) in page
    assert reverse("records:detail", args=[waiting.pk]) not in page


def test_it_lets_the_new_supervisor_open_a_handed_over_draft(client, org):
    draft, _returned, _waiting = unfinished_work(org)
    reassign_supervisees(org.manager, org.other_manager, today(), by=Actor(org.users["head"]))

    client.force_login(org.users["other_manager"])
    page = client.get(reverse("records:detail", args=[draft.pk]))
    assert page.status_code == 200
    assert "Handed over from Tamsin Manager, who wrote it, to Omar Manager" in page.content.decode()
    client.force_login(org.users["manager"])
    assert client.get(reverse("records:detail", args=[draft.pk])).status_code == 403


def test_it_hands_over_nothing_when_the_transfer_is_refused(org):
    draft, _returned, _waiting = unfinished_work(org)

    with pytest.raises(ValidationError):
        reassign_supervisees(org.manager, org.manager, today(), by=Actor(org.users["head"]))

    assert Record.objects.get(pk=draft.pk).supervisor == org.manager
    assert not SessionEvent.objects.filter(kind=SessionEvent.Kind.HANDED_OVER).exists()


def test_it_lists_the_children_a_leaver_holds_with_a_link_to_reallocate_each(client, org):
    amy = child(org.worker, name="Amy Smith")
    ben = child(org.worker, name="Ben Smith")
    handed_on = child(org.worker, name="Cara Jones")
    last_day = today() + dt.timedelta(days=14)
    Allocation.objects.filter(case=handed_on).update(end_date=last_day)
    client.force_login(org.users["manager"])

    page = client.post(
        reverse("people:leaver", args=["WA"]), date_fields("last_day", last_day)
    ).content.decode()

    assert "Wanda Worker still holds 2 children after" in page
    for case in (amy, ben):
        assert reverse("mywork:child", args=[case.case_id]) in page
        assert reverse("admin:cases_case_change", args=[case.pk]) in page
    assert "Cara Jones" not in page
    assert "Business support reallocate a child" in page


def test_it_records_a_leaver_who_holds_children_and_says_who_is_still_to_hand_over(client, org):
    child(org.worker, name="Amy Smith")
    last_day = today() + dt.timedelta(days=14)
    client.force_login(org.users["manager"])

    done = client.post(
        reverse("people:leaver", args=["WA"]),
        {**date_fields("last_day", last_day), "confirm": "yes"},
        follow=True,
    )

    assert Staff.objects.get(pk=org.worker.pk).end_date == last_day
    page = done.content.decode()
    assert "Wanda Worker still holds 1 child after their last day: Amy Smith" in page
    assert "Business support must reallocate each of them" in page


def test_it_says_a_leaver_with_no_children_holds_none(client, org):
    client.force_login(org.users["manager"])

    page = client.post(
        reverse("people:leaver", args=["WA"]), date_fields("last_day", today())
    ).content.decode()

    assert "Wanda Worker holds no children\N{RIGHT SINGLE QUOTATION MARK}s cases after" in page
