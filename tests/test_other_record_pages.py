"""The pages that write management oversight, group reflective supervision, practice
observations and a conference chair's dedicated supervision (issue 4 §6)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from oversight.audit.models import AuditEvent
from oversight.records.models import (
    Action,
    ChairReview,
    GroupRecord,
    OversightNote,
    PracticeObservation,
    Record,
)
from oversight.supervision.models import Session
from tests.council import TODAY, Council, conference_children, council, date_fields, no_actions

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

YESTERDAY = TODAY - dt.timedelta(days=1)


@pytest.fixture
def office() -> Council:
    return conference_children(council())


def client_for(staff: Any) -> Client:
    client = Client()
    client.force_login(staff.user)
    return client


def edit_url(session: Session) -> str:
    return reverse("records:edit_other", args=[session.pk])


def audited(action: str, session: Session) -> bool:
    return AuditEvent.objects.filter(
        action=action, object_type="supervision.session", object_id=str(session.pk)
    ).exists()


def send(session: Session, by: Any) -> Record:
    record = Record.of(session)
    record.send_to_worker(by=by.user)
    return record


# Management oversight -------------------------------------------------------------------------


def oversight_post(office: Council, **changes: Any) -> dict[str, Any]:
    data = {
        "type": "management_oversight",
        **date_fields("date", YESTERDAY),
        "worker": str(office.worker.pk),
        "discussion": "School reported new bruising on Milo's arm.",
        "decision": "Convene a strategy discussion today.",
        "rationale": "Threshold for section 47 enquiries is met.",
        **no_actions(1),
        "actions-0-action": "Arrange the strategy discussion with police and health.",
        "actions-0-owner": str(office.worker.pk),
        **date_fields("actions-0-due_date", TODAY),
        "save": "1",
    }
    data.update(changes)
    return data


def new_oversight_url(office: Council, case: Any = None) -> str:
    return reverse("records:oversight_new") + f"?case={(case or office.case).case_id}"


def test_it_creates_a_management_oversight_record_on_a_child(office: Council) -> None:
    response = client_for(office.manager).post(new_oversight_url(office), oversight_post(office))

    session = Session.objects.get(type="management_oversight")
    assert response.status_code == 302
    assert response["Location"] == reverse("records:detail", args=[session.pk])
    assert (session.supervisor, session.supervisee, session.date) == (
        office.manager,
        office.worker,
        YESTERDAY,
    )
    note = OversightNote.objects.get(session=session)
    assert (note.case, note.decision) == (office.case, "Convene a strategy discussion today.")
    action = Action.objects.get(session=session)
    assert (action.case, action.owner, action.due_date) == (office.case, office.worker, TODAY)
    assert Record.of(session).state == "draft"
    assert audited("create", session)


def test_it_records_an_ad_hoc_case_discussion_when_chosen(office: Council) -> None:
    client_for(office.manager).post(
        new_oversight_url(office), oversight_post(office, type="case_discussion")
    )

    assert Session.objects.get().type == "case_discussion"


def test_it_offers_the_allocated_worker_and_shows_the_recording_deadline(
    office: Council, settings: Any
) -> None:
    settings.OVERSIGHT_POLICY = "newham"
    page = client_for(office.manager).get(new_oversight_url(office)).content.decode()

    assert f'<option value="{office.worker.pk}" selected>' in page
    assert "record it within 1 day (newham 3.1)" in page


def test_it_shows_when_a_saved_record_is_due(office: Council, settings: Any) -> None:
    settings.OVERSIGHT_POLICY = "newham"
    client = client_for(office.manager)
    client.post(new_oversight_url(office), oversight_post(office))

    page = client.get(edit_url(Session.objects.get())).content.decode()

    assert f"Record this by <strong>{TODAY:%-d %B %Y}</strong>" in page


def test_it_says_bedford_allows_three_working_days_for_a_case_discussion(
    office: Council, settings: Any
) -> None:
    settings.OVERSIGHT_POLICY = "bedford"
    page = client_for(office.manager).get(new_oversight_url(office)).content.decode()

    assert "Case discussion: record it within 3 working days (bedford 3)" in page
    assert "Management oversight: the policy sets no recording deadline" in page


def test_it_saves_a_draft_without_a_decision_but_not_a_full_save(office: Council) -> None:
    client = client_for(office.manager)
    blank = {"decision": "", "rationale": "", **no_actions(1)}

    refused = client.post(new_oversight_url(office), oversight_post(office, **blank))
    assert refused.status_code == 200
    assert "Enter the decision" in refused.content.decode()
    assert not Session.objects.exists()

    draft = {k: v for k, v in oversight_post(office, **blank).items() if k != "save"}
    saved = client.post(new_oversight_url(office), {**draft, "draft": "1"})
    assert saved.status_code == 302
    # Something was written, so there is a note to finish later.
    assert OversightNote.objects.get().discussion.startswith("School reported")


def test_it_edits_the_oversight_record_while_it_is_a_draft(office: Council) -> None:
    client = client_for(office.manager)
    client.post(new_oversight_url(office), oversight_post(office))
    session = Session.objects.get()
    action = Action.objects.get()

    page = client.get(edit_url(session)).content.decode()
    assert "Convene a strategy discussion today." in page
    assert audited("view", session)

    changed = oversight_post(
        office,
        decision="Strategy discussion held; section 47 enquiry to start.",
        **{
            "actions-INITIAL_FORMS": "1",
            "actions-0-id": str(action.pk),
            "actions-0-remove": "on",
        },
    )
    response = client.post(edit_url(session), changed)

    assert response.status_code == 302
    assert OversightNote.objects.get().decision.startswith("Strategy discussion held")
    assert not Action.objects.exists()
    assert audited("change", session)


@pytest.mark.parametrize("then", ["sent", "agreed"])
def test_it_refuses_to_edit_oversight_once_sent_or_agreed(office: Council, then: str) -> None:
    client = client_for(office.manager)
    client.post(new_oversight_url(office), oversight_post(office))
    session = Session.objects.get()
    record = send(session, office.manager)
    if then == "agreed":
        record.agree(by=office.worker.user)

    assert client.get(edit_url(session)).status_code == 403
    response = client.post(edit_url(session), oversight_post(office, decision="Rewritten"))
    assert response.status_code == 403
    assert OversightNote.objects.get().decision == "Convene a strategy discussion today."


def test_it_refuses_another_teams_manager(office: Council) -> None:
    client_for(office.manager).post(new_oversight_url(office), oversight_post(office))
    session = Session.objects.get()
    stranger = client_for(office.other_manager)

    assert stranger.get(new_oversight_url(office)).status_code == 403
    assert stranger.post(new_oversight_url(office), oversight_post(office)).status_code == 403
    assert stranger.get(edit_url(session)).status_code == 403
    assert stranger.post(edit_url(session), oversight_post(office)).status_code == 403
    assert Session.objects.count() == 1


def test_it_refuses_a_worker_the_manager_does_not_supervise(office: Council) -> None:
    data = oversight_post(office, worker=str(office.outsider.pk))
    response = client_for(office.manager).post(new_oversight_url(office), data)

    assert response.status_code == 200
    assert "Choose a worker you supervise" in response.content.decode()
    assert not Session.objects.exists()


def test_it_keeps_every_field_when_oversight_has_errors(office: Council) -> None:
    data = oversight_post(
        office,
        **{"date_day": "31", "date_month": "2", "actions-0-owner": ""},
    )
    response = client_for(office.manager).post(new_oversight_url(office), data)
    page = response.content.decode()

    assert response.status_code == 200
    assert page.startswith("<!DOCTYPE html>")
    assert "<title>Error:" in page
    assert "Date of the discussion must be a real date" in page
    assert "Choose who is responsible for the action" in page
    assert "School reported new bruising on Milo&#x27;s arm." in page
    assert "Threshold for section 47 enquiries is met." in page
    assert "Arrange the strategy discussion with police and health." in page
    assert 'value="31"' in page
    assert not Session.objects.exists()


def test_it_adds_an_action_row_without_saving_or_losing_anything(office: Council) -> None:
    data = oversight_post(office, add_action="1")
    del data["save"]
    response = client_for(office.manager).post(new_oversight_url(office), data)
    page = response.content.decode()

    assert response.status_code == 200
    assert 'name="actions-1-action"' in page
    assert "Arrange the strategy discussion with police and health." in page
    assert "There is a problem" not in page
    assert not Session.objects.exists()


def test_it_refuses_a_date_in_the_future(office: Council) -> None:
    data = oversight_post(office, **date_fields("date", TODAY + dt.timedelta(days=2)))
    response = client_for(office.manager).post(new_oversight_url(office), data)

    assert "Date of the discussion must be today or in the past" in response.content.decode()


# Group reflective supervision --------------------------------------------------------------------


def group_url(office: Council, team: Any = None) -> str:
    return reverse("records:group_new") + f"?team={(team or office.team).pk}"


def group_post(office: Council, **changes: Any) -> dict[str, Any]:
    data = {
        **date_fields("date", YESTERDAY),
        "facilitator": str(office.manager.pk),
        "attendees": [str(office.worker.pk), str(office.colleague.pk)],
        "presented_by": str(office.worker.pk),
        "cases": "c-milo",
        "presentation": "Milo's mother has stopped engaging since the bereavement.",
        "hypotheses": "Is the withdrawal grief rather than neglect?",
        "learning": "Use a genogram before the next visit.",
        **no_actions(1),
        "save": "1",
    }
    data.update(changes)
    return data


def test_it_creates_a_group_record_for_the_team(office: Council) -> None:
    response = client_for(office.manager).post(group_url(office), group_post(office))

    assert response.status_code == 302
    session = Session.objects.get(type="group")
    assert (session.team, session.supervisor, session.supervisee) == (
        office.team,
        office.manager,
        None,
    )
    group = GroupRecord.objects.get(session=session)
    assert set(group.attendees.all()) == {office.worker, office.colleague}
    assert group.presented_by == office.worker
    assert list(session.cases.all()) == [office.case]
    assert audited("create", session)


def test_it_lists_the_teams_active_staff_as_attendees(office: Council) -> None:
    page = client_for(office.manager).get(group_url(office)).content.decode()

    assert 'name="attendees"' in page
    assert office.worker.name in page
    assert office.colleague.name in page
    assert office.outsider.name not in page


def test_it_edits_the_group_record_while_it_is_a_draft(office: Council) -> None:
    client = client_for(office.manager)
    client.post(group_url(office), group_post(office))
    session = Session.objects.get()

    response = client.post(
        edit_url(session), group_post(office, attendees=[str(office.worker.pk)], learning="New")
    )

    assert response.status_code == 302
    group = GroupRecord.objects.get()
    assert list(group.attendees.all()) == [office.worker]
    assert group.learning == "New"


@pytest.mark.parametrize("then", ["sent", "agreed"])
def test_it_refuses_to_edit_a_group_record_once_sent_or_agreed(office: Council, then: str) -> None:
    client = client_for(office.manager)
    client.post(group_url(office), group_post(office))
    session = Session.objects.get()
    record = send(session, office.manager)
    if then == "agreed":
        record.agree(by=office.colleague.user)

    assert client.get(edit_url(session)).status_code == 403
    assert client.post(edit_url(session), group_post(office, learning="X")).status_code == 403
    assert GroupRecord.objects.get().learning == "Use a genogram before the next visit."


def test_it_refuses_a_group_record_for_another_team(office: Council) -> None:
    client_for(office.manager).post(group_url(office), group_post(office))
    session = Session.objects.get()
    stranger = client_for(office.other_manager)

    assert stranger.get(group_url(office)).status_code == 403
    assert client_for(office.manager).get(group_url(office, office.other_team)).status_code == 403
    assert stranger.get(edit_url(session)).status_code == 403


def test_it_keeps_every_field_when_a_group_record_has_errors(office: Council) -> None:
    data = group_post(office, cases="C-MILO, C-ZARA", attendees=[])
    response = client_for(office.manager).post(group_url(office), data)
    page = response.content.decode()

    assert response.status_code == 200
    # Another team's child is not one this manager can see: named, not saved.
    assert "No child you can see has the ID C-ZARA" in page
    assert "Select who attended the group" in page
    assert 'value="C-MILO, C-ZARA"' in page
    assert "Is the withdrawal grief rather than neglect?" in page
    assert not Session.objects.exists()


# Practice observation --------------------------------------------------------------------------


def observation_url(office: Council, staff: Any = None) -> str:
    return reverse("records:observation_new") + f"?staff={(staff or office.worker).staff_id}"


def observation_post(**changes: Any) -> dict[str, Any]:
    data = {
        **date_fields("date", YESTERDAY),
        "setting": "home_visit",
        "setting_detail": "",
        "strengths": "Warm, clear explanation of the plan to the parents.",
        "areas_for_development": "Check the child's understanding directly.",
        "worker_reflection": "",
        **no_actions(1),
        "save": "1",
    }
    data.update(changes)
    return data


def test_it_creates_a_practice_observation(office: Council) -> None:
    response = client_for(office.manager).post(observation_url(office), observation_post())

    assert response.status_code == 302
    session = Session.objects.get(type="practice_observation")
    assert (session.supervisor, session.supervisee) == (office.manager, office.worker)
    assert PracticeObservation.objects.get(session=session).setting == "home_visit"
    assert audited("create", session)


def test_it_shows_the_observations_this_year_and_the_policy_status(
    office: Council, settings: Any
) -> None:
    settings.OVERSIGHT_POLICY = "bedford"
    client = client_for(office.manager)
    client.post(observation_url(office), observation_post())

    page = client.get(observation_url(office)).content.decode()

    assert "1 recorded between 1 April" in page
    assert "2 practice observations needed in the year" in page
    assert "Policy rule: bedford 3.1.9." in page

    settings.OVERSIGHT_POLICY = "newham"  # Newham asks for no practice observations
    assert "What the policy asks" not in client.get(observation_url(office)).content.decode()


def test_it_edits_an_observation_while_it_is_a_draft(office: Council) -> None:
    client = client_for(office.manager)
    client.post(observation_url(office), observation_post())
    session = Session.objects.get()

    response = client.post(
        edit_url(session), observation_post(worker_reflection="I rushed the ending.")
    )

    assert response.status_code == 302
    assert PracticeObservation.objects.get().worker_reflection == "I rushed the ending."


@pytest.mark.parametrize("then", ["sent", "agreed"])
def test_it_refuses_to_edit_an_observation_once_sent_or_agreed(office: Council, then: str) -> None:
    client = client_for(office.manager)
    client.post(observation_url(office), observation_post())
    session = Session.objects.get()
    record = send(session, office.manager)
    if then == "agreed":
        record.agree(by=office.worker.user)

    assert client.get(edit_url(session)).status_code == 403
    assert client.post(edit_url(session), observation_post(strengths="X")).status_code == 403


def test_it_refuses_an_observation_of_someone_else_s_worker(office: Council) -> None:
    client_for(office.manager).post(observation_url(office), observation_post())
    session = Session.objects.get()
    stranger = client_for(office.other_manager)

    assert stranger.get(observation_url(office)).status_code == 403
    assert stranger.get(edit_url(session)).status_code == 403
    # A worker cannot observe themselves or a colleague.
    assert client_for(office.worker).get(observation_url(office, office.colleague)).status_code == (
        403
    )


def test_it_keeps_every_field_when_an_observation_has_errors(office: Council) -> None:
    data = observation_post(setting="other", setting_detail="", **{"date_year": "26"})
    response = client_for(office.manager).post(observation_url(office), data)
    page = response.content.decode()

    assert response.status_code == 200
    assert "Describe the setting, as you chose Other" in page
    assert "Year must include 4 numbers" in page
    assert "Warm, clear explanation of the plan to the parents." in page
    assert 'value="other" checked' in page
    assert not Session.objects.exists()


# Conference chair supervision ----------------------------------------------------------------


def chair_url(office: Council) -> str:
    return reverse("records:chair_new") + f"?staff={office.chair.staff_id}"


def chair_post(office: Council, **changes: Any) -> dict[str, Any]:
    prefix = f"review-{office.cp_case_near.pk}"
    data = {
        **date_fields("date", YESTERDAY),
        "cases": [str(office.cp_case_near.pk)],
        f"{prefix}-plan_effective": "Partly: the core group has not met since June.",
        f"{prefix}-end_plan": "Not yet.",
        **no_actions(1),
        "save": "1",
    }
    data.update(changes)
    return data


def test_it_creates_a_chair_supervision_with_the_eight_questions(office: Council) -> None:
    response = client_for(office.chairs_manager).post(chair_url(office), chair_post(office))

    assert response.status_code == 302
    session = Session.objects.get(type="conference_chair")
    assert (session.supervisor, session.supervisee) == (office.chairs_manager, office.chair)
    review = ChairReview.objects.get(session=session)
    assert (review.case, review.end_plan) == (office.cp_case_near, "Not yet.")
    assert audited("create", session)


def test_it_lists_plans_nearing_8_months_first_and_highlighted(
    office: Council, settings: Any
) -> None:
    settings.OVERSIGHT_POLICY = "bedford"
    page = client_for(office.chairs_manager).get(chair_url(office)).content.decode()

    near, new = page.index("Noah Near"), page.index("Nina New")
    assert near < new
    assert "<strong>Noah Near (C-NEAR)</strong>" in page
    assert "Due soon" in page
    assert "Milo Grant" not in page  # no child protection plan


def test_it_shows_the_questions_for_the_children_chosen_without_saving(office: Council) -> None:
    data = {
        **date_fields("date", YESTERDAY),
        "cases": [str(office.cp_case_new.pk)],
        **no_actions(1),
        "choose": "1",
    }
    response = client_for(office.chairs_manager).post(chair_url(office), data)
    page = response.content.decode()

    assert f'name="review-{office.cp_case_new.pk}-plan_effective"' in page
    assert "2. What is working well?" in page
    assert "There is a problem" not in page
    assert not Session.objects.exists()


def test_it_edits_a_chair_supervision_while_it_is_a_draft(office: Council) -> None:
    client = client_for(office.chairs_manager)
    client.post(chair_url(office), chair_post(office))
    session = Session.objects.get()

    page = client.get(edit_url(session)).content.decode()
    assert "Partly: the core group has not met since June." in page

    prefix = f"review-{office.cp_case_near.pk}"
    response = client.post(
        edit_url(session), chair_post(office, **{f"{prefix}-working_well": "School attendance."})
    )
    assert response.status_code == 302
    assert ChairReview.objects.get().working_well == "School attendance."


@pytest.mark.parametrize("then", ["sent", "agreed"])
def test_it_refuses_to_edit_a_chair_supervision_once_sent_or_agreed(
    office: Council, then: str
) -> None:
    client = client_for(office.chairs_manager)
    client.post(chair_url(office), chair_post(office))
    session = Session.objects.get()
    record = send(session, office.chairs_manager)
    if then == "agreed":
        record.agree(by=office.chair.user)

    assert client.get(edit_url(session)).status_code == 403
    assert client.post(edit_url(session), chair_post(office)).status_code == 403


def test_it_refuses_a_chair_supervision_by_another_manager(office: Council) -> None:
    client_for(office.chairs_manager).post(chair_url(office), chair_post(office))
    session = Session.objects.get()
    stranger = client_for(office.manager)

    assert stranger.get(chair_url(office)).status_code == 403
    assert stranger.get(edit_url(session)).status_code == 403


def test_it_keeps_every_answer_when_a_chair_supervision_has_errors(office: Council) -> None:
    prefix = f"review-{office.cp_case_near.pk}"
    data = chair_post(office, **{f"{prefix}-plan_effective": "", "date_month": ""})
    data[f"{prefix}-working_well"] = "Grandmother is a protective factor."
    response = client_for(office.chairs_manager).post(chair_url(office), data)
    page = response.content.decode()

    assert response.status_code == 200
    assert "Answer question 1: is the child protection plan effective?" in page
    assert "Date of the supervision must include a month" in page
    assert "Grandmother is a protective factor." in page
    assert re.search(rf'value="{office.cp_case_near.pk}" aria-describedby="[^"]+" checked>', page)
    assert not Session.objects.exists()


def test_it_refuses_a_child_without_a_child_protection_plan(office: Council) -> None:
    data = chair_post(office, cases=[str(office.case.pk)])
    response = client_for(office.chairs_manager).post(chair_url(office), data)

    assert response.status_code == 200
    assert "Select children who have a child protection plan" in response.content.decode()
    assert not Session.objects.exists()


# Reading and editing by type -------------------------------------------------------------------


def test_it_shows_the_record_on_the_one_record_page_to_whoever_may_read_it(office: Council) -> None:
    client_for(office.manager).post(new_oversight_url(office), oversight_post(office))
    session = Session.objects.get()
    url = reverse("records:detail", args=[session.pk])

    page = client_for(office.manager).get(url).content.decode()
    assert "Convene a strategy discussion today." in page
    assert reverse("records:edit_other", args=[session.pk]) in page
    assert audited("view", session)
    assert client_for(office.other_manager).get(url).status_code == 403
    # The worker reads it once it is sent, not while the manager is still writing it.
    assert "Convene a strategy" not in client_for(office.worker).get(url).content.decode()
    send(session, office.manager)
    assert "Convene a strategy" in client_for(office.worker).get(url).content.decode()


def test_it_does_not_edit_one_to_one_records(office: Council) -> None:
    session = Session.objects.create(
        type="individual", date=YESTERDAY, supervisor=office.manager, supervisee=office.worker
    )

    assert client_for(office.manager).get(edit_url(session)).status_code == 404


# Dates (issue 8): the bookings' one check, on every record written in the browser ----------------

LONG_AGO = dt.date(1900, 11, 30)
BEFORE_START = dt.date(2024, 1, 5)  # three days before everyone in the test council started


@pytest.mark.parametrize(
    ("kind", "day", "message"),
    [
        ("oversight", LONG_AGO, "on or after 8 January 2024, when Wanda Worker started"),
        ("oversight", BEFORE_START, "on or after 8 January 2024, when Wanda Worker started"),
        ("group", LONG_AGO, "within the last year, on or after 10 June 2024"),
        ("observation", BEFORE_START, "on or after 8 January 2024, when Wanda Worker started"),
        ("chair", LONG_AGO, "on or after 8 January 2024, when Efua Edwards started"),
    ],
)
def test_it_refuses_a_date_before_the_person_started_or_long_ago(
    office: Council, kind: str, day: dt.date, message: str
) -> None:
    url, data = {
        "oversight": (new_oversight_url(office), oversight_post(office)),
        "group": (group_url(office), group_post(office)),
        "observation": (observation_url(office), observation_post()),
        "chair": (chair_url(office), chair_post(office)),
    }[kind]
    data |= date_fields("date", day)

    for button in ("save", "draft"):
        posted = {k: v for k, v in data.items() if k != "save"} | {button: "1"}
        author = office.chairs_manager if kind == "chair" else office.manager
        response = client_for(author).post(url, posted)

        page = response.content.decode()
        assert response.status_code == 200
        assert "There is a problem" in page
        assert f"The date must be {message}" in page
        assert re.search(
            r'<a href="#[a-z_]*date[a-z_]*">The date must be', page
        )  # linked to the date
    assert not Session.objects.exists()


def test_it_refuses_a_group_date_before_an_attendee_started(office: Council) -> None:
    office.colleague.start_date = TODAY - dt.timedelta(days=10)
    office.colleague.save()
    data = group_post(office, **date_fields("date", TODAY - dt.timedelta(days=20)))

    page = client_for(office.manager).post(group_url(office), data).content.decode()

    assert "when Colin Colleague started" in page
    assert not Session.objects.exists()


def test_it_keeps_a_date_the_record_already_has_so_an_old_draft_can_be_finished(
    office: Council,
) -> None:
    client = client_for(office.manager)
    client.post(group_url(office), group_post(office))
    session = Session.objects.get()
    old = TODAY - dt.timedelta(days=500)
    Session.objects.filter(pk=session.pk).update(date=old)  # as a draft written long ago

    response = client.post(edit_url(session), group_post(office, **date_fields("date", old)))

    assert response.status_code == 302
    assert GroupRecord.objects.get().learning == "Use a genogram before the next visit."
