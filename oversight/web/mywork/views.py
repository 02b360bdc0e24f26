"""The pages My work leads to: a child's page with their chronology, open actions, and a team."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import F
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from oversight.access.cases import case_for_user
from oversight.access.people import manages_anyone, team_for_user
from oversight.access.queries import access_for, visible_cases
from oversight.audit.trail import audit
from oversight.cases.models import Allocation, CaseStatus
from oversight.engine.engine import Obligation
from oversight.engine.explain import CATEGORY_WORDS
from oversight.engine.owners import OwnerRole, role_of
from oversight.facts.caseloads import (
    CaseDue,
    case_obligations,
    caseloads,
    obligation_label,
    stored_obligations_of,
)
from oversight.facts.live import council_policy
from oversight.facts.write_ups import late_write_ups
from oversight.organisation.models import Staff, Team
from oversight.records.models import Action
from oversight.records.queries import chronology
from oversight.supervision.models import Session
from oversight.web.mywork import chronology as entries
from oversight.web.mywork.links import record_url
from oversight.web.requests import AuthenticatedHttpRequest


def child(request: AuthenticatedHttpRequest, case_id: str) -> HttpResponse:
    today = timezone.localdate()
    case = case_for_user(request.user, case_id, today)
    siblings = list(case.siblings().order_by("case_id"))
    visible_siblings = set(
        visible_cases(request.user, today)
        .filter(pk__in=[s.pk for s in siblings])
        .values_list("pk", flat=True)
    )
    context = {
        "case": case,
        "today": today,
        "statuses": CaseStatus.objects.active_on(today).filter(case=case).order_by("start_date"),
        "allocations": Allocation.objects.active_on(today)
        .filter(case=case)
        .select_related("worker__team")
        .order_by("-start_date"),
        "obligations": [Labelled(obligation_label(o), o) for o in case_obligations(case, today)],
        "siblings": [(s, s.pk in visible_siblings) for s in siblings],
        "chronology": entries.present(chronology(case, viewer=request.user), today),
        # Management oversight is a manager's note on a child their people hold.
        "may_record_oversight": manages_anyone(request.user, today),
    }
    audit(request.user, "view", case, request=request, detail={"page": "child"})
    return render(request, "mywork/child.html", context)


@dataclass(frozen=True)
class Labelled:
    label: str
    obligation: Obligation


def actions(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Open actions the person owns and, for a manager, those their supervisees own."""
    today = timezone.localdate()
    staff = access_for(request.user, today).staff
    if staff is None:
        return render(request, "mywork/actions.html", {"staff": None})
    supervisees = list(staff.supervisees_on(today))
    found = list(
        Action.objects.open()
        .filter(owner__in=[staff, *supervisees])
        .in_shared_records()
        .select_related("owner", "case", "session")
        .order_by(F("due_date").asc(nulls_last=True), "pk")
    )
    for action in found:
        # Page-only attributes for the actions table; not fields of the model.
        action.link = record_url(action.session_id)  # type: ignore[attr-defined]
        action.overdue = (  # type: ignore[attr-defined]
            action.due_date is not None and action.due_date < today
        )
    overdue = len([a for a in found if a.overdue])  # type: ignore[attr-defined]  # set just above
    mine = [a for a in found if a.owner_id == staff.pk]
    theirs = [a for a in found if a.owner_id != staff.pk]
    audit(
        request.user,
        "view",
        object_type="records.action",
        object_label=f"Open actions of {staff.name} and their supervisees",
        request=request,
        detail={"actions": [a.pk for a in found]},
    )
    return render(
        request,
        "mywork/actions.html",
        {
            "staff": staff,
            "mine": mine,
            "theirs": theirs,
            "has_supervisees": bool(supervisees),
            "overdue": overdue,
        },
    )


@dataclass(frozen=True)
class Member:
    person: Staff
    supervision: Obligation | None
    overdue: list[Labelled | CaseDue]

    @property
    def role(self) -> str:
        return str(CATEGORY_WORDS.get(self.person.category) or self.person.get_category_display())


def team(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Each member of a team the user manages someone in, and what is overdue for them."""
    today = timezone.localdate()
    the_team, members = team_for_user(request.user, pk, today)
    loads = caseloads(members, today)
    policy = council_policy()
    unwritten = list(
        Session.objects.took_place()
        .filter(supervisee__in=members, recorded_date__isnull=True, date__lte=today)
        .select_related("supervisee")
    )
    late = late_write_ups(unwritten, today)
    rows = []
    for person in members:
        overdue: list[Labelled | CaseDue] = [
            Labelled(obligation_label(o), o)
            for o in loads.own.get(person.pk, ())
            if o.status == "overdue"
        ]
        # The chairs' manager holds the chair reviews (engine/owners.py), not this team.
        overdue += [
            d
            for d in loads.cases.get(person.pk, ())
            if d.obligation.status == "overdue"
            and role_of(policy, d.obligation) is not OwnerRole.CHAIRS_MANAGER
        ]
        overdue += [
            Labelled(f"write-up of {session.get_type_display().lower()}", late[session.pk])
            for session in unwritten
            if session.supervisee_id == person.pk
            and session.pk in late
            and late[session.pk].status == "overdue"
        ]
        rows.append(Member(person, loads.supervision_of(person), overdue))
    audit(
        request.user,
        "view",
        the_team,
        request=request,
        detail={"page": "team", "staff": [m.staff_id for m in members]},
    )
    return render(
        request,
        "mywork/team.html",
        {
            "team": the_team,
            "members": rows,
            "today": today,
            "may_record_group": manages_anyone(request.user, today),
            "group_supervision": _group_supervision(the_team, today),
        },
    )


def _group_supervision(team: Team, as_of: dt.date) -> Obligation | None:
    """The team's group supervision, if the council's policy asks for it (B 3)."""
    return next(iter(stored_obligations_of("team", team.name, as_of)), None)
