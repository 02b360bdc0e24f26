"""A form that creates something, posted twice (a double click, a page resent after a slow
network), creates it once (issue 9, finding 5). The form carries a token made when it was shown;
the second post finds what the first made and lands on it, with no error. The database holds the
token under a unique constraint, so two posts arriving at the same moment cannot both insert.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from oversight.audit.actor import Actor
from oversight.audit.models import AuditEvent
from oversight.records import writing
from oversight.records.models import Action, OversightNote
from oversight.supervision.models import Session
from tests.concurrency import at_once, only_on_postgresql
from tests.council import TODAY, conference_children, council, date_fields, no_actions

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def token_on(client: Client, url: str) -> str:
    """The hidden token of the form on the page, as a browser posts it back."""
    found = re.search(r'name="submission" value="([0-9a-f-]+)"', client.get(url).content.decode())
    assert found, "the form carries no submission token"
    return found.group(1)


def booking(**extra: str) -> dict[str, str]:
    day = timezone.localdate()
    return {
        "kind": "individual",
        **date_fields("date", day),
        "start_time": "14:30",
        "duration_minutes": "90",
        "location": "Meeting room 2",
        **extra,
    }


def test_a_booking_posted_twice_books_one_session_and_both_land_on_it() -> None:
    team = council()
    manager = signed_in(team.manager_user)
    url = f"/records/new/?supervisee={team.worker.staff_id}"
    token = token_on(manager, url)

    first = manager.post(url, booking(submission=token))
    second = manager.post(url, booking(submission=token))

    session = Session.objects.get(supervisee=team.worker)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == f"/records/{session.pk}/"
    assert AuditEvent.objects.about(session).of_action("create").count() == 1


def test_two_booking_forms_book_two_sessions() -> None:
    team = council()
    manager = signed_in(team.manager_user)
    url = f"/records/new/?supervisee={team.worker.staff_id}"

    manager.post(url, booking(submission=token_on(manager, url)))
    manager.post(url, booking(submission=token_on(manager, url), start_time="16:00"))

    assert Session.objects.filter(supervisee=team.worker).count() == 2


def test_a_booking_shown_again_with_an_error_keeps_its_token() -> None:
    team = council()
    manager = signed_in(team.manager_user)
    url = f"/records/new/?supervisee={team.worker.staff_id}"
    token = token_on(manager, url)

    with_error = manager.post(url, booking(submission=token, start_time="25:99"))

    assert f'name="submission" value="{token}"' in with_error.content.decode()


def test_the_database_refuses_a_second_session_with_the_same_token() -> None:
    team = council()
    token = uuid.uuid4()
    Session.objects.create(type="individual", date=TODAY, supervisor=team.manager, submission=token)

    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.create(
            type="individual", date=TODAY, supervisor=team.manager, submission=token
        )


def oversight(office: Any, **extra: str) -> dict[str, str]:
    return {
        "type": "management_oversight",
        **date_fields("date", TODAY),
        "worker": str(office.worker.pk),
        "discussion": "School reported new bruising on Milo's arm.",
        "decision": "Convene a strategy discussion today.",
        "rationale": "Threshold for section 47 enquiries is met.",
        **no_actions(1),
        "actions-0-action": "Arrange the strategy discussion with police and health.",
        "actions-0-owner": str(office.worker.pk),
        **date_fields("actions-0-due_date", TODAY),
        "save": "1",
        **extra,
    }


def test_a_new_oversight_record_posted_twice_creates_one_record() -> None:
    office = conference_children(council())
    manager = signed_in(office.manager_user)
    url = reverse("records:oversight_new") + f"?case={office.case.case_id}"
    token = token_on(manager, url)

    first = manager.post(url, oversight(office, submission=token))
    second = manager.post(url, oversight(office, submission=token))

    session = Session.objects.get()
    assert first["Location"] == second["Location"] == f"/records/{session.pk}/"
    assert OversightNote.objects.count() == Action.objects.count() == 1


def test_a_group_record_posted_twice_creates_one_record() -> None:
    office = conference_children(council())
    manager = signed_in(office.manager_user)
    url = reverse("records:group_new") + f"?team={office.team.pk}"
    token = token_on(manager, url)
    data = {
        **date_fields("date", TODAY),
        "facilitator": str(office.manager.pk),
        "attendees": [str(office.worker.pk), str(office.colleague.pk)],
        "presented_by": str(office.worker.pk),
        "presentation": "Milo's family and the new bruising.",
        "hypotheses": "Stress at home since the move.",
        "learning": "Ask about the move early.",
        **no_actions(0),
        "save": "1",
        "submission": token,
    }

    manager.post(url, data)
    manager.post(url, data)

    assert Session.objects.filter(type="group").count() == 1


@only_on_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_posts_of_one_booking_at_the_same_moment_book_one_session() -> None:
    team = council()
    token = uuid.uuid4()
    booked: list[int] = []

    def post() -> None:
        session = writing.book_supervision(
            by=Actor(team.manager_user),
            supervisor=team.manager,
            supervisee=team.worker,
            kind="individual",
            date=TODAY,
            start_time=dt.time(14, 30),
            duration_minutes=90,
            location="Meeting room 2",
            submission=token,
        )
        booked.append(session.pk)

    assert at_once(post, post) == []
    assert len(set(booked)) == 1
    assert Session.objects.filter(submission=token).count() == 1
