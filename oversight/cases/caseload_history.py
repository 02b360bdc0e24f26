"""A worker's caseload over time (issue 16, part 3; B 1.3: supervision "provides an opportunity to
review workers' current case load and ensures that this is within the individual's professional
competency and capacity").

From allocations alone, as the drift signal counts a caseload (`oversight.quality.drift`): the
children allocated to the worker at each month end of the last twelve (the current month's "end"
being today), how many of them were on a child protection plan that day, how many were newly
allocated during the month, and today's mix by status. The threshold is the council's
(`caseload_threshold` in its policy file), with the paragraph it comes from.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from oversight.cases.models import STATUS_LABELS, Allocation, CaseStatus
from oversight.engine.indicators import month_ends
from oversight.engine.rules import CaseloadThreshold
from oversight.facts.live import caseload_threshold
from oversight.organisation.models import Staff, Team

MONTHS = 12
NO_STATUS = "No status recorded"
PLAN = "child_protection"


@dataclass(frozen=True)
class MonthEnd:
    day: dt.date
    children: int
    on_plan: int  # of them, on a child protection plan that day
    new: int  # allocated to the worker during the month
    over_by: int  # children above the threshold, 0 when within it

    @property
    def month(self) -> str:
        return f"{self.day:%B %Y}"


@dataclass(frozen=True)
class Caseload:
    worker: Staff
    months: list[MonthEnd]  # oldest first; the last is today
    mix: list[tuple[str, int]]  # today's children by status, most first (a child may have two)
    threshold: CaseloadThreshold

    @property
    def now(self) -> MonthEnd:
        return self.months[-1]

    @property
    def over(self) -> bool:
        return self.now.over_by > 0

    @property
    def months_over(self) -> int:
        return sum(1 for m in self.months if m.over_by)


def _active(start: dt.date, end: dt.date | None, day: dt.date) -> bool:
    return start <= day and (end is None or end >= day)


def caseload_of(worker: Staff, today: dt.date, months: int = MONTHS) -> Caseload:
    return caseloads_of([worker], today, months)[0]


def caseloads_of(workers: list[Staff], today: dt.date, months: int = MONTHS) -> list[Caseload]:
    """Each worker's caseload over the last `months` month ends, in the order given: two queries
    however many workers (a team's page lists them side by side)."""
    ends = month_ends(today, months)
    first = ends[0].replace(day=1)
    allocations: dict[int, list[tuple[int, dt.date, dt.date | None]]] = defaultdict(list)
    for worker_pk, case, start, end in (
        Allocation.objects.filter(worker__in=[w.pk for w in workers], start_date__lte=today)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
        .values_list("worker_id", "case_id", "start_date", "end_date")
    ):
        allocations[worker_pk].append((case, start, end))
    statuses: dict[int, list[tuple[str, dt.date, dt.date | None]]] = defaultdict(list)
    for case, status, start, end in CaseStatus.objects.filter(
        case__in={case for held in allocations.values() for case, _, _ in held}
    ).values_list("case_id", "status", "start_date", "end_date"):
        statuses[case].append((status, start, end))
    threshold = caseload_threshold()
    return [
        _caseload(worker, allocations[worker.pk], statuses, ends, today, threshold)
        for worker in workers
    ]


def _caseload(
    worker: Staff,
    allocations: list[tuple[int, dt.date, dt.date | None]],
    statuses: dict[int, list[tuple[str, dt.date, dt.date | None]]],
    ends: list[dt.date],
    today: dt.date,
    threshold: CaseloadThreshold,
) -> Caseload:
    found = []
    for day in ends:
        month_start = day.replace(day=1)
        held = {case for case, start, end in allocations if _active(start, end, day)}
        on_plan = sum(
            1
            for case in held
            if any(st == PLAN and _active(s, e, day) for st, s, e in statuses[case])
        )
        new = len({case for case, start, _ in allocations if month_start <= start <= day})
        over_by = threshold.over_by(len(held))
        found.append(MonthEnd(day, len(held), on_plan, new, over_by))

    mix: Counter[str] = Counter()
    for case in {case for case, start, end in allocations if _active(start, end, today)}:
        now = {STATUS_LABELS.get(st, st) for st, s, e in statuses[case] if _active(s, e, today)}
        for label in now or {NO_STATUS}:
            mix[label] += 1
    return Caseload(
        worker=worker,
        months=found,
        mix=sorted(mix.items(), key=lambda item: (-item[1], item[0])),
        threshold=threshold,
    )


def children_held_on(workers: QuerySet[Staff], day: dt.date) -> dict[int, int]:
    """How many children each of `workers` held on `day` (by the worker's pk; none held:
    absent), the count `caseloads_of` gives as a month end's `children`, in one query: the
    organisation's dashboard counts a thousand case holders, and needs neither their history nor
    statuses (nor their thousand ids sent back as a list: `workers` is read as a subquery)."""
    return dict(
        Allocation.objects.active_on(day)
        .filter(worker__in=workers.values("pk"))
        .values("worker")
        .annotate(children=Count("case", distinct=True))
        .values_list("worker", "children")
        .order_by()
    )


# Caseloads by team: the dashboards (issue 16, "dashboards show caseloads by team") --------------


@dataclass(frozen=True)
class TeamCaseloads:
    """A team's case holders today and their caseloads, as a line of the dashboards' table."""

    team: Team
    holders: int
    median: float | None  # None when the team has no case holder
    largest: int | None
    over: int  # case holders over the council's threshold
    threshold: CaseloadThreshold


def caseloads_by_team(teams: Sequence[Team], today: dt.date) -> list[TeamCaseloads]:
    """Each team's case holders working there today (the people its caseloads page lists) and
    their caseloads today, in the order given: three queries however many teams."""
    holders = Staff.objects.filter(
        team__in=[t.pk for t in teams], category="case_holder"
    ).active_on(today)
    threshold = caseload_threshold()
    counts = children_held_on(holders, today)
    children: dict[int | None, list[int]] = defaultdict(list)
    over: Counter[int | None] = Counter()
    for holder, team in holders.values_list("pk", "team_id"):
        children[team].append(counts.get(holder, 0))
        over[team] += threshold.over_by(counts.get(holder, 0)) > 0
    return [
        TeamCaseloads(
            team=team,
            holders=len(children[team.pk]),
            median=statistics.median(children[team.pk]) if children[team.pk] else None,
            largest=max(children[team.pk], default=None),
            over=over[team.pk],
            threshold=threshold,
        )
        for team in teams
    ]
