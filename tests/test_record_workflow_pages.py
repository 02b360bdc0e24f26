"""The record page: sending, agreeing and returning, addenda, disagreements, history, the list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from oversight.formatting import long_date
from oversight.records.models import Addendum, Disagreement, ProfessionalRecord, Record
from oversight.records.workflow import State
from oversight.supervision.models import Session, SessionCase
from tests.council import council, smith_children
from tests.factories import CaseNoteFactory, LineManagementFactory, StaffWithLoginFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


def state_of(session: Session) -> str:
    # Read afresh: a Record object keeps the state it had when it was loaded.
    return Record.objects.get(pk=session.pk).state


REASON = "The home visit was on 28 February, not 3 March."


def written(team, day: dt.date | None = None) -> Record:
    record = team.session(day)
    CaseNoteFactory(session=record, case=team.amy)
    return record


def test_it_sends_the_record_to_the_worker_and_sets_the_recorded_date(client) -> None:
    team = smith_children(council())
    record = written(team)
    client.force_login(team.manager_user)

    page = client.get(f"/records/{record.pk}/").content.decode()
    response = client.post(f"/records/{record.pk}/send/", follow=True)

    assert f"Send to {team.worker.name}" in page
    assert state_of(record) == State.SENT
    record.refresh_from_db()
    assert record.recorded_date == timezone.localdate()
    sent = response.content.decode()
    assert f"Record sent to {team.worker.name} to agree" in sent
    assert "Sent to the worker" in sent  # the history row


def test_it_explains_why_a_record_cannot_be_sent_while_a_child_has_no_note(client) -> None:
    team = smith_children(council())
    record = written(team)
    SessionCase.objects.create(session=record, case=team.ben)
    client.force_login(team.manager_user)

    response = client.post(f"/records/{record.pk}/send/")
    page = response.content.decode()

    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Write a note for every child discussed before sending" in page
    assert "Ben Smith" in page
    assert state_of(record) == State.DRAFT


def test_it_refuses_to_send_a_one_to_one_with_nothing_written(client) -> None:
    team = smith_children(council())
    record = team.session()
    # A professional part saved with every topic left blank is still nothing written.
    ProfessionalRecord.objects.create(session=record, welfare="  ")
    client.force_login(team.manager_user)

    response = client.post(f"/records/{record.pk}/send/")
    page = response.content.decode()

    assert response.status_code == 200
    assert "There is a problem" in page
    assert "There is nothing in this record to send" in page
    assert "Write the professional part, or a note for a child discussed" in page
    assert state_of(record) == State.DRAFT


def test_it_sends_a_one_to_one_with_only_its_professional_part_written(client) -> None:
    team = smith_children(council())
    record = team.session()
    ProfessionalRecord.objects.create(session=record, welfare="Managing well.")

    record.send_to_worker(by=team.manager_user)

    assert state_of(record) == State.SENT


def test_it_needs_a_reason_to_return_a_record_and_keeps_the_state(client) -> None:
    team = smith_children(council())
    record = written(team)
    record.send_to_worker(by=team.manager_user)
    client.force_login(team.worker_user)

    response = client.post(f"/records/{record.pk}/return/", {"reason": "   "})
    page = response.content.decode()

    assert "There is a problem" in page
    assert 'href="#id_reason"' in page
    assert "Enter why you are returning the record" in page
    assert "govuk-textarea--error" in page
    assert state_of(record) == State.SENT


def test_it_returns_the_record_with_the_reason_shown_in_its_history(client) -> None:
    team = smith_children(council())
    record = written(team)
    record.send_to_worker(by=team.manager_user)
    client.force_login(team.worker_user)

    client.post(f"/records/{record.pk}/return/", {"reason": REASON})

    assert state_of(record) == State.RETURNED
    client.force_login(team.manager_user)
    page = client.get(f"/records/{record.pk}/").content.decode()
    assert "Returned to the supervisor" in page
    assert "28 February, not 3 March" in page
    assert client.get(f"/records/{record.pk}/write/").status_code == 200


def test_it_shows_the_supervisor_why_the_record_was_returned_at_the_top_of_its_page(
    client,
) -> None:
    team = smith_children(council())
    record = written(team)
    record.send_to_worker(by=team.manager_user)
    record.return_to_supervisor(by=team.worker_user, reason=REASON)
    client.force_login(team.manager_user)

    page = client.get(f"/records/{record.pk}/").content.decode()
    returned = f"Returned by {team.worker.name} on {long_date(timezone.localdate())}"

    assert returned in page
    assert page.index(returned) < page.index(REASON) < page.index('class="govuk-summary-list"')
    record.send_to_worker(by=team.manager_user)
    assert "Returned by" not in client.get(f"/records/{record.pk}/").content.decode()


def test_it_locks_the_record_once_the_worker_agrees(client) -> None:
    team = smith_children(council())
    record = written(team)
    record.send_to_worker(by=team.manager_user)
    client.force_login(team.worker_user)

    client.post(f"/records/{record.pk}/agree/")
    client.force_login(team.manager_user)
    refused = client.get(f"/records/{record.pk}/write/cases/{team.amy.pk}/")
    detail = client.get(f"/records/{record.pk}/").content.decode()

    assert state_of(record) == State.AGREED
    assert refused.status_code == 403
    assert "This record has been agreed and cannot be changed" in refused.content.decode()
    assert "add an addendum" in refused.content.decode()
    assert "Edit the record" not in detail


def test_it_says_a_record_from_the_councils_own_system_is_corrected_by_addendum(client) -> None:
    team = smith_children(council())
    day = timezone.localdate() - dt.timedelta(days=7)
    record = team.session(day, recorded_date=day)
    client.force_login(team.manager_user)

    detail = client.get(f"/records/{record.pk}/").content.decode()

    assert state_of(record) == State.IMPORTED
    assert "written in the council&#x27;s own system and cannot be changed here" in detail
    assert "has been agreed" not in detail


def test_it_refuses_a_post_to_a_locked_record(client) -> None:
    team = smith_children(council())
    record = written(team)
    record.send_to_worker(by=team.manager_user)
    client.force_login(team.manager_user)

    response = client.post(
        f"/records/{record.pk}/write/cases/{team.amy.pk}/", {"purpose": "Changed after sending"}
    )

    assert response.status_code == 403
    assert "with the worker to agree" in response.content.decode()
    assert "Changed after sending" not in str(record.case_notes.get().purpose)


def test_it_lets_only_the_supervisee_agree_or_return(client) -> None:
    team = smith_children(council())
    record = written(team)
    record.send_to_worker(by=team.manager_user)
    client.force_login(team.manager_user)

    page = client.get(f"/records/{record.pk}/").content.decode()

    assert client.post(f"/records/{record.pk}/agree/").status_code == 403
    assert client.post(f"/records/{record.pk}/return/", {"reason": REASON}).status_code == 403
    assert f'action="/records/{record.pk}/agree/"' not in page
    assert state_of(record) == State.SENT


def test_it_lets_the_author_add_an_addendum_once_the_record_is_agreed(client) -> None:
    team = smith_children(council())
    record = written(team)
    client.force_login(team.manager_user)
    early = client.post(f"/records/{record.pk}/addenda/", {"text": "Too early"})
    record.send_to_worker(by=team.manager_user)
    record.agree(by=team.worker_user)

    client.force_login(team.worker_user)
    by_worker = client.post(f"/records/{record.pk}/addenda/", {"text": "Not mine to add"})
    client.force_login(team.manager_user)
    blank = client.post(f"/records/{record.pk}/addenda/", {"text": ""})
    client.post(
        f"/records/{record.pk}/addenda/", {"text": "Visit was on 28 February.", "case": team.amy.pk}
    )

    assert "Edit it instead" in early.content.decode()
    assert by_worker.status_code == 403
    assert "Enter the correction or addition" in blank.content.decode()
    addendum = Addendum.objects.get()
    assert (addendum.text, addendum.case, addendum.author) == (
        "Visit was on 28 February.",
        team.amy,
        team.manager,
    )
    assert "Visit was on 28 February." in client.get(f"/records/{record.pk}/").content.decode()


def test_it_takes_a_disagreement_to_a_three_way_meeting_with_the_supervisors_manager(
    client,
) -> None:
    team = smith_children(council())
    record = written(team)
    record.send_to_worker(by=team.manager_user)
    client.force_login(team.worker_user)
    client.post(
        f"/records/{record.pk}/disagreements/",
        {"what": "Whether Amy should stay at home", "proposed_resolution": "Ask the head"},
    )
    disagreement = Disagreement.objects.get()
    meeting = timezone.localdate() + dt.timedelta(days=7)

    client.post(
        f"/records/{record.pk}/disagreements/{disagreement.pk}/escalate/",
        {
            f"escalate-{disagreement.pk}-meeting_date_day": str(meeting.day),
            f"escalate-{disagreement.pk}-meeting_date_month": str(meeting.month),
            f"escalate-{disagreement.pk}-meeting_date_year": str(meeting.year),
        },
    )
    disagreement.refresh_from_db()
    assert (disagreement.status, disagreement.escalated_to) == (
        "escalated",
        team.manager.line_manager_on(meeting),
    )
    # Once escalated only the head (the supervisor's line manager) records the outcome.
    client.force_login(team.manager_user)
    refused = client.post(
        f"/records/{record.pk}/disagreements/{disagreement.pk}/resolve/",
        {f"resolve-{disagreement.pk}-outcome": "Manager decides"},
    )
    client.force_login(team.head.user)
    page = client.get(f"/records/{record.pk}/").content.decode()
    client.post(
        f"/records/{record.pk}/disagreements/{disagreement.pk}/resolve/",
        {f"resolve-{disagreement.pk}-outcome": "Amy stays at home; review in 4 weeks."},
    )

    assert refused.status_code == 403
    assert "Record the outcome" in page
    disagreement.refresh_from_db()
    assert disagreement.status == "resolved"
    assert disagreement.resolved_by == team.head


def test_it_shows_a_disagreement_form_error_and_keeps_the_text(client) -> None:
    team = smith_children(council())
    record = written(team)
    client.force_login(team.worker_user)

    response = client.post(
        f"/records/{record.pk}/disagreements/", {"what": "", "proposed_resolution": "Kept text"}
    )
    page = response.content.decode()

    assert "Enter what the disagreement is about" in page
    assert "Kept text" in page
    assert not Disagreement.objects.exists()


def test_it_refuses_the_record_page_to_someone_who_does_not_supervise_the_worker(client) -> None:
    team = smith_children(council())
    record = written(team)
    client.force_login(StaffWithLoginFactory().user)

    assert client.get(f"/records/{record.pk}/").status_code == 403
    assert client.get("/records/999999/").status_code == 404


def test_it_shows_another_type_of_record_with_a_plain_summary(client) -> None:
    team = smith_children(council())
    record = team.session(type="management_oversight")
    client.force_login(team.manager_user)

    response = client.get(f"/records/{record.pk}/")

    assert response.status_code == 200
    assert "Management oversight" in response.content.decode()


def test_it_lists_records_by_what_the_user_has_to_do(client) -> None:
    team = smith_children(council())
    day = timezone.localdate()
    draft = written(team, day)
    sent = written(team, day - dt.timedelta(days=1))
    sent.send_to_worker(by=team.manager_user)
    agreed = written(team, day - dt.timedelta(days=2))
    agreed.send_to_worker(by=team.manager_user)
    agreed.agree(by=team.worker_user)
    hidden = Record.objects.create(
        type="individual", date=day, supervisor=team.other_manager, supervisee=team.outsider
    )

    client.force_login(team.manager_user)
    mine = client.get("/records/?show=to-write").content.decode()
    everything = client.get("/records/").content.decode()
    client.force_login(team.worker_user)
    waiting = client.get("/records/?show=waiting").content.decode()
    done = client.get("/records/?show=agreed").content.decode()

    def shows(page: str, record: Record) -> bool:
        return f'href="/records/{record.pk}/"' in page

    assert shows(mine, draft)
    assert not shows(mine, sent)
    assert not shows(mine, agreed)
    assert all(shows(everything, r) for r in (draft, sent, agreed))
    assert not shows(everything, hidden)
    assert shows(waiting, sent)
    assert not shows(waiting, draft)
    assert shows(done, agreed)
    assert not shows(done, sent)


def test_it_pages_a_long_list_of_records(client) -> None:
    team = smith_children(council())
    for days in range(60):
        team.session(timezone.localdate() - dt.timedelta(days=days))
    client.force_login(team.manager_user)

    first = client.get("/records/").content.decode()
    second = client.get("/records/?page=2").content.decode()

    assert first.count('<tr class="govuk-table__row">') == 51  # header and 50 rows
    assert 'aria-label="Pagination"' in first
    assert 'href="?show=all&amp;page=2" aria-label="Page 2"' in first  # the filter is kept
    assert second.count('<tr class="govuk-table__row">') == 11


def test_it_sends_a_deputys_manager_nothing_they_cannot_see(client) -> None:
    # A manager's line manager can read the record (and decide an escalated disagreement) but
    # has no moves on it.
    team = smith_children(council())
    record = written(team)
    record.send_to_worker(by=team.manager_user)
    LineManagementFactory(staff=team.head, manager=StaffWithLoginFactory(category="manager"))
    client.force_login(team.head.user)

    page = client.get(f"/records/{record.pk}/").content.decode()

    assert client.post(f"/records/{record.pk}/agree/").status_code == 403
    assert "Return to supervisor" not in page
