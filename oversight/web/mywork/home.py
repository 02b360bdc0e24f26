"""My work: the page after signing in, built from the engine's answers so it leads to the work.

What a person sees follows what they are on the day: everyone with a staff record sees their own
supervision, records to agree, actions and children; anyone who supervises sees their
supervisees and the children those supervisees hold; anyone with managers below them (a head of
service) sees each team below them in numbers. The engine runs once for all of it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import F, OuterRef, Q, Subquery
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from oversight.access.queries import (
    BUSINESS_SUPPORT,
    HR,
    QUALITY_ASSURANCE,
    access_for,
)
from oversight.engine.engine import Obligation
from oversight.engine.explain import CATEGORY_WORDS
from oversight.facts.caseloads import (
    CaseDue,
    caseloads,
    is_professional_supervision,
)
from oversight.facts.owned import owned_obligations
from oversight.files.due import file_due_items
from oversight.formatting import NOTHING_DUE, urgency
from oversight.obligations.slices import overdue_by_team
from oversight.organisation.models import Staff, Team
from oversight.records.models import (
    Action,
    Disagreement,
    Record,
    RecordTransition,
)
from oversight.supervision.models import Agreement, AgreementState, Session
from oversight.unions import pk_in_any
from oversight.web.mywork.links import book_supervision_url, record_url
from oversight.web.mywork.work import my_work
from oversight.web.requests import AuthenticatedHttpRequest


def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    staff = Staff.objects.select_related("team__service").filter(user=request.user).first()
    if staff is None:
        return _without_staff_record(request, today)

    access = access_for(request.user, today)
    covering = list(Staff.objects.filter(pk__in=access.deputising_for).order_by("name"))
    owned = owned_obligations([staff, *covering], today)
    work = my_work(owned, staff, covering)
    supervisees = list(staff.supervisees_on(today).select_related("team").order_by("name"))
    direct = {person.pk for person in supervisees}
    # Everyone below in line management, so a head of service sees every team under them.
    # The chain the access rules already walked for this request (with any chain deputised for).
    # As (pk, staff ID, team) rows: a director has 1,500 people below them, and making each a
    # model instance with its team took 30 ms.
    below = list(access.managed_staff().exclude(pk=staff.pk).values_list("pk", "staff_id", "team"))
    heads_teams = any(pk not in direct for pk, _, _ in below)
    loads = caseloads([staff], today)
    waiting = _waiting_for(staff, covering, today)
    booked = _booked_sessions([staff, *supervisees], today)
    my_children = _children(loads.cases.get(staff.pk, []))

    context = {
        "staff": staff,
        "today": today,
        "line_manager": staff.line_manager_on(today),
        "work": work,
        "covering": covering,
        "waiting": waiting,
        "waiting_count": sum(len(found) for found in waiting.values()),
        "my_supervision": loads.supervision_of(staff),
        "booked": booked.get(staff.pk),
        "my_actions": _linked_actions(
            Action.objects.open()
            .for_owner(staff)
            .in_shared_records()
            .select_related("case", "session")
            .order_by(F("due_date").asc(nulls_last=True), "pk"),
            today,
        ),
        "my_children": my_children,
        # Only for someone who can hold children's cases, or who does.
        "shows_my_children": staff.category == "case_holder" or bool(loads.cases.get(staff.pk)),
    }
    # Someone who supervises nobody and owns nothing (a worker) gets no sections about work that
    # cannot be theirs: their summary counts their own children and what waits for them.
    context["owns_work"] = bool(supervisees or covering or work.items())
    context["children_overdue"] = sum(1 for c in my_children if c.most_urgent.status == "overdue")
    # Registration, DBS and insurance renewals, from the supervision files (issue 5 §4).
    renewals = file_due_items([staff, *supervisees], today)
    names = {person.staff_id: person.name for person in [staff, *supervisees]}
    context["renewals"] = [
        (names[staff_id], item) for staff_id, items in renewals.items() for item in items
    ]
    if supervisees:
        supervision = {
            item.obligation.subject_id: item.obligation
            for item in work.items()
            if item.obligation.subject_type == "staff"
            and is_professional_supervision(item.obligation)
        }
        context["supervisees"] = sorted(
            (
                Supervisee(
                    person,
                    supervision.get(person.staff_id),
                    booked.get(person.pk),
                    book_supervision_url(person.staff_id),
                )
                for person in supervisees
            ),
            # Whoever is most overdue first: that is whom to book next.
            key=Supervisee.urgency,
        )
    if heads_teams:
        context["teams"] = _team_summaries(below, today)
    # A head of service leads teams rather than belonging to one: "No team recorded" would be a
    # false alarm about them, where for anyone else it is a gap in their staff record.
    context["shows_team"] = staff.team_id is not None or "teams" not in context
    return render(request, "web/home.html", context)


def _waiting_for(staff: Staff, covering: list[Staff], today: dt.date) -> dict[str, list[Any]]:
    """What other people are waiting for this person to do, by kind; empty kinds left out."""
    latest_reason = (
        RecordTransition.objects.filter(session=OuterRef("pk")).order_by("-id").values("reason")[:1]
    )
    leads = [staff, *covering]
    # Bookings to confirm and records returned are a supervisor's: someone who has led no
    # session (most workers) is spared the two queries, the dearest on their page to build.
    leads_sessions = Session.objects.filter(supervisor__in=leads).exists()
    found: dict[str, list[Any]] = {
        "to_confirm": list(
            Session.objects.filter(
                pk_in_any(
                    Session.objects.awaiting_confirmation(person, timezone.now()).values("pk")
                    for person in leads
                )
            )
            .select_related("supervisee", "team")
            .order_by("date", "start_time")
        )
        if leads_sessions
        else [],
        "returned": _linked(
            Record.objects.filter(
                pk_in_any(Record.objects.returned_to(person).values("pk") for person in leads)
            )
            .annotate(return_reason=Subquery(latest_reason))
            .select_related("supervisee", "team")
            .order_by("date")
        )
        if leads_sessions
        else [],
        "to_agree": _linked(
            Record.objects.awaiting_agreement(staff).select_related("supervisor").order_by("date")
        ),
        "agreements": _agreements_to_confirm(staff, today),
        "disagreements": list(
            Disagreement.objects.awaiting_decision_by(staff)
            .select_related("session__supervisee", "session__supervisor")
            .order_by("escalated_on")
        ),
    }
    return {kind: items for kind, items in found.items() if items}


def _agreements_to_confirm(staff: Staff, today: dt.date) -> list[Agreement]:
    """Agreements waiting for this person's confirmation, as supervisee or as supervisor."""
    waiting = {
        AgreementState.AWAITING_SUPERVISEE: "staff_id",
        AgreementState.AWAITING_SUPERVISOR: "supervisor_id",
    }
    return [
        agreement
        for agreement in Agreement.objects.filter(Q(staff=staff) | Q(supervisor=staff))
        .filter(signed_date__isnull=True)
        .select_related("staff", "supervisor")
        .order_by("pk")
        if getattr(agreement, waiting.get(agreement.state_on(today), ""), None) == staff.pk
    ]


