"""Compliance dashboards (issue 10): the summary table `oversight summarise` fills from the same
code as `oversight indicators`, the organisation, service and team dashboards that read it, who
may open which, the rows behind a team's figures and the downloads."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from oversight.audit.models import AuditEvent
from oversight.dashboards.behind import rows_behind
from oversight.dashboards.models import Summary, SummaryFigure
from oversight.engine.indicators import COLUMNS, Figure
from oversight.facts.live import council_policy
from oversight.web.dashboards.charts import trend_chart
from tests.council import Council, child, days_ago, supervised
from tests.factories import LineManagementFactory, ServiceFactory, StaffFactory, TeamFactory

pytestmark = pytest.mark.django_db


def run(command: str, *args: str) -> str:
    out = io.StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def command_rows(as_of: dt.date, *args: str) -> set[tuple[str, ...]]:
    """What `oversight indicators` prints, as a set of rows."""
    report = run("indicators", "--as-of", as_of.isoformat(), *args)
    return {tuple(row[c] for c in COLUMNS) for row in csv.DictReader(io.StringIO(report))}


def stored_rows() -> set[tuple[str, ...]]:
    return {
        row.figure(row.summary.as_of).cells()
        for row in SummaryFigure.objects.select_related("summary")
    }


@pytest.fixture
def busy(org: Council, frozen_today: dt.date) -> Council:
    """The test council with children and supervision: something in time, something overdue."""
    for staff, manager in (
        (org.worker, org.manager),
        (org.colleague, org.manager),
        (org.outsider, org.other_manager),
    ):
        supervised(staff, manager, days_ago(20))
    org.amy = child(org.worker, name="Amy Smith", last_supervised=days_ago(70))
    org.ben = child(org.worker, name="Ben Smith", last_supervised=days_ago(5))
    org.cara = child(org.outsider, name="Cara Jones", last_supervised=days_ago(90))
    return org


def page(client: Client, user: Any, url: str) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return response.content.decode()


def figures_on_page(html: str) -> dict[str, dict[str, str]]:
    """The dashboard's main table: obligation -> cell -> text."""
    found = {}
    for kind, row in re.findall(r'data-obligation="([a-z_]+)">(.*?)</tr>', html, re.S):
        cells = re.findall(r'data-cell="(\w+)">(?:<strong>)?([^<]*)', row)
        found[kind] = {name: text.strip() for name, text in cells}
    return found


def figures_from_command(as_of: dt.date, scope_type: str, scope_id: str) -> dict[str, dict]:
    return {
        row[3]: {
            "percent": f"{row[8]}%" if row[8] else "none counted",
            "counted": row[4],
            "in_time": row[5],
            "met_late": row[6],
            "overdue": row[7],
        }
        for row in command_rows(as_of)
        if row[1] == scope_type and row[2] == scope_id
    }


# The summary table ------------------------------------------------------------------------------


def test_it_stores_exactly_what_oversight_indicators_prints_for_each_month_end(
    busy, frozen_today
) -> None:
    today = frozen_today
    out = run("summarise", "--as-of", today.isoformat(), "--months", "3", "--policy", "bedford")

    assert "for 3 dates to 2025-06-11" in out
    assert [s.as_of for s in Summary.objects.order_by("as_of")] == [
        dt.date(2025, 4, 30),
        dt.date(2025, 5, 31),
        today,
    ]
    assert stored_rows() == command_rows(today, "--months", "3", "--policy", "bedford")
    assert all(s.policy == "bedford" and s.computed_at for s in Summary.objects.all())


def test_it_replaces_a_dates_figures_when_computed_again(busy) -> None:
    run("summarise", "--as-of", "2025-06-11", "--months", "2")
    first = SummaryFigure.objects.count()
    child(busy.colleague, name="Dan Brown", last_supervised=days_ago(80))

    run("summarise", "--as-of", "2025-06-11", "--months", "2")

    assert Summary.objects.count() == 2
    assert SummaryFigure.objects.count() >= first
    assert stored_rows() == command_rows(dt.date(2025, 6, 11), "--months", "2")


def test_its_check_finds_nothing_after_a_run_and_names_each_difference_after_a_change(
    busy,
) -> None:
    run("summarise", "--as-of", "2025-06-11", "--months", "2")
    assert "are the figures computed now" in run(
        "summarise", "--as-of", "2025-06-11", "--months", "2", "--check"
    )

    child(busy.colleague, name="Dan Brown", last_supervised=days_ago(80))
    out = io.StringIO()
    with pytest.raises(CommandError) as stopped:
        call_command("summarise", "--as-of", "2025-06-11", "--months", "2", "--check", stdout=out)

    assert stopped.value.returncode == 1
    assert "run `oversight summarise`" in str(stopped.value)
    assert "2025-06-11: computed only: 2025-06-11,team,Court Team 1,case_supervision" in (
        out.getvalue()
    )


