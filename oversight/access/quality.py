"""Quality assurance: who draws and grades audit samples, who answers an audit, who sees results.

Quality assurance audit every team. A head of service audits the teams whose managers they
manage (B 3.1 "case file audits" by senior managers): someone who only manages workers would be
auditing their own supervision. The supervisor of a sampled record sees its audit and answers
it, and so do the managers above them; a team's managers see the team's results. A second
auditor (anyone else who may audit the team) moderates: never the one who graded it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404

from oversight.access.predicates import require
from oversight.access.queries import Access, access_for
from oversight.organisation.models import Staff, Team
from oversight.quality.models import AuditRole, AuditSample, AuditState, SampledRecord

AUDIT_REFUSED = (
    "Only quality assurance, or a head of service above the team's managers, can audit a team's "
    "records."
)


def _heads_teams(access: Access) -> set[int]:
    """Teams with a manager below the user in line management: the teams they are head of."""
    if access.staff is None or not access.managed:
        return set()
    return set(
        Staff.objects.filter(pk__in=access.managed, category="manager", team__isnull=False)
        .active_on(access.day)
        .values_list("team_id", flat=True)
    )


def can_audit_team(user: Any, team: Team, day: dt.date | None = None) -> bool:
    access = access_for(user, day)
    return access.is_qa or team.pk in _heads_teams(access)


def auditable_teams(user: Any, day: dt.date | None = None) -> list[Team]:
    access = access_for(user, day)
    teams = Team.objects.all()
    if not access.is_qa:
        teams = teams.filter(pk__in=_heads_teams(access))
    return list(teams.select_related("service").order_by("name"))


def audits_anything(user: Any, day: dt.date | None = None) -> bool:
    access = access_for(user, day)
    return access.is_qa or bool(_heads_teams(access))


def team_to_audit(user: Any, team_pk: int, day: dt.date | None = None) -> Team:
    team = Team.objects.filter(pk=team_pk).first()
    if team is None:
        raise Http404("There is no team with that number.")
    require(can_audit_team(user, team, day), AUDIT_REFUSED)
    return team


def sample_to_view(user: Any, pk: int, day: dt.date | None = None) -> AuditSample:
    sample = AuditSample.objects.select_related("team", "drawn_by").filter(pk=pk).first()
    if sample is None:
        raise Http404("There is no audit sample with that number.")
    require(can_audit_team(user, sample.team, day), AUDIT_REFUSED)
    return sample


def can_view_audit(user: Any, sampled: SampledRecord, day: dt.date | None = None) -> bool:
    """Auditors of the team; the record's supervisor and the managers above them."""
    if can_audit_team(user, sampled.sample.team, day):
        return True
    supervisor = sampled.session.supervisor
    return supervisor is not None and access_for(user, day).in_line(supervisor)


def audit_to_view(user: Any, pk: int, day: dt.date | None = None) -> SampledRecord:
    sampled = (
        SampledRecord.objects.with_state()
        .select_related("sample__team", "session__supervisor", "session__supervisee")
        .filter(pk=pk)
        .first()
    )
    if sampled is None:
        raise Http404("There is no audit with that number.")
    require(
        can_view_audit(user, sampled, day),
        "You cannot see this audit: it is of a record you neither supervise nor audit.",
    )
    return sampled


def audit_role(user: Any, sampled: SampledRecord, day: dt.date | None = None) -> AuditRole | None:
    """Who the user is to this audit now, for the table of moves (AUDIT_TRANSITIONS)."""
    access = access_for(user, day)
    if access.staff is not None and sampled.session.supervisor_id == access.staff.pk:
        # Nobody audits or moderates their own supervision.
        return AuditRole.SUPERVISOR
    if not can_audit_team(user, sampled.sample.team, day):
        return None
    if sampled.state == AuditState.SAMPLED:
        return AuditRole.AUDITOR
    graded = sampled.move("grade")
    if graded is not None and graded.by_id == user.pk:
        return AuditRole.AUDITOR  # the first auditor cannot be their own second opinion
    return AuditRole.MODERATOR


def audits_of_my_records(user: Any, day: dt.date | None = None) -> Any:
    """Audits of records the user supervised, newest first, for them to read and answer."""
    access = access_for(user, day)
    if access.staff is None:
        return SampledRecord.objects.none()
    return (
        SampledRecord.objects.with_state()
        .of_supervisor(access.staff.pk)
        .select_related("sample__team", "session__supervisee")
        .order_by("-sample__drawn_at", "position")
    )


def can_view_team_results(user: Any, team: Team, day: dt.date | None = None) -> bool:
    """Auditors of the team, and managers of anyone in it."""
    if can_audit_team(user, team, day):
        return True
    access = access_for(user, day)
    return access.managed_staff().filter(team=team).exists()


def team_results_to_view(user: Any, team_pk: int, day: dt.date | None = None) -> Team:
    team = Team.objects.filter(pk=team_pk).first()
    if team is None:
        raise Http404("There is no team with that number.")
    require(
        can_view_team_results(user, team, day),
        "Only the team's managers, their heads of service and quality assurance see its audit "
        "results.",
    )
    return team


def results_teams(user: Any, day: dt.date | None = None) -> list[Team]:
    """Teams whose results the user may see, for the organisation's results page."""
    return [t for t in Team.objects.order_by("name") if can_view_team_results(user, t, day)]


def drift_workers(user: Any, day: dt.date | None = None, team: Team | None = None) -> Any:
    """Whose drift signals the user sees: the people they manage (QA: everyone), active today."""
    access = access_for(user, day)
    workers = Staff.objects.active_on(access.day) if access.is_qa else access.managed_staff()
    if team is not None:
        workers = workers.filter(team=team)
    return workers


def sees_drift(user: Any, day: dt.date | None = None) -> bool:
    access = access_for(user, day)
    return access.is_qa or access.manages_anyone


def uses_quality(user: Any, day: dt.date | None = None) -> bool:
    """Quality assurance and managers: the people with audits, results or drift to see."""
    access = access_for(user, day)
    return access.is_qa or access.manages_anyone
