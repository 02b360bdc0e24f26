"""Load the engine's facts from the database: the one place Django rows become engine input.

Whole organisation by default; narrowed to some staff or some cases for pages that show one
person's work, so the engine sees only what the page needs and answers in milliseconds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

from django.db.models import Model, Q, QuerySet

from oversight.cases.models import Allocation, Case, CaseEvent, CaseStatus
from oversight.engine import facts
from oversight.organisation.models import LineManagement, Staff
from oversight.supervision.models import (
    SESSION_DATA_SET_FIELDS,
    Agreement,
    Session,
    SessionCase,
    readable_frequency,
)


def load_facts(
    *, staff: QuerySet[Staff] | None = None, cases: QuerySet[Case] | None = None
) -> facts.Facts:
    """Facts for `staff` and `cases` (both default to everyone and every case).

    Pass `cases=Case.objects.none()` to leave cases out, and likewise for staff.
    """
    whole = staff is None and cases is None
    staff_qs = Staff.objects.all() if staff is None else staff
    case_qs = Case.objects.all() if cases is None else cases

    if not whole:
        # Their line managers come too, so explanations can name them; callers narrowing the facts
        # pass the engine `subjects=` to keep the managers' own (partial) obligations out.
        managers = LineManagement.objects.filter(staff__in=staff_qs).values("manager")
        staff_qs = Staff.objects.filter(Q(pk__in=staff_qs.values("pk")) | Q(pk__in=managers))
    staff_rows = list(
        staff_qs.values_list(
            "pk",
            "staff_id",
            "category",
            "start_date",
            "end_date",
            "team__name",
            "asye_start",
            "name",
        )
    )
    staff_pks = [row[0] for row in staff_rows]
    case_rows = list(case_qs.values_list("pk", "case_id", "open_date", "close_date"))
    case_pks = [row[0] for row in case_rows]

    def for_staff[M: Model](qs: QuerySet[M], field: str = "staff") -> QuerySet[M]:
        return qs if whole else qs.filter(**{f"{field}__in": staff_pks})

    def for_cases[M: Model](qs: QuerySet[M]) -> QuerySet[M]:
        return qs if whole else qs.filter(case__in=case_pks)

    sessions = Session.objects.all()
    if not whole:
        # Three narrow indexed lookups beat one OR across joins (which scans every session).
        teams = staff_qs.exclude(team=None).values("team")
        session_pks = {
            *Session.objects.filter(supervisee__in=staff_pks).values_list("pk", flat=True),
            *SessionCase.objects.filter(case__in=case_pks).values_list("session_id", flat=True),
            *Session.objects.filter(type="group", team__in=teams).values_list("pk", flat=True),
        }
        sessions = sessions.filter(pk__in=session_pks)
    session_rows = list(sessions.values_list("pk", *SESSION_DATA_SET_FIELDS))
    cases_of_session: dict[int, list[str]] = defaultdict(list)
    links = (
        SessionCase.objects.all()
        if whole
        else SessionCase.objects.filter(session__in=[row[0] for row in session_rows])
    )
    for session_pk, case_id in links.values_list("session_id", "case__case_id").iterator(
        chunk_size=20000
    ):
        cases_of_session[session_pk].append(case_id)

    return facts.Facts(
        # The rows are read in the order of the facts' fields, after the database pk.
        staff=tuple(facts.Staff(*row[1:]) for row in staff_rows),
        line_management=tuple(
            facts.LineManagement(*row)
            for row in for_staff(LineManagement.objects.all()).values_list(
                "staff__staff_id", "manager__staff_id", "start_date", "end_date"
            )
        ),
        cases=tuple(facts.Case(case_id, open_, close) for _, case_id, open_, close in case_rows),
        allocations=_rows(
            facts.Allocation,
            for_cases(Allocation.objects.all()).values_list(
                "case__case_id", "worker__staff_id", "start_date", "end_date"
            ),
        ),
        case_statuses=_rows(
            facts.CaseStatus,
            for_cases(CaseStatus.objects.all()).values_list(
                "case__case_id", "status", "start_date", "end_date"
            ),
        ),
        case_events=_rows(
            facts.CaseEvent,
            for_cases(CaseEvent.objects.all()).values_list("case__case_id", "event", "date"),
        ),
        sessions=tuple(
            facts.Session(
                session_id=session_id,
                type=type_,
                date=date,
                supervisor_id=supervisor,
                supervisee_id=supervisee,
                team=team,
                duration_minutes=minutes,
                recorded_date=recorded,
                case_ids=tuple(cases_of_session.get(pk, ())),
            )
            for pk, session_id, type_, date, supervisor, supervisee, team, minutes, recorded in (
                session_rows
            )
        ),
        agreements=tuple(
            facts.Agreement(staff_id, supervisor_id, signed, readable_frequency(frequency))
            for staff_id, supervisor_id, signed, frequency in for_staff(
                Agreement.objects.signed()
            ).values_list("staff__staff_id", "supervisor__staff_id", "signed_date", "frequency")
            if signed is not None  # always, for signed() agreements: said for mypy
        ),
    )


def _rows[T](cls: Callable[..., T], rows: Iterable[tuple[object, ...]]) -> tuple[T, ...]:
    return tuple(cls(*row) for row in rows)
