"""The REST API's endpoints: function-based, each reading from what the token may see
(oversight/access/api.py) and each write going through the importer's checks, in one transaction
with its audit entry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from django.db import models, transaction
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import api_view
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response

from oversight.access.api import (
    api_cases,
    api_figures,
    api_obligations,
    api_sessions,
    api_staff,
    api_teams,
    is_system,
)
from oversight.access.queries import today
from oversight.api import serializers as shapes
from oversight.api.errors import ErrorsSerializer, problems_response
from oversight.api.models import ApiToken
from oversight.audit.actor import Actor
from oversight.audit.trail import changes, client_ip
from oversight.cases.models import Allocation, Case, CaseEvent, CaseStatus
from oversight.dashboards.summaries import stored_dates
from oversight.facts.live import council_policy
from oversight.import_export.reader import Problem, check_row, session_problems
from oversight.obligations.store import ensure_current
from oversight.organisation.models import LineManagement, Staff, Team
from oversight.supervision.models import Session, SessionCase

FAILURES = {code: ErrorsSerializer for code in (400, 401, 403, 404, 429)}
PAGING = [
    OpenApiParameter("page", int, description="Which page, from 1."),
    OpenApiParameter("page_size", int, description="Rows a page, up to 1000 (default 100)."),
]


class Pages(PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


def _actor(request: Request) -> Actor:
    token: ApiToken = request.auth
    return Actor(user=None if is_system(token) else token.user, address=client_ip(request))


def _token_detail(request: Request) -> dict[str, Any]:
    return {"via": "api", "api_token": str(request.auth)}


def _listed(
    request: Request,
    rows: QuerySet[Any],
    shape: type,
    what: str,
    context: Callable[[list[Any]], dict[str, Any]] | None = None,
) -> Response:
    """One page of `rows`, and an audit entry saying who read which page of what."""
    pages = Pages()
    page = pages.paginate_queryset(rows, request)
    body = shape(page, many=True, context=context(page) if context else {}).data
    _actor(request).audit(
        "view",
        object_type=f"api.{what}",
        detail={
            **_token_detail(request),
            "page": request.query_params.get("page", "1"),
            "ids": [_ident(row) for row in page],
        },
    )
    return pages.get_paginated_response(body)


def _ident(row: Any) -> str:
    for name in ("staff_id", "case_id", "session_id", "name"):
        if hasattr(row, name):
            return str(getattr(row, name))
    if hasattr(row, "scope_type"):
        return f"{row.scope_type}:{row.scope_id}:{row.obligation}"
    return f"{row.subject_type}:{row.subject_id}:{row.obligation}"


# Reading ---------------------------------------------------------------------------------------


@extend_schema(parameters=PAGING, responses={200: shapes.PagedStaff, **FAILURES}, tags=["read"])
@api_view(["GET"])
def staff(request: Request) -> Response:
    """People the token may see, with their team and line manager today."""
    day = today()
    rows = api_staff(request.auth, day).select_related("team").order_by("staff_id")

    def line_managers(page: list[Staff]) -> dict[str, Any]:
        found = LineManagement.objects.active_on(day).filter(staff__in=page)
        return {
            "line_managers": dict(found.values_list("staff_id", "manager__staff_id")),
        }

    return _listed(request, rows, shapes.StaffOut, "staff", line_managers)


@extend_schema(parameters=PAGING, responses={200: shapes.PagedTeams, **FAILURES}, tags=["read"])
@api_view(["GET"])
def teams(request: Request) -> Response:
    """Teams whose page the token may open."""
    names = [team.pk for team in api_teams(request.auth, today())]
    rows = Team.objects.filter(pk__in=names).select_related("service").order_by("name")
    return _listed(request, rows, shapes.TeamOut, "teams")


@extend_schema(parameters=PAGING, responses={200: shapes.PagedCases, **FAILURES}, tags=["read"])
@api_view(["GET"])
def cases(request: Request) -> Response:
    """Children's cases the token may see, with their allocations, statuses and events."""
    rows = (
        api_cases(request.auth, today())
        .order_by("case_id")
        .prefetch_related(
            models.Prefetch("allocations", Allocation.objects.select_related("case", "worker"))
        )
        .prefetch_related(models.Prefetch("statuses", CaseStatus.objects.select_related("case")))
        .prefetch_related(models.Prefetch("events", CaseEvent.objects.select_related("case")))
    )
    return _listed(request, rows, shapes.CaseOut, "cases")


