"""The rows behind one team's figures: which people, children, records and group sessions count,
which are overdue or were met late, and what to do about each.

For today they are read from the obligations store, whose rows carry the team `belongings` places
them in; for an earlier date they are computed live for the team (a team's facts are small: its
staff, the children they hold, their sessions). Either way `in_time_if_counted` decides whether a
row counts, as for the figures. The dashboard says so if these rows no longer add up to the
stored figures (something happened since they were computed).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from oversight.cases.models import Allocation, Case
from oversight.engine.engine import Obligation, compute_obligations
from oversight.engine.indicators import (
    ONE_OFF_WINDOW,
    Figure,
    belongings,
    in_time_if_counted,
    recurring_obligations,
)
from oversight.engine.rules import (
    AgreementReview,
    AnnualAppraisal,
    CaseSupervision,
    ConferenceChairReview,
    DecisionDiscussion,
    GroupSupervision,
    InitialCaseDiscussion,
    ManagerEvidenceReview,
    Policy,
    PracticeObservation,
    ProbationReview,
    ProfessionalSupervision,
    RecordCompletion,
    SupervisionAgreement,
)
from oversight.facts.from_database import load_facts
from oversight.facts.scope import scope_for_staff
from oversight.obligations.models import StoredObligation
from oversight.obligations.store import OBLIGATION_COLUMNS, ensure_current
from oversight.organisation.models import Staff, Team
from oversight.supervision.models import Session


@dataclass(frozen=True)
class RowBehind:
    """One counted obligation row of the team, with who it is about."""

    obligation: Obligation
    in_time: bool
    person: Staff | None  # the member of staff; a child's worker; a record's supervisee
    case_id: str = ""
    child_name: str = ""
    session_pk: int | None = None

    @property
    def status(self) -> str:
        return self.obligation.status


# What to do about an overdue row, by the kind of rule behind the obligation (a council names its
# obligations itself): the words, and which page does it.
TO_DO: dict[type, tuple[str, str]] = {
    ProfessionalSupervision: ("Hold supervision and record it", "book"),
    SupervisionAgreement: ("Agree a supervision agreement", "agreement"),
    AgreementReview: ("Review the supervision agreement", "agreement"),
    PracticeObservation: ("Observe their practice and record it", "observation"),
    ConferenceChairReview: ("Hold conference chair supervision and record it", "chair"),
    GroupSupervision: ("Hold group reflective supervision and record it", "group"),
    CaseSupervision: ("Discuss the child in case supervision and record it", "child"),
    InitialCaseDiscussion: ("Discuss the child's case with the worker and record it", "child"),
    DecisionDiscussion: ("Discuss the decision with the worker and record it", "child"),
    RecordCompletion: ("Finish writing up the record and send it", "record"),
    ManagerEvidenceReview: ("Review their supervision evidence", "evidence"),
    AnnualAppraisal: ("Hold their appraisal and record it", "appraisal"),
    ProbationReview: ("Hold their probation review and record it", "appraisal"),
}


def to_do(policy: Policy, obligation: str) -> tuple[str, str]:
    """The words and the kind of page for an overdue obligation of this kind."""
    for rule in policy.obligations:
        if rule.name == obligation:
            return TO_DO.get(type(rule), ("Look at it and act", "subject"))
    return ("Look at it and act", "subject")


def rows_behind(
    policy: Policy, team: Team, as_of: dt.date, *, today: dt.date | None = None
) -> list[RowBehind]:
    """Every row counted in the team's figures on as_of, most urgent first."""
    # Who may have rows in the team's figures on as_of: its members then and before (someone
    # who has since moved still counts there on an earlier month end); `belongings` places each.
    members = Staff.objects.in_team_by(team, as_of)
    recurring = recurring_obligations(policy)
    if as_of == (today or timezone.localdate()):
        found = _placed_in_store(team, as_of, recurring)
    else:
        found = _placed_live(policy, team, members, as_of)
    counted: list[tuple[Obligation, bool]] = []
    for o in found:
        in_time = in_time_if_counted(o, as_of, recurring)
        if in_time is not None:
            counted.append((o, in_time))

    people = {s.staff_id: s for s in members}
    children = _children([o.subject_id for o, _ in counted if o.subject_type == "case"], as_of)
    sessions = {
        s.session_id: s
        for s in Session.objects.filter(
            session_id__in=[o.subject_id for o, _ in counted if o.subject_type == "session"]
        ).select_related("supervisee", "supervisor")
    }
    rows = []
    for o, in_time in counted:
        if o.subject_type == "staff":
            rows.append(RowBehind(o, in_time, people.get(o.subject_id)))
        elif o.subject_type == "case":
            name, worker = children.get(o.subject_id, ("", None))
            rows.append(RowBehind(o, in_time, worker, case_id=o.subject_id, child_name=name))
        elif o.subject_type == "session":
            session = sessions[o.subject_id]
            person = session.supervisee or session.supervisor
            rows.append(RowBehind(o, in_time, person, session_pk=session.pk))
        else:
            rows.append(RowBehind(o, in_time, None))
    rank = {"overdue": 0, "met_late": 1}
    rows.sort(key=lambda r: (rank.get(r.status, 2), r.obligation.due_date, r.obligation.subject_id))
    return rows