@dataclass(frozen=True)
class Supervisee:
    person: Staff
    supervision: Obligation | None
    booked: Session | None
    book_url: str

    @property
    def role(self) -> str:
        return str(CATEGORY_WORDS.get(self.person.category) or self.person.get_category_display())

    def urgency(self) -> tuple[int, dt.date, str]:
        if self.supervision is None:
            return NOTHING_DUE, dt.date.max, self.person.name
        return (*urgency(self.supervision), self.person.name)


@dataclass(frozen=True)
class Child:
    """A child on the worker's caseload and what is outstanding for them, most urgent first."""

    case_id: str
    name: str
    dues: list[CaseDue]

    @property
    def most_urgent(self) -> Obligation:
        return self.dues[0].obligation


@dataclass(frozen=True)
class TeamSummary:
    team: Team
    people: int
    supervision_overdue: int
    children_overdue: int


def _children(dues: list[CaseDue]) -> list[Child]:
    by_case: dict[str, list[CaseDue]] = defaultdict(list)
    for due in dues:
        if due.obligation.status not in ("met", "met_late"):
            by_case[due.case_id].append(due)
    # dues arrive most urgent first, so the first child seen is the most urgent one.
    return [Child(case_id, found[0].child_name, found) for case_id, found in by_case.items()]


def _booked_sessions(people: list[Staff], today: dt.date) -> dict[int, Session]:
    """Each person's next one-to-one already in the diary (dated today or later, not recorded)."""
    found: dict[int, Session] = {}
    for session in (
        Session.objects.filter(
            supervisee__in=people, type="individual", date__gte=today, recorded_date__isnull=True
        )
        .not_cancelled()
        .select_related("supervisor")
        .order_by("date", F("start_time").asc(nulls_last=True))
    ):
        if session.supervisee_id is not None:  # always, given supervisee__in: said for mypy
            found.setdefault(session.supervisee_id, session)
    return found


def _linked(records: Iterable[Record]) -> list[Record]:
    found = list(records)
    for record in found:
        record.link = record_url(record.pk)  # type: ignore[attr-defined]  # for the template
    return found


def _linked_actions(actions: Iterable[Action], today: dt.date) -> list[Action]:
    found = list(actions)
    for action in found:
        # Page-only attributes for the actions table; not fields of the model.
        action.link = record_url(action.session_id)  # type: ignore[attr-defined]
        action.overdue = (  # type: ignore[attr-defined]
            action.due_date is not None and action.due_date < today
        )
    return found


def _team_summaries(
    below: Sequence[tuple[int, str, int | None]], today: dt.date
) -> list[TeamSummary]:
    """Each team below in numbers, read from the obligations store: a director has a thousand
    people below them, and the page must not run the engine over all of them. `below` holds each
    person as (pk, staff ID, team)."""
    people: Counter[int] = Counter(team for _, _, team in below if team is not None)
    teams = Team.objects.in_bulk(list(people))
    counts = overdue_by_team(
        [team.name for team in teams.values()], [staff_id for _, staff_id, _ in below], today
    )
    return sorted(
        (
            TeamSummary(team, people[pk], *counts.get(team.name, (0, 0)))
            for pk, team in teams.items()
        ),
        key=lambda s: s.team.name,
    )


def _without_staff_record(request: AuthenticatedHttpRequest, today: dt.date) -> HttpResponse:
    groups = access_for(request.user, today).groups
    return render(
        request,
        "web/home_no_staff.html",
        {
            "is_qa": QUALITY_ASSURANCE in groups,
            "is_hr": HR in groups,
            "is_business_support": BUSINESS_SUPPORT in groups,
            "is_administrator": request.user.is_superuser or request.user.is_staff,
        },
    )
