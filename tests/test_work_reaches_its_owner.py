"""Every obligation reaches the person who must act (issue 8), on the test council.

The chairs' manager sees the chair reviews, the team manager does not; an agreement the manager
has confirmed waits on the worker's My work; an escalated disagreement waits on the supervisor's
line manager's; a deputy sees the absent manager's work within the dates only; a record whose
write-up is late says so on the record page, the records list and the team page, with the
engine's deadline.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from oversight.supervision.models import Agreement
from tests.council import NOW, TERMS, conference_children, today
from tests.factories import DelegationFactory, ProfessionalRecordFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.urls("oversight.urls"),
    pytest.mark.usefixtures("frozen_today"),
]

DAY = dt.timedelta(days=1)


def text(client, user, url: str = "/") -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def owned_keys(client, user) -> set[str]:
    client.force_login(user)
    return set(re.findall(r'data-owned-obligation="([^"]+)"', client.get("/").content.decode()))


def test_the_chair_reviews_reach_the_chairs_manager_and_not_the_team_manager(client, org):
    conference_children(org)
    chairs_manager = owned_keys(client, org.chairs_manager.user)
    manager = owned_keys(client, org.users["manager"])

    assert any("|conference_chair_review|" in key for key in chairs_manager)
    assert not any("|conference_chair_review|" in key for key in manager)
    team_page = text(client, org.users["manager"], reverse("mywork:team", args=[org.team.pk]))
    assert "conference chair" not in team_page.lower()


def test_the_teams_group_supervision_reaches_its_manager_and_shows_on_the_team_page(client, org):
    assert any(k.startswith("team|Court Team 1|") for k in owned_keys(client, org.manager.user))
    assert not any(k.startswith("team|") for k in owned_keys(client, org.worker.user))
    team_page = text(client, org.manager.user, reverse("mywork:team", args=[org.team.pk]))
    assert "Group supervision due" in team_page


def test_an_agreement_the_manager_confirmed_waits_for_the_worker(client, org):
    agreement = Agreement.start(org.worker, org.manager, by=org.manager.user, **TERMS)
    agreement.confirm(by=org.manager.user)

    worker = text(client, org.worker.user)
    assert "Supervision agreements to confirm (1)" in worker
    assert "Supervision agreements to confirm" not in text(client, org.manager.user)

    agreement.confirm(by=org.worker.user)
    assert "Supervision agreements to confirm" not in text(client, org.worker.user)


def test_an_escalated_disagreement_waits_for_the_supervisors_line_manager(client, org):
    record = org.session(today() - 3 * DAY)
    ProfessionalRecordFactory(session=record)
    record.send_to_worker(by=org.manager.user, on=today() - 2 * DAY)
    disagreement = record.record_disagreement(by=org.worker.user, what="How often I visit")
    disagreement.escalate(by=org.worker.user, meeting_date=today() + 5 * DAY)

    head = text(client, org.head.user)
    assert "Disagreements escalated to you to decide (1)" in head
    assert "three-way meeting" in head
    assert "Disagreements escalated" not in text(client, org.manager.user)


def test_a_deputy_sees_the_absent_managers_work_within_the_dates_only(client, org):
    DelegationFactory(
        from_manager=org.manager,
        deputy=org.other_manager,
        start_date=today(),
        end_date=today() + 7 * DAY,
    )
    managers = owned_keys(client, org.manager.user)
    covered = owned_keys(client, org.other_manager.user)

    assert managers
    assert managers <= covered
    assert "For Tamsin Manager, whom you cover" in text(client, org.other_manager.user)
    with time_machine.travel(NOW + 8 * DAY, tick=False):
        later = owned_keys(client, org.other_manager.user)
    assert not any(k.startswith(f"staff|{org.worker.staff_id}|") for k in later)


def test_a_late_write_up_says_so_on_the_record_the_list_and_the_team_page(client, org):
    late = org.session(today() - 10 * DAY)  # held ten days ago, never written up
    ProfessionalRecordFactory(session=late)

    record_page = text(client, org.manager.user, reverse("records:detail", args=[late.pk]))
    found = re.search(r"Recorded Not yet: due (\d+ \w+ \d{4}) Overdue", record_page)
    assert found, record_page[:2000]
    deadline = found.group(1)

    listing = text(client, org.manager.user, reverse("records:list"))
    day, month, year = deadline.split()
    assert f"Write-up due {day} {month[:3]} {year} Overdue" in listing

    team_page = text(client, org.manager.user, reverse("mywork:team", args=[org.team.pk]))
    assert "write-up of one-to-one" in team_page.lower()
