"""The domain operations of a quality assurance audit; each takes the `Actor` doing it.

Drawing a sample, grading a sampled record, the supervisor's response and a second auditor's
moderation. The screens call these and nothing else; every one checks who is acting and writes
the audit trail in the same transaction as what it stores.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from oversight.access.predicates import require
from oversight.access.quality import AUDIT_REFUSED, audit_role, can_audit_team
from oversight.audit.actor import Actor
from oversight.formatting import long_date
from oversight.organisation.models import Team
from oversight.quality.models import (
    AuditGrade,
    AuditSample,
    AuditTransition,
    AuditWorkflow,
    GradeStage,
    SampledRecord,
)
from oversight.quality.rubric import CRITERIA, GOOD_OR_BETTER, RUBRIC, Grade
from oversight.quality.sampling import draw, new_seed
from oversight.records.models import Record
from oversight.supervision.models import SessionQuerySet
from oversight.transitions import Move, WorkflowError

# Records written about a worker's supervision; groups, observations and chairs' reviews are
# audited by other means (B 3, Appendix D).
AUDITED_TYPES = ("individual", "case_discussion")
LARGEST_SAMPLE = 50


@dataclass(frozen=True)
class Graded:
    grade: int
    comment: str = ""


def candidate_records(team: Team, start: dt.date, end: dt.date) -> SessionQuerySet:
    """The team's records of the period that can be audited: written up and shared with the
    worker (a draft is not yet a record), of a worker in the team."""
    shared: SessionQuerySet = Record.objects.shared()
    return shared.filter(
        type__in=AUDITED_TYPES, supervisee__team=team, date__range=(start, end)
    ).took_place()


def _check_period(start: dt.date, end: dt.date, size: int, today: dt.date) -> None:
    if end < start:
        raise WorkflowError("The end of the period must be on or after its start.")
    if end > today:
        raise WorkflowError(
            f"The period must end by today, {long_date(today)}: only records already written "
            "can be audited."
        )
    if not 1 <= size <= LARGEST_SAMPLE:
        raise WorkflowError(f"Ask for between 1 and {LARGEST_SAMPLE} records.")


def draw_sample(
    actor: Actor,
    team: Team,
    start: dt.date,
    end: dt.date,
    size: int,
    *,
    seed: int | None = None,
    today: dt.date | None = None,
) -> AuditSample:
    """Draw `size` of the team's records for the period at random and keep the seed.

    Given a seed (to repeat an earlier draw), the same records come out while the period's records
    are the same.
    """
    today = today or timezone.localdate()
    require(can_audit_team(actor.user, team, today), AUDIT_REFUSED)
    _check_period(start, end, size, today)
    seed = new_seed() if seed is None else seed
    with transaction.atomic():
        candidates = dict(candidate_records(team, start, end).values_list("session_id", "pk"))
        if not candidates:
            raise WorkflowError(
                f"{team.name} has no records shared with workers between {long_date(start)} and "
                f"{long_date(end)}, so there is nothing to sample. Choose a longer period."
            )
        drawn = draw(candidates, seed, size)
        sample = AuditSample.objects.create(
            team=team,
            period_start=start,
            period_end=end,
            seed=seed,
            size=size,
            candidates=len(candidates),
            drawn_by=actor.user,
        )
        SampledRecord.objects.bulk_create(
            SampledRecord(sample=sample, session_id=candidates[session_id], position=n)
            for n, session_id in enumerate(drawn, start=1)
        )
        actor.audit(
            "create",
            sample,
            detail={
                "team": team.name,
                "period": f"{start}/{end}",
                "seed": seed,
                "size": size,
                "candidates": len(candidates),
                "records": drawn,
            },
        )
    return sample


def drawn_session_ids(sample: AuditSample) -> list[str]:
    return list(sample.records.order_by("position").values_list("session__session_id", flat=True))


def redraw(sample: AuditSample) -> list[str]:
    """The records the sample's seed draws from the team's records of the period today."""
    candidates = candidate_records(sample.team, sample.period_start, sample.period_end)
    return draw(candidates.values_list("session_id", flat=True), sample.seed, sample.size)


def _workflow(day: dt.date) -> AuditWorkflow:
    return AuditWorkflow(lambda user, sampled: audit_role(user, sampled, day))


def _clean(grades: Mapping[str, Graded], *, every: bool) -> dict[str, Graded]:
    unknown = set(grades) - set(CRITERIA)
    if unknown:
        raise WorkflowError(f"Not in the rubric: {', '.join(sorted(unknown))}.")
    missing = [c.title for c in RUBRIC if c.key not in grades]
    if every and missing:
        raise WorkflowError(f"Grade every criterion; not yet graded: {', '.join(missing)}.")
    cleaned: dict[str, Graded] = {}
    for key, graded in grades.items():
        if graded.grade not in Grade.values:
            raise WorkflowError(f"{CRITERIA[key].title}: choose a grade from 1 to 4.")
        comment = graded.comment.strip()
        if graded.grade < GOOD_OR_BETTER and not comment:
            raise WorkflowError(
                f"{CRITERIA[key].title}: say what would make it good, for a grade below good."
            )
        cleaned[key] = Graded(graded.grade, comment)
    return cleaned


def _append_grades(
    sampled: SampledRecord, grades: Mapping[str, Graded], stage: str, actor: Actor
) -> None:
    AuditGrade.objects.bulk_create(
        AuditGrade(
            sampled=sampled,
            criterion=key,
            grade=graded.grade,
            comment=graded.comment,
            stage=stage,
            by=actor.user,
        )
        for key, graded in grades.items()
    )


def grade(
    actor: Actor,
    sampled: SampledRecord,
    grades: Mapping[str, Graded],
    *,
    summary: str = "",
    today: dt.date | None = None,
) -> AuditTransition:
    """Grade the record on every criterion of the rubric, with an overall comment."""
    cleaned = _clean(grades, every=True)

    def write(locked: SampledRecord, move: Move) -> None:
        _append_grades(locked, cleaned, GradeStage.AUDIT, actor)

    _, _, row = _workflow(today or timezone.localdate()).apply(
        sampled,
        "grade",
        by=actor.user,
        reason=summary,
        write=write,
        detail={"grades": {key: graded.grade for key, graded in cleaned.items()}},
    )
    sampled.__dict__.pop("audit_state", None)
    return row


def respond(
    actor: Actor, sampled: SampledRecord, response: str, *, today: dt.date | None = None
) -> AuditTransition:
    """The supervisor's answer to the audit of their record."""
    _, _, row = _workflow(today or timezone.localdate()).apply(
        sampled, "respond", by=actor.user, reason=response
    )
    sampled.__dict__.pop("audit_state", None)
    return row


def moderate(
    actor: Actor,
    sampled: SampledRecord,
    changes: Mapping[str, Graded],
    *,
    comment: str,
    today: dt.date | None = None,
) -> AuditTransition:
    """A second auditor's view: the grades they would change (the others stand) and why."""
    cleaned = _clean(changes, every=False)

    def write(locked: SampledRecord, move: Move) -> None:
        first = locked.first_grades()
        changed = {
            key: graded
            for key, graded in cleaned.items()
            if key not in first or first[key].grade != graded.grade
        }
        _append_grades(locked, changed, GradeStage.MODERATION, actor)

    _, _, row = _workflow(today or timezone.localdate()).apply(
        sampled,
        "moderate",
        by=actor.user,
        reason=comment,
        write=write,
        detail={"changed": {key: graded.grade for key, graded in cleaned.items()}},
    )
    sampled.__dict__.pop("audit_state", None)
    return row
