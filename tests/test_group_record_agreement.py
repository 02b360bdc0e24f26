"""Group records are agreed by each attendee (issue 8): every attendee agrees or returns their own
copy; the record is agreed once all of them have; one return sends it back to its author, and a
corrected record sent again is agreed afresh by everyone."""

from __future__ import annotations

import datetime as dt
import importlib
import os
import threading
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.test import Client
from django.urls import reverse

from oversight.audit.models import AuditEvent
from oversight.records import workflow
from oversight.records.models import (
    AppendOnlyError,
    AttendeeCopy,
    AttendeeCopyTransition,
    CopyState,
    Record,
)
from oversight.records.workflow import IncompleteRecord, NotAllowed, ReasonRequired, State
from oversight.supervision.models import Session
from tests.council import TODAY, Council, conference_children, council, date_fields, no_actions

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

WHY = "I did not present the case: Wanda did."


@pytest.fixture
def office() -> Council:
    return conference_children(council())


def client_for(staff: Any) -> Client:
    client = Client()
    client.force_login(staff.user)
    return client


def sent_group(office: Council) -> Record:
    """A group record written and sent by the manager, attended by the worker and colleague."""
    manager = client_for(office.manager)
    written = manager.post(
        reverse("records:group_new") + f"?team={office.team.pk}",
        {
            **date_fields("date", TODAY - dt.timedelta(days=1)),
            "facilitator": str(office.manager.pk),
            "attendees": [str(office.worker.pk), str(office.colleague.pk)],
            "presented_by": str(office.worker.pk),
            "cases": "",
            "presentation": "Milo's mother has stopped engaging since the bereavement.",
            "hypotheses": "Is the withdrawal grief rather than neglect?",
            "learning": "Use a genogram before the next visit.",
            **no_actions(1),
            "save": "1",
        },
    )
    assert written.status_code == 302, written.content.decode()[-2000:]
    record = Record.objects.get(type="group")
    assert manager.post(reverse("records:send", args=[record.pk])).status_code == 302
    return Record.objects.get(pk=record.pk)


def agree(record: Record, staff: Any) -> Any:
    return client_for(staff).post(reverse("records:agree", args=[record.pk]))


def give_back(record: Record, staff: Any, reason: str = WHY) -> Any:
    return client_for(staff).post(reverse("records:return", args=[record.pk]), {"reason": reason})


def state_of(record: Record) -> str:
    return Record.objects.get(pk=record.pk).state


def waiting_for(staff: Any) -> list[Session]:
    return list(Record.objects.awaiting_agreement(staff))


def page(record: Record, staff: Any) -> str:
    return client_for(staff).get(reverse("records:detail", args=[record.pk])).content.decode()


def test_it_asks_each_attendee_and_agrees_the_record_once_all_have(office: Council) -> None:
    record = sent_group(office)
    assert waiting_for(office.worker) == [record]
    assert waiting_for(office.colleague) == [record]
    assert waiting_for(office.manager) == []

    assert agree(record, office.worker).status_code == 302
    assert state_of(record) == State.SENT
    assert waiting_for(office.worker) == []
    assert waiting_for(office.colleague) == [record]

    assert agree(record, office.colleague).status_code == 302
    assert state_of(record) == State.AGREED
    assert waiting_for(office.colleague) == []
    # The record's own move is the last attendee's.
    assert Record.objects.get(pk=record.pk).history().last().by == office.colleague.user


def test_it_shows_who_has_agreed_and_who_has_not_yet(office: Council) -> None:
    record = sent_group(office)
    agree(record, office.worker)

    for viewer in (office.manager, office.worker, office.colleague):
        shown = page(record, viewer)
        assert "Agreement by each attendee" in shown
        assert "1 of 2 attendees have agreed" in shown
        assert (
            'With the attendees</strong> <a class="govuk-link" href="#attendees">1 of 2 agreed'
            in shown
        )
    by_manager = page(record, office.manager)
    worker_row = by_manager.split(office.worker.name)[1].split("</tr>")[0]
    colleague_row = by_manager.split(office.colleague.name)[1].split("</tr>")[0]
    assert "Agreed" in worker_row
    assert "Not yet agreed" in colleague_row

    # The worker has answered: no buttons, and the page says so; the colleague still has them.
    worker_sees = page(record, office.worker)
    assert "You agreed the record on" in worker_sees
    assert ">Agree</button>" not in worker_sees
    assert ">Agree</button>" in page(record, office.colleague)


def test_one_return_sends_it_back_to_its_author_with_who_said_what(office: Council) -> None:
    record = sent_group(office)
    agree(record, office.worker)
    assert give_back(record, office.colleague).status_code == 302

    assert state_of(record) == State.RETURNED
    assert waiting_for(office.worker) == waiting_for(office.colleague) == []
    shown = page(record, office.manager)
    assert f"Returned by {office.colleague.name}" in shown
    assert WHY in shown
    assert "Edit the record" in shown
    assert "asks every attendee to agree the corrected record" in shown
    worker_row = shown.split(f'data-label="Attendee">{office.worker.name}')[1]
    assert "Agreed" in worker_row.split("</tr>")[0]
    # The form the author corrects it on says who returned it and why.
    form = client_for(office.manager).get(reverse("records:edit_other", args=[record.pk]))
    assert f"Returned by {office.colleague.name}" in form.content.decode()
    assert WHY in form.content.decode()