def test_its_check_names_a_date_with_nothing_stored(busy) -> None:
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("summarise", "--as-of", "2025-06-11", "--months", "1", "--check", stdout=out)
    assert "2025-06-11: no figures stored under bedford" in out.getvalue()


def test_loading_the_demo_council_computes_its_figures() -> None:
    out = run("demo", "--as-of", "2025-06-30")
    assert "Computed the dashboards' figures under bedford for 12 month ends" in out
    assert Summary.objects.filter(as_of=dt.date(2025, 6, 30)).exists()
    assert run("summarise", "--as-of", "2025-06-30", "--check").startswith("The stored figures")


# The pages show the command's numbers ----------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "scope"),
    [("qa", "organisation"), ("head", "service"), ("manager", "team")],
)
def test_each_dashboard_shows_the_numbers_oversight_indicators_prints(
    client, busy, who, scope
) -> None:
    today = dt.date(2025, 6, 11)
    run("summarise", "--as-of", today.isoformat())
    url, scope_id = {
        "organisation": (reverse("dashboards:organisation"), ""),
        "service": (reverse("dashboards:service", args=[busy.service.pk]), busy.service.name),
        "team": (reverse("dashboards:team", args=[busy.team.pk]), busy.team.name),
    }[scope]

    shown = figures_on_page(page(client, busy.users[who], url))

    expected = figures_from_command(today, scope, scope_id)
    assert expected  # something counts
    assert shown == expected
    assert "case_supervision" in shown
    assert shown["case_supervision"]["overdue"] != "0"


def test_a_dashboard_shows_an_earlier_date_and_its_twelve_month_trend(client, busy) -> None:
    run("summarise", "--as-of", "2025-06-11")
    html = page(client, busy.qa, reverse("dashboards:organisation") + "?as_of=2025-05-31")

    assert figures_on_page(html) == figures_from_command(dt.date(2025, 5, 31), "organisation", "")
    assert "Figures on <strong>31 May 2025</strong>" in html
    # A chart and a table of the same numbers for each obligation, the chart described in words.
    assert html.count('<svg class="app-chart"') == html.count("the numbers in the chart")
    assert 'role="img"' in html
    assert "<desc" in html
    assert "30 Jun 2024" in html  # the trend's first month end, a year before


def test_a_date_without_figures_is_refused_with_the_dates_there_are(client, busy) -> None:
    run("summarise", "--as-of", "2025-06-11", "--months", "1")
    html = page(client, busy.qa, reverse("dashboards:organisation") + "?as_of=2024-02-30")
    assert "There is a problem" in html
    assert "is not a date. Choose a date from the list." in html

    html = page(client, busy.qa, reverse("dashboards:organisation") + "?as_of=2024-02-28")
    assert "There are no figures for 28 February 2024" in html
    assert '<option value="2025-06-11" selected>' in html


def test_a_dashboard_before_any_figures_says_how_they_are_computed(client, busy) -> None:
    html = page(client, busy.qa, reverse("dashboards:organisation"))
    assert "No figures have been computed yet" in html
    assert "oversight summarise" in html


def test_the_organisation_page_reads_the_summary_table_in_a_few_queries(
    client, busy, django_assert_max_num_queries
) -> None:
    # Loading the facts alone takes more queries than this: the page never runs the engine.
    # Three of them are the caseloads by team: the case holders, their allocations and the
    # children's statuses, however many teams (tests/test_dashboard_caseloads.py).
    run("summarise", "--as-of", "2025-06-11")
    client.force_login(busy.qa)
    with django_assert_max_num_queries(28):
        assert client.get(reverse("dashboards:organisation")).status_code == 200


# Drilling down ------------------------------------------------------------------------------------


def test_the_team_dashboard_lists_each_overdue_child_with_what_to_do(client, busy) -> None:
    run("summarise", "--as-of", "2025-06-11")
    html = page(client, busy.manager_user, reverse("dashboards:team", args=[busy.team.pk]))

    assert "Behind these figures" in html
    amy = reverse("mywork:child", args=[busy.amy.case_id])
    assert f'<a class="govuk-link" href="{amy}">Amy Smith</a>' in html
    assert "Discuss the child in case supervision and record it" in html
    assert "Cara Jones" not in html  # another team's child
    assert "Something has been recorded since" not in html