@extend_schema(
    parameters=[
        *PAGING,
        OpenApiParameter("status", str, description="overdue, due_soon, ..."),
        OpenApiParameter("subject_type", str, enum=["staff", "case", "team", "session"]),
        OpenApiParameter("subject_id", str),
    ],
    responses={200: shapes.PagedObligations, **FAILURES},
    tags=["read"],
)
@api_view(["GET"])
def obligations(request: Request) -> Response:
    """Today's obligations (from the obligations store) about what the token may see, each with
    the rule that sets it, the engine's explanation and who owns it."""
    day = today()
    ensure_current(day)
    rows = api_obligations(request.auth, day).prefetch_related("owners")
    for name in ("status", "subject_type", "subject_id"):
        if value := request.query_params.get(name):
            rows = rows.filter(**{name: value})
    return _listed(request, rows.order_by("due_date", "pk"), shapes.ObligationOut, "obligations")


@extend_schema(parameters=PAGING, responses={200: shapes.PagedRecords, **FAILURES}, tags=["read"])
@api_view(["GET"])
def records(request: Request) -> Response:
    """Supervision sessions the token may see: metadata only, never what was written."""
    rows = (
        api_sessions(request.auth, today())
        .select_related("supervisor", "supervisee", "team")
        .prefetch_related("cases")
        .order_by("-date", "session_id")
    )
    return _listed(request, rows, shapes.RecordOut, "records")


@extend_schema(
    parameters=[
        *PAGING,
        OpenApiParameter(
            "as_of",
            OpenApiTypes.DATE,
            description="A date the figures were computed for (YYYY-MM-DD): each night's, and "
            "each month end's. Default: the latest.",
        ),
        OpenApiParameter("scope_type", str, enum=["team", "service", "organisation"]),
        OpenApiParameter("scope_id", str, description="A team's or service's name."),
        OpenApiParameter("obligation", str, description="One kind, e.g. case_supervision."),
    ],
    responses={200: shapes.PagedIndicators, **FAILURES},
    tags=["read"],
)
@api_view(["GET"])
def indicators(request: Request) -> Response:
    """The compliance indicators (INDICATORS.md) of the teams, services and organisation whose
    dashboards the token may open, on one date: the figures `oversight indicators` computes, as
    stored for the dashboards by `oversight summarise`, never computed again per request."""
    policy = council_policy().name
    dates = stored_dates(policy)
    text = request.query_params.get("as_of", "").strip()
    as_of = dates[0] if dates else None
    if text:
        try:
            as_of = dt.date.fromisoformat(text)
        except ValueError:
            return problems_response(
                [("as_of", f"'{text}' is not a date: write it as YYYY-MM-DD, e.g. 2025-04-30")]
            )
        if as_of not in dates:
            return problems_response(
                [
                    (
                        "as_of",
                        f"no figures were computed for {as_of}: ask for a date they were "
                        "computed for (each night's and each month end's)"
                        + (f", such as the latest, {dates[0]}" if dates else ""),
                    )
                ]
            )
    rows = api_figures(request.auth, today()).filter(summary__policy=policy)
    rows = rows.filter(summary__as_of=as_of) if as_of else rows.none()
    for name in ("scope_type", "scope_id", "obligation"):
        if value := request.query_params.get(name):
            rows = rows.filter(**{name: value})
    rows = rows.select_related("summary").order_by("scope_type", "scope_id", "obligation")
    return _listed(request, rows, shapes.IndicatorOut, "indicators")


