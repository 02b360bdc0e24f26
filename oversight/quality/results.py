"""Audit results rolled up: per criterion of the rubric, per team, per quarter.

The grade that counts for a criterion is its standing one (the moderator's where they changed it,
else the auditor's), and only records that have been graded count. `roll_up` is a pure function of
the grades so the arithmetic is tested without a database.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from oversight.quality.models import GRADED_STATES, AuditGrade, SampledRecord
from oversight.quality.rubric import GOOD_OR_BETTER, RUBRIC, Criterion


@dataclass(frozen=True)
class StandingGrade:
    sampled: int
    team: str
    quarter: dt.date  # the first day of the quarter the sample's period ends in
    criterion: str
    grade: int


@dataclass(frozen=True)
class CriterionResult:
    criterion: Criterion
    graded: int
    good_or_better: int
    total: int

    @property
    def percent_good(self) -> int | None:
        return round(100 * self.good_or_better / self.graded) if self.graded else None

    @property
    def mean(self) -> float | None:
        return round(self.total / self.graded, 1) if self.graded else None


@dataclass(frozen=True)
class Result:
    label: str
    records: int
    criteria: tuple[CriterionResult, ...]

    @property
    def graded(self) -> int:
        return sum(c.graded for c in self.criteria)

    @property
    def percent_good(self) -> int | None:
        good = sum(c.good_or_better for c in self.criteria)
        return round(100 * good / self.graded) if self.graded else None


def quarter_of(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def quarter_label(first_day: dt.date) -> str:
    last = dt.date(first_day.year, first_day.month + 2, 1)
    return f"{first_day:%B} to {last:%B} {first_day.year}"


def roll_up(label: str, grades: Iterable[StandingGrade]) -> Result:
    by_criterion: dict[str, list[int]] = defaultdict(list)
    records: set[int] = set()
    for row in grades:
        by_criterion[row.criterion].append(row.grade)
        records.add(row.sampled)
    return Result(
        label=label,
        records=len(records),
        criteria=tuple(
            CriterionResult(
                criterion=criterion,
                graded=len(by_criterion[criterion.key]),
                good_or_better=sum(1 for g in by_criterion[criterion.key] if g >= GOOD_OR_BETTER),
                total=sum(by_criterion[criterion.key]),
            )
            for criterion in RUBRIC
        ),
    )


def by_quarter(grades: Iterable[StandingGrade]) -> list[Result]:
    """One result per quarter, latest first."""
    quarters: dict[dt.date, list[StandingGrade]] = defaultdict(list)
    for row in grades:
        quarters[row.quarter].append(row)
    return [roll_up(quarter_label(q), quarters[q]) for q in sorted(quarters, reverse=True)]


def by_team(grades: Iterable[StandingGrade]) -> list[Result]:
    teams: dict[str, list[StandingGrade]] = defaultdict(list)
    for row in grades:
        teams[row.team].append(row)
    return [roll_up(team, teams[team]) for team in sorted(teams)]


def standing_grades(team_pks: Iterable[int]) -> list[StandingGrade]:
    """Every graded record's standing grades in the teams' samples (one query)."""
    graded = SampledRecord.objects.in_state(*GRADED_STATES).filter(sample__team__in=list(team_pks))
    rows = (
        AuditGrade.objects.filter(sampled__in=graded.values("pk"))
        .order_by("id")
        .values_list(
            "sampled_id",
            "sampled__sample__team__name",
            "sampled__sample__period_end",
            "criterion",
            "grade",
        )
    )
    standing: dict[tuple[int, str], StandingGrade] = {}
    for sampled, team, period_end, criterion, grade in rows:
        # Appended in order, so a moderator's grade comes after the auditor's and replaces it.
        standing[(sampled, criterion)] = StandingGrade(
            sampled, team, quarter_of(period_end), criterion, grade
        )
    return list(standing.values())
