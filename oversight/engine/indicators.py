"""Compliance indicators (INDICATORS.md): how many obligations count, and how many are in time.

Plain Python like the rest of the engine. One definition for every figure on a dashboard, report,
export or digest: ``figures`` turns the engine's obligation rows for a date into counts per team,
service and organisation; ``belongings`` says which team each subject's rows belong to, from the
engine's own facts, so the data set (the reader's facts) and the database (``oversight.facts``)
place rows the same way; ``trend`` repeats it at each month end.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Final, TextIO

from oversight.engine.engine import Obligation, compute_obligations
from oversight.engine.facts import Facts, active_on, holding_allocations
from oversight.engine.periods import add_months
from oversight.engine.report import write_aligned
from oversight.engine.rules import (
    AgreementReview,
    AnnualAppraisal,
    CaseSupervision,
    GroupSupervision,
    ManagerEvidenceReview,
    Policy,
    ProfessionalSupervision,
)
from oversight.spreadsheet_safety import spreadsheet_safe

COLUMNS: Final = (
    "as_of",
    "scope_type",
    "scope_id",
    "obligation",
    "counted",
    "in_time",
    "met_late",
    "overdue",
    "percent",
)
TABLE_HEADINGS: Final = (
    "As of",
    "Scope",
    "Name",
    "Obligation",
    "Counted",
    "In time",
    "Met late",
    "Overdue",
    "Percent",
)
SCOPE_TYPES: Final = ("team", "service", "organisation")
# A one-off obligation counts when it fell due in the 91 days ending the day before as_of.
ONE_OFF_WINDOW: Final = dt.timedelta(days=91)
# The rule types whose obligations recur; every other kind is one-off (RULES.md §1).
RECURRING_RULES: Final = (
    ProfessionalSupervision,
    AgreementReview,
    GroupSupervision,
    CaseSupervision,
    ManagerEvidenceReview,
    AnnualAppraisal,
)

Subject = tuple[str, str]  # (subject_type, subject_id), as in an obligation row
_DAY = dt.timedelta(days=1)
_TENTH = Decimal("0.1")


@dataclass(frozen=True, slots=True)
class Figure:
    """One row of the indicators: a scope's obligations of one kind on as_of."""

    as_of: dt.date
    scope_type: str  # 'team' | 'service' | 'organisation'
    scope_id: str  # the team's or service's name; empty for the organisation
    obligation: str
    counted: int
    in_time: int
    met_late: int
    overdue: int

    @property
    def percent(self) -> Decimal | None:
        """100 * in_time / counted, rounded half up to one decimal place; None when none count."""
        if not self.counted:
            return None
        return (Decimal(100 * self.in_time) / Decimal(self.counted)).quantize(
            _TENTH, rounding=ROUND_HALF_UP
        )

    def cells(self) -> tuple[str, ...]:
        """The row as text, in the order of ``COLUMNS``."""
        percent = self.percent
        return (
            self.as_of.isoformat(),
            self.scope_type,
            self.scope_id,
            self.obligation,
            str(self.counted),
            str(self.in_time),
            str(self.met_late),
            str(self.overdue),
            "" if percent is None else str(percent),
        )


def recurring_obligations(policy: Policy) -> frozenset[str]:
    """The names of the policy's recurring obligations (a policy names its obligations itself:
    Newham's case_oversight is a case supervision rule)."""
    return frozenset(rule.name for rule in policy.obligations if isinstance(rule, RECURRING_RULES))


class TeamsOnDays:
    """Which team each member of staff was in on a day (INDICATORS.md, "Where a row belongs"):
    the team of their membership period on the day; none on a day no period of theirs covers.
    Someone with no membership periods at all is in their `Staff.team` on every day, as a data
    set without team_membership.csv says."""

    def __init__(self, facts: Facts) -> None:
        self.current = {s.staff_id: s.team for s in facts.staff if s.team}
        self.periods: dict[str, list[tuple[dt.date, dt.date | None, str]]] = {}
        for m in facts.team_memberships:
            self.periods.setdefault(m.staff_id, []).append((m.start_date, m.end_date, m.team))

    def team_of(self, staff_id: str, day: dt.date) -> str | None:
        periods = self.periods.get(staff_id)
        if periods is None:
            return self.current.get(staff_id)
        for start, end, team in periods:
            if active_on(start, end, day):
                return team
        return None

    def teams(self) -> set[str]:
        """Every team anyone was in."""
        found = set(self.current.values())
        found.update(team for periods in self.periods.values() for _, _, team in periods)
        return found


