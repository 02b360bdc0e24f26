"""Drift signals (B 3.1 "prevent drift"): what the facts say is not moving.

Each signal is a pure function of plain facts, computed afresh (nothing is stored), so each can be
tested on facts made up for the test; `drift_from_database` reads the facts for the people and
children a user may see. A signal is a question for the supervisor to look at, not a finding:
the page says so.

    carried over          an action still not achieved after two or more later supervisions
    no new decision       a child discussed in the last three supervisions with no decision
    no change in plan     a child on the same status for a year whose plan, as written in
                          supervision, has not changed in six months
    plan nearing 9 or 12  a child protection plan within four weeks of 9 or 12 months, or past 12
    caseload grown        a worker holding more children than the threshold, and more than three
                          months ago
    case management only  a worker's one-to-ones for three months with no professional part
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from oversight.engine.periods import add_months

CARRIED_OVER_SUPERVISIONS = 2
UNDECIDED_DISCUSSIONS = 3
SAME_STATUS_MONTHS = 12
PLAN_UNCHANGED_MONTHS = 6
PLAN_MILESTONES = (9, 12)
PLAN_WARNING = dt.timedelta(days=28)
# The signal's default when a caller passes none (the pages pass the council's: facts/live.py).
CASELOAD_THRESHOLD = 18
CASELOAD_LOOKBACK_MONTHS = 3
CASE_MANAGEMENT_MONTHS = 3
CASE_MANAGEMENT_SESSIONS = 2  # one session alone is not a pattern


@dataclass(frozen=True)
class Signal:
    kind: str
    title: str
    detail: str
    worker: str  # the staff ID of the worker it concerns
    child: str = ""  # the child's ID, if it concerns one
    link: str = ""  # where to look (filled in by the page)


# Facts -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionFact:
    text: str
    worker: str
    child: str
    set_on: dt.date
    achieved_on: dt.date | None  # the day it was marked achieved, if it is now achieved
    later_supervisions: tuple[dt.date, ...]  # the worker's held supervisions after set_on


@dataclass(frozen=True)
class DiscussionFact:
    child: str
    worker: str
    discussions: tuple[tuple[dt.date, bool], ...]  # each supervision of the child: decided?


@dataclass(frozen=True)
class CaseFact:
    child: str
    worker: str
    status: str
    status_since: dt.date
    plan_changes: tuple[dt.date, ...]  # days a written plan for the child changed


@dataclass(frozen=True)
class CaseloadFact:
    worker: str
    now: int
    before: int  # CASELOAD_LOOKBACK_MONTHS ago


@dataclass(frozen=True)
class SupervisionFact:
    worker: str
    one_to_ones: tuple[tuple[dt.date, bool], ...]  # held one-to-ones: has a professional part?


# Signals ---------------------------------------------------------------------------------------


def carried_over(fact: ActionFact, today: dt.date) -> Signal | None:
    if fact.achieved_on is not None:
        return None
    times = sum(1 for day in fact.later_supervisions if fact.set_on < day <= today)
    if times < CARRIED_OVER_SUPERVISIONS:
        return None
    return Signal(
        "carried_over",
        "Action carried over",
        f"\u201c{fact.text[:80].rstrip('.')}\u201d, set on {fact.set_on:%-d %B %Y}, is still "
        "not achieved "
        f"after {times} more supervisions.",
        fact.worker,
        fact.child,
    )


def no_new_decision(fact: DiscussionFact) -> Signal | None:
    recent = sorted(fact.discussions)[-UNDECIDED_DISCUSSIONS:]
    if len(recent) < UNDECIDED_DISCUSSIONS or any(decided for _, decided in recent):
        return None
    return Signal(
        "no_decision",
        "Discussed with no new decision",
        f"Discussed in the last {len(recent)} supervisions (since {recent[0][0]:%-d %B %Y}) "
        "with no decision recorded.",
        fact.worker,
        fact.child,
    )


def no_change_in_plan(fact: CaseFact, today: dt.date, status_label: str) -> Signal | None:
    if fact.status_since > add_months(today, -SAME_STATUS_MONTHS):
        return None
    if not fact.plan_changes:
        # No plan written here: the plan is kept in the council's own system, which is no
        # evidence either way.
        return None
    last_change = max(fact.plan_changes)
    if last_change > add_months(today, -PLAN_UNCHANGED_MONTHS):
        return None
    return Signal(
        "no_change",
        "Same status, no change in plan",
        f"{status_label} since {fact.status_since:%-d %B %Y}, and the plan written in "
        f"supervision has not changed since {last_change:%-d %B %Y}.",
        fact.worker,
        fact.child,
    )


def plan_milestone(child: str, worker: str, plan_start: dt.date, today: dt.date) -> Signal | None:
    """A child protection plan within four weeks of 9 or 12 months, or past 12 months."""
    twelve = add_months(plan_start, 12)
    if today >= twelve:
        return Signal(
            "plan_12",
            "Child protection plan over 12 months",
            f"The plan began on {plan_start:%-d %B %Y}: it has been in place for more than a year.",
            worker,
            child,
        )
    for months in PLAN_MILESTONES:
        milestone = add_months(plan_start, months)
        if milestone - PLAN_WARNING <= today < milestone:
            return Signal(
                f"plan_{months}",
                f"Child protection plan nearing {months} months",
                f"The plan began on {plan_start:%-d %B %Y}; it reaches {months} months on "
                f"{milestone:%-d %B %Y}.",
                worker,
                child,
            )
    return None


def caseload_grown(fact: CaseloadFact, threshold: int = CASELOAD_THRESHOLD) -> Signal | None:
    if fact.now <= threshold or fact.now <= fact.before:
        return None
    return Signal(
        "caseload",
        "Caseload grown past the threshold",
        f"{fact.now} children now, {fact.before} three months ago (threshold {threshold}).",
        fact.worker,
    )


def case_management_only(fact: SupervisionFact, today: dt.date) -> Signal | None:
    since = add_months(today, -CASE_MANAGEMENT_MONTHS)
    recent = [(day, professional) for day, professional in fact.one_to_ones if since < day <= today]
    if len(recent) < CASE_MANAGEMENT_SESSIONS or any(p for _, p in recent):
        return None
    return Signal(
        "case_management_only",
        "Supervision only case management",
        f"{len(recent)} one-to-ones since {since:%-d %B %Y}, none with a professional "
        "(non-case) part: wellbeing, workload and learning.",
        fact.worker,
    )


def earliest_of_each(actions: Iterable[ActionFact]) -> list[ActionFact]:
    """An action set again and again in the same words for the same child is one action: the
    earliest, which says how long it has been carried."""
    kept: dict[tuple[str, str, str], ActionFact] = {}
    for fact in sorted(actions, key=lambda a: a.set_on):
        kept.setdefault((fact.worker, fact.child, fact.text.strip().lower()), fact)
    return list(kept.values())


def signals(
    *,
    today: dt.date,
    actions: Sequence[ActionFact] = (),
    discussions: Sequence[DiscussionFact] = (),
    cases: Sequence[tuple[CaseFact, str]] = (),
    plans: Sequence[tuple[str, str, dt.date]] = (),
    caseloads: Sequence[CaseloadFact] = (),
    supervision: Sequence[SupervisionFact] = (),
    threshold: int = CASELOAD_THRESHOLD,
) -> list[Signal]:
    found = [
        *(carried_over(a, today) for a in earliest_of_each(actions)),
        *(no_new_decision(d) for d in discussions),
        *(no_change_in_plan(c, today, label) for c, label in cases),
        *(plan_milestone(child, worker, start, today) for child, worker, start in plans),
        *(caseload_grown(c, threshold) for c in caseloads),
        *(case_management_only(s, today) for s in supervision),
    ]
    return [s for s in found if s is not None]