# Writing ---------------------------------------------------------------------------------------


def _cells(
    data: Any, names: tuple[str, ...]
) -> tuple[dict[str, str], list[tuple[str | None, str]]]:
    """The request's values as the text cells the importer checks."""
    if not isinstance(data, Mapping):
        return {}, [(None, 'send a JSON object, such as {"case_id": "C1", ...}')]
    problems: list[tuple[str | None, str]] = [
        (name, "is not a field of this request: remove it")
        for name in data
        if name not in names and name != "case_ids"
    ]
    cells: dict[str, str] = {}
    for name in names:
        value = data.get(name)
        if value is None:
            cells[name] = ""
        elif isinstance(value, bool) or not isinstance(value, str | int):
            problems.append((name, "must be text (or a whole number of minutes)"))
        else:
            cells[name] = str(value)
    return cells, problems


def _checked(
    request: Request, file_name: str, names: tuple[str, ...]
) -> tuple[dict[str, Any], list[Problem | tuple[str | None, str]]]:
    cells, shape_problems = _cells(request.data, names)
    if shape_problems:
        return {}, list(shape_problems)
    row, problems = check_row(file_name, cells)
    return row, list(problems)


def _known(
    model: type[models.Model], field: str, value: Any, column: str, kind: str
) -> tuple[Any, list[tuple[str | None, str]]]:
    if value is None:
        return None, []
    found = model._default_manager.filter(**{field: value}).first()
    if found is None:
        return None, [(column, f"unknown {kind} '{value}': no {kind} in Oversight has it")]
    return found, []


def _upsert(
    request: Request,
    model: type[models.Model],
    key: dict[str, Any],
    values: dict[str, Any],
    shape: type,
) -> Response:
    """Create the row with `key`, or bring its `values` up to date, audited with the change."""
    with transaction.atomic():
        row = model._default_manager.select_for_update().filter(**key).first()
        if row is None:
            row = model._default_manager.create(**key, **values)
            _actor(request).audit("create", row, detail=_token_detail(request))
            return Response(shape(row).data, status=201)
        before = {name: getattr(row, name) for name in values}
        if before != values:
            for name, value in values.items():
                setattr(row, name, value)
            row.save(update_fields=list(values))
            _actor(request).audit(
                "change",
                row,
                detail={**_token_detail(request), "changes": changes(before, values)},
            )
    return Response(shape(row).data, status=200)


CHILD = (Case, "case_id", "case_id", "child")
WORKER = (Staff, "staff_id", "worker_id", "staff")


def _case_row(
    request: Request,
    file_name: str,
    model: type[models.Model],
    shape: type,
    *,
    refers_to: dict[str, tuple[type[models.Model], str, str, str]],
    key: tuple[str, ...],
    values: tuple[str, ...] = (),
) -> Response:
    """A row of a child's case, sent as the data set's `file_name` holds it: checked by the
    importer's rules, the child (and worker) it names looked up (`refers_to`: the field, and
    the model, its id field, the request's column and what to call it), then created, or its
    `values` brought up to date, by `key`, audited."""
    columns = (*(ref[2] for ref in refers_to.values()), *key, *values)
    row, problems = _checked(request, file_name, columns)
    found: dict[str, Any] = {}
    for field, (model_of, id_field, column, kind) in refers_to.items():
        found[field], unknown = _known(model_of, id_field, row.get(column), column, kind)
        problems += unknown
    if problems:
        return problems_response(problems)
    return _upsert(
        request,
        model,
        {**found, **{name: row[name] for name in key}},
        {name: row[name] for name in values},
        shape,
    )


