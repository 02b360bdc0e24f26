"""The demo council's appraisals (issue 16): most staff appraised within the year with a Personal
Development Plan, some falling due, a few overdue, and new starters' probation reviews, so the
appraisal pages and My work have something believable to show once the council's policy switches
the appraisal obligations on (`make run` does, docs/policy-files.md).

Deterministic from the seed, like the rest of the demo. Written in bulk, as the rest of the demo
is: `generate` recomputes the obligations store afterwards.
"""

from __future__ import annotations

import datetime as dt
import random

from oversight.appraisals.evidence import evidence_from
from oversight.appraisals.models import (
    Appraisal,
    AppraisalKind,
    AppraisalOutcome,
    DevelopmentObjective,
)
from oversight.engine.periods import add_months
from oversight.organisation.models import Staff
from oversight.records.models import PracticeObservation
from oversight.supervision.models import Session

OBJECTIVES = (
    ("Complete the trauma-informed practice course and use it in direct work.", "Course, spring"),
    ("Present a case at group reflective supervision.", "Practice lead to support"),
    ("Chair a child protection core group.", "Shadow a senior practitioner first"),
    ("Write court statements to the standard of the practice guide.", "Legal team workshop"),
    ("Mentor a newly qualified social worker.", "Practice educator training"),
    ("Bring the child's own words into every assessment.", "Direct work toolkit"),
    ("Keep case recording within the policy's timescales.", "Protected writing time"),
)
SUMMARIES = {
    AppraisalOutcome.EXCEEDS: "An excellent year: supervision was regular and reflective, "
    "actions were achieved on time and the observations showed confident, child-centred work.",
    AppraisalOutcome.MEETS: "A good year. Supervision took place as agreed and most actions were "
    "achieved; the observations showed warm relationships with families. More analysis in "
    "recording next year.",
    AppraisalOutcome.PARTLY_MEETS: "A mixed year. Several supervisions were missed during a heavy "
    "court period and some actions carried over; support agreed on planning and recording.",
}
PROBATION_SUMMARY = (
    "Settling in well: inducted, caseload built up gradually, supervision every two weeks. "
    "Good engagement with families; needs support with recording timescales."
)


def _plan(rng: random.Random, appraisal: Appraisal, count: int) -> list[DevelopmentObjective]:
    return [
        DevelopmentObjective(
            appraisal=appraisal,
            objective=objective,
            support=support,
            by_when=add_months(appraisal.held_on, rng.choice((6, 9, 12))),
        )
        for objective, support in rng.sample(OBJECTIVES, count)
    ]


def _last_appraisal_age(rng: random.Random) -> int:
    """Days since the last annual appraisal: most within the year, some falling due within the
    week, a few overdue."""
    first, last = rng.choices(((30, 340), (358, 366), (372, 470)), weights=(80, 12, 8))[0]
    return rng.randrange(first, last)


# In the demo manager's own team, whatever the draw: one appraisal overdue and one due this week,
# so their My work shows both.
SET_AGES = (400, 362)


def _set_ages(as_of: dt.date) -> dict[int, int]:
    """Days since the last appraisal of the demo manager's first long-serving supervisees."""
    manager = Staff.objects.filter(user__username="manager").first()
    if manager is None:
        return {}
    long_serving = (
        manager.supervisees_on(as_of)
        .filter(start_date__lt=add_months(as_of, -30))
        .order_by("staff_id")
    )
    return dict(zip(long_serving.values_list("pk", flat=True), SET_AGES, strict=False))


OBSERVED = (
    (
        "Warm and clear with mum; explained the plan in plain words and checked she understood.",
        "Leave time to see the child on their own and record their words.",
    ),
    (
        "Calm under challenge from dad; kept the focus on the children's safety.",
        "Summarise the agreed actions before leaving, with who does what by when.",
    ),
    (
        "Used play well to hear from a 6-year-old; good links with the school.",
        "Bring the observation of the child into the written assessment.",
    ),
)


def _observations(rng: random.Random, as_of: dt.date) -> None:
    """What the demo manager's practice observations of the year found, for the appraisal's
    evidence. The sessions were recorded elsewhere (locked), so written in bulk as the rest."""
    manager = Staff.objects.filter(user__username="manager").first()
    if manager is None:
        return
    sessions = Session.objects.filter(
        type="practice_observation",
        supervisee__in=manager.supervisees_on(as_of),
        date__range=(evidence_from(as_of), as_of),
        practice_observation__isnull=True,
    ).order_by("date", "session_id")
    observed = []
    for session in sessions:
        strengths, areas = rng.choice(OBSERVED)
        observed.append(
            PracticeObservation(
                session=session,
                setting=rng.choice(("home_visit", "conference", "direct_work")),
                strengths=strengths,
                areas_for_development=areas,
            )
        )
    PracticeObservation.objects.bulk_create(observed)


def add_appraisals(seed: int, as_of: dt.date) -> int:
    rng = random.Random(seed * 7919 + 16)
    _observations(rng, as_of)
    plans: list[DevelopmentObjective] = []
    made = 0
    set_ages = _set_ages(as_of)
    for person in Staff.objects.active_on(as_of).order_by("staff_id"):
        months_in = (as_of - person.start_date).days // 30
        if months_in < 9:
            made += _probation(rng, person, as_of, plans)
            continue
        # Someone in their second year had their first appraisal near the end of their first.
        age = _last_appraisal_age(rng)
        held = max(
            as_of - dt.timedelta(days=set_ages.get(person.pk, age)),
            add_months(person.start_date, 11),
        )
        # The year before too, where they were here then: last year's plan to look back on.
        for on in (add_months(held, -12), held):
            manager = person.line_manager_on(on)
            if on > as_of or on < add_months(person.start_date, 9) or manager is None:
                continue
            outcome = rng.choices(
                (AppraisalOutcome.EXCEEDS, AppraisalOutcome.MEETS, AppraisalOutcome.PARTLY_MEETS),
                weights=(2, 7, 2),
            )[0]
            appraisal = Appraisal.objects.create(
                staff=person,
                appraiser=manager,
                kind=AppraisalKind.ANNUAL,
                held_on=on,
                evidence_from=max(evidence_from(on), person.start_date),
                summary=SUMMARIES[outcome],
                outcome=outcome,
            )
            plans.extend(_plan(rng, appraisal, rng.choice((2, 3))))
            made += 1
    DevelopmentObjective.objects.bulk_create(plans)
    return made


def _probation(
    rng: random.Random, person: Staff, as_of: dt.date, plans: list[DevelopmentObjective]
) -> int:
    """A new starter's reviews: the three-month review held (mostly), and the final one where
    probation has ended (one in four of those still waiting)."""
    made = 0
    for months in (3, 6):
        on = add_months(person.start_date, months) + dt.timedelta(days=rng.randrange(0, 10))
        manager = person.line_manager_on(on)
        if on > as_of or manager is None or rng.random() < 0.25:
            break
        outcome = (
            AppraisalOutcome.PROBATION_ON_TRACK
            if months == 3
            else AppraisalOutcome.PROBATION_PASSED
        )
        appraisal = Appraisal.objects.create(
            staff=person,
            appraiser=manager,
            kind=AppraisalKind.PROBATION,
            held_on=on,
            evidence_from=person.start_date,
            summary=PROBATION_SUMMARY,
            outcome=outcome,
        )
        plans.extend(_plan(rng, appraisal, 1))
        made += 1
    return made
