"""Compliance dashboards: the organisation, a service, a team (INDICATORS.md).

Every figure is read from the summary table (`oversight.dashboards`), never computed while the
person waits; a team's page also lists the rows behind its figures, computed live for that one
team. Who may open which dashboard is decided in `oversight.access.dashboards`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from oversight.access.dashboards import (
    can_view_organisation,
    people_in_reach,
    require_organisation,
    service_for_dashboard,
    team_for_dashboard,
    visible_services,
    visible_teams,
)
from oversight.access.quality import can_view_team_results
from oversight.audit.trail import audit
from oversight.cases.caseload_history import caseloads_by_team
from oversight.cases.models import Allocation, Case
from oversight.dashboards.behind import RowBehind, rows_behind, tally, to_do
from oversight.dashboards.downloads import CSV_TYPE, XLSX_TYPE, Sheet, as_csv, as_xlsx
from oversight.dashboards.summaries import (
    TREND_MONTHS,
    ScopeFigures,
    scope_figures,
    stored_dates,
)
from oversight.engine.engine import Obligation, compute_obligations
from oversight.engine.indicators import COLUMNS, Figure, month_ends
from oversight.engine.report import COLUMNS as REPORT_COLUMNS
from oversight.engine.report import iter_rows
from oversight.engine.rules import RecordCompletion
from oversight.facts.from_database import load_facts
from oversight.facts.live import council_policy
from oversight.facts.scope import scope_for_staff
from oversight.organisation.models import Service, Staff, Team
from oversight.quality import results
from oversight.quality.results import Result
from oversight.web.dashboards.charts import Chart, trend_chart
from oversight.web.requests import AuthenticatedHttpRequest

DOWNLOADS = {"csv": (CSV_TYPE, as_csv), "xlsx": (XLSX_TYPE, as_xlsx)}


@dataclass(frozen=True)
class Scope:
    """What a dashboard is about: the scope's type and name as the figures have them, and where
    its dashboard and downloads are."""

    type: str  # organisation | service | team
    id: str  # the figures' scope_id: a service's or team's name; empty for the organisation
    title: str
    url: str
    children_type: str | None = None
    children: dict[str, str] = field(default_factory=dict)  # name -> dashboard address

    def download_url(self, what: str, fmt: str) -> str:
        return f"{self.url}{what}.{fmt}"


@dataclass(frozen=True)
class Row:
    """One obligation's figure, labelled for people."""

    label: str
    figure: Figure | None

    @property
    def percent(self) -> str:
        percent = self.figure.percent if self.figure else None
        return f"{percent}%" if percent is not None else "none counted"


@dataclass(frozen=True)
class Trend:
    label: str
    chart: Chart
    points: list[tuple[dt.date, Figure | None]]


@dataclass(frozen=True)
class Child:
    name: str
    url: str
    cells: list[Figure | None]


# Choosing the date -------------------------------------------------------------------------


@dataclass(frozen=True)
class Day:
    as_of: dt.date | None
    dates: list[dt.date]
    error: str = ""


def chosen_day(request: AuthenticatedHttpRequest) -> Day:
    """The as-of date asked for, if figures were stored for it; otherwise the latest, with an
    error naming the problem and the fix."""
    dates = stored_dates(council_policy().name)
    latest = dates[0] if dates else None
    text = request.GET.get("as_of", "").strip()
    if not text:
        return Day(latest, dates)
    try:
        asked = dt.date.fromisoformat(text)
    except ValueError:
        return Day(latest, dates, f"'{text}' is not a date. Choose a date from the list.")
    if asked not in dates:
        return Day(
            latest,
            dates,
            f"There are no figures for {asked:%-d %B %Y}. Choose a date from the list: figures "
            "are computed every night and at the end of each month.",
        )
    return Day(asked, dates)


# The pages ---------------------------------------------------------------------------------