def test_the_rows_behind_todays_figures_read_from_the_store_are_the_engines(busy) -> None:
    # Today's rows come from the obligations store; any other day's are computed live. Asked
    # as if today were tomorrow, the same date is computed live, and gives the same rows.
    policy = council_policy()
    today = dt.date(2025, 6, 11)
    child(busy.worker, name="Dan Brown", last_supervised=days_ago(80))
    for team in (busy.team, busy.other_team):
        from_store = rows_behind(policy, team, today, today=today)
        assert from_store
        assert from_store == rows_behind(policy, team, today, today=today + dt.timedelta(days=1))


def test_the_team_dashboard_says_when_things_changed_since_the_figures(client, busy) -> None:
    run("summarise", "--as-of", "2025-06-11")
    child(busy.worker, name="Dan Brown", last_supervised=days_ago(80))
    html = page(client, busy.manager_user, reverse("dashboards:team", args=[busy.team.pk]))
    assert "Something has been recorded since the figures were computed" in html
    assert "Dan Brown" in html


def test_the_organisation_links_to_each_service_and_a_service_to_each_team(client, busy) -> None:
    run("summarise", "--as-of", "2025-06-11")
    html = page(client, busy.qa, reverse("dashboards:organisation"))
    assert reverse("dashboards:service", args=[busy.service.pk]) + "?as_of=2025-06-11" in html
    html = page(client, busy.head.user, reverse("dashboards:service", args=[busy.service.pk]))
    assert reverse("dashboards:team", args=[busy.other_team.pk]) + "?as_of=2025-06-11" in html


def test_the_filters_lead_to_the_chosen_team_or_service(client, busy) -> None:
    client.force_login(busy.qa)
    response = client.get(
        reverse("dashboards:index"), {"team": busy.team.pk, "as_of": "2025-06-11"}
    )
    assert response.url == reverse("dashboards:team", args=[busy.team.pk]) + "?as_of=2025-06-11"
    response = client.get(reverse("dashboards:index"), {"service": busy.service.pk})
    assert response.url == reverse("dashboards:service", args=[busy.service.pk])


# Who sees which --------------------------------------------------------------------------------


@pytest.fixture
def second_service(busy: Council) -> Council:
    """Another service with its own head, so that the first head is a head of service only."""
    service = ServiceFactory(name="Early help")
    team = TeamFactory(name="Early Help Team", service=service)
    head = StaffFactory(staff_id="H2", name="Hana Other", category="manager", team=None)
    worker = StaffFactory(staff_id="EH1", name="Evan Helper", team=team)
    LineManagementFactory(staff=worker, manager=head)
    busy.second_team = team  # type: ignore[attr-defined]
    busy.second_service = service  # type: ignore[attr-defined]
    return busy


def test_quality_assurance_and_the_director_see_the_organisation_only_they(
    client, second_service
) -> None:
    org = second_service
    url = reverse("dashboards:organisation")
    client.force_login(org.qa)
    assert client.get(url).status_code == 200
    for who in ("head", "manager", "worker", "support", "hr", "admin"):
        client.force_login(org.users[who])
        assert client.get(url).status_code == 403, who


def test_a_head_of_service_sees_their_service_and_its_teams_not_another(
    client, second_service
) -> None:
    org = second_service
    client.force_login(org.head.user)
    assert client.get(reverse("dashboards:service", args=[org.service.pk])).status_code == 200
    assert client.get(reverse("dashboards:team", args=[org.other_team.pk])).status_code == 200
    refused = client.get(reverse("dashboards:service", args=[org.second_service.pk]))
    assert refused.status_code == 403
    assert "head of service" in refused.content.decode()
    assert client.get(reverse("dashboards:team", args=[org.second_team.pk])).status_code == 403
    # The head's start page is their service's dashboard.
    assert client.get(reverse("dashboards:index")).url == reverse(
        "dashboards:service", args=[org.service.pk]
    )


def test_a_team_manager_sees_their_team_only(client, busy) -> None:
    client.force_login(busy.manager_user)
    assert client.get(reverse("dashboards:team", args=[busy.team.pk])).status_code == 200
    assert client.get(reverse("dashboards:team", args=[busy.other_team.pk])).status_code == 403
    assert client.get(reverse("dashboards:service", args=[busy.service.pk])).status_code == 403
    assert client.get(reverse("dashboards:index")).url == reverse(
        "dashboards:team", args=[busy.team.pk]
    )


