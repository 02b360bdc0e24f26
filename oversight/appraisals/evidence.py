"""The year's evidence for an appraisal, gathered from supervision (B 2: supervision is "a basis
for the collection of evidence for the annual appraisal"; N 2.6: it "should complement and
support the appraisal process").

Everything here is read, never worked out a second way: whether supervision was in time comes
from the obligations engine at each month end of the year (`facts.live.staff_obligations_on_days`),
the sessions of the year from those the reader may see (`access.queries.visible_sessions`), the
learning, actions and observations only from the records whose contents the reader may read, so
a person reading their own evidence sees only what has been shared with them, and the Knowledge
and Skills Statements discussed from `records.kss.kss_coverage` (shared records only).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from oversight.access.queries import visible_sessions
from oversight.access.staff import staff_of
from oversight.engine.engine import Obligation
from oversight.engine.explain import STATUS_WORDS
from oversight.engine.indicators import month_ends
from oversight.engine.periods import parse_period
from oversight.engine.rules import AnnualAppraisal, ProbationReview, ProfessionalSupervision
from oversight.facts.live import council_policy, staff_obligations_on_days
from oversight.organisation.models import Staff
from oversight.records.kss import FrameworkCoverage, kss_coverage
from oversight.records.models import (
    Action,
    ActionStatus,
    LearningActivity,
    PracticeObservation,
    Record,
)
from oversight.supervision.models import SESSION_TYPE_LABELS, Session

# The evidence of "the year": the twelve months up to the day (N 4x4x4 "annual appraisal").
YEAR = parse_period("12m")
MONTHS = 12


def evidence_from(day: dt.date) -> dt.date:
    return YEAR.subtract(day) + dt.timedelta(days=1)


@dataclass(frozen=True)
class MonthEnd:
    """Whether professional supervision was in time on one month end, as the engine said then."""

    day: dt.date
    status: str  # an engine status, or "" when nothing was owed that day
    words: str
    explanation: str

    @property
    def in_time(self) -> bool:
        return self.status in ("ok", "due_soon", "met")


@dataclass(frozen=True)
class Evidence:
    staff: Staff
    start: dt.date
    end: dt.date
    month_ends: list[MonthEnd]
    sessions: list[Session]
    sessions_by_type: list[tuple[str, int]]
    learning: list[LearningActivity]
    actions: list[Action]
    actions_counted: dict[str, int]
    observations: list[PracticeObservation]
    obligations: list[tuple[str, Obligation]] = field(default_factory=list)
    # The Knowledge and Skills Statements the year's one-to-ones were tagged with (N Appendix 9).
    kss: list[FrameworkCoverage] = field(default_factory=list)

    @property
    def in_time_count(self) -> int:
        return sum(1 for month in self.month_ends if month.in_time)

    @property
    def owed_count(self) -> int:
        return sum(1 for month in self.month_ends if month.status)


def _names_of(*kinds: type[Any]) -> set[str]:
    return {rule.name for rule in council_policy().obligations if isinstance(rule, kinds)}


def supervision_month_ends(
    staff: Staff, day: dt.date, found: dict[dt.date, list[Obligation]]
) -> list[MonthEnd]:
    """Professional supervision at each of the last twelve month ends (the last is `day`), from
    the engine's answers on those days (`found`, from `evidence_days`): the same answer My work
    and the dashboards gave on each of them."""
    names = _names_of(ProfessionalSupervision)
    rows = []
    for on in _month_ends(staff, day):
        owed = [o for o in found[on] if o.obligation in names]
        if not owed:
            rows.append(MonthEnd(on, "", "Nothing owed", "No professional supervision was owed."))
            continue
        row = owed[0]
        rows.append(MonthEnd(on, row.status, STATUS_WORDS[row.status], row.explanation))
    return rows


def appraisal_obligations(staff: Staff, found: list[Obligation]) -> list[tuple[str, Obligation]]:
    """The person's appraisal and probation review obligations among the engine's answers for a
    day, with the policy's label for each (none unless the council's policy file switches them
    on)."""
    labels = {
        rule.name: rule.label
        for rule in council_policy().obligations
        if isinstance(rule, AnnualAppraisal | ProbationReview)
    }
    return [(labels[o.obligation], o) for o in found if o.obligation in labels]


def _month_ends(staff: Staff, day: dt.date) -> list[dt.date]:
    return [d for d in month_ends(day, MONTHS) if d >= staff.start_date]


def evidence_days(staff: Staff, day: dt.date) -> dict[dt.date, list[Obligation]]:
    """The person's own obligations on each month end of the year and on `day`, from one load of
    their facts: what the month ends and the appraisal obligations are read from."""
    return staff_obligations_on_days(staff, {*_month_ends(staff, day), day})


def gather(user: Any, staff: Staff, day: dt.date) -> Evidence:
    """The year's evidence for `staff`'s appraisal, among the records `user` may read."""
    start = max(evidence_from(day), staff.start_date)
    sessions = list(
        Session.objects.took_place()
        .filter(pk__in=visible_sessions(user, day).values("pk"))
        .filter(supervisee=staff, date__range=(start, day))
        .select_related("supervisor")
        .order_by("date", "session_id")
    )
    # A record's contents are read as its page shows them: by the supervisor who wrote it, and by
    # others once it is shared (sent, agreed or recorded elsewhere); a draft is its author's.
    me = staff_of(user)
    shared = set(
        Record.objects.shared().filter(pk__in=[s.pk for s in sessions]).values_list("pk", flat=True)
    )
    ids = [
        s.pk for s in sessions if s.pk in shared or (me is not None and s.supervisor_id == me.pk)
    ]
    counted: dict[str, int] = {}
    for session in sessions:
        counted[session.type] = counted.get(session.type, 0) + 1
    by_type = [(SESSION_TYPE_LABELS.get(t, t), n) for t, n in sorted(counted.items())]
    learning = list(
        LearningActivity.objects.filter(professional_record__session__in=ids)
        .select_related("professional_record__session")
        .order_by("professional_record__session__date", "id")
    )
    actions = list(
        Action.objects.filter(session__in=ids)
        .with_status()
        .select_related("session", "case")
        .order_by("session__date", "id")
    )
    actions_counted = {status.value: 0 for status in ActionStatus}
    for action in actions:
        actions_counted[action.status] += 1
    observations = list(
        PracticeObservation.objects.filter(session__in=ids)
        .select_related("session__supervisor")
        .order_by("session__date", "id")
    )
    found = evidence_days(staff, day)
    return Evidence(
        staff=staff,
        start=start,
        end=day,
        month_ends=supervision_month_ends(staff, day, found),
        sessions=sessions,
        sessions_by_type=by_type,
        learning=learning,
        actions=actions,
        actions_counted=actions_counted,
        observations=observations,
        obligations=appraisal_obligations(staff, found[day]),
        kss=kss_coverage(staff, start, day),
    )
