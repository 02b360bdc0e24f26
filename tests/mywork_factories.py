"""A small council for My work's tests: a head of service, a team manager and workers, with
children, supervision and records dated relative to today (the pages show the position today)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from oversight.cases.models import Case
from oversight.organisation.models import Staff, Team
from oversight.records.models import Action, Record
from oversight.supervision.models import Session, SessionCase
from tests.factories import (
    AllocationFactory,
    CaseFactory,
    CaseStatusFactory,
    LineManagementFactory,
    SessionFactory,
    TeamFactory,
)
from tests.record_factories import ActionFactory, CaseNoteFactory, StaffWithLoginFactory

DAY = dt.timedelta(days=1)


def today() -> dt.date:
    return timezone.localdate()


@dataclass
class Council:
    head: Staff
    manager: Staff
    worker: Staff
    colleague: Staff
    team: Team
    other_team: Team
    other_manager: Staff
    outsider: Staff  # a worker in the other team, under the same head


def council() -> Council:
    """Head -> manager -> two workers in one team; head -> another manager -> a worker elsewhere.

    Everyone had a one-to-one 10 days ago, so nobody's own supervision is overdue unless a test
    says so.
    """
    head = StaffWithLoginFactory(name="Hari Head", category="manager", team=None)
    team = TeamFactory(name="Court Team 1")
    other_team = TeamFactory(name="Assessment Team 1", service=team.service)
    manager = StaffWithLoginFactory(name="Tamsin Manager", category="manager", team=team)
    worker = StaffWithLoginFactory(name="Wanda Worker", team=team)
    colleague = StaffWithLoginFactory(name="Colin Colleague", team=team)
    other_manager = StaffWithLoginFactory(name="Omar Manager", category="manager", team=other_team)
    outsider = StaffWithLoginFactory(name="Olive Outsider", team=other_team)
    for staff, their_manager in (
        (manager, head),
        (other_manager, head),
        (worker, manager),
        (colleague, manager),
        (outsider, other_manager),
    ):
        LineManagementFactory(staff=staff, manager=their_manager)
        supervised(staff, their_manager, today() - 10 * DAY)
    return Council(head, manager, worker, colleague, team, other_team, other_manager, outsider)


def supervised(staff: Staff, by: Staff, on: dt.date, cases: tuple[Case, ...] = ()) -> Session:
    """A one-to-one that happened and was recorded elsewhere (so it counts, and is not a draft)."""
    session = SessionFactory(supervisee=staff, supervisor=by, date=on, recorded_date=on)
    for case in cases:
        SessionCase.objects.create(session=session, case=case)
    return session


def child(
    worker: Staff,
    *,
    name: str,
    status: str = "child_in_need",
    last_supervised: dt.date | None = None,
    by: Staff | None = None,
) -> Case:
    """A child allocated to `worker` a year ago, supervised last on `last_supervised`."""
    year_ago = today() - 365 * DAY
    case = CaseFactory(display_name=name, open_date=year_ago)
    AllocationFactory(case=case, worker=worker, start_date=year_ago)
    CaseStatusFactory(case=case, status=status, start_date=year_ago)
    if last_supervised is not None:
        supervised(worker, by or worker.line_management.get().manager, last_supervised, (case,))
    return case


def record(
    supervisor: Staff, supervisee: Staff, on: dt.date, *, case: Case | None = None
) -> Record:
    """A draft one-to-one record written in Oversight, with a case note if `case` is given."""
    session = Record.objects.create(
        type="individual", date=on, supervisor=supervisor, supervisee=supervisee
    )
    if case is not None:
        CaseNoteFactory(session=session, case=case)
    return Record.of(session)


def sent(record_: Record, on: dt.date | None = None) -> Record:
    record_.send_to_worker(by=record_.supervisor.user, on=on or record_.date)
    return Record.of(record_)


def action(record_: Record, *, due: dt.date | None, text: str, case: Case | None = None) -> Action:
    return ActionFactory(
        session=record_, owner=record_.supervisee, due_date=due, action=text, case=case
    )
