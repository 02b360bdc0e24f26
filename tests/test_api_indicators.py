"""The REST API's compliance indicators (issue 12, part 3): the figures `oversight indicators`
computes, as the dashboards read them from the summary table, for the scopes whose dashboards the
token may open; paged, ISO dates, audited, one error shape."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache

from oversight.audit.models import AuditEvent
from tests.council import Council
from tests.test_api import every, get, token
from tests.test_dashboards import busy, command_rows, run  # noqa: F401 (busy is a fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]
TODAY = dt.date(2025, 6, 11)
MONTH_END = dt.date(2025, 5, 31)


@pytest.fixture(autouse=True)
def _fresh_throttle() -> None:
    cache.clear()


@pytest.fixture
def summarised(busy: Council) -> Council:  # noqa: F811
    run("summarise", "--as-of", TODAY.isoformat(), "--months", "2")
    return busy


def as_rows(results: list[dict[str, Any]]) -> set[tuple[str, ...]]:
    """The API's rows as `oversight indicators` prints them."""
    return {
        (
            r["as_of"],
            r["scope_type"],
            r["scope_id"],
            r["obligation"],
            str(r["counted"]),
            str(r["in_time"]),
            str(r["met_late"]),
            str(r["overdue"]),
            "" if r["percent"] is None else f"{r['percent']:.1f}",
        )
        for r in results
    }


def test_a_systems_token_reads_exactly_what_oversight_indicators_prints(
    summarised: Council,
) -> None:
    results = every(token(), "/api/indicators/")

    assert as_rows(results) == command_rows(TODAY)
    assert {r["as_of"] for r in results} == {"2025-06-11"}  # the latest date, ISO 8601
    organisation = [r for r in results if r["scope_type"] == "organisation"]
    assert organisation
    assert all(r["scope_id"] == "" for r in organisation)


def test_it_reads_a_month_end_asked_for_and_filters_by_scope_and_obligation(
    summarised: Council,
) -> None:
    secret = token()
    team = summarised.team.name

    month_end = every(secret, f"/api/indicators/?as_of={MONTH_END}")
    one_team = every(secret, f"/api/indicators/?scope_type=team&scope_id={team}")
    supervision = every(secret, "/api/indicators/?obligation=case_supervision")

    assert as_rows(month_end) == command_rows(MONTH_END, "--months", "1")
    assert one_team
    assert {(r["scope_type"], r["scope_id"]) for r in one_team} == {("team", team)}
    assert supervision
    assert {r["obligation"] for r in supervision} == {"case_supervision"}


def test_a_persons_token_reads_the_figures_of_the_dashboards_they_may_open(
    summarised: Council,
) -> None:
    def scopes(user: Any) -> set[tuple[str, str]]:
        results = every(token(user=user), "/api/indicators/")
        return {(r["scope_type"], r["scope_id"]) for r in results}

    team, other_team = summarised.team.name, summarised.other_team.name
    service = summarised.service.name

    # The team manager: their team's dashboard only.
    assert scopes(summarised.manager.user) == {("team", team)}
    # The head of service over both teams: the whole organisation's, as on the pages.
    assert {("organisation", ""), ("service", service), ("team", other_team)} <= scopes(
        summarised.head.user
    )
    # A worker, who manages nobody, has no dashboard.
    assert scopes(summarised.worker.user) == set()
    assert ("team", team) not in scopes(summarised.other_manager.user)


def test_it_pages_and_audits_each_read(summarised: Council) -> None:
    secret = token(name="Reporting")

    first = get(secret, "/api/indicators/?page_size=2").json()

    assert first["count"] > 2
    assert len(first["results"]) == 2
    assert first["next"].endswith("page=2&page_size=2")
    entry = AuditEvent.objects.filter(action="view", object_type="api.indicators").get()
    assert entry.detail["api_token"].startswith("Reporting")
    assert len(entry.detail["ids"]) == 2


def test_a_date_that_is_not_one_or_has_no_figures_is_a_400_naming_it(
    summarised: Council,
) -> None:
    secret = token()

    not_a_date = get(secret, "/api/indicators/?as_of=31/05/2025")
    no_figures = get(secret, "/api/indicators/?as_of=2025-05-30")

    assert not_a_date.status_code == 400
    assert not_a_date.json()["errors"] == [
        {
            "field": "as_of",
            "message": "'31/05/2025' is not a date: write it as YYYY-MM-DD, e.g. 2025-04-30",
        }
    ]
    assert no_figures.status_code == 400
    assert "such as the latest, 2025-06-11" in no_figures.json()["errors"][0]["message"]


def test_before_any_figures_are_computed_the_list_is_empty(org: Council) -> None:
    response = get(token(), "/api/indicators/")

    assert response.status_code == 200
    assert response.json()["results"] == []


def test_it_needs_a_token(summarised: Council) -> None:
    assert get(None, "/api/indicators/").status_code == 401
