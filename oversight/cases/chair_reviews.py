"""The chair-review impact report (B 4): "monitor the impact of these reviews over 12 months,
producing an overview report" (issue 16, part 5).

For a chosen 12 months, the children whose child protection plan reached 8 months in them: whether
the conference chair's dedicated supervision happened in time, and what followed at the 9-month
review conference and after, counted in total, by chair and by team.

The windows are the policy's own (`ConferenceChairReview`: due at plan start + 8 months, counting
sessions from plan start + 7 months); the rest are preset choices written down here once:

- **in time**: the earliest conference chair session listing the child, dated from the start of
  the window to the due date; **late**: after the due date; **not held**: none by the day asked.
- **at the 9-month review**: the plan had **ended** before plan start + 9 months, or it
  **continued** past it (not known yet before that day).
- **escalated to pre-proceedings**: a legal planning meeting for the child (the gateway to the
  Public Law Outline's pre-proceedings) dated from the window's start to plan start + 12 months;
  **to proceedings**: a care proceedings status starting in the same months.
- **at 12 months**: still on the plan at plan start + 12 months, or the plan ended before it.
- **what followed**, one per child for the totals, the first that applies: proceedings,
  pre-proceedings, still on a plan at 12 months, plan ended, not yet 12 months.

The team is the team of the worker holding the child's case on the day the plan reached 8 months;
the chair is the conference chair who held the review (children with no review have no chair).
`assess` and `summarise` are plain Python over `Plan` facts; `plans_from_database` reads them.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from oversight.cases.models import Allocation, CaseEvent, CaseStatus
from oversight.engine.periods import add_months
from oversight.engine.rules import ConferenceChairReview
from oversight.facts.live import council_policy
from oversight.organisation.models import TeamMembership
from oversight.supervision.models import Session, SessionCase

NO_CHAIR = "No chair review held"
NO_TEAM = "No allocated worker"

REVIEW_LABELS = {"in_time": "In time", "late": "Late", "not_held": "Not held"}
NINE_LABELS = {"ended": "Plan ended", "continued": "Plan continued", "not_yet": "Not yet"}
TWELVE_LABELS = {"on_plan": "Still on a plan", "ended": "Plan ended", "not_yet": "Not yet"}
OUTCOME_LABELS = {
    "proceedings": "Escalated to proceedings",
    "pre_proceedings": "Escalated to pre-proceedings",
    "on_plan": "Still on a plan at 12 months",
    "ended": "Plan ended by 12 months",
    "not_yet": "Not yet 12 months",
}
TWELVE_COUNTS = {
    "on_plan": "on_plan_at_twelve",
    "ended": "ended_by_twelve",
    "not_yet": "not_yet_twelve",
}
# The columns of the totals and of each chair's and team's row, in order.
COUNT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("children", "Plans reaching 8 months"),
    ("in_time", "Chair review in time"),
    ("late", "Chair review late"),
    ("not_held", "Chair review not held"),
    ("ended_by_nine", "Plan ended before 9-month review"),
    ("continued_at_nine", "Plan continued at 9-month review"),
    ("pre_proceedings", "Escalated to pre-proceedings"),
    ("proceedings", "Escalated to proceedings"),
    ("on_plan_at_twelve", "Still on a plan at 12 months"),
    ("ended_by_twelve", "Plan ended by 12 months"),
    ("not_yet_twelve", "Not yet 12 months"),
)

COUNT_KEYS = frozenset(key for key, _ in COUNT_COLUMNS)
# The page's two tables of each grouping: the review itself, and what followed it.
REVIEW_COLUMNS = COUNT_COLUMNS[:4]
FOLLOWED_COLUMNS = COUNT_COLUMNS[4:]


class PeriodError(ValueError):
    """A period that cannot be reported on; the message names the problem and the fix."""


@dataclass(frozen=True)
class Period:
    """Twelve calendar months, `first` to `last` inclusive."""

    first: dt.date
    last: dt.date

    @property
    def ending(self) -> str:
        return f"{self.last:%Y-%m}"

    def __str__(self) -> str:
        return f"{self.first:%B %Y} to {self.last:%B %Y}"


def twelve_months_ending(month: str) -> Period:
    """The 12 months ending with `month`, written YYYY-MM; a bad value raises `PeriodError`."""
    text = month.strip()
    try:
        year_text, month_text = text.split("-")
        year, number = int(year_text), int(month_text)
        last = dt.date(year, number, calendar.monthrange(year, number)[1])
    except (ValueError, TypeError):
        raise PeriodError(
            f"'{text[:20]}' is not a month. Choose the last month of the 12 as year and month, "
            "for example 2026-03."
        ) from None
    first = add_months(dt.date(year, number, 1), -11)
    return Period(first, last)


def latest_full_period(today: dt.date) -> Period:
    """The 12 months ending with the month before `today`'s."""
    previous = today.replace(day=1) - dt.timedelta(days=1)
    return twelve_months_ending(f"{previous:%Y-%m}")