def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The broadest dashboard the user may open; or the choice made in the filters."""
    today = timezone.localdate()
    query = "?" + urlencode({"as_of": request.GET["as_of"]}) if request.GET.get("as_of") else ""
    team = request.GET.get("team", "")
    service = request.GET.get("service", "")
    if team.isdigit():
        return redirect(reverse("dashboards:team", args=[int(team)]) + query)
    if service.isdigit():
        return redirect(reverse("dashboards:service", args=[int(service)]) + query)
    if can_view_organisation(request.user, today):
        return redirect(reverse("dashboards:organisation") + query)
    services = visible_services(request.user, today)
    if len(services) == 1:
        return redirect(reverse("dashboards:service", args=[services[0].pk]) + query)
    teams = visible_teams(request.user, today)
    if len(teams) == 1 and not services:
        return redirect(reverse("dashboards:team", args=[teams[0].pk]) + query)
    return render(request, "dashboards/index.html", {"services": services, "teams": teams})


def organisation(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_organisation(request.user)
    return _dashboard(request, _organisation_scope())


def service(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _dashboard(request, _service_scope(service_for_dashboard(request.user, pk)))


def team(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    the_team = team_for_dashboard(request.user, pk)
    return _dashboard(request, _team_scope(the_team), team=the_team)


def _organisation_scope() -> Scope:
    return Scope(
        "organisation",
        "",
        "Whole organisation",
        reverse("dashboards:organisation"),
        "service",
        {s.name: reverse("dashboards:service", args=[s.pk]) for s in Service.objects.all()},
    )


def _service_scope(the_service: Service) -> Scope:
    return Scope(
        "service",
        the_service.name,
        the_service.name,
        reverse("dashboards:service", args=[the_service.pk]),
        "team",
        {t.name: reverse("dashboards:team", args=[t.pk]) for t in the_service.teams.all()},
    )


def _team_scope(the_team: Team) -> Scope:
    return Scope(
        "team", the_team.name, the_team.name, reverse("dashboards:team", args=[the_team.pk])
    )


def _dashboard(
    request: AuthenticatedHttpRequest, scope: Scope, *, team: Team | None = None
) -> HttpResponse:
    day = chosen_day(request)
    policy = council_policy()
    found = _figures(scope, day.as_of)
    context: dict[str, object] = {
        "scope": scope,
        "day": day,
        "policy": policy,
        "found": found,
        "services": visible_services(request.user),
        "teams": visible_teams(request.user),
        "team": team,
        "may_see_organisation": can_view_organisation(request.user),
        "crumbs": _crumbs(request, scope, team),
        "as_of_query": f"?as_of={day.as_of:%Y-%m-%d}" if day.as_of and not day.error else "",
        "date_errors": [{"text": day.error, "href": "#as_of"}] if day.error else [],
        "downloads": _downloads(scope, day),
    }
    if found is not None and day.as_of is not None:
        kinds = found.obligations
        label = {kind: obligation_label_for(kind) for kind in kinds}
        mine = {f.obligation: f for f in found.figures}
        # A kind with nothing counted on the date has no row (INDICATORS.md), as in the command;
        # its trend still shows the months it had.
        context["rows"] = [Row(label[k], mine[k]) for k in kinds if k in mine]
        context["trends"] = _trends(found, kinds, label)
        context["kinds"] = [label[k] for k in kinds]
        context["children"] = [
            Child(
                name,
                url,
                [
                    next((f for f in found.children.get(name, []) if f.obligation == k), None)
                    for k in kinds
                ],
            )
            for name, url in sorted(scope.children.items())
        ]
        context["missing_months"] = TREND_MONTHS - len(found.trend)
        if team is not None:
            context.update(_behind(request, team, day.as_of, found))
    teams = _teams(scope, team)
    context["quality"] = _quality(request, scope, teams, team)
    # Today's, whatever date the figures are for: the caseloads page each row links to is today's.
    context["caseloads_on"] = timezone.localdate()
    context["caseloads"] = caseloads_by_team(teams, timezone.localdate())
    audit(
        request.user,
        "view",
        object_type="dashboard",
        object_id=f"{scope.type}:{scope.id}",
        object_label=f"Compliance dashboard: {scope.title}",
        request=request,
        detail={"as_of": day.as_of.isoformat() if day.as_of else None},
    )
    return render(request, "dashboards/dashboard.html", context)


@dataclass(frozen=True)
class Quality:
    """The audit results of the scope's records (issue 14), beside the timeliness figures."""

    overall: Result
    quarters: list[Result]
    url: str


def _teams(scope: Scope, team: Team | None) -> list[Team]:
    """The teams a dashboard covers: its own team, its service's or all of them."""
    if team is not None:
        return [team]
    return list(
        Team.objects.all()
        if scope.type == "organisation"
        else Team.objects.filter(service__name=scope.id)
    )


def _quality(
    request: AuthenticatedHttpRequest, scope: Scope, teams: list[Team], team: Team | None
) -> Quality:
    """How the records of the scope's teams were graded in quality assurance audits, with a link
    to the full results where the user may open them."""
    if team is not None:
        url = reverse("quality:team_results", args=[team.pk])
        may_open = can_view_team_results(request.user, team)
    else:
        url = reverse("quality:results")
        may_open = True
    grades = results.standing_grades([t.pk for t in teams])
    return Quality(
        results.roll_up(scope.title, grades), results.by_quarter(grades), url if may_open else ""
    )


@dataclass(frozen=True)
class Crumb:
    label: str
    url: str