@extend_schema(
    request=shapes.AllocationIn,
    responses={201: shapes.AllocationOut, 200: shapes.AllocationOut, **FAILURES},
    tags=["write"],
)
@api_view(["POST"])
def allocations(request: Request) -> Response:
    """A worker holds a child from a date (201); sent again with an end date, it ends (200)."""
    return _case_row(
        request,
        "allocations.csv",
        Allocation,
        shapes.AllocationOut,
        refers_to={"case": CHILD, "worker": WORKER},
        key=("start_date",),
        values=("end_date",),
    )


@extend_schema(
    request=shapes.CaseStatusIn,
    responses={201: shapes.CaseStatusOut, 200: shapes.CaseStatusOut, **FAILURES},
    tags=["write"],
)
@api_view(["POST"])
def case_statuses(request: Request) -> Response:
    """A child's status from a date (201); sent again with an end date, it ends (200)."""
    return _case_row(
        request,
        "case_statuses.csv",
        CaseStatus,
        shapes.CaseStatusOut,
        refers_to={"case": CHILD},
        key=("status", "start_date"),
        values=("end_date",),
    )


@extend_schema(
    request=shapes.CaseEventIn,
    responses={201: shapes.CaseEventOut, 200: shapes.CaseEventOut, **FAILURES},
    tags=["write"],
)
@api_view(["POST"])
def case_events(request: Request) -> Response:
    """A decision point in a child's case (201; 200 if it was already recorded)."""
    return _case_row(
        request,
        "case_events.csv",
        CaseEvent,
        shapes.CaseEventOut,
        refers_to={"case": CHILD},
        key=("event", "date"),
    )


SESSION_FIELDS = (
    "session_id",
    "type",
    "date",
    "supervisor_id",
    "supervisee_id",
    "team",
    "duration_minutes",
    "recorded_date",
)


@extend_schema(
    request=shapes.SessionIn, responses={201: shapes.RecordOut, **FAILURES}, tags=["write"]
)
@api_view(["POST"])
def sessions(request: Request) -> Response:
    """A supervision session recorded in another system. Like an imported one, it was never
    booked here, so it counts from its date."""
    row, problems = _checked(request, "sessions.csv", SESSION_FIELDS)
    case_ids = request.data.get("case_ids", []) if isinstance(request.data, Mapping) else []
    if not isinstance(case_ids, list) or not all(isinstance(c, str) for c in case_ids):
        problems.append(("case_ids", 'must be a list of child IDs, such as ["C1", "C2"]'))
        case_ids = []
    if problems:
        return problems_response(problems)
    problems += session_problems(row)
    supervisor, unknown_supervisor = _known(
        Staff, "staff_id", row["supervisor_id"], "supervisor_id", "staff"
    )
    supervisee, unknown_supervisee = _known(
        Staff, "staff_id", row["supervisee_id"], "supervisee_id", "staff"
    )
    team, unknown_team = _known(Team, "name", row["team"], "team", "team")
    problems += unknown_supervisor + unknown_supervisee + unknown_team
    children = {case.case_id: case for case in Case.objects.filter(case_id__in=case_ids)}
    problems += [
        ("case_ids", f"unknown child '{case_id}': no child in Oversight has it")
        for case_id in case_ids
        if case_id not in children
    ]
    if Session.objects.filter(session_id=row["session_id"]).exists():
        problems.append(
            ("session_id", f"a session '{row['session_id']}' is already recorded: send each once")
        )
    if problems:
        return problems_response(problems)
    with transaction.atomic():
        session = Session.objects.create(
            session_id=row["session_id"],
            type=row["type"],
            date=row["date"],
            supervisor=supervisor,
            supervisee=supervisee,
            team=team,
            duration_minutes=row["duration_minutes"],
            recorded_date=row["recorded_date"],
        )
        for case in children.values():
            # One at a time, not in bulk: each save marks the child's obligations stale.
            SessionCase.objects.create(session=session, case=case)
        _actor(request).audit(
            "create", session, detail={**_token_detail(request), "case_ids": sorted(children)}
        )
    return Response(shapes.RecordOut(session).data, status=201)
