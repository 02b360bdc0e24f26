"""Who may see which compliance dashboard: a team, a service, the whole organisation.

From line management on the day, like every other rule here:

- the organisation: quality assurance, and whoever has someone in every team below them in line
  management (the director);
- a service: those, and whoever has someone in every team of the service below them (its head of
  service, an assistant director over it);
- a team: those, and whoever manages someone in it (its team manager), as for the team's page.

The figures are counts; the people and children listed behind a figure are only those the user
may see anyway (`people_in_reach`), so a dashboard never names someone their page would refuse.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404

from oversight.access.queries import Access, access_for
from oversight.organisation.models import Service, Staff, Team

ORGANISATION_REFUSED = (
    "The whole organisation's dashboard is for quality assurance and the director. "
    "Open your service's or your team's dashboard instead."
)
SERVICE_REFUSED = (
    "A service's dashboard is for its head of service, the managers above them and quality "
    "assurance. Open the dashboard of a team you manage instead."
)
TEAM_REFUSED = (
    "A team's dashboard is for the managers of people in it and quality assurance. "
    "Open the dashboard of a team you manage instead."
)


def _staffed_teams(day: dt.date) -> dict[int, int | None]:
    """Each team with someone working in it on the day, with its service."""
    return dict(
        Staff.objects.active_on(day)
        .exclude(team=None)
        .values_list("team_id", "team__service_id")
        .distinct()
    )


def _covers(access: Access, teams: set[int], below: set[int]) -> bool:
    return bool(teams) and teams <= below


_ORGANISATION_CACHE = "_oversight_sees_organisation"


def can_view_organisation(user: Any, day: dt.date | None = None) -> bool:
    """Quality assurance, or someone with a person in every staffed team below them. Asked by
    several parts of one page (the filters, the links), so kept on the user object per day, like
    `access_for`."""
    access = access_for(user, day)
    if access.is_qa:
        return True
    if not access.manages_anyone:
        return False
    known: dict[dt.date, bool] = getattr(user, _ORGANISATION_CACHE, None) or {}
    if access.day not in known:
        known[access.day] = _covers(
            access, set(_staffed_teams(access.day)), set(access.managed_teams)
        )
        setattr(user, _ORGANISATION_CACHE, known)
    return known[access.day]


def visible_services(user: Any, day: dt.date | None = None) -> list[Service]:
    """The services whose dashboards the user may open, by name."""
    access = access_for(user, day)
    if can_view_organisation(user, access.day):
        return list(Service.objects.order_by("name"))
    if not access.manages_anyone:
        return []
    below = set(access.managed_teams)
    teams_of: dict[int, set[int]] = {}
    for team, service in _staffed_teams(access.day).items():
        if service is not None:
            teams_of.setdefault(service, set()).add(team)
    covered = [pk for pk, teams in teams_of.items() if _covers(access, teams, below)]
    return list(Service.objects.filter(pk__in=covered).order_by("name"))


def visible_teams(user: Any, day: dt.date | None = None) -> list[Team]:
    """The teams whose dashboards the user may open, by name."""
    access = access_for(user, day)
    if can_view_organisation(user, access.day):
        return list(Team.objects.select_related("service").order_by("name"))
    services = [s.pk for s in visible_services(user, access.day)]
    below = set(access.managed_teams)
    return list(
        Team.objects.filter(Q(pk__in=below) | Q(service__in=services))
        .select_related("service")
        .order_by("name")
    )


def uses_dashboards(user: Any, day: dt.date | None = None) -> bool:
    """Has at least one dashboard to open (for the menu)."""
    access = access_for(user, day)
    return access.is_qa or access.manages_anyone


def people_in_reach(user: Any, day: dt.date | None = None) -> frozenset[int] | None:
    """The staff whose rows a dashboard may list by name (themselves, the children they hold, the
    sessions they received): the user and everyone below them; None for everyone (QA)."""
    access = access_for(user, day)
    if access.is_qa:
        return None
    own = {access.staff.pk} if access.staff is not None else set()
    return frozenset(own | access.managed)


# Fetch and authorise, for the views ------------------------------------------------------------


def require_organisation(user: Any, day: dt.date | None = None) -> None:
    if not can_view_organisation(user, day):
        raise PermissionDenied(ORGANISATION_REFUSED)


def service_for_dashboard(user: Any, pk: int, day: dt.date | None = None) -> Service:
    service = get_object_or_404(Service, pk=pk)
    if service.pk not in {s.pk for s in visible_services(user, day)}:
        raise PermissionDenied(SERVICE_REFUSED)
    return service


def team_for_dashboard(user: Any, pk: int, day: dt.date | None = None) -> Team:
    team = get_object_or_404(Team.objects.select_related("service"), pk=pk)
    if team.pk not in {t.pk for t in visible_teams(user, day)}:
        raise PermissionDenied(TEAM_REFUSED)
    return team
