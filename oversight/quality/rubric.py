"""The published audit rubric: what a quality assurance audit grades in a supervision record.

Each criterion is graded on a four-point scale with a comment. The rubric is published for
supervisors in docs/audit-rubric.md (a test keeps the two the same), so nobody is graded on a
criterion they could not read beforehand.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


class Grade(models.IntegerChoices):
    """Four points and no middle, so an auditor has to say which side of the line a record is."""

    INADEQUATE = 1, "Inadequate"
    REQUIRES_IMPROVEMENT = 2, "Requires improvement"
    GOOD = 3, "Good"
    OUTSTANDING = 4, "Outstanding"


# A grade at or above this is "good or better", the figure the results pages roll up.
GOOD_OR_BETTER = Grade.GOOD


@dataclass(frozen=True)
class Criterion:
    key: str
    title: str
    good: str  # what a record graded good shows
    source: str  # where the council's policy asks for it


RUBRIC: tuple[Criterion, ...] = (
    Criterion(
        "interval",
        "Held at the stipulated interval",
        "The session took place when the worker's agreement and the policy say it should, and "
        "the record was completed within the recording deadline.",
        "B 2.1, 3.1; N 6",
    ),
    Criterion(
        "previous_actions",
        "Previous actions reviewed",
        "The actions from the last supervision are reviewed: done, not done and why, carried "
        "forward with a new date.",
        "B 3.3; N Appendix 4",
    ),
    Criterion(
        "childs_voice",
        "Child's voice and lived experience",
        "The child's views, wishes and feelings and their day-to-day experience are recorded, "
        "with how the worker found them out.",
        "N Appendix 3 (Child's voice), Appendix 5",
    ),
    Criterion(
        "analysis",
        "Analysis and reflection, not only description",
        "The record says what the information means for the child: hypotheses, alternative "
        "explanations and reflection on practice, not only what happened.",
        "N Appendix 2 (3.3 Analysis), Appendix 6",
    ),
    Criterion(
        "decisions",
        "Decisions with rationale",
        "Each decision is clear and says why it was made.",
        "B 3.3; N Appendix 4",
    ),
    Criterion(
        "actions",
        "Actions with owner and date",
        "Each action says who will do what by when, and the difference it should make for the "
        "child.",
        "B 3.3; N Appendix 4",
    ),
    Criterion(
        "risk",
        "Risk",
        "Risks to the child are named, with what is being done about them and what would "
        "trigger escalation.",
        "B 3.2; N Appendix 5",
    ),
    Criterion(
        "equality",
        "Equality and diversity",
        "The child's and family's identity and difference (Social GGRRAAACCEEESSS) are "
        "considered in what is understood and planned.",
        "N Appendix 3, Appendix 8",
    ),
    Criterion(
        "wellbeing",
        "Worker's wellbeing and learning",
        "The worker's wellbeing, workload and learning are discussed, with support agreed.",
        "B 2.2; N Appendix 8",
    ),
)

CRITERIA = {criterion.key: criterion for criterion in RUBRIC}