@dataclass(frozen=True)
class ChairSession:
    date: dt.date
    chair_id: str
    chair: str


@dataclass(frozen=True)
class Plan:
    """One child protection plan and what happened round it, as facts."""

    case_pk: int
    case_id: str
    child: str
    start: dt.date
    end: dt.date | None
    team: str  # of the worker holding the case when the plan reached 8 months
    worker: str
    chair_sessions: Sequence[ChairSession] = ()
    legal_planning: Sequence[dt.date] = ()
    proceedings: Sequence[dt.date] = ()  # care proceedings status starts


@dataclass(frozen=True)
class ChildRow:
    plan: Plan
    eight_months: dt.date
    due: dt.date
    review: str  # in_time | late | not_held
    review_date: dt.date | None
    chair: str
    nine: str  # ended | continued | not_yet
    pre_proceedings: dt.date | None
    proceedings: dt.date | None
    twelve: str  # on_plan | ended | not_yet
    outcome: str

    @property
    def review_label(self) -> str:
        return REVIEW_LABELS[self.review]

    @property
    def nine_label(self) -> str:
        return NINE_LABELS[self.nine]

    @property
    def twelve_label(self) -> str:
        return TWELVE_LABELS[self.twelve]

    @property
    def outcome_label(self) -> str:
        return OUTCOME_LABELS[self.outcome]


def reaches_eight_months(plan: Plan, period: Period, as_of: dt.date) -> dt.date | None:
    """The day the plan reached 8 months, if it did within the period and by `as_of`."""
    eight = add_months(plan.start, 8)
    if not period.first <= eight <= min(period.last, as_of):
        return None
    if plan.end is not None and plan.end < eight:
        return None
    return eight


def assess(plan: Plan, rule: ConferenceChairReview, eight: dt.date, as_of: dt.date) -> ChildRow:
    window = rule.counts_from.period.add(plan.start)
    due = rule.due.period.add(plan.start)
    held = sorted(
        (s for s in plan.chair_sessions if window <= s.date <= as_of), key=lambda s: s.date
    )
    first = held[0] if held else None
    review = "not_held" if first is None else "in_time" if first.date <= due else "late"
    nine, twelve = add_months(plan.start, 9), add_months(plan.start, 12)
    last_day = min(twelve, as_of)

    def earliest(days: Iterable[dt.date]) -> dt.date | None:
        return min((d for d in days if window <= d <= last_day), default=None)

    pre, proceedings = earliest(plan.legal_planning), earliest(plan.proceedings)
    at_nine = _on_plan(plan, nine, as_of)
    at_twelve = "on_plan" if (found := _on_plan(plan, twelve, as_of)) == "continued" else found
    if proceedings is not None:
        outcome = "proceedings"
    elif pre is not None:
        outcome = "pre_proceedings"
    else:
        outcome = at_twelve
    return ChildRow(
        plan=plan,
        eight_months=eight,
        due=due,
        review=review,
        review_date=first.date if first else None,
        chair=first.chair if first else NO_CHAIR,
        nine=at_nine,
        pre_proceedings=pre,
        proceedings=proceedings,
        twelve=at_twelve,
        outcome=outcome,
    )


def _on_plan(plan: Plan, day: dt.date, as_of: dt.date) -> str:
    if plan.end is not None and plan.end < day:
        return "ended"
    return "not_yet" if day > as_of else "continued"


@dataclass
class Counts:
    """The report's figures for a group of children (all, one chair's, one team's)."""

    name: str
    values: Counter[str] = field(default_factory=Counter)

    def add(self, row: ChildRow) -> None:
        v = self.values
        v["children"] += 1
        v[row.review] += 1
        if row.nine != "not_yet":
            v["ended_by_nine" if row.nine == "ended" else "continued_at_nine"] += 1
        v["pre_proceedings"] += row.pre_proceedings is not None
        v["proceedings"] += row.proceedings is not None
        v[TWELVE_COUNTS[row.twelve]] += 1

    def cells(self) -> list[int]:
        return [self.values[key] for key, _ in COUNT_COLUMNS]

    def review_cells(self) -> list[int]:
        return [self.values[key] for key, _ in REVIEW_COLUMNS]

    def followed_cells(self) -> list[int]:
        return [self.values[key] for key, _ in FOLLOWED_COLUMNS]

    @property
    def percent_in_time(self) -> int | None:
        """Of the plans reaching 8 months, the share reviewed in time, in whole percent."""
        children = self.values["children"]
        return round(100 * self.values["in_time"] / children) if children else None

    def __getitem__(self, key: str) -> int:
        """A count by its key in COUNT_COLUMNS (pages write `counts.in_time`); any other key is
        missing, so a template finds the methods too."""
        if key not in COUNT_KEYS:
            raise KeyError(key)
        return self.values[key]


@dataclass(frozen=True)
class Report:
    period: Period
    as_of: dt.date
    rule: ConferenceChairReview
    rows: list[ChildRow]
    totals: Counts
    by_chair: list[Counts]
    by_team: list[Counts]
    outcomes: list[tuple[str, int]]  # what followed, one per child