def test_a_corrected_record_sent_again_is_agreed_afresh_by_everyone(office: Council) -> None:
    record = sent_group(office)
    agree(record, office.worker)
    give_back(record, office.colleague)
    first_copies = set(AttendeeCopy.objects.values_list("pk", flat=True))

    client_for(office.manager).post(reverse("records:send", args=[record.pk]))

    assert state_of(record) == State.SENT
    assert waiting_for(office.worker) == waiting_for(office.colleague) == [record]
    again = Record.objects.get(pk=record.pk).copies()
    assert {c.staff for c in again} == {office.worker, office.colleague}
    assert not first_copies & {c.pk for c in again}
    # What each did with the first sending is kept.
    assert AttendeeCopyTransition.objects.filter(to_state=CopyState.RETURNED, reason=WHY).exists()
    agree(record, office.worker)
    agree(record, office.colleague)
    assert state_of(record) == State.AGREED


def test_it_refuses_a_second_answer_and_anyone_it_was_not_sent_to(office: Council) -> None:
    record = sent_group(office)
    agree(record, office.worker)

    again = agree(record, office.worker)
    assert "has already agreed their copy" in again.content.decode()
    assert state_of(record) == State.SENT
    with pytest.raises(NotAllowed):
        Record.objects.get(pk=record.pk).agree(by=office.manager.user)
    with pytest.raises(NotAllowed):
        Record.objects.get(pk=record.pk).agree(by=office.outsider.user)
    assert agree(record, office.outsider).status_code == 403
    assert AttendeeCopyTransition.objects.count() == 1


def test_a_return_needs_a_reason_and_writes_nothing_without_one(office: Council) -> None:
    record = sent_group(office)
    response = give_back(record, office.colleague, reason="  ")
    assert "say what needs to change" in response.content.decode().lower()
    with pytest.raises(ReasonRequired):
        Record.objects.get(pk=record.pk).return_to_supervisor(by=office.colleague.user, reason="")
    assert state_of(record) == State.SENT
    assert not AttendeeCopyTransition.objects.exists()


def test_the_record_workflow_alone_cannot_agree_it_for_everyone(office: Council) -> None:
    record = sent_group(office)
    with pytest.raises(IncompleteRecord, match=office.colleague.name):
        workflow.apply(Record.objects.get(pk=record.pk), "agree", by=office.worker.user)
    assert state_of(record) == State.SENT


def test_each_answer_is_audited_and_kept(office: Council) -> None:
    record = sent_group(office)
    agree(record, office.worker)
    give_back(record, office.colleague)

    copies = {c.staff: c for c in AttendeeCopy.objects.all()}
    entries = AuditEvent.objects.filter(action="transition", object_type="records.attendeecopy")
    assert {(e.object_id, e.detail["to"]) for e in entries} == {
        (str(copies[office.worker].pk), "agreed"),
        (str(copies[office.colleague].pk), "returned"),
    }
    assert all(e.detail["session"] == record.session_id for e in entries)
    with pytest.raises(AppendOnlyError):
        AttendeeCopyTransition.objects.first().delete()
    with pytest.raises(AppendOnlyError):
        copies[office.worker].delete()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    "postgres" not in os.environ.get("DATABASE_URL", ""),
    reason="SQLite's in-memory test database cannot be shared between threads; "
    "SQLite serialises writers itself",
)
def test_the_last_two_attendees_agreeing_at_once_agree_the_record_once(office: Council) -> None:
    record = sent_group(office)
    start = threading.Barrier(2)
    failed: list[BaseException] = []

    def agree_as(staff: Any) -> None:
        page = Record.objects.get(pk=record.pk)
        start.wait()
        try:
            page.agree(by=staff.user)
        except BaseException as error:  # handed to the main thread to check
            failed.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=agree_as, args=(s,)) for s in (office.worker, office.colleague)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failed == []
    assert state_of(record) == State.AGREED
    assert Record.objects.get(pk=record.pk).history().filter(to_state=State.AGREED).count() == 1


def test_a_group_record_sent_before_copies_existed_asks_each_attendee(office: Council) -> None:
    # Sent as it was before this change: the record's move, and no copy for anyone.
    sent = sent_group(office)
    AttendeeCopy.objects.all().delete()  # a bulk delete: the rows as if never made
    assert waiting_for(office.worker) == []

    migration = importlib.import_module(
        "oversight.records.migrations.0004_group_attendee_agreement"
    )
    migration.copies_for_group_records_with_the_attendees(django_apps, None)

    assert waiting_for(office.worker) == waiting_for(office.colleague) == [sent]
    agree(sent, office.worker)
    agree(sent, office.colleague)
    assert state_of(sent) == State.AGREED