def test_the_menu_offers_dashboards_to_managers_and_quality_assurance_only(client, busy) -> None:
    for who, shown in (("manager", True), ("head", True), ("qa", True), ("worker", False)):
        html = page(client, busy.users[who], reverse("home"))
        assert ('href="/dashboards/"' in html) is shown, who


def test_opening_a_dashboard_is_audited(client, busy) -> None:
    run("summarise", "--as-of", "2025-06-11")
    page(client, busy.manager_user, reverse("dashboards:team", args=[busy.team.pk]))
    entry = AuditEvent.objects.filter(action="view", object_type="dashboard").get()
    assert entry.object_id == f"team:{busy.team.name}"


# Downloads ---------------------------------------------------------------------------------------


def test_the_figures_download_as_csv_hold_the_dashboards_numbers(client, busy) -> None:
    run("summarise", "--as-of", "2025-06-11")
    client.force_login(busy.qa)
    response = client.get(reverse("dashboards:organisation_download", args=["figures", "csv"]))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert tuple(rows[0]) == COLUMNS
    # The day's figures, the 12 months' and each service's: every one a row of the command's.
    assert {tuple(r) for r in rows[1:]} <= command_rows(dt.date(2025, 6, 11), "--months", "12")
    assert AuditEvent.objects.filter(action="download", object_type="dashboard").exists()


def test_a_formula_in_a_name_is_neutralised_in_csv_and_xlsx(client, busy) -> None:
    busy.team.name = '=HYPERLINK("http://x")'
    busy.team.save()
    run("summarise", "--as-of", "2025-06-11", "--months", "1")
    client.force_login(busy.qa)

    text = client.get(
        reverse("dashboards:service_download", args=[busy.service.pk, "figures", "csv"])
    ).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    assert "\n=HYPERLINK" not in text
    assert ",=HYPERLINK" not in text

    xlsx = client.get(
        reverse("dashboards:service_download", args=[busy.service.pk, "figures", "xlsx"])
    ).content
    with zipfile.ZipFile(io.BytesIO(xlsx)) as book:
        strings = book.read("xl/sharedStrings.xml").decode()
        sheets = "".join(
            book.read(name).decode() for name in book.namelist() if name.startswith("xl/worksheets")
        )
    assert "&apos;=HYPERLINK" in strings or "'=HYPERLINK" in strings
    assert "<f>" not in sheets  # no formula anywhere


def test_the_obligations_report_downloads_for_a_team_the_user_manages(client, busy) -> None:
    run("summarise", "--as-of", "2025-06-11")
    client.force_login(busy.manager_user)
    response = client.get(
        reverse("dashboards:team_download", args=[busy.team.pk, "obligations", "csv"])
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert {r["subject_id"] for r in rows} >= {"WA", busy.amy.case_id}
    assert busy.cara.case_id not in {r["subject_id"] for r in rows}
    refused = client.get(
        reverse("dashboards:team_download", args=[busy.other_team.pk, "obligations", "csv"])
    )
    assert refused.status_code == 403


def test_the_whole_organisations_obligations_report_is_the_commands(client, busy) -> None:
    run("summarise", "--as-of", "2025-06-11", "--months", "1")
    client.force_login(busy.qa)
    response = client.get(
        reverse("dashboards:organisation_download", args=["obligations", "csv"]),
        {"as_of": "2025-06-11"},
    )
    report = run("obligations", "--as-of", "2025-06-11")
    assert response.content.decode("utf-8-sig") == report
    client.force_login(busy.manager_user)
    refused = client.get(reverse("dashboards:organisation_download", args=["obligations", "csv"]))
    assert refused.status_code == 403


def test_a_charts_words_are_escaped_and_its_bars_carry_their_numbers() -> None:
    months = [dt.date(2025, month, 28) for month in (4, 5, 6)]
    figure = Figure(months[2], "team", "<b>Team</b>", "case_supervision", 10, 9, 0, 1)
    chart = trend_chart('x"1', "Case <supervision> & co", [(months[0], None), (months[2], figure)])

    svg = str(chart.svg())

    assert "<supervision>" not in svg
    assert "<b>" not in svg
    assert "Case &lt;supervision&gt; &amp; co: percentage in time" in svg
    assert 'id="x&quot;1-title"' in svg
    assert ">90%</text>" in svg
    assert ">none</text>" in svg
    assert svg.count("<rect ") == 1  # the month with nothing stored has no bar
