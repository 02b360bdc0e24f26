"""The facts the obligations engine reasons about.

These mirror the supervision data set (DATA.md) one row type each, already parsed and typed. The
engine never sees Django: the web app and the CSV reader both build these and hand them over.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

STAFF_CATEGORIES = (
    "case_holder",
    "conference_chair",
    "non_case_holder",
    "support_staff",
    "manager",
)
CASE_STATUSES = (
    "child_in_need",
    "child_protection",
    "care_proceedings",
    "looked_after",
    "permanence_plan",
    "care_leaver",
    "short_breaks",
    "adoption_support",
)
SESSION_TYPES = (
    "individual",
    "case_discussion",
    "management_oversight",
    "group",
    "practice_observation",
    "conference_chair",
)
CASE_EVENTS = ("legal_planning", "closure", "transfer", "child_protection")


@dataclass(frozen=True, slots=True)
class Staff:
    staff_id: str
    category: str
    start_date: dt.date
    end_date: dt.date | None = None
    team: str | None = None
    asye_start: dt.date | None = None
    name: str = ""


@dataclass(frozen=True, slots=True)
class LineManagement:
    """Who supervised whom, and when: a change of supervisor is a new row, so history is kept."""

    staff_id: str
    manager_id: str
    start_date: dt.date
    end_date: dt.date | None = None


@dataclass(frozen=True, slots=True)
class TeamMembership:
    """A period in which a member of staff belonged to a team. A person with none is in their
    `Staff.team` on every day."""

    staff_id: str
    team: str
    start_date: dt.date
    end_date: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Case:
    case_id: str
    open_date: dt.date
    close_date: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Allocation:
    case_id: str
    worker_id: str
    start_date: dt.date
    end_date: dt.date | None = None


@dataclass(frozen=True, slots=True)
class CaseStatus:
    case_id: str
    status: str
    start_date: dt.date
    end_date: dt.date | None = None


@dataclass(frozen=True, slots=True)
class CaseEvent:
    case_id: str
    event: str
    date: dt.date


class Session(NamedTuple):
    """A named tuple rather than a dataclass like the others: sessions are the most numerous facts
    (a row each, for years of history), and a tuple is made in one C call."""

    session_id: str
    type: str
    date: dt.date
    supervisor_id: str | None = None
    supervisee_id: str | None = None
    team: str | None = None
    duration_minutes: int | None = None
    recorded_date: dt.date | None = None
    case_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Agreement:
    staff_id: str
    supervisor_id: str
    signed_date: dt.date
    frequency: str | None = None  # a period such as "14d" or "1m"


@dataclass(frozen=True, slots=True)
class EvidenceReview:
    """A line manager's review of a manager's supervision evidence (their agreements and a sample
    of their records), on ``date`` (N 8.1)."""

    staff_id: str  # the manager whose evidence was reviewed
    reviewer_id: str
    date: dt.date


@dataclass(frozen=True, slots=True)
class Appraisal:
    """An appraisal of ``staff_id`` by ``appraiser_id`` on ``date``: the annual appraisal with its
    Personal Development Plan (N 4x4x4, B 5), or, with ``kind`` "probation", a review of a new
    starter in their probationary period (N 11.3 "probation reports", B 1.3)."""

    staff_id: str
    appraiser_id: str
    date: dt.date
    kind: str = "annual"  # "annual" | "probation"


APPRAISAL_KINDS = ("annual", "probation")


@dataclass(frozen=True, slots=True)
class Facts:
    staff: tuple[Staff, ...] = ()
    line_management: tuple[LineManagement, ...] = ()
    cases: tuple[Case, ...] = ()
    allocations: tuple[Allocation, ...] = ()
    case_statuses: tuple[CaseStatus, ...] = ()
    case_events: tuple[CaseEvent, ...] = ()
    sessions: tuple[Session, ...] = ()
    agreements: tuple[Agreement, ...] = ()
    team_memberships: tuple[TeamMembership, ...] = ()
    evidence_reviews: tuple[EvidenceReview, ...] = ()
    appraisals: tuple[Appraisal, ...] = ()


def active_on(start: dt.date, end: dt.date | None, day: dt.date) -> bool:
    """A dated fact (an employment, a line management, an allocation, a case) is in force on
    `day`: both dates inclusive, no end for one that goes on."""
    return start <= day and (end is None or end >= day)


def holding_allocations(allocations: Iterable[Allocation], day: dt.date) -> dict[str, Allocation]:
    """The allocation holding each case on `day`: of those active on it, the one with the latest
    start, and on the same start the smallest worker_id (INDICATORS.md, "Where a row belongs";
    RULES.md's "current allocation"). The one rule for the engine, the owners and the figures:
    each once kept whichever of two same-day allocations it read first."""
    held: dict[str, Allocation] = {}
    for allocation in allocations:
        if not active_on(allocation.start_date, allocation.end_date, day):
            continue
        kept = held.get(allocation.case_id)
        if (
            kept is None
            or allocation.start_date > kept.start_date
            or (allocation.start_date == kept.start_date and allocation.worker_id < kept.worker_id)
        ):
            held[allocation.case_id] = allocation
    return held