def summarise(
    plans: Iterable[Plan], rule: ConferenceChairReview, period: Period, as_of: dt.date
) -> Report:
    rows = []
    for plan in plans:
        eight = reaches_eight_months(plan, period, as_of)
        if eight is not None:
            rows.append(assess(plan, rule, eight, as_of))
    rows.sort(key=lambda r: (r.eight_months, r.plan.case_id))
    totals = Counts("All children")
    chairs: dict[str, Counts] = {}
    teams: dict[str, Counts] = {}
    for row in rows:
        totals.add(row)
        chairs.setdefault(row.chair, Counts(row.chair)).add(row)
        teams.setdefault(row.plan.team, Counts(row.plan.team)).add(row)
    outcome_counts = Counter(r.outcome for r in rows)
    return Report(
        period=period,
        as_of=as_of,
        rule=rule,
        rows=rows,
        totals=totals,
        by_chair=_ordered(chairs, NO_CHAIR),
        by_team=_ordered(teams, NO_TEAM),
        outcomes=[(label, outcome_counts[key]) for key, label in OUTCOME_LABELS.items()],
    )


def _ordered(groups: dict[str, Counts], last: str) -> list[Counts]:
    return sorted(groups.values(), key=lambda c: (c.name == last, c.name))


# From the database ---------------------------------------------------------------------------


def chair_rule() -> ConferenceChairReview | None:
    """The council's conference chair review rule, if its policy has one."""
    return next(
        (r for r in council_policy().obligations if isinstance(r, ConferenceChairReview)), None
    )


def plans_from_database(rule: ConferenceChairReview, period: Period) -> list[Plan]:
    """Every plan of the rule's status that could reach 8 months in the period, with its facts:
    the conference chair sessions that took place listing the child, legal planning meetings,
    care proceedings starts, and who held the case when the plan reached 8 months."""
    eight = rule.due.period
    # A plan reaching 8 months in the period started within these days (months clamp, so widen).
    starts = CaseStatus.objects.filter(
        status=rule.status,
        start_date__gte=add_months(period.first, -9),
        start_date__lte=period.last,
    ).select_related("case")
    found = [s for s in starts if period.first <= eight.add(s.start_date) <= period.last]
    cases = {s.case_id for s in found}
    sessions: dict[int, list[ChairSession]] = {}
    for case_pk, day, chair_id, chair in (
        SessionCase.objects.filter(case__in=cases, session__type__in=rule.met_by)
        .filter(session__in=Session.objects.took_place())
        .values_list(
            "case_id", "session__date", "session__supervisee__staff_id", "session__supervisee__name"
        )
    ):
        sessions.setdefault(case_pk, []).append(ChairSession(day, chair_id or "", chair or ""))
    meetings: dict[int, list[dt.date]] = {}
    for case_pk, day in CaseEvent.objects.filter(
        case__in=cases, event="legal_planning"
    ).values_list("case_id", "date"):
        meetings.setdefault(case_pk, []).append(day)
    proceedings: dict[int, list[dt.date]] = {}
    for case_pk, day in CaseStatus.objects.filter(
        case__in=cases, status="care_proceedings"
    ).values_list("case_id", "start_date"):
        proceedings.setdefault(case_pk, []).append(day)
    allocations: dict[int, list[Allocation]] = {}
    for allocation in Allocation.objects.filter(case__in=cases).select_related("worker__team"):
        allocations.setdefault(allocation.case_id, []).append(allocation)
    memberships: dict[int, list[TeamMembership]] = {}
    workers = {a.worker_id for held in allocations.values() for a in held}
    for membership in TeamMembership.objects.filter(staff__in=workers).select_related("team"):
        memberships.setdefault(membership.staff_id, []).append(membership)

    plans = []
    for status in found:
        day = eight.add(status.start_date)
        holder = next(
            (
                a
                for a in sorted(allocations.get(status.case_id, []), key=lambda a: a.start_date)
                if a.start_date <= day and (a.end_date is None or a.end_date >= day)
            ),
            None,
        )
        team = NO_TEAM
        if holder is not None:
            rows = memberships.get(holder.worker_id)
            if rows:
                on_day = next(
                    (
                        m
                        for m in rows
                        if m.start_date <= day and (m.end_date is None or m.end_date >= day)
                    ),
                    None,
                )
                team = on_day.team.name if on_day else NO_TEAM
            elif holder.worker.team is not None:
                team = holder.worker.team.name
        case = status.case
        plans.append(
            Plan(
                case_pk=case.pk,
                case_id=case.case_id,
                child=case.display_name or case.case_id,
                start=status.start_date,
                end=status.end_date,
                team=team,
                worker=holder.worker.name if holder else "",
                chair_sessions=tuple(sessions.get(case.pk, ())),
                legal_planning=tuple(meetings.get(case.pk, ())),
                proceedings=tuple(proceedings.get(case.pk, ())),
            )
        )
    return plans