def _crumbs(request: AuthenticatedHttpRequest, scope: Scope, team: Team | None) -> list[Crumb]:
    """The way up: the organisation and the team's service, where the user may open them."""
    crumbs = []
    if scope.type != "organisation" and can_view_organisation(request.user):
        crumbs.append(Crumb("Whole organisation", reverse("dashboards:organisation")))
    service = team.service if team is not None else None
    if service is not None and service.pk in {s.pk for s in visible_services(request.user)}:
        crumbs.append(Crumb(service.name, reverse("dashboards:service", args=[service.pk])))
    return crumbs


def _downloads(scope: Scope, day: Day) -> dict[str, str]:
    query = f"?as_of={day.as_of:%Y-%m-%d}" if day.as_of else ""
    found = {f"figures_{fmt}": scope.download_url("figures", fmt) + query for fmt in DOWNLOADS}
    if scope.type != "organisation":
        found.update(
            {
                f"obligations_{fmt}": scope.download_url("obligations", fmt) + query
                for fmt in DOWNLOADS
            }
        )
    return found


def obligation_label_for(kind: str) -> str:
    """What the council's policy calls an obligation kind, e.g. "Case supervision"."""
    for rule in council_policy().obligations:
        if rule.name == kind:
            # A policy calls it "record" (as in "record due in 3 working days"); a figure of
            # records needs to say what was counted.
            label = f"{rule.label} written up" if isinstance(rule, RecordCompletion) else rule.label
            return label[:1].upper() + label[1:]
    return kind.replace("_", " ").capitalize()


def _figures(scope: Scope, as_of: dt.date | None) -> ScopeFigures | None:
    if as_of is None:
        return None
    return scope_figures(
        council_policy().name,
        as_of,
        scope.type,
        scope.id,
        children_type=scope.children_type,
        children_ids=list(scope.children),
    )


def _trends(found: ScopeFigures, kinds: list[str], label: dict[str, str]) -> list[Trend]:
    days = month_ends(found.summary.as_of, TREND_MONTHS)
    trends = []
    for n, kind in enumerate(kinds):
        points: list[tuple[dt.date, Figure | None]] = [
            (d, next((f for f in found.trend.get(d, []) if f.obligation == kind), None))
            for d in days
        ]
        trends.append(Trend(label[kind], trend_chart(f"trend-{n}", label[kind], points), points))
    return trends


# The rows behind a team's figures ------------------------------------------------------------


@dataclass(frozen=True)
class Listed:
    """One row behind a figure, as the page lists it."""

    row: RowBehind
    what_to_do: str
    action_url: str
    subject_url: str
    subject_name: str


@dataclass(frozen=True)
class Section:
    label: str
    kind: str
    overdue: list[Listed]
    met_late: list[Listed]
    in_time: list[Listed]


def _behind(
    request: AuthenticatedHttpRequest, the_team: Team, as_of: dt.date, found: ScopeFigures
) -> dict[str, object]:
    policy = council_policy()
    rows = rows_behind(policy, the_team, as_of)
    reach = people_in_reach(request.user)
    shown = [r for r in rows if reach is None or r.person is None or r.person.pk in reach]
    sections = []
    # The kinds counted on the date, by the figures or (if something changed since) the rows.
    kinds = sorted({f.obligation for f in found.figures} | {r.obligation.obligation for r in rows})
    for kind in kinds:
        listed = [
            _listed(policy_to_do(kind), r, the_team)
            for r in shown
            if r.obligation.obligation == kind
        ]
        sections.append(
            Section(
                obligation_label_for(kind),
                kind,
                [x for x in listed if x.row.status == "overdue"],
                [x for x in listed if x.row.status == "met_late"],
                [x for x in listed if x.row.in_time],
            )
        )
    return {
        "sections": sections,
        "hidden": len(rows) - len(shown),
        "changed_since": tally(rows, as_of, the_team) != found.figures,
    }


def policy_to_do(kind: str) -> tuple[str, str]:
    return to_do(council_policy(), kind)


def _listed(action: tuple[str, str], row: RowBehind, the_team: Team) -> Listed:
    words, page = action
    person = row.person
    staff_id = person.staff_id if person else ""
    if row.case_id:
        subject_url = reverse("mywork:child", args=[row.case_id])
        subject_name = row.child_name or f"Child {row.case_id}"
    elif row.session_pk is not None:
        subject_url = reverse("records:detail", args=[row.session_pk])
        subject_name = f"Record of {row.obligation.subject_id}"
    elif person is not None:
        subject_url = reverse("files:detail", args=[staff_id])
        subject_name = person.name
    else:
        subject_url = reverse("mywork:team", args=[the_team.pk])
        subject_name = the_team.name
    links: dict[str, Callable[[], str]] = {
        "book": lambda: reverse("records:book") + f"?supervisee={staff_id}",
        "agreement": lambda: reverse("agreements:new", args=[person.pk]) if person else "",
        "observation": lambda: reverse("records:observation_new") + f"?staff={staff_id}",
        "chair": lambda: reverse("records:chair_new") + f"?staff={staff_id}",
        "evidence": lambda: reverse("people:evidence", args=[staff_id]),
        "appraisal": lambda: reverse("people:appraisal", args=[staff_id]),
        "group": lambda: reverse("records:group_new") + f"?team={the_team.pk}",
        "child": lambda: subject_url,
        "record": lambda: subject_url,
    }
    return Listed(row, words, links.get(page, lambda: subject_url)(), subject_url, subject_name)


