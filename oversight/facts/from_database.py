"""Load the engine's facts from the database: the one place Django rows become engine input.

Whole organisation by default; narrowed to some staff or some cases for pages that show one
person's work, so the engine sees only what the page needs and answers in milliseconds.

A large council has hundreds of thousands of rows, so they are read as plain tuples through the
connection's cursor (the queries are still built by the ORM, for SQLite and PostgreSQL alike),
without joins: foreign keys are mapped to staff IDs, team names and child IDs in Python from small
dictionaries. Given `as_of`, only the rows the engine can read on that date are loaded at all.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Model, Q, QuerySet

from oversight.appraisals.models import Appraisal
from oversight.cases.models import Allocation, Case, CaseEvent, CaseStatus
from oversight.engine import facts
from oversight.organisation.models import LineManagement, Staff, Team, TeamMembership
from oversight.quality.models import EvidenceReview
from oversight.supervision.models import Agreement, Session, SessionCase, readable_frequency

type Row = tuple[Any, ...]


def load_facts(
    *,
    staff: QuerySet[Staff] | None = None,
    cases: QuerySet[Case] | None = None,
    as_of: dt.date | None = None,
    sessions: Iterable[int] = (),
) -> facts.Facts:
    """Facts for `staff` and `cases` (both default to everyone and every case).

    Pass `cases=Case.objects.none()` to leave cases out, and likewise for staff.

    With `as_of`, only what the engine reads for that date is loaded (RULES.md §1 and §4): no row
    dated after as_of; only the cases open on as_of with an allocation active on it (no other case
    carries an obligation) with their statuses and events; only the line management and
    allocations active on as_of; sessions keep only those cases among the cases they list. The
    engine's answers for as_of are the same as from every row; use such facts for that date only.

    `sessions` adds these sessions (by pk) to those the staff and cases bring, for callers that
    want the engine's answers about sessions led by someone (whose records they must write).
    """
    # Hundreds of thousands of rows and facts, and no reference cycles among them: the cyclic
    # garbage collector would only rescan them again and again (most of the time for a large
    # council, as in the engine). It is paused while they are made and restored as it was.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _load(staff, cases, as_of, list(sessions))
    finally:
        if collecting:
            gc.enable()


def _load(
    staff: QuerySet[Staff] | None,
    cases: QuerySet[Case] | None,
    as_of: dt.date | None,
    extra_sessions: list[int],
) -> facts.Facts:
    whole = staff is None and cases is None
    staff_qs = Staff.objects.all() if staff is None else staff
    case_qs = Case.objects.all() if cases is None else cases

    if not whole:
        # Their line managers come too, so explanations can name them; callers narrowing the facts
        # pass the engine `subjects=` to keep the managers' own (partial) obligations out.
        managers = LineManagement.objects.filter(staff__in=staff_qs).values("manager")
        staff_qs = Staff.objects.filter(Q(pk__in=staff_qs.values("pk")) | Q(pk__in=managers))
    days = _Days()
    staff_rows = _fetch(
        staff_qs.values_list(
            "pk", "staff_id", "category", "start_date", "end_date", "team", "asye_start", "name"
        )
    )
    team_names: dict[int | None, str | None] = {None: None}
    team_names.update(_fetch(Team.objects.values_list("pk", "name").order_by()))
    staff_ids = _StaffIds({row[0]: row[1] for row in staff_rows})
    staff_pks = list(staff_ids)

    if as_of is not None:
        case_qs = Case.objects.active_on(as_of) & case_qs
    case_rows = _fetch(case_qs.values_list("pk", "case_id", "open_date", "close_date"))
    case_ids: dict[int, str] = {pk: case_id for pk, case_id, _, _ in case_rows}

    def for_staff[M: Model](qs: QuerySet[M], field: str = "staff") -> QuerySet[M]:
        return qs if whole else qs.filter(**{f"{field}__in": staff_pks})

    def for_cases[M: Model](qs: QuerySet[M]) -> QuerySet[M]:
        return qs if whole else qs.filter(case__in=list(case_ids))

    allocations = for_cases(
        Allocation.objects.all() if as_of is None else Allocation.objects.active_on(as_of)
    )
    line_management = (
        LineManagement.objects.all() if as_of is None else LineManagement.objects.active_on(as_of)
    )
    if not whole:
        # Each person's own line management, and whom they manage: a manager's review of their
        # supervision evidence is owed while they manage someone (engine manager_evidence_review).
        line_management = line_management.filter(Q(staff__in=staff_pks) | Q(manager__in=staff_pks))
    statuses = for_cases(CaseStatus.objects.all())
    events = for_cases(CaseEvent.objects.all())
    # Only sessions that took place count: a booking is a plan (issue 8). For the whole council
    # the few that did not are read apart and dropped (Session.not_taken_place).
    sessions = Session.objects.all() if whole else Session.objects.took_place()
    agreements = for_staff(Agreement.objects.signed())
    reviews = for_staff(EvidenceReview.objects.all(), "manager")
    appraisals = for_staff(Appraisal.objects.all())
    if as_of is not None:
        reviews = reviews.filter(reviewed_on__lte=as_of)
        appraisals = appraisals.filter(held_on__lte=as_of)
        statuses = statuses.filter(start_date__lte=as_of)
        events = events.filter(date__lte=as_of)
        sessions = sessions.on_or_before(as_of)
        agreements = agreements.filter(signed_date__lte=as_of)

    # No joins: each ordered by its own columns, in the order the models' default orderings give
    # within a case or a member of staff (the only order the engine can notice).
    allocation_rows = _fetch(
        allocations.order_by("case_id", "start_date").values_list(
            "case", "worker", "start_date", "end_date"
        )
    )
    if as_of is not None:
        # A case carries obligations only with an allocation active on as_of (RULES.md §4).
        allocation_rows = [row for row in allocation_rows if row[0] in case_ids]
        allocated = {row[0] for row in allocation_rows}
        case_rows = [row for row in case_rows if row[0] in allocated]
        case_ids = {pk: case_ids[pk] for pk in allocated}

    if not whole:
        # Three narrow indexed lookups beat one OR across joins (which scans every session).
        teams = staff_qs.exclude(team=None).values("team")
        session_pks = {
            *Session.objects.filter(supervisee__in=staff_pks).values_list("pk", flat=True),
            *SessionCase.objects.filter(case__in=list(case_ids)).values_list(
                "session_id", flat=True
            ),
            *Session.objects.filter(type="group", team__in=teams).values_list("pk", flat=True),
            *extra_sessions,
        }
        sessions = sessions.filter(pk__in=session_pks)
    else:
        # Sorting every session costs the database a quarter of the query, and nothing needs it:
        # the engine indexes sessions by date itself, and reports sort their rows.
        sessions = sessions.order_by()
    not_counted: set[int] = (
        set(Session.objects.not_taken_place().values_list("pk", flat=True)) if whole else set()
    )
    session_rows = _fetch(
        sessions.values_list(
            "pk",
            "session_id",
            "type",
            "date",
            "supervisor",
            "supervisee",
            "team",
            "duration_minutes",
            "recorded_date",
        )
    )
    links = SessionCase.objects.order_by()
    if not whole:
        links = links.filter(session__in=[row[0] for row in session_rows])
    link_rows = _fetch(links.values_list("session", "case"))
    if as_of is not None:
        link_case_ids: dict[int, str] = case_ids  # other cases carry no obligation on as_of
    else:
        link_case_ids = _CaseIds(case_ids)
        link_case_ids.resolve(case for _, case in link_rows)
    cases_of_session: dict[int, list[str]] = defaultdict(list)
    for session_pk, case_pk in link_rows:
        case_id = link_case_ids.get(case_pk)
        if case_id is not None:
            cases_of_session[session_pk].append(case_id)

    line_management_rows = _fetch(
        line_management.order_by("staff_id", "start_date").values_list(
            "staff", "manager", "start_date", "end_date"
        )
    )
    # Every period of team membership, whatever as_of: the indicators place a session by the
    # supervisee's team on the session's own date.
    membership_rows = _fetch(
        for_staff(TeamMembership.objects.all())
        .order_by("staff_id", "start_date")
        .values_list("staff", "team", "start_date", "end_date")
    )
    agreement_rows = _fetch(
        agreements.order_by("staff_id", "-signed_date").values_list(
            "staff", "supervisor", "signed_date", "frequency"
        )
    )
    review_rows = _fetch(
        reviews.order_by("manager_id", "reviewed_on").values_list(
            "manager", "reviewer", "reviewed_on"
        )
    )
    appraisal_rows = _fetch(
        appraisals.order_by("staff_id", "held_on", "id").values_list(
            "staff", "appraiser", "held_on", "kind"
        )
    )
    if not whole:
        # Supervisors, workers and managers outside the staff loaded: their IDs, in one query.
        staff_ids.resolve(
            pk
            for pk in (
                *(row[1] for row in allocation_rows),
                *(row[0] for row in line_management_rows),
                *(row[1] for row in review_rows),
                *(row[1] for row in appraisal_rows),
                *(row[4] for row in session_rows),
                *(row[5] for row in session_rows),
                *(row[1] for row in line_management_rows),
                *(row[1] for row in agreement_rows),
            )
            if pk is not None
        )
    ids = staff_ids.get
    no_cases: tuple[str, ...] = ()
    return facts.Facts(
        staff=tuple(
            facts.Staff(
                staff_id, category, days[start], days[end], team_names[team], days[asye], name
            )
            for _, staff_id, category, start, end, team, asye, name in staff_rows
        ),
        line_management=tuple(
            facts.LineManagement(staff_ids[staff_pk], staff_ids[manager], days[start], days[end])
            for staff_pk, manager, start, end in line_management_rows
        ),
        cases=tuple(
            facts.Case(case_id, days[open_], days[close]) for _, case_id, open_, close in case_rows
        ),
        allocations=tuple(
            facts.Allocation(case_ids[case], staff_ids[worker], days[start], days[end])
            for case, worker, start, end in allocation_rows
        ),
        case_statuses=tuple(
            facts.CaseStatus(case_ids[case], status, days[start], days[end])
            for case, status, start, end in _fetch(
                statuses.order_by("case_id", "start_date").values_list(
                    "case", "status", "start_date", "end_date"
                )
            )
            if case in case_ids
        ),
        case_events=tuple(
            facts.CaseEvent(case_ids[case], event, days[date])
            for case, event, date in _fetch(
                events.order_by("case_id", "date").values_list("case", "event", "date")
            )
            if case in case_ids
        ),
        sessions=tuple(
            _new_tuple(
                facts.Session,
                (
                    session_id,
                    type_,
                    days[date],
                    ids(supervisor),
                    ids(supervisee),
                    team_names[team],
                    minutes,
                    days[recorded],
                    tuple(cases_of_session[pk]) if pk in cases_of_session else no_cases,
                ),
            )
            for pk, session_id, type_, date, supervisor, supervisee, team, minutes, recorded in (
                session_rows
            )
            if pk not in not_counted
        ),
        agreements=tuple(
            facts.Agreement(
                staff_ids[staff_pk],
                staff_ids[supervisor],
                days[signed],
                readable_frequency(frequency),
            )
            for staff_pk, supervisor, signed, frequency in agreement_rows
        ),
        evidence_reviews=tuple(
            facts.EvidenceReview(staff_ids[manager], staff_ids[reviewer], days[on])
            for manager, reviewer, on in review_rows
        ),
        appraisals=tuple(
            facts.Appraisal(staff_ids[staff_pk], staff_ids[appraiser], days[on], kind)
            for staff_pk, appraiser, on, kind in appraisal_rows
        ),
        team_memberships=tuple(
            facts.TeamMembership(staff_ids[staff_pk], str(team_names[team]), days[start], days[end])
            for staff_pk, team, start, end in membership_rows  # team: never null
        ),
    )


def _fetch(qs: QuerySet[Any, Row]) -> list[Row]:
    """The rows of a `values_list` queryset as the database driver gives them.

    Django's per-value converters are skipped (they were most of the time for a large council);
    dates then come as `datetime.date` from PostgreSQL and as ISO text from SQLite, which `_Days`
    turns into dates.
    """
    try:
        sql, params = qs.query.sql_with_params()
    except EmptyResultSet:  # e.g. Case.objects.none()
        return []
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, params)
        rows: list[Row] = cursor.fetchall()
    return rows


class _Days(dict[object, Any]):
    """A date column's value as a date, or None: each distinct day is parsed once (there are only
    thousands). `Any`, as the driver's values are: None stays None, so a type would be a lie for
    either the required or the optional date columns."""

    def __init__(self) -> None:
        super().__init__({None: None})

    def __missing__(self, value: object) -> dt.date:
        day = dt.date.fromisoformat(value) if isinstance(value, str) else value
        assert isinstance(day, dt.date), value
        self[value] = day
        return day


class _Ids(dict[int, str]):
    """Database pk to the council's identifier; `resolve` looks up the missing ones at once."""

    model: type[Model]
    field: str

    def resolve(self, pks: Iterable[int]) -> None:
        missing = {pk for pk in pks if pk not in self}
        if missing:
            found = self.model._default_manager.filter(pk__in=missing)
            self.update(_fetch(found.values_list("pk", self.field)))


class _StaffIds(_Ids):
    model = Staff
    field = "staff_id"


class _CaseIds(_Ids):
    model = Case
    field = "case_id"


# Sessions are the most numerous facts: each is made from its row in one C call (a named tuple).
_new_tuple = tuple.__new__
