"""A manager, the worker they supervise today and the worker's caseload, for the record pages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from oversight.cases.models import Case, SiblingGroup
from oversight.organisation.models import Staff
from oversight.records.models import Record
from oversight.supervision.models import Session
from tests.factories import AllocationFactory, CaseFactory, CaseStatusFactory, LineManagementFactory
from tests.record_factories import StaffWithLoginFactory

LONG_AGO = dt.date(2024, 1, 8)


@dataclass
class Team:
    manager: Staff
    worker: Staff
    head: Staff
    amy: Case  # on a child protection plan: the most urgent
    ben: Case  # Amy's brother, child in need
    cara: Case  # child in need, supervised recently

    @property
    def manager_user(self) -> Any:
        return self.manager.user

    @property
    def worker_user(self) -> Any:
        return self.worker.user

    def session(self, day: dt.date | None = None, **kwargs: Any) -> Record:
        session = Session.objects.create(
            type=kwargs.pop("type", "individual"),
            date=day or timezone.localdate(),
            supervisor=self.manager,
            supervisee=self.worker,
            **kwargs,
        )
        return Record.of(session)


def a_team(**worker: Any) -> Team:
    """Head of service > team manager > social worker holding three children's cases."""
    head = StaffWithLoginFactory(name="Hari Head", category="manager", start_date=LONG_AGO)
    manager = StaffWithLoginFactory(name="Tamsin Manager", category="manager", start_date=LONG_AGO)
    worker_staff = StaffWithLoginFactory(
        name="Denise Worker", start_date=LONG_AGO, team=manager.team, **worker
    )
    LineManagementFactory(staff=manager, manager=head, start_date=LONG_AGO)
    LineManagementFactory(staff=worker_staff, manager=manager, start_date=LONG_AGO)
    family = SiblingGroup.objects.create(name="The Smith children")
    amy = CaseFactory(display_name="Amy Smith", sibling_group=family, open_date=LONG_AGO)
    ben = CaseFactory(display_name="Ben Smith", sibling_group=family, open_date=LONG_AGO)
    cara = CaseFactory(display_name="Cara Jones", open_date=timezone.localdate())
    for case in (amy, ben, cara):
        AllocationFactory(case=case, worker=worker_staff, start_date=case.open_date)
    CaseStatusFactory(case=amy, status="child_protection", start_date=LONG_AGO)
    CaseStatusFactory(case=ben, status="child_in_need", start_date=LONG_AGO)
    CaseStatusFactory(case=cara, status="child_in_need", start_date=cara.open_date)
    return Team(manager, worker_staff, head, amy, ben, cara)
