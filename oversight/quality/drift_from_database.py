"""The facts the drift signals (`drift.py`) need, read for a set of workers and their children.

Only what happened counts: sessions that took place, records written in Oversight (a record kept
in the council's own system has no contents here, so it is not evidence that nothing was decided),
statuses and allocations in force on the day.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from oversight.cases.models import STATUS_LABELS, Allocation, CaseStatus
from oversight.engine.periods import add_months
from oversight.facts.live import caseload_threshold
from oversight.organisation.models import Staff
from oversight.quality import drift
from oversight.records.models import (
    Action,
    ActionStatus,
    CaseNote,
    OversightNote,
    ProfessionalRecord,
)
from oversight.supervision.models import Session

# How far back actions and discussions are looked for: older drift has been seen already.
LOOKBACK_MONTHS = 12


def drift_signals(workers: Iterable[Staff], today: dt.date) -> list[drift.Signal]:
    people = {w.pk: w.staff_id for w in workers}
    if not people:
        return []
    since = add_months(today, -LOOKBACK_MONTHS)
    held = (
        Session.objects.took_place()
        .filter(supervisee_id__in=people, date__range=(since, today))
        .of_type("individual", "case_discussion", "management_oversight")
    )
    sessions = list(held.values_list("pk", "supervisee_id", "date", "type"))
    session_dates: dict[int, list[dt.date]] = defaultdict(list)
    for _, worker, day, kind in sessions:
        if kind != "management_oversight":
            session_dates[worker].append(day)
    return drift.signals(
        today=today,
        actions=_actions(people, session_dates, since, today),
        discussions=_discussions(people, [s[0] for s in sessions]),
        cases=_cases(people, today),
        plans=_plans(people, today),
        caseloads=_caseloads(people, today),
        supervision=_supervision(people, sessions, today),
        threshold=caseload_threshold().children,
    )


def _children(people: dict[int, str], today: dt.date) -> dict[int, tuple[str, str]]:
    """Each child allocated to one of the workers today: (child ID, worker's staff ID)."""
    rows = (
        Allocation.objects.active_on(today)
        .filter(worker_id__in=people, case__close_date__isnull=True)
        .values_list("case_id", "case__case_id", "worker_id")
    )
    return {case: (child, people[worker]) for case, child, worker in rows}


def _actions(
    people: dict[int, str],
    session_dates: dict[int, list[dt.date]],
    since: dt.date,
    today: dt.date,
) -> list[drift.ActionFact]:
    actions = (
        Action.objects.in_shared_records()
        .with_status()
        .filter(session__supervisee_id__in=people, session__date__range=(since, today))
        # A lookup on with_status()'s annotation, which the plugin cannot follow across methods.
        .exclude(current_status=ActionStatus.ACHIEVED)  # type: ignore[misc]
        .values_list("action", "session__supervisee_id", "case__case_id", "session__date")
    )
    return [
        drift.ActionFact(
            text=text,
            worker=people[worker],
            child=child or "",
            set_on=set_on,
            achieved_on=None,
            later_supervisions=tuple(d for d in session_dates[worker] if d > set_on),
        )
        for text, worker, child, set_on in actions
    ]


def _discussions(people: dict[int, str], sessions: list[int]) -> list[drift.DiscussionFact]:
    # A child's discussions are the notes written about them; decided if an action or a decision
    # was recorded for them in that session.
    notes = list(
        CaseNote.objects.filter(session_id__in=sessions).values_list(
            "session_id", "case_id", "case__case_id", "session__date", "session__supervisee_id"
        )
    )
    notes += list(
        OversightNote.objects.filter(session_id__in=sessions).values_list(
            "session_id", "case_id", "case__case_id", "session__date", "session__supervisee_id"
        )
    )
    decided = set(
        Action.objects.filter(session_id__in=sessions, case__isnull=False).values_list(
            "session_id", "case_id"
        )
    )
    decided |= set(
        OversightNote.objects.filter(session_id__in=sessions)
        .exclude(decision="")
        .values_list("session_id", "case_id")
    )
    by_child: dict[tuple[str, int], list[tuple[dt.date, bool]]] = defaultdict(list)
    for session, case, child, day, worker in notes:
        by_child[(child, worker)].append((day, (session, case) in decided))
    return [
        drift.DiscussionFact(child, people[worker], tuple(sorted(found)))
        for (child, worker), found in by_child.items()
    ]


def _cases(people: dict[int, str], today: dt.date) -> list[tuple[drift.CaseFact, str]]:
    children = _children(people, today)
    statuses = CaseStatus.objects.active_on(today).filter(case_id__in=children)
    plans: dict[int, list[tuple[dt.date, str]]] = defaultdict(list)
    for case, day, plan in (
        CaseNote.objects.filter(case_id__in=children)
        .exclude(plan="")
        .order_by("session__date", "id")
        .values_list("case_id", "session__date", "plan")
    ):
        plans[case].append((day, plan.strip()))
    found = []
    for case, status, start in statuses.values_list("case_id", "status", "start_date"):
        changes: list[dt.date] = []
        last = None
        for day, plan in plans[case]:
            if plan != last:
                changes.append(day)
                last = plan
        child, worker = children[case]
        fact = drift.CaseFact(child, worker, status, start, tuple(changes))
        found.append((fact, STATUS_LABELS.get(status, status)))
    return found


def _plans(people: dict[int, str], today: dt.date) -> list[tuple[str, str, dt.date]]:
    children = _children(people, today)
    rows = (
        CaseStatus.objects.active_on(today)
        .filter(case_id__in=children, status="child_protection")
        .values_list("case_id", "start_date")
    )
    return [(children[case][0], children[case][1], start) for case, start in rows]


def _caseloads(people: dict[int, str], today: dt.date) -> list[drift.CaseloadFact]:
    before = add_months(today, -drift.CASELOAD_LOOKBACK_MONTHS)
    holders = Staff.objects.filter(pk__in=people, category="case_holder").values_list(
        "pk", flat=True
    )

    def count(day: dt.date) -> dict[int, int]:
        counts: dict[int, int] = defaultdict(int)
        for worker in (
            Allocation.objects.active_on(day)
            .filter(worker_id__in=holders)
            .values_list("worker_id", flat=True)
        ):
            counts[worker] += 1
        return counts

    now, then = count(today), count(before)
    return [drift.CaseloadFact(people[w], now[w], then[w]) for w in holders]


def _supervision(
    people: dict[int, str], sessions: list[tuple[int, int, dt.date, str]], today: dt.date
) -> list[drift.SupervisionFact]:
    one_to_ones = [(pk, worker, day) for pk, worker, day, kind in sessions if kind == "individual"]
    ids = [pk for pk, _, _ in one_to_ones]
    professional = set(
        ProfessionalRecord.objects.filter(session_id__in=ids).values_list("session_id", flat=True)
    )
    case_notes = set(
        CaseNote.objects.filter(session_id__in=ids).values_list("session_id", flat=True)
    )
    by_worker: dict[int, list[tuple[dt.date, bool]]] = defaultdict(list)
    for pk, worker, day in one_to_ones:
        if pk in professional or pk in case_notes:  # written here: we can see what it held
            by_worker[worker].append((day, pk in professional))
    return [drift.SupervisionFact(people[w], tuple(found)) for w, found in by_worker.items()]