def belongings(facts: Facts, as_of: dt.date) -> dict[Subject, str]:
    """The team each subject's obligations belong to on as_of; a subject left out belongs to the
    organisation only.

    - staff: the team they were in on as_of (``TeamsOnDays``: dated team membership, so a month
      end in the past places a person who has since moved in the team they were in then);
    - case: the team, on as_of, of the worker holding the active allocation on as_of, the latest
      start_date first, then the smallest worker_id;
    - session: the supervisee's team on the session's date; a group session: its own team;
    - team: itself.
    """
    teams = TeamsOnDays(facts)
    found: dict[Subject, str] = {}
    for person in facts.staff:
        team = teams.team_of(person.staff_id, as_of)
        if team:
            found["staff", person.staff_id] = team
    found.update((("team", team), team) for team in teams.teams())

    holder = {
        case_id: allocation.worker_id
        for case_id, allocation in holding_allocations(facts.allocations, as_of).items()
    }
    for case_id, worker_id in holder.items():
        team = teams.team_of(worker_id, as_of)
        if team:
            found["case", case_id] = team

    for session in facts.sessions:
        if session.type == "group":
            team = session.team
        else:
            team = (
                teams.team_of(session.supervisee_id, session.date)
                if session.supervisee_id
                else None
            )
        if team:
            found["session", session.session_id] = team
    return found


def in_time_if_counted(
    obligation: Obligation, as_of: dt.date, recurring: Collection[str]
) -> bool | None:
    """Whether a row that counts on as_of is in time; None when it does not count (a one-off
    that fell due outside the window and is not overdue). The one rule for every figure and for
    the rows listed behind a figure."""
    status = obligation.status
    if obligation.obligation in recurring:
        return status in ("ok", "due_soon")
    if status == "overdue" or as_of - ONE_OFF_WINDOW <= obligation.due_date < as_of:
        return status == "met"
    return None


def figures(
    as_of: dt.date,
    obligations: Iterable[Obligation],
    *,
    recurring: Collection[str],
    belongs_to: Mapping[Subject, str],
    services: Mapping[str, str],
    scope_types: Collection[str] = SCOPE_TYPES,
) -> list[Figure]:
    """The indicators for as_of from the engine's obligation rows on as_of.

    ``recurring`` names the recurring obligations (``recurring_obligations``); ``belongs_to`` maps
    a subject to its team (``belongings``); ``services`` maps a team's name to its service's.
    Rows come sorted by scope type, scope and obligation; a scope with no counted rows for a kind
    has no row for it.
    """
    # (scope_type, scope_id, obligation) -> [counted, in_time, met_late, overdue]
    tally: dict[tuple[str, str, str], list[int]] = {}
    for o in obligations:
        in_time = in_time_if_counted(o, as_of, recurring)
        if in_time is None:
            continue
        status = o.status
        team = belongs_to.get((o.subject_type, o.subject_id))
        scopes = [("organisation", "")]
        if team is not None:
            scopes.append(("team", team))
            service = services.get(team)
            if service is not None:
                scopes.append(("service", service))
        for scope_type, scope_id in scopes:
            if scope_type not in scope_types:
                continue
            counts = tally.setdefault((scope_type, scope_id, o.obligation), [0, 0, 0, 0])
            counts[0] += 1
            counts[1] += in_time
            counts[2] += status == "met_late"
            counts[3] += status == "overdue"
    return [
        Figure(as_of, scope_type, scope_id, obligation, *counts)
        for (scope_type, scope_id, obligation), counts in sorted(tally.items())
    ]


def indicators(
    policy: Policy,
    facts: Facts,
    as_of: dt.date,
    *,
    services: Mapping[str, str] | None = None,
    scope_types: Collection[str] = SCOPE_TYPES,
) -> list[Figure]:
    """The indicators on as_of under ``policy``: the engine's obligations, placed and counted."""
    return figures(
        as_of,
        compute_obligations(policy, facts, as_of),
        recurring=recurring_obligations(policy),
        belongs_to=belongings(facts, as_of),
        services=services or {},
        scope_types=scope_types,
    )


def month_ends(as_of: dt.date, months: int) -> list[dt.date]:
    """The last day of each of the ``months - 1`` months before as_of's, oldest first, then as_of
    itself for the current month."""
    first = as_of.replace(day=1)
    return [add_months(first, 1 - back) - _DAY for back in range(months - 1, 0, -1)] + [as_of]


def trend(
    policy: Policy,
    facts: Facts,
    as_of: dt.date,
    months: int,
    *,
    services: Mapping[str, str] | None = None,
    scope_types: Collection[str] = SCOPE_TYPES,
) -> list[Figure]:
    """The indicators at each month end (``month_ends``), oldest first. Each uses only what was
    known on its day: the engine ignores every row dated after the date it computes for."""
    return [
        figure
        for day in month_ends(as_of, months)
        for figure in indicators(policy, facts, day, services=services, scope_types=scope_types)
    ]


def write_csv(found: Iterable[Figure], out: TextIO) -> None:
    """CSV with the columns of ``COLUMNS``, every cell safe to open in a spreadsheet."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows([spreadsheet_safe(cell) for cell in f.cells()] for f in found)


def write_table(found: Iterable[Figure], out: TextIO) -> None:
    """An aligned plain-text table for people."""
    write_aligned(TABLE_HEADINGS, [f.cells() for f in found], out, empty="(no obligations count)")
