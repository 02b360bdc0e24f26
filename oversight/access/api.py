"""What a REST API token may read and write (oversight/api/).

A token linked to a person's account acts as that person: it reads exactly what they may see in
the pages, through the same queries (`visible_staff`, `visible_cases`, `visible_sessions`), and
the obligations of those people, children and records, and the compliance indicators of the
dashboards they may open (`oversight/access/dashboards.py`). A token with no person is a
system's (a case management system, council reporting): it reads the whole organisation, as the
system feeding Oversight already holds all of it.

Writing takes a token with the write scope and, for a person's token, a person who corrects case
data in the pages (business support, who keep it in the admin): nobody gains through the API a
power the pages do not give them.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from oversight.access.dashboards import can_view_organisation, visible_services, visible_teams
from oversight.access.queries import (
    access_for,
    visible_cases,
    visible_sessions,
    visible_staff,
)
from oversight.api.models import ApiToken
from oversight.cases.models import Case, CaseQuerySet
from oversight.dashboards.models import SummaryFigure
from oversight.obligations.models import StoredObligation
from oversight.organisation.models import Staff, StaffQuerySet, Team
from oversight.supervision.models import Session, SessionQuerySet

WRITE_REFUSED = (
    "This token may only read. Ask the system administrator for a token with the write scope."
)
PERSON_WRITE_REFUSED = (
    "Only business support may change case data through the API, as in the pages. Use a "
    "system's token, or ask business support."
)


def is_system(token: ApiToken) -> bool:
    return token.user_id is None


def api_staff(token: ApiToken, day: dt.date) -> StaffQuerySet:
    if is_system(token):
        return Staff.objects.all()
    return visible_staff(token.user, day)


def api_cases(token: ApiToken, day: dt.date) -> CaseQuerySet:
    if is_system(token):
        return Case.objects.all()
    return visible_cases(token.user, day)


def api_sessions(token: ApiToken, day: dt.date) -> SessionQuerySet:
    if is_system(token):
        return Session.objects.all()
    return visible_sessions(token.user, day)


def api_teams(token: ApiToken, day: dt.date) -> list[Team]:
    """Teams whose page the person may open (team_for_user): every team for QA, the teams of the
    people they manage for a manager."""
    teams = Team.objects.select_related("service").order_by("name")
    if is_system(token):
        return list(teams)
    access = access_for(token.user, day)
    if access.is_qa:
        return list(teams)
    managed = Staff.objects.filter(pk__in=access.managed).active_on(day)
    return list(teams.filter(pk__in=managed.values("team")))


def api_obligations(token: ApiToken, day: dt.date) -> QuerySet[StoredObligation]:
    """Stored obligations about the people, children, records and teams the token may see."""
    rows = StoredObligation.objects.all()
    if is_system(token):
        return rows
    staff_ids = api_staff(token, day).values("staff_id")
    case_ids = api_cases(token, day).values("case_id")
    session_ids = api_sessions(token, day).values("session_id")
    team_names = [team.name for team in api_teams(token, day)]
    return rows.filter(
        Q(subject_type="staff", subject_id__in=staff_ids)
        | Q(subject_type="case", subject_id__in=case_ids)
        | Q(subject_type="session", subject_id__in=session_ids)
        | Q(subject_type="team", subject_id__in=team_names)
    )


def api_figures(token: ApiToken, day: dt.date) -> QuerySet[SummaryFigure]:
    """The summary table's figures of the scopes whose dashboards the person may open: their
    teams', their services', the organisation's if they may see it whole."""
    rows = SummaryFigure.objects.all()
    if is_system(token):
        return rows
    user = token.user
    scopes = Q(scope_type="team", scope_id__in=[t.name for t in visible_teams(user, day)]) | Q(
        scope_type="service", scope_id__in=[s.name for s in visible_services(user, day)]
    )
    if can_view_organisation(user, day):
        scopes |= Q(scope_type="organisation")
    return rows.filter(scopes)


def write_refusal(token: ApiToken, day: dt.date) -> str | None:
    """Why the token may not write, or None if it may."""
    if not token.can_write:
        return WRITE_REFUSED
    if not is_system(token) and not access_for(token.user, day).is_business_support:
        return PERSON_WRITE_REFUSED
    return None
