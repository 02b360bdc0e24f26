"""A supervisee's caseload over time (issue 16, part 3; B 1.3): the children allocated at each of
the last twelve month ends, how many on a child protection plan, new allocations each month and
today's mix by status, against the threshold the council sets in its policy file; for the person,
their management chain and quality assurance; linked from the team page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from oversight.audit.models import AuditEvent
from oversight.cases.caseload_history import caseload_of
from oversight.engine.loader import PRESETS_DIR as PRESETS
from tests.council import Council
from tests.factories import AllocationFactory, CaseFactory, CaseStatusFactory

pytestmark = pytest.mark.django_db


def held(
    org: Council,
    case_id: str,
    start: dt.date,
    end: dt.date | None = None,
    status: str = "child_in_need",
    status_start: dt.date | None = None,
) -> None:
    case = CaseFactory(case_id=case_id, display_name=case_id, open_date=dt.date(2023, 1, 1))
    AllocationFactory(case=case, worker=org.worker, start_date=start, end_date=end)
    CaseStatusFactory(case=case, status=status, start_date=status_start or dt.date(2023, 1, 1))


def caseload(org: Council) -> None:
    """Wanda's children, against a frozen today of 11 June 2025: two held all year, one on a
    child protection plan from 10 March 2025, one allocated in April 2025, one that left her at
    the end of January 2025."""
    held(org, "C-ALL-1", dt.date(2023, 5, 1))
    held(org, "C-ALL-2", dt.date(2023, 5, 1), status="looked_after")
    held(
        org,
        "C-PLAN",
        dt.date(2024, 9, 1),
        status="child_protection",
        status_start=dt.date(2025, 3, 10),
    )
    held(org, "C-NEW", dt.date(2025, 4, 14))
    held(org, "C-LEFT", dt.date(2024, 3, 1), end=dt.date(2025, 1, 31))


def get(org: Council, who: str, staff_id: str) -> Any:
    client = Client()
    client.force_login(org.users[who])
    return client.get(reverse("people:caseload", args=[staff_id]))


def test_it_counts_the_children_at_each_month_end_from_the_allocations(
    org: Council, frozen_today: dt.date
) -> None:
    caseload(org)

    found = caseload_of(org.worker, frozen_today)

    months = {m.day: (m.children, m.on_plan, m.new) for m in found.months}
    assert len(found.months) == 12
    assert found.months[0].day == dt.date(2024, 7, 31)
    assert found.months[-1].day == frozen_today
    assert months[dt.date(2024, 7, 31)] == (3, 0, 0)  # the two all year, and C-LEFT
    assert months[dt.date(2024, 9, 30)] == (4, 0, 1)  # C-PLAN allocated in September
    assert months[dt.date(2025, 1, 31)] == (4, 0, 0)  # C-LEFT still held on its last day
    assert months[dt.date(2025, 2, 28)] == (3, 0, 0)
    assert months[dt.date(2025, 3, 31)] == (3, 1, 0)  # C-PLAN on a plan from 10 March
    assert months[dt.date(2025, 4, 30)] == (4, 1, 1)  # C-NEW allocated in April
    assert months[frozen_today] == (4, 1, 0)
    assert dict(found.mix) == {
        "Child in need": 2,
        "Looked after": 1,
        "Child protection plan": 1,
    }
    assert found.threshold.children == 18
    assert found.threshold.source == "B 1.3"
    assert not found.over


def test_it_measures_against_the_threshold_in_the_councils_policy_file(
    org: Council, frozen_today: dt.date, settings: Any, tmp_path: Path
) -> None:
    text = (PRESETS / "bedford.toml").read_text(encoding="utf-8")
    policy = tmp_path / "our-council.toml"
    policy.write_text(
        text.replace(
            'caseload_threshold = { children = 18, source = "B 1.3", preset_choice = "the policy '
            "asks that a caseload be within the worker's capacity and names no number\" }",
            'caseload_threshold = { children = 3, source = "Our workload policy 2.4" }',
        ),
        encoding="utf-8",
    )
    settings.OVERSIGHT_POLICY = str(policy)
    caseload(org)

    found = caseload_of(org.worker, frozen_today)
    page = get(org, "manager", org.worker.staff_id).content.decode()

    assert found.threshold.children == 3
    assert found.over
    assert [m.over_by for m in found.months][-3:] == [1, 1, 1]
    assert found.months_over == 8  # all but July and August 2024, February and March 2025
    assert "3 children (Our workload policy 2.4)" in page
    assert "Over the threshold" in page
    assert "Threshold 3" in page  # the line on the chart says what it is in words


def test_it_shows_the_manager_the_chart_and_the_same_numbers_in_a_table(
    org: Council, frozen_today: dt.date
) -> None:
    caseload(org)

    response = get(org, "manager", org.worker.staff_id)

    page = response.content.decode()
    assert response.status_code == 200
    assert '<svg class="app-chart"' in page
    assert "Children allocated to Wanda Worker at each month end" in page  # the chart's title
    # Its description, in words.
    assert "3 children at the end of July 2024, 4 on 11 June 2025" in page
    assert "April 2025" in page
    assert "11 June 2025 (today)" in page
    assert "Child protection plan" in page
    [entry] = AuditEvent.objects.filter(action="view", object_id=str(org.worker.pk))
    assert entry.detail["page"] == "caseload"


def test_it_shows_a_caseload_to_the_person_their_chain_and_qa_only(
    org: Council, frozen_today: dt.date
) -> None:
    for who in ("worker", "manager", "head", "qa"):
        assert get(org, who, org.worker.staff_id).status_code == 200, who
    for who in ("colleague", "other_manager", "outsider", "chairs_manager", "support", "hr"):
        response = get(org, who, org.worker.staff_id)
        assert response.status_code == 403, who
    assert get(org, "manager", "NOBODY").status_code == 403


def test_the_team_page_links_each_case_holder_to_their_caseload(
    org: Council, frozen_today: dt.date
) -> None:
    client = Client()
    client.force_login(org.users["manager"])

    page = client.get(reverse("mywork:team", args=[org.team.pk])).content.decode()

    assert reverse("people:caseload", args=[org.worker.staff_id]) in page
    assert reverse("people:caseload", args=[org.manager.staff_id]) not in page  # holds no cases


def test_it_shows_a_teams_caseloads_side_by_side_to_its_manager(
    org: Council, frozen_today: dt.date
) -> None:
    caseload(org)
    client = Client()
    client.force_login(org.users["manager"])

    team_page = client.get(reverse("mywork:team", args=[org.team.pk])).content.decode()
    response = client.get(reverse("people:team_caseloads", args=[org.team.pk]))

    assert reverse("people:team_caseloads", args=[org.team.pk]) in team_page
    page = response.content.decode()
    assert response.status_code == 200
    assert reverse("people:caseload", args=[org.worker.staff_id]) in page
    assert reverse("people:caseload", args=[org.colleague.staff_id]) in page
    assert "At the end of July 2024" in page
    assert "Nobody is over it." in page
    entry = AuditEvent.objects.filter(action="view", detail__page="caseloads").get()
    assert entry.detail["staff"] == [org.colleague.staff_id, org.worker.staff_id]


def test_it_shows_a_teams_caseloads_only_to_those_who_may_open_the_team(
    org: Council, frozen_today: dt.date
) -> None:
    address = reverse("people:team_caseloads", args=[org.team.pk])
    for who, status in [
        ("manager", 200),
        ("head", 200),
        ("qa", 200),
        ("worker", 403),
        ("other_manager", 403),
        ("chairs_manager", 403),
    ]:
        client = Client()
        client.force_login(org.users[who])
        assert client.get(address).status_code == status, who
