"""Caseloads by team on the compliance dashboards (issue 16: "dashboards show caseloads by team"):
for each team of the dashboard's scope, its case holders today, their median and largest
caseload and how many are over the council's threshold, each team linking to its caseloads page;
read in a fixed number of queries however many teams and people."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from oversight.cases.caseload_history import caseloads_by_team, caseloads_of, children_held_on
from oversight.facts.live import caseload_threshold
from oversight.organisation.models import Staff, Team
from tests.council import Council
from tests.factories import AllocationFactory, CaseFactory, StaffFactory, TeamFactory

pytestmark = pytest.mark.django_db

FROM = dt.date(2024, 9, 2)


def give(worker: Staff, children: int) -> None:
    """`children` children allocated to `worker` since FROM."""
    for _ in range(children):
        AllocationFactory(case=CaseFactory(), worker=worker, start_date=FROM)


def loaded(org: Council) -> int:
    """Wanda over the threshold by two, Colin with 3, Olive with 5 (the threshold: Bedford's)."""
    over = caseload_threshold().children + 2
    give(org.worker, over)
    give(org.colleague, 3)
    give(org.outsider, 5)
    return over


def page(org: Council, who: Any, url: str) -> str:
    client = Client()
    client.force_login(who)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_it_summarises_each_teams_case_holders_from_their_allocations(
    org: Council, frozen_today: dt.date
) -> None:
    over = loaded(org)
    leaver = StaffFactory(team=org.team, end_date=dt.date(2025, 5, 30))
    give(leaver, 40)  # left last month: not one of the team's case holders today

    court, assessment, reviewing = caseloads_by_team(
        [org.team, org.other_team, org.reviewing_team], frozen_today
    )

    assert (court.team, court.holders, court.median, court.largest, court.over) == (
        org.team,
        2,
        (over + 3) / 2,
        over,
        1,
    )
    assert (assessment.holders, assessment.median, assessment.largest, assessment.over) == (
        1,
        5,
        5,
        0,
    )
    # The conference chair is no case holder: the team has no caseloads to summarise.
    assert (reviewing.holders, reviewing.median, reviewing.largest, reviewing.over) == (
        0,
        None,
        None,
        0,
    )


def test_the_organisation_dashboard_shows_every_teams_caseloads_linking_to_them(
    org: Council, frozen_today: dt.date
) -> None:
    over = loaded(org)

    html = page(org, org.qa, reverse("dashboards:organisation"))

    assert '<h2 class="govuk-heading-m" id="caseloads">Caseloads by team</h2>' in html
    court = reverse("people:team_caseloads", args=[org.team.pk])
    assert f'<a class="govuk-link" href="{court}">Court Team 1' in html
    assert reverse("people:team_caseloads", args=[org.other_team.pk]) in html
    row = html[html.index(court) :].split("</tr>")[0]
    cells = [c.split("</td>")[0].strip() for c in row.split('numeric">')[1:]]
    assert cells == [
        "2",  # Wanda and Colin
        f"{(over + 3) / 2:g}",
        str(over),
        '<strong class="govuk-tag govuk-tag--red">1</strong>',
    ]
    assert f"threshold of {caseload_threshold().children} children" in html


def test_a_team_dashboard_shows_its_own_team_and_a_service_dashboard_its_teams(
    org: Council, frozen_today: dt.date
) -> None:
    loaded(org)
    elsewhere = TeamFactory(name="Leaving Care Team")  # in no service

    team_html = page(org, org.manager_user, reverse("dashboards:team", args=[org.team.pk]))
    service_html = page(org, org.head.user, reverse("dashboards:service", args=[org.service.pk]))

    assert reverse("people:team_caseloads", args=[org.team.pk]) in team_html
    assert reverse("people:team_caseloads", args=[org.other_team.pk]) not in team_html
    for team in (org.team, org.other_team, org.reviewing_team):
        assert reverse("people:team_caseloads", args=[team.pk]) in service_html
    assert reverse("people:team_caseloads", args=[elsewhere.pk]) not in service_html


def test_the_caseloads_take_the_same_queries_however_many_teams_and_people(
    org: Council, frozen_today: dt.date
) -> None:
    loaded(org)
    client = Client()
    client.force_login(org.qa)
    url = reverse("dashboards:organisation")
    client.get(url)  # anything read once per process (the policy) is read before counting

    with CaptureQueriesContext(connection) as before:
        assert client.get(url).status_code == 200
    for n in range(4):
        team = TeamFactory(name=f"Extra Team {n}", service=org.service)
        for _ in range(3):
            give(StaffFactory(team=team), 2)
    with CaptureQueriesContext(connection) as after:
        assert client.get(url).status_code == 200

    assert len(after) == len(before)
    assert Team.objects.count() == 7


def test_its_count_of_children_is_the_caseload_pages_count_today(
    org: Council, frozen_today: dt.date
) -> None:
    loaded(org)
    # An ended allocation, and a second allocation of one child, count as the page counts them.
    ended = CaseFactory()
    AllocationFactory(case=ended, worker=org.colleague, start_date=FROM, end_date=FROM)
    holders = Staff.objects.filter(category="case_holder")

    counts = children_held_on(holders, frozen_today)

    assert counts  # someone holds children
    for found in caseloads_of(holders, frozen_today, months=1):
        assert counts.get(found.worker.pk, 0) == found.now.children, found.worker.name