# Downloads ----------------------------------------------------------------------------------


def download(
    request: AuthenticatedHttpRequest, what: str, fmt: str, kind: str, pk: int | None = None
) -> HttpResponse:
    """A dashboard's tables ('figures') or the obligations report ('obligations') as a file."""
    if fmt not in DOWNLOADS:
        raise Http404("Downloads are CSV or XLSX.")
    if kind == "organisation":
        require_organisation(request.user)
        scope = _organisation_scope()
        teams: list[Team] = []
    elif kind == "service":
        the_service = service_for_dashboard(request.user, pk or 0)
        scope = _service_scope(the_service)
        teams = list(the_service.teams.all())
    else:
        the_team = team_for_dashboard(request.user, pk or 0)
        scope = _team_scope(the_team)
        teams = [the_team]
    day = chosen_day(request)
    if day.error:
        raise Http404(day.error)
    # The obligations report needs no stored figures: before any, it is today's.
    as_of = day.as_of or timezone.localdate()
    if what == "figures":
        sheets = _figure_sheets(scope, as_of)
    elif what == "obligations" and kind == "organisation":
        # The whole council's report, as `oversight obligations` writes it: about a second for
        # a large council, and only on asking for the file.
        whole = compute_obligations(council_policy(), load_facts(as_of=as_of), as_of)
        sheets = [Sheet(f"Obligations on {as_of}", REPORT_COLUMNS, list(iter_rows(whole)))]
    elif what == "obligations":
        sheets = [_obligation_sheet(request, teams, as_of)]
    else:
        raise Http404("There is no such download.")
    content_type, write = DOWNLOADS[fmt]
    name = f"{what}-{scope.type}-{scope.id or 'organisation'}-{as_of}".replace(" ", "-")
    audit(
        request.user,
        "download",
        object_type="dashboard",
        object_id=f"{scope.type}:{scope.id}",
        object_label=f"{what.capitalize()} of {scope.title} as {fmt.upper()}",
        request=request,
        detail={"as_of": as_of.isoformat(), "format": fmt, "what": what},
    )
    response = HttpResponse(write(sheets), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{_file_name(name)}.{fmt}"'
    return response


def _file_name(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in text.lower())


def _figure_cells(f: Figure) -> list[str | int | float | None]:
    percent = f.percent
    return [
        f.as_of.isoformat(),
        f.scope_type,
        f.scope_id,
        f.obligation,
        f.counted,
        f.in_time,
        f.met_late,
        f.overdue,
        float(percent) if isinstance(percent, Decimal) else None,
    ]


def _figure_sheets(scope: Scope, as_of: dt.date) -> list[Sheet]:
    found = _figures(scope, as_of)
    if found is None:
        raise Http404("No figures were computed for that date.")
    sheets = [
        Sheet(f"On {as_of}", COLUMNS, [_figure_cells(f) for f in found.figures]),
        Sheet(
            "12 months",
            COLUMNS,
            [_figure_cells(f) for day in sorted(found.trend) for f in found.trend[day]],
        ),
    ]
    if scope.children_type:
        sheets.append(
            Sheet(
                f"{scope.children_type.capitalize()}s on {as_of}",
                COLUMNS,
                [_figure_cells(f) for name in sorted(found.children) for f in found.children[name]],
            )
        )
    return sheets


def _obligation_sheet(
    request: AuthenticatedHttpRequest, teams: list[Team], as_of: dt.date
) -> Sheet:
    """`oversight obligations` for the teams' people and children, limited to the people the
    user may see."""
    reach = people_in_reach(request.user)
    members = Staff.objects.filter(team__in=teams)
    if reach is not None:
        members = members.filter(pk__in=reach)
    held = Allocation.objects.active_on(as_of).filter(worker__in=members).values("case")
    facts = load_facts(staff=members, cases=Case.objects.filter(pk__in=held))
    scope = scope_for_staff(members, as_of, teams=teams)
    found: list[Obligation] = compute_obligations(
        council_policy(), facts, as_of, subjects=scope.subjects
    )
    return Sheet(f"Obligations on {as_of}", REPORT_COLUMNS, list(iter_rows(found)))