def _placed_in_store(team: Team, today: dt.date, recurring: Collection[str]) -> list[Obligation]:
    """Today's obligations the store places in the team that may count: recurring ones, overdue
    ones and one-offs that fell due in the window (`in_time_if_counted` decides)."""
    ensure_current(today)
    return [
        Obligation(*columns)
        for columns in StoredObligation.objects.filter(team=team.name)
        .filter(
            Q(obligation__in=recurring)
            | Q(status="overdue")
            | Q(due_date__gte=today - ONE_OFF_WINDOW, due_date__lt=today)
        )
        .values_list(*OBLIGATION_COLUMNS)
    ]


def _placed_live(
    policy: Policy, team: Team, members: QuerySet[Staff], as_of: dt.date
) -> list[Obligation]:
    """The engine's obligations on as_of that `belongings` places in the team."""
    held = list(
        Allocation.objects.active_on(as_of)
        .filter(worker__in=members)
        .values_list("case_id", flat=True)
    )
    facts = load_facts(staff=members, cases=Case.objects.filter(pk__in=held))
    scope = scope_for_staff(members, as_of, teams=[team])
    placed = belongings(facts, as_of)
    return [
        o
        for o in compute_obligations(policy, facts, as_of, subjects=scope.subjects)
        if placed.get((o.subject_type, o.subject_id)) == team.name
    ]


def _children(case_ids: list[str], as_of: dt.date) -> dict[str, tuple[str, Staff | None]]:
    """Each child's name and the worker holding their case on as_of (the latest allocation)."""
    found: dict[str, tuple[str, Staff | None]] = {}
    for allocation in (
        Allocation.objects.active_on(as_of)
        .filter(case__case_id__in=case_ids)
        .select_related("case", "worker")
        .order_by("-start_date", "worker__staff_id")
    ):
        found.setdefault(allocation.case.case_id, (allocation.case.display_name, allocation.worker))
    return found


def tally(rows: list[RowBehind], as_of: dt.date, team: Team) -> list[Figure]:
    """The figures the rows add up to, to compare with the stored ones."""
    counts: Counter[tuple[str, str]] = Counter()
    for row in rows:
        kind = row.obligation.obligation
        counts[kind, "counted"] += 1
        counts[kind, "in_time"] += row.in_time
        counts[kind, "met_late"] += row.status == "met_late"
        counts[kind, "overdue"] += row.status == "overdue"
    kinds = sorted({kind for kind, _ in counts})
    return [
        Figure(
            as_of,
            "team",
            team.name,
            kind,
            counts[kind, "counted"],
            counts[kind, "in_time"],
            counts[kind, "met_late"],
            counts[kind, "overdue"],
        )
        for kind in kinds
    ]
