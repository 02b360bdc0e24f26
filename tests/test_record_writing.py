"""The domain operations that write supervision records (oversight.records.writing): called with
an Actor, never a request, each saves its part and audits it under the actor's name and address."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import RequestFactory

from oversight.audit.actor import Actor
from oversight.audit.models import AuditEvent
from oversight.records import writing
from oversight.records.models import (
    Action,
    CaseNote,
    ChairReview,
    GroupRecord,
    OversightNote,
    PracticeObservation,
    ProfessionalRecord,
    Record,
)
from oversight.records.workflow import RecordLocked
from oversight.supervision.models import Session, SessionCase
from tests.council import TODAY, conference_children, council, smith_children

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

ADDRESS = "192.0.2.7"


def entries(session: Session, action: str) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            object_type="supervision.session", object_id=str(session.pk), action=action
        )
    )


def action_row(owner: Any, **changes: Any) -> dict[str, Any]:
    return {
        "id": None,
        "decision": "The plan continues.",
        "action": "Chase the core group minutes.",
        "desired_outcome": "The plan on file is current.",
        "due_date": TODAY + dt.timedelta(days=14),
        "owner": owner,
        "remove": False,
        **changes,
    }


def test_it_makes_an_actor_from_a_request_with_the_client_address() -> None:
    org = conference_children(council())
    request = RequestFactory().get("/", REMOTE_ADDR=ADDRESS)
    request.user = org.manager.user

    assert Actor.from_request(request) == Actor(org.manager.user, ADDRESS)


def test_it_saves_management_oversight_and_audits_it_with_the_actors_address() -> None:
    org = conference_children(council())
    by = Actor(org.manager.user, ADDRESS)
    data = {
        "type": "management_oversight",
        "date": TODAY,
        "worker": org.worker,
        "discussion": "New bruising reported by school.",
        "decision": "  Convene a strategy discussion.  ",
        "rationale": "Threshold met.",
    }

    session = writing.save_oversight(
        by=by,
        session=None,
        author=org.manager,
        case=org.case,
        data=data,
        actions=[action_row(org.worker)],
    )

    note = OversightNote.objects.get(session=session)
    assert (note.case, note.decision) == (org.case, "Convene a strategy discussion.")
    assert Action.objects.get(session=session).case == org.case
    [created] = entries(session, "create")
    assert (created.actor, created.ip_address) == (org.manager.user, ADDRESS)
    assert created.detail["case"] == org.case.case_id


def test_it_names_what_changed_and_removes_an_action_when_oversight_is_saved_again() -> None:
    org = conference_children(council())
    by = Actor(org.manager.user, ADDRESS)
    data = {
        "type": "management_oversight",
        "date": TODAY,
        "worker": org.worker,
        "discussion": "",
        "decision": "Convene a strategy discussion.",
        "rationale": "Threshold met.",
    }
    session = writing.save_oversight(
        by=by,
        session=None,
        author=org.manager,
        case=org.case,
        data=data,
        actions=[action_row(org.worker)],
    )
    action = Action.objects.get()

    writing.save_oversight(
        by=by,
        session=session,
        author=org.manager,
        case=org.case,
        data={**data, "decision": "Section 47 enquiry to start."},
        actions=[action_row(org.worker, id=action.pk, remove=True)],
    )

    assert not Action.objects.exists()
    [changed] = entries(session, "change")
    assert changed.detail["changed"] == ["decision", f"action {action.pk} removed"]
    assert changed.ip_address == ADDRESS


def test_it_stores_no_empty_oversight_note() -> None:
    org = conference_children(council())
    blank = {"discussion": "", "decision": "", "rationale": ""}

    session = writing.save_oversight(
        by=Actor(org.manager.user),
        session=None,
        author=org.manager,
        case=org.case,
        data={"type": "case_discussion", "date": TODAY, "worker": org.worker, **blank},
        actions=[],
    )

    assert session.type == "case_discussion"
    assert not OversightNote.objects.exists()
    assert list(session.cases.all()) == [org.case]


def test_it_saves_a_group_record_with_its_attendees_and_children() -> None:
    org = conference_children(council())
    data = {
        "date": TODAY,
        "facilitator": org.manager,
        "presented_by": org.worker,
        "attendees": [org.worker, org.colleague],
        "cases": [org.case],
        "presentation": "Neglect case.",
        "hypotheses": "Parental mental health.",
        "learning": "Use the graded care profile.",
    }

    session = writing.save_group(
        by=Actor(org.manager.user, ADDRESS),
        session=None,
        author=org.manager,
        team=org.team,
        data=data,
        actions=[],
    )

    group = GroupRecord.objects.get(session=session)
    assert set(group.attendees.all()) == {org.worker, org.colleague}
    assert list(session.cases.all()) == [org.case]
    assert entries(session, "create")[0].detail["team"] == org.team.name


def test_it_saves_a_practice_observation() -> None:
    org = conference_children(council())
    data = {
        "date": TODAY,
        "setting": "home_visit",
        "setting_detail": "",
        "strengths": "Warm with the child.",
        "areas_for_development": "Record the visit sooner.",
        "worker_reflection": "",
    }

    session = writing.save_observation(
        by=Actor(org.manager.user, ADDRESS),
        session=None,
        author=org.manager,
        worker=org.worker,
        data=data,
        actions=[action_row(org.worker)],
    )

    assert PracticeObservation.objects.get(session=session).strengths == "Warm with the child."
    assert Action.objects.get(session=session).case is None
    assert entries(session, "create")[0].ip_address == ADDRESS


def test_it_saves_a_chairs_reviews_and_drops_a_child_taken_off() -> None:
    org = conference_children(council())
    by = Actor(org.chairs_manager.user, ADDRESS)
    answers = {"plan_effective": "Yes: attendance is up."}
    session = writing.save_chair(
        by=by,
        session=None,
        author=org.chairs_manager,
        chair=org.chair,
        day=TODAY,
        reviews={org.cp_case_near: answers, org.cp_case_new: answers},
        actions=[],
    )

    writing.save_chair(
        by=by,
        session=session,
        author=org.chairs_manager,
        chair=org.chair,
        day=TODAY,
        reviews={org.cp_case_near: answers},
        actions=[],
    )

    assert list(ChairReview.objects.values_list("case", flat=True)) == [org.cp_case_near.pk]
    assert list(session.cases.all()) == [org.cp_case_near]
    [changed] = entries(session, "change")
    assert f"review of {org.cp_case_new.case_id} removed" in changed.detail["changed"]


def test_it_books_a_one_to_one_and_audits_the_booking() -> None:
    org = smith_children(council())

    session = writing.book_supervision(
        by=Actor(org.manager_user, ADDRESS),
        supervisor=org.manager,
        supervisee=org.worker,
        kind="individual",
        date=TODAY,
        start_time=dt.time(10, 0),
        duration_minutes=90,
        location="Room 2",
    )

    assert (session.supervisor, session.supervisee, session.location) == (
        org.manager,
        org.worker,
        "Room 2",
    )
    assert AuditEvent.objects.get(action="create").ip_address == ADDRESS


def test_it_saves_the_professional_part_and_a_childs_note_of_a_one_to_one() -> None:
    org = smith_children(council())
    record = org.session()
    by = Actor(org.manager_user, ADDRESS)

    writing.save_professional(
        record,
        by=by,
        professional=ProfessionalRecord(welfare="Caseload heavy."),
        learning=[],
        learning_removed=[],
        actions=[action_row(org.worker, desired_outcome="")],
        reviews=[],
    )
    writing.choose_cases(record, {org.amy.pk}, by=by)
    writing.save_case_note(
        record,
        by=by,
        note=CaseNote(session=record, case=org.amy, purpose="Keep Amy safe."),
        actions=[action_row(org.worker)],
        reviews=[],
    )

    assert ProfessionalRecord.objects.get(session=record).welfare == "Caseload heavy."
    assert CaseNote.objects.get(session=record).case == org.amy
    assert set(Action.objects.values_list("case", flat=True)) == {None, org.amy.pk}
    details = [e.detail for e in entries(record, "change")]
    assert details == [
        {"part": "professional"},
        {"cases_discussed": [org.amy.pk]},
        {"part": "case_note", "case": org.amy.case_id},
    ]
    assert {e.ip_address for e in entries(record, "change")} == {ADDRESS}


def test_it_takes_a_child_out_of_a_one_to_one_with_their_note_and_actions() -> None:
    org = smith_children(council())
    record = org.session()
    by = Actor(org.manager_user, ADDRESS)
    writing.save_case_note(
        record,
        by=by,
        note=CaseNote(session=record, case=org.amy, purpose="Keep Amy safe."),
        actions=[action_row(org.worker)],
        reviews=[],
    )

    writing.remove_case(record, org.amy, by=by)

    assert not CaseNote.objects.exists()
    assert not Action.objects.exists()
    assert not SessionCase.objects.filter(session=record).exists()
    assert entries(record, "delete")[0].detail == {"removed_case": org.amy.case_id}


def test_it_refuses_to_write_a_record_no_longer_with_its_author() -> None:
    org = smith_children(council())
    record = org.session()
    by = Actor(org.manager_user, ADDRESS)
    writing.save_case_note(
        record,
        by=by,
        note=CaseNote(session=record, case=org.amy, purpose="Keep Amy safe."),
        actions=[],
        reviews=[],
    )
    Record.of(record).send_to_worker(by=org.manager_user)

    with pytest.raises(RecordLocked):
        writing.remove_case(record, org.amy, by=by)

    assert CaseNote.objects.filter(session=record).exists()
