"""Recording an appraisal or probation review with its Personal Development Plan: the one domain
operation that writes them (`record_appraisal`, taking the `Actor`), the appraisal, its plan and
the audit entry in one transaction. The obligations store marks the person stale when the
appraisal is saved (`obligations/stale.py`), so My work shows the obligation met at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from oversight.access.appraisals import APPRAISAL_REFUSED, require_record_appraisal
from oversight.access.staff import staff_of
from oversight.appraisals.evidence import evidence_from
from oversight.appraisals.models import (
    OUTCOMES_OF_KIND,
    Appraisal,
    AppraisalKind,
    AppraisalOutcome,
    DevelopmentObjective,
)
from oversight.audit.actor import Actor
from oversight.engine.periods import add_months
from oversight.organisation.models import Staff
from oversight.transitions import WorkflowError

LONGEST_SUMMARY = 10000
NEEDS_PLAN = "Enter at least one objective for the Personal Development Plan"
# How far ahead a plan's dates may run: to the appraisal after next.
PLAN_MONTHS = 36


@dataclass(frozen=True)
class PlannedObjective:
    """One item of the Personal Development Plan as entered."""

    objective: str
    support: str = ""
    by_when: dt.date | None = None


def _check(
    staff: Staff,
    kind: str,
    held_on: dt.date,
    summary: str,
    outcome: str,
    plan: Sequence[PlannedObjective],
    today: dt.date,
) -> str:
    if kind not in AppraisalKind.values:
        raise WorkflowError("Choose whether this is an annual appraisal or a probation review.")
    if held_on > today:
        raise WorkflowError("The date of the appraisal must be today or in the past.")
    if held_on < staff.start_date:
        raise WorkflowError(
            f"The date of the appraisal must be on or after {staff.name} started, "
            f"{staff.start_date:%-d %B %Y}."
        )
    if outcome not in OUTCOMES_OF_KIND[AppraisalKind(kind)]:
        allowed = ", ".join(
            AppraisalOutcome(o).label for o in OUTCOMES_OF_KIND[AppraisalKind(kind)]
        )
        raise WorkflowError(
            f"Choose the outcome of the {AppraisalKind(kind).label.lower()}: {allowed}."
        )
    cleaned = summary.strip()
    if not cleaned:
        raise WorkflowError("Enter a summary of the appraisal: what went well and what to develop.")
    if len(cleaned) > LONGEST_SUMMARY:
        raise WorkflowError(
            f"The summary is {len(cleaned)} characters long: keep it to {LONGEST_SUMMARY}."
        )
    if kind == AppraisalKind.ANNUAL and not plan:
        # N 4x4x4: "an annual appraisal and Personal Development Plan".
        raise WorkflowError(NEEDS_PLAN)
    for item in plan:
        if not item.objective.strip():
            raise WorkflowError("Each item of the Personal Development Plan needs an objective.")
        if item.by_when is not None and item.by_when < held_on:
            raise WorkflowError("A Personal Development Plan date must be after the appraisal.")
        if item.by_when is not None and item.by_when > add_months(held_on, PLAN_MONTHS):
            # A plan runs to the next appraisals; a date further off is a mistyped year.
            raise WorkflowError(
                "A Personal Development Plan date must be within "
                f"{PLAN_MONTHS // 12} years of the appraisal: check the year of "
                f"{item.by_when:%-d %B %Y}."
            )
    return cleaned


def record_appraisal(
    actor: Actor,
    staff: Staff,
    *,
    kind: str,
    held_on: dt.date,
    summary: str,
    outcome: str,
    plan: Sequence[PlannedObjective],
    today: dt.date | None = None,
) -> Appraisal:
    """Record `staff`'s appraisal (or probation review) held on `held_on` by the acting
    supervisor, with its Personal Development Plan. Refused, with nothing written, for anyone
    but the person's supervisor or a manager above them, and for a bad date, outcome or summary,
    or an annual appraisal without a plan."""
    today = today or timezone.localdate()
    require_record_appraisal(actor.user, staff, today)
    appraiser = staff_of(actor.user)
    if appraiser is None:
        raise WorkflowError(APPRAISAL_REFUSED)
    cleaned = _check(staff, kind, held_on, summary, outcome, plan, today)
    with transaction.atomic():
        appraisal = Appraisal.objects.create(
            staff=staff,
            appraiser=appraiser,
            kind=kind,
            held_on=held_on,
            evidence_from=max(evidence_from(held_on), staff.start_date),
            summary=cleaned,
            outcome=outcome,
        )
        DevelopmentObjective.objects.bulk_create(
            DevelopmentObjective(
                appraisal=appraisal,
                objective=item.objective.strip(),
                support=item.support.strip(),
                by_when=item.by_when,
            )
            for item in plan
        )
        actor.audit(
            "create",
            appraisal,
            detail={
                "staff": staff.staff_id,
                "kind": kind,
                "held_on": held_on.isoformat(),
                "outcome": outcome,
                "objectives": len(plan),
            },
        )
    return appraisal
