"""What the council's policy says on the record forms: the recording deadline, a worker's practice
observations this year, and which children's plans are nearing their 8-month chair review."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from oversight.cases.models import Case, CaseQuerySet, CaseStatus
from oversight.engine.engine import Obligation, compute_obligations
from oversight.engine.explain import within
from oversight.engine.rules import ConferenceChairReview, PracticeObservation, RecordCompletion
from oversight.facts.from_database import load_facts
from oversight.facts.live import council_policy, staff_obligations
from oversight.organisation.models import Staff
from oversight.supervision.models import SESSION_TYPE_LABELS, Session


@dataclass(frozen=True)
class Deadline:
    session_type: str
    allowed: str  # "within 1 day"
    rule: str  # "newham 3.1"
    due: dt.date | None  # when the session date is known

    @property
    def label(self) -> str:
        return SESSION_TYPE_LABELS[self.session_type]


def recording_deadline(session_type: str, on: dt.date | None = None) -> Deadline | None:
    """The time the policy allows to write up this kind of session, and the due date if the
    session's date is known; None if the policy sets no deadline for it."""
    policy = council_policy()
    for rule in policy.obligations:
        if isinstance(rule, RecordCompletion) and session_type in rule.deadlines:
            sourced = rule.deadlines[session_type]
            return Deadline(
                session_type=session_type,
                allowed=within(sourced.period),
                rule=policy.rule(sourced.source, sourced.preset_choice),
                due=sourced.period.add(on) if on is not None else None,
            )
    return None


def practice_year(on: dt.date) -> tuple[dt.date, dt.date]:
    """The year of practice observations holding `on`: the policy's, or 1 April to 31 March."""
    month, dom = next(
        (r.year_starts for r in council_policy().obligations if isinstance(r, PracticeObservation)),
        (4, 1),
    )
    start = dt.date(on.year, month, dom)
    if start > on:
        start = dt.date(on.year - 1, month, dom)
    return start, dt.date(start.year + 1, month, dom) - dt.timedelta(days=1)


@dataclass(frozen=True)
class Observations:
    year_start: dt.date
    year_end: dt.date
    count: int
    obligation: Obligation | None  # None if the policy does not ask for observations of them


def observations_of(worker: Staff, on: dt.date) -> Observations:
    start, end = practice_year(on)
    count = Session.objects.filter(
        type="practice_observation", supervisee=worker, date__range=(start, end)
    ).count()
    wanted = {r.name for r in council_policy().obligations if isinstance(r, PracticeObservation)}
    obligation = None
    if wanted:
        obligation = next(
            (o for o in staff_obligations([worker], on)[worker.staff_id] if o.obligation in wanted),
            None,
        )
    return Observations(start, end, count, obligation)


def child_protection_cases(on: dt.date) -> CaseQuerySet:
    """Open cases with a child protection plan in force on the day."""
    return Case.objects.active_on(on).filter(
        pk__in=CaseStatus.objects.active_on(on).filter(status="child_protection").values("case")
    )


def plan_starts(cases: CaseQuerySet, on: dt.date) -> dict[int, dt.date]:
    """When each child's child protection plan in force on the day began, by case pk."""
    found: dict[int, dt.date] = {}
    rows = CaseStatus.objects.active_on(on).filter(status="child_protection", case__in=cases)
    for case_pk, start in rows.order_by("start_date").values_list("case_id", "start_date"):
        found[case_pk] = start  # the latest plan wins
    return found


def chair_rules() -> tuple[ConferenceChairReview, ...]:
    return tuple(r for r in council_policy().obligations if isinstance(r, ConferenceChairReview))


def chair_reviews_due(cases: CaseQuerySet, on: dt.date) -> dict[str, Obligation]:
    """The engine's conference_chair_review obligation for each case, by child ID (only the
    policy's chair review rules are run: nothing else is needed here)."""
    policy = council_policy()
    rules = chair_rules()
    if not rules:
        return {}
    facts = load_facts(staff=Staff.objects.none(), cases=cases)
    found: dict[str, Obligation] = {}
    for obligation in compute_obligations(
        dataclasses.replace(policy, obligations=rules), facts, on
    ):
        held = found.get(obligation.subject_id)
        # A child with two plans in a row has two rows: the later plan is the one to review.
        if held is None or obligation.due_date > held.due_date:
            found[obligation.subject_id] = obligation
    return found


def approaching(obligation: Obligation | None) -> bool:
    return obligation is not None and obligation.status in {"due_soon", "overdue"}
