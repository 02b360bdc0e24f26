"""Booking a one-to-one and writing its record in two parts: professional and case supervision."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone

from oversight.audit.models import AuditEvent
from oversight.records.models import (
    Action,
    ActionStatus,
    AgendaItem,
    CaseNote,
    LearningActivity,
    ProfessionalRecord,
    Record,
)
from oversight.records.workflow import State
from oversight.supervision.models import Session, SessionCase
from tests.council import child, council, smith_children
from tests.factories import LineManagementFactory, StaffWithLoginFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


def state_of(session: Session) -> str:
    # Read afresh: a Record object keeps the state it had when it was loaded.
    return Record.objects.get(pk=session.pk).state


def booking(day: dt.date, **overrides: Any) -> dict[str, Any]:
    data = {
        "kind": "individual",
        "date_day": str(day.day),
        "date_month": str(day.month),
        "date_year": str(day.year),
        "start_time": "14:30",
        "duration_minutes": "90",
        "location": "Meeting room 2",
    }
    data.update(overrides)
    return data


def empty_formset(prefix: str, total: int = 1, initial: int = 0) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def test_it_lets_the_line_manager_book_a_one_to_one_for_their_supervisee(client) -> None:
    team = smith_children(council())
    client.force_login(team.manager_user)
    day = timezone.localdate()

    form = client.get(f"/records/new/?supervisee={team.worker.staff_id}")
    response = client.post(f"/records/new/?supervisee={team.worker.staff_id}", booking(day))

    assert form.status_code == 200
    session = Session.objects.get(supervisee=team.worker)
    assert response.status_code == 302
    assert response["Location"] == f"/records/{session.pk}/"
    assert (session.type, session.date, session.supervisor) == ("individual", day, team.manager)
    assert (session.start_time, session.duration_minutes) == (dt.time(14, 30), 90)
    assert session.location == "Meeting room 2"
    assert state_of(session) == State.DRAFT
    assert AuditEvent.objects.about(session).of_action("create").exists()


def test_it_books_a_case_discussion_when_that_is_chosen(client) -> None:
    team = smith_children(council())
    client.force_login(team.manager_user)

    client.post(
        f"/records/new/?supervisee={team.worker.staff_id}",
        booking(timezone.localdate(), kind="case_discussion"),
    )

    assert Session.objects.get(supervisee=team.worker).type == "case_discussion"


def test_it_lists_the_people_a_manager_can_book_with_when_no_one_is_named(client) -> None:
    team = smith_children(council())
    client.force_login(team.manager_user)

    page = client.get("/records/new/").content.decode()

    assert team.worker.name in page
    assert f"?supervisee={team.worker.staff_id}" in page


def test_it_refuses_booking_with_someone_the_user_does_not_line_manage(client) -> None:
    team = smith_children(council())
    stranger = StaffWithLoginFactory()
    client.force_login(team.manager_user)

    assert client.get(f"/records/new/?supervisee={stranger.staff_id}").status_code == 403
    # The head of service manages the worker through the manager, but does not supervise them.
    client.force_login(team.head.user)
    assert client.get(f"/records/new/?supervisee={team.worker.staff_id}").status_code == 403
    client.force_login(team.worker_user)
    assert client.get(f"/records/new/?supervisee={team.manager.staff_id}").status_code == 403


def test_it_keeps_everything_typed_and_names_the_problem_when_booking_fails(client) -> None:
    team = smith_children(council())
    client.force_login(team.manager_user)

    response = client.post(
        f"/records/new/?supervisee={team.worker.staff_id}",
        booking(
            timezone.localdate(),
            date_day="31",
            date_month="2",
            start_time="25:99",
            duration_minutes="an hour",
            location="The quiet room",
        ),
    )
    page = response.content.decode()

    assert response.status_code == 200
    assert not Session.objects.exists()
    assert "There is a problem" in page
    assert "Date must be a real date" in page
    assert "Enter a real time, like 09:30 or 14:15" in page
    assert "Length must be a whole number of minutes, like 90" in page
    assert 'value="31"' in page
    assert 'value="25:99"' in page
    assert 'value="an hour"' in page
    assert 'value="The quiet room"' in page
    assert "<title>Error: " in page


def test_it_lets_both_people_add_to_the_agenda_before_the_session(client) -> None:
    team = smith_children(council())
    record = team.session()

    client.force_login(team.worker_user)
    client.post(f"/records/{record.pk}/agenda/", {"text": "My training plan"})
    client.force_login(team.manager_user)
    client.post(f"/records/{record.pk}/agenda/", {"text": "Amy's core group"})
    blank = client.post(f"/records/{record.pk}/agenda/", {"text": "  "})

    assert list(AgendaItem.objects.values_list("text", "added_by")) == [
        ("My training plan", team.worker.pk),
        ("Amy's core group", team.manager.pk),
    ]
    assert "Enter what you want to discuss" in blank.content.decode()
    page = client.get(f"/records/{record.pk}/").content.decode()
    assert "My training plan" in page
    assert "Amy&#x27;s core group" in page


def professional_post(team: Any, **overrides: str) -> dict[str, str]:
    data = {
        "welfare": "Finding the caseload heavy since the court case.",
        "workload": "Eighteen children; agreed no new allocations this month.",
        "next_session_date_day": "20",
        "next_session_date_month": "12",
        "next_session_date_year": "2026",
        "next_session_time": "10:00",
        **empty_formset("actions"),
        "actions-0-decision": "Workload is too high.",
        "actions-0-action": "Hold new allocations until the court case ends.",
        "actions-0-due_date_day": "18",
        "actions-0-due_date_month": "12",
        "actions-0-due_date_year": "2026",
        "actions-0-owner": str(team.manager.pk),
        **empty_formset("learning"),
        "learning-0-activity": "Court skills course",
        "learning-0-intended_outcome": "Confidence giving evidence",
        "learning-0-how_it_helped": "Gave evidence calmly on 3 November",
    }
    data.update(overrides)
    return data


def test_it_saves_the_professional_part_with_its_actions_and_learning(client) -> None:
    team = smith_children(council())
    record = team.session()
    client.force_login(team.manager_user)

    form = client.get(f"/records/{record.pk}/write/professional/").content.decode()
    response = client.post(f"/records/{record.pk}/write/professional/", professional_post(team))

    assert "Caseload and workload" in form
    assert "Health and safety" in form
    assert response.status_code == 302
    professional = ProfessionalRecord.objects.get(session=record)
    assert professional.welfare.startswith("Finding the caseload heavy")
    assert timezone.localtime(professional.next_session_at).date() == dt.date(2026, 12, 20)
    action = Action.objects.get(session=record)
    assert (action.case, action.owner, action.due_date) == (
        None,
        team.manager,
        dt.date(2026, 12, 18),
    )
    assert LearningActivity.objects.get(professional_record=professional).activity == (
        "Court skills course"
    )
    # Saving again with the blank new rows changes nothing and adds nothing.
    again = professional_post(team)
    again.update(empty_formset("actions", total=2, initial=1))
    again.update({"actions-0-id": str(action.pk), "actions-1-owner": str(team.worker.pk)})
    again.update(empty_formset("learning", total=2, initial=1))
    again["learning-0-id"] = str(LearningActivity.objects.get().pk)
    assert client.post(f"/records/{record.pk}/write/professional/", again).status_code == 302
    assert Action.objects.count() == 1
    assert LearningActivity.objects.count() == 1


def test_it_shows_the_next_sessions_time_as_typed_and_takes_it_back_on_saving_again(
    client,
) -> None:
    team = smith_children(council())
    record = team.session()
    client.force_login(team.manager_user)
    client.post(f"/records/{record.pk}/write/professional/", professional_post(team))

    form = client.get(f"/records/{record.pk}/write/professional/").content.decode()
    shown = re.search(r'name="next_session_time"[^>]*value="([^"]*)"', form)
    # A browser's saved copy of an older page may still send the seconds: take them too.
    with_seconds = client.post(
        f"/records/{record.pk}/write/professional/",
        professional_post(team, next_session_time="10:00:00"),
    )

    assert shown is not None
    assert shown.group(1) == "10:00"
    assert with_seconds.status_code == 302
    professional = ProfessionalRecord.objects.get(session=record)
    assert timezone.localtime(professional.next_session_at).time() == dt.time(10, 0)


def test_it_keeps_every_field_and_saves_nothing_when_the_professional_part_has_an_error(
    client,
) -> None:
    team = smith_children(council())
    record = team.session()
    client.force_login(team.manager_user)

    response = client.post(
        f"/records/{record.pk}/write/professional/",
        professional_post(team, **{"actions-0-action": "", "actions-0-due_date_day": "40"}),
    )
    page = response.content.decode()

    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Enter the action: who will do what" in page
    assert "Due date must be a real date" in page
    assert "Finding the caseload heavy since the court case." in page
    assert "Workload is too high." in page
    assert "Court skills course" in page
    assert not ProfessionalRecord.objects.exists()
    assert not Action.objects.exists()


def test_it_lists_the_supervisees_caseload_most_urgent_first_with_what_is_due(client) -> None:
    team = smith_children(council())
    record = team.session()
    client.force_login(team.manager_user)

    page = client.get(f"/records/{record.pk}/write/cases/").content.decode()

    assert page.index("Amy Smith") < page.index("Ben Smith") < page.index("Cara Jones")
    assert "Overdue" in page
    assert "Case supervision due" in page


def test_it_records_which_children_were_chosen(client) -> None:
    team = smith_children(council())
    record = team.session()
    client.force_login(team.manager_user)

    response = client.post(
        f"/records/{record.pk}/write/cases/", {"cases": [str(team.amy.pk), str(team.ben.pk)]}
    )

    assert response.status_code == 302
    assert set(SessionCase.objects.filter(session=record).values_list("case", flat=True)) == {
        team.amy.pk,
        team.ben.pk,
    }
    client.post(f"/records/{record.pk}/write/cases/", {"cases": [str(team.amy.pk)]})
    assert list(record.cases.all()) == [team.amy]


def case_note_post(team: Any, **overrides: str) -> dict[str, str]:
    data = {
        "purpose": "Keep Amy safe at home while her mother works on the plan.",
        "plan": "School attendance up from 60% to 85%.",
        "focus": "Amy says she likes her new teacher.",
        "analysis": "Hypothesis: the morning routine helped; alternative: the new class.",
        "seen_alone": "yes",
        "seen_alone_comment": "Seen alone at school on 10 November.",
        "plans_up_to_date": "no",
        "plans_comment": "Core group minutes missing.",
        **empty_formset("actions"),
        "actions-0-decision": "The plan continues: attendance is improving.",
        "actions-0-action": "Chase the core group minutes.",
        "actions-0-desired_outcome": "The plan on file is current.",
        "actions-0-due_date_day": "1",
        "actions-0-due_date_month": "12",
        "actions-0-due_date_year": "2026",
        "actions-0-owner": str(team.worker.pk),
    }
    data.update(overrides)
    return data


def test_it_saves_a_childs_case_supervision_in_the_ppf_template(client) -> None:
    team = smith_children(council())
    record = team.session()
    client.force_login(team.manager_user)
    url = f"/records/{record.pk}/write/cases/{team.amy.pk}/"

    form = client.get(url).content.decode()
    response = client.post(url, case_note_post(team))

    assert "Social GGRRAAACCEEESSS" in form
    assert "govuk-details" in form
    assert "Why are we involved?" in form
    assert response.status_code == 302
    note = CaseNote.objects.get(session=record, case=team.amy)
    assert note.seen_alone == "yes"
    assert note.plans_up_to_date == "no"
    assert note.plans_comment == "Core group minutes missing."
    action = Action.objects.get(session=record)
    assert (action.case, action.owner) == (team.amy, team.worker)
    assert list(record.cases.all()) == [team.amy]
    assert AuditEvent.objects.filter(
        object_type="supervision.session", object_id=str(record.pk), action="change"
    ).exists()


def test_it_keeps_the_note_typed_when_an_action_row_is_incomplete(client) -> None:
    team = smith_children(council())
    record = team.session()
    client.force_login(team.manager_user)

    response = client.post(
        f"/records/{record.pk}/write/cases/{team.amy.pk}/",
        case_note_post(team, **{"actions-0-action": ""}),
    )
    page = response.content.decode()

    assert "Enter the action: who will do what" in page
    assert "School attendance up from 60% to 85%." in page
    assert not CaseNote.objects.exists()


def test_it_marks_the_previous_supervisions_actions_achieved_or_not(client) -> None:
    team = smith_children(council())
    earlier = team.session(timezone.localdate() - dt.timedelta(days=28))
    client.force_login(team.manager_user)
    client.post(
        f"/records/{earlier.pk}/write/cases/{team.amy.pk}/",
        case_note_post(team, **{"actions-0-due_date_year": "2026"}),
    )
    earlier.send_to_worker(by=team.manager_user, on=earlier.date)
    earlier.agree(by=team.worker_user)
    previous_action = Action.objects.get(session=earlier)
    record = team.session()
    url = f"/records/{record.pk}/write/cases/{team.amy.pk}/"

    form = client.get(url).content.decode()
    data = case_note_post(team)
    data.update(
        {
            f"review-{previous_action.pk}-status": "achieved",
            f"review-{previous_action.pk}-comment": "Minutes now on file.",
        }
    )
    client.post(url, data)

    assert "Chase the core group minutes." in form
    previous_action.refresh_from_db()
    assert previous_action.status == ActionStatus.ACHIEVED
    update = previous_action.updates.get()
    assert (update.session_id, update.comment) == (record.pk, "Minutes now on file.")
    detail = client.get(f"/records/{record.pk}/").content.decode()
    assert "Decisions and actions from the previous supervision" in detail
    assert "Minutes now on file." in detail


def test_it_copies_a_note_to_the_childs_brothers_and_sisters(client) -> None:
    team = smith_children(council())
    record = team.session()
    client.force_login(team.manager_user)
    url = f"/records/{record.pk}/write/cases/{team.amy.pk}/"
    client.post(url, case_note_post(team))

    form = client.get(url).content.decode()
    response = client.post(f"{url}copy/")

    assert "Copy to siblings" in form
    assert "Ben Smith" in form
    assert response.status_code == 302
    copy = CaseNote.objects.get(session=record, case=team.ben)
    assert copy.plan == "School attendance up from 60% to 85%."
    assert Action.objects.filter(session=record, case=team.ben).count() == 1


def test_it_lets_only_the_supervisor_write_the_record(client) -> None:
    team = smith_children(council())
    record = team.session()
    pages = [
        f"/records/{record.pk}/write/",
        f"/records/{record.pk}/write/professional/",
        f"/records/{record.pk}/write/cases/",
        f"/records/{record.pk}/write/cases/{team.amy.pk}/",
    ]

    for user in (team.worker_user, team.head.user):
        client.force_login(user)
        for url in pages:
            assert client.get(url).status_code == 403, url
    client.force_login(team.manager_user)
    for url in pages:
        assert client.get(url).status_code == 200, url


def test_it_refuses_a_child_who_is_not_on_the_supervisees_caseload(client) -> None:
    team = smith_children(council())
    elsewhere = child(team.outsider, name="Zara Lee")  # another team's child
    record = team.session()
    client.force_login(team.manager_user)

    response = client.get(f"/records/{record.pk}/write/cases/{elsewhere.pk}/")

    assert response.status_code == 404


def test_it_keeps_a_draft_from_the_supervisee_until_it_is_sent(client) -> None:
    team = smith_children(council())
    record = team.session()
    client.force_login(team.manager_user)
    client.post(f"/records/{record.pk}/write/cases/{team.amy.pk}/", case_note_post(team))

    client.force_login(team.worker_user)
    draft = client.get(f"/records/{record.pk}/").content.decode()
    record.send_to_worker(by=team.manager_user)
    sent = client.get(f"/records/{record.pk}/").content.decode()

    assert "is still writing this record" in draft
    assert "School attendance up from 60% to 85%." not in draft
    assert "School attendance up from 60% to 85%." in sent


def test_it_audits_every_view_of_the_record_page(client) -> None:
    team = smith_children(council())
    record = team.session()
    client.force_login(team.worker_user)

    client.get(f"/records/{record.pk}/")
    client.get(f"/records/{record.pk}/")

    views = AuditEvent.objects.filter(
        object_type="supervision.session", object_id=str(record.pk), action="view"
    )
    assert views.count() == 2
    assert set(views.values_list("actor", flat=True)) == {team.worker_user.pk}


def test_it_lets_a_deputy_book_for_the_manager_they_cover(client) -> None:
    from tests.factories import DelegationFactory

    team = smith_children(council())
    deputy = StaffWithLoginFactory(category="manager")
    LineManagementFactory(staff=deputy, manager=team.head)
    today = timezone.localdate()
    DelegationFactory(from_manager=team.manager, deputy=deputy, start_date=today, end_date=today)
    client.force_login(deputy.user)

    client.post(f"/records/new/?supervisee={team.worker.staff_id}", booking(today))

    assert Session.objects.get(supervisee=team.worker).supervisor == deputy
