"""Only what happened counts (issue 8): a booking is a plan until the supervisor confirms it took
place (or sends its record); moves and cancellations are kept with their reasons."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from oversight.audit.models import AuditEvent
from oversight.engine.engine import compute_obligations
from oversight.facts.from_database import load_facts
from oversight.facts.live import council_policy
from oversight.import_export.exporter import export_folder
from oversight.supervision.models import Session, SessionCase, SessionEvent
from tests.council import (
    NOW,
    TODAY,
    conference_children,
    council,
    date_fields,
    no_actions,
    smith_children,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


def book(client, org, day: dt.date = TODAY, time: str = "09:30") -> Session:
    url = reverse("records:book") + f"?supervisee={org.worker.staff_id}"
    response = client.post(
        url,
        {
            "kind": "individual",
            "date_day": str(day.day),
            "date_month": str(day.month),
            "date_year": str(day.year),
            "start_time": time,
            "duration_minutes": "60",
            "location": "Room 2",
        },
    )
    assert response.status_code == 302, response.content.decode()
    return Session.objects.latest("pk")


def counted() -> set[str]:
    return {s.session_id for s in load_facts(as_of=TODAY + dt.timedelta(days=1)).sessions}


def test_it_does_not_count_a_booking_until_it_is_confirmed_held_after_its_time(client) -> None:
    org = smith_children(council())
    client.force_login(org.manager.user)
    session = book(client, org)
    assert session.session_id not in counted()

    early = client.post(reverse("records:held", args=[session.pk]))
    assert "once that time has come" in early.content.decode()
    assert session.session_id not in counted()

    with time_machine.travel(NOW + dt.timedelta(minutes=40), tick=False):
        done = client.post(reverse("records:held", args=[session.pk]))
    assert done.status_code == 302, done.content.decode()[-3000:]
    assert session.session_id in counted()
    assert AuditEvent.objects.filter(action="held", object_id=str(session.pk)).exists()


def test_it_never_counts_a_cancelled_booking_and_keeps_the_reason(client) -> None:
    org = smith_children(council())
    client.force_login(org.manager.user)
    session = book(client, org)
    blank = client.post(reverse("records:cancel", args=[session.pk]), {"reason": ""})
    assert "Enter why the session was cancelled" in blank.content.decode()
    client.post(reverse("records:cancel", args=[session.pk]), {"reason": "Worker off sick"})
    assert session.events.get(kind=SessionEvent.Kind.CANCELLED).reason == "Worker off sick"
    assert session.session_id not in counted()
    page = client.get(reverse("records:detail", args=[session.pk])).content.decode()
    assert "Worker off sick" in page
    with time_machine.travel(NOW + dt.timedelta(minutes=40), tick=False):
        client.post(reverse("records:held", args=[session.pk]))
    assert session.session_id not in counted()


def test_it_does_not_count_a_child_ticked_on_an_unconfirmed_booking(client) -> None:
    org = smith_children(council())
    client.force_login(org.manager.user)
    session = book(client, org)
    SessionCase.objects.create(session=session, case=org.amy)
    assert session.session_id not in counted()
    with time_machine.travel(NOW + dt.timedelta(minutes=40), tick=False):
        client.post(reverse("records:held", args=[session.pk]))
    facts = load_facts(as_of=TODAY + dt.timedelta(days=1))
    (found,) = [s for s in facts.sessions if s.session_id == session.session_id]
    assert org.amy.case_id in found.case_ids


def test_it_moves_a_booking_keeping_the_old_date_and_the_reason(client) -> None:
    org = smith_children(council())
    client.force_login(org.manager.user)
    session = book(client, org)
    later = TODAY + dt.timedelta(days=2)
    client.post(
        reverse("records:move", args=[session.pk]),
        {
            "date_day": str(later.day),
            "date_month": str(later.month),
            "date_year": str(later.year),
            "start_time": "10:00",
            "reason": "Court hearing",
        },
    )
    session.refresh_from_db()
    assert session.date == later
    moved = session.events.get(kind=SessionEvent.Kind.MOVED)
    assert (moved.from_date, moved.to_date, moved.reason) == (TODAY, later, "Court hearing")
    assert AuditEvent.objects.filter(action="moved", object_id=str(session.pk)).exists()


def test_it_refuses_a_booking_before_the_supervisee_started_or_absurdly_far_ahead(client) -> None:
    org = smith_children(council())
    client.force_login(org.manager.user)
    url = reverse("records:book") + f"?supervisee={org.worker.staff_id}"
    for day, message in (
        (dt.date(1900, 11, 30), "when"),
        (TODAY + dt.timedelta(days=800), "within a year from today"),
    ):
        response = client.post(
            url,
            {
                "kind": "individual",
                "date_day": str(day.day),
                "date_month": str(day.month),
                "date_year": str(day.year),
                "start_time": "10:00",
                "duration_minutes": "60",
                "location": "Room 2",
            },
        )
        assert response.status_code == 200
        assert "The date must be" in response.content.decode()
        assert message in response.content.decode()
    assert not Session.objects.exists()


def test_it_asks_the_supervisor_about_past_unconfirmed_bookings_on_my_work(client) -> None:
    org = smith_children(council())
    client.force_login(org.manager.user)
    session = book(client, org, time="08:00")
    page = client.get(reverse("home")).content.decode()
    assert "Did these take place?" in page
    client.post(reverse("records:held", args=[session.pk]), {"from": "my-work"})
    assert "Did these take place?" not in client.get(reverse("home")).content.decode()
    assert session.session_id in counted()


def test_it_lists_a_cancelled_booking_as_cancelled_not_as_a_record_to_write(client) -> None:
    org = smith_children(council())
    client.force_login(org.manager.user)
    session = book(client, org)
    client.post(reverse("records:cancel", args=[session.pk]), {"reason": "Worker off sick"})

    listed = client.get(reverse("records:list")).content.decode()
    to_write = client.get(reverse("records:list") + "?show=to-write").content.decode()
    page = client.get(reverse("records:detail", args=[session.pk])).content.decode()

    assert "Cancelled" in listed
    assert f"/records/{session.pk}/" not in to_write
    assert "there is no record to write" in page
    assert "is writing the record" not in page


# Every record type written in the browser: a draft is not a session (issue 8) ---------------------


def group_supervision_last_held(org) -> dt.date | None:
    """When the engine says the team last had group supervision."""
    (found,) = [
        o
        for o in compute_obligations(council_policy(), load_facts(as_of=TODAY), TODAY)
        if o.obligation == "group_supervision" and o.subject_id == org.team.name
    ]
    return found.last_met


def write_group(client, org, day: dt.date) -> Session:
    response = client.post(
        reverse("records:group_new") + f"?team={org.team.pk}",
        {
            **date_fields("date", day),
            "facilitator": str(org.manager.pk),
            "attendees": [str(org.worker.pk), str(org.colleague.pk)],
            "presented_by": str(org.worker.pk),
            "cases": "",
            "presentation": "A family who will not engage.",
            "hypotheses": "",
            "learning": "Try a family network meeting.",
            **no_actions(1),
            "save": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    return Session.objects.get(type="group")


def test_it_does_not_count_an_unsent_group_draft_as_the_teams_group_supervision(client) -> None:
    org = smith_children(council())
    client.force_login(org.manager.user)
    before = group_supervision_last_held(org)
    day = TODAY - dt.timedelta(days=2)

    session = write_group(client, org, day)
    assert group_supervision_last_held(org) == before

    client.post(reverse("records:send", args=[session.pk]))
    assert group_supervision_last_held(org) == day


def test_it_counts_a_group_draft_once_it_is_confirmed_to_have_taken_place(client) -> None:
    org = smith_children(council())
    client.force_login(org.manager.user)
    day = TODAY - dt.timedelta(days=2)
    session = write_group(client, org, day)

    page = client.get(reverse("records:detail", args=[session.pk])).content.decode()
    assert "Confirm it took place" in page
    client.post(reverse("records:held", args=[session.pk]))
    assert group_supervision_last_held(org) == day


@pytest.mark.parametrize("kind", ["oversight", "observation", "chair"])
def test_it_does_not_count_other_drafts_written_in_the_browser_until_sent(client, kind) -> None:
    org = conference_children(council())
    day = TODAY - dt.timedelta(days=1)
    author = org.chairs_manager if kind == "chair" else org.manager
    client.force_login(author.user)
    url, data = {
        "oversight": (
            reverse("records:oversight_new") + f"?case={org.case.case_id}",
            {
                "type": "management_oversight",
                "worker": str(org.worker.pk),
                "discussion": "New bruising reported.",
                "decision": "Strategy discussion today.",
                "rationale": "Threshold met.",
            },
        ),
        "observation": (
            reverse("records:observation_new") + f"?staff={org.worker.staff_id}",
            {"setting": "home_visit", "strengths": "Warm.", "areas_for_development": "Pace."},
        ),
        "chair": (
            reverse("records:chair_new") + f"?staff={org.chair.staff_id}",
            {
                "cases": [str(org.cp_case_near.pk)],
                f"review-{org.cp_case_near.pk}-plan_effective": "Partly.",
            },
        ),
    }[kind]
    response = client.post(url, {**data, **date_fields("date", day), **no_actions(1), "save": "1"})
    assert response.status_code == 302, response.content.decode()[-3000:]
    session = Session.objects.get()

    assert session.session_id not in counted()
    client.post(reverse("records:send", args=[session.pk]))
    assert session.session_id in counted()


def test_it_leaves_bookings_and_cancelled_sessions_out_of_the_data_set_export(
    client, tmp_path
) -> None:
    # A session in sessions.csv counts from its date (RULES.md), so a plan exported and imported
    # again would come back as supervision given.
    org = smith_children(council(last_supervised=TODAY - dt.timedelta(days=30)))
    client.force_login(org.manager.user)
    planned = book(client, org, TODAY + dt.timedelta(days=14))
    SessionCase.objects.create(session=planned, case=org.amy)
    cancelled = book(client, org, TODAY + dt.timedelta(days=7))
    SessionCase.objects.create(session=cancelled, case=org.amy)
    client.post(reverse("records:cancel", args=[cancelled.pk]), {"reason": "Worker off sick"})

    export_folder(tmp_path)

    sessions = (tmp_path / "sessions.csv").read_text()
    links = (tmp_path / "session_cases.csv").read_text()
    exported = {s.session_id for s in Session.objects.took_place()}
    assert exported  # the council's sessions that took place are there
    assert all(session_id in sessions for session_id in exported)
    for plan in (planned, cancelled):
        assert plan.session_id not in sessions
        assert plan.session_id not in links
