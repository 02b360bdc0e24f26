"""A small office for the other-record pages: two teams, their managers, workers, a chair and
children, everyone able to sign in, with line management running until today and beyond."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from oversight.cases.models import Case
from oversight.engine.periods import add_months
from oversight.organisation.models import Staff, Team
from tests.access_factories import sign_in_as
from tests.factories import (
    AllocationFactory,
    CaseFactory,
    CaseStatusFactory,
    LineManagementFactory,
    StaffFactory,
    TeamFactory,
)


@dataclass
class Office:
    team: Team
    manager: Staff
    worker: Staff
    colleague: Staff
    case: Case
    other_team: Team
    other_manager: Staff
    other_worker: Staff
    other_case: Case
    crs_manager: Staff
    chair: Staff
    cp_case_near: Case  # a child protection plan approaching 8 months
    cp_case_new: Case  # a plan only 2 months old

    def user(self, staff: Staff) -> Any:
        return staff.user


def build_office() -> Office:
    today = timezone.localdate()
    team = TeamFactory(name="Child Protection Team 1")
    manager = StaffFactory(name="Ayesha Hall", category="manager", team=team)
    worker = StaffFactory(name="Denise Kelly", team=team)
    colleague = StaffFactory(name="Tom Price", team=team)
    for person in (worker, colleague):
        LineManagementFactory(staff=person, manager=manager)
    case = CaseFactory(case_id="C-MILO", display_name="Milo Grant")
    AllocationFactory(case=case, worker=worker)

    other_team = TeamFactory(name="Assessment Team 2")
    other_manager = StaffFactory(name="Ruth Obi", category="manager", team=other_team)
    other_worker = StaffFactory(name="Esther Evans", team=other_team)
    LineManagementFactory(staff=other_worker, manager=other_manager)
    other_case = CaseFactory(case_id="C-ZARA", display_name="Zara Lee")
    AllocationFactory(case=other_case, worker=other_worker)

    reviewing = TeamFactory(name="Safeguarding and Reviewing Unit")
    crs_manager = StaffFactory(name="Monika Edwards", category="manager", team=reviewing)
    chair = StaffFactory(name="Efua Edwards", category="conference_chair", team=reviewing)
    LineManagementFactory(staff=chair, manager=crs_manager)
    cp_case_near = CaseFactory(case_id="C-NEAR", display_name="Noah Near")
    CaseStatusFactory(
        case=cp_case_near,
        status="child_protection",
        start_date=add_months(today, -8) + dt.timedelta(days=3),
    )
    AllocationFactory(case=cp_case_near, worker=worker)
    cp_case_new = CaseFactory(case_id="C-NEW", display_name="Nina New")
    CaseStatusFactory(case=cp_case_new, status="child_protection", start_date=add_months(today, -2))
    AllocationFactory(case=cp_case_new, worker=other_worker)

    for person in (manager, worker, colleague, other_manager, other_worker, crs_manager, chair):
        sign_in_as(person, username=person.name.split()[0].lower())
    return Office(
        team=team,
        manager=manager,
        worker=worker,
        colleague=colleague,
        case=case,
        other_team=other_team,
        other_manager=other_manager,
        other_worker=other_worker,
        other_case=other_case,
        crs_manager=crs_manager,
        chair=chair,
        cp_case_near=cp_case_near,
        cp_case_new=cp_case_new,
    )


def date_fields(name: str, day: dt.date) -> dict[str, str]:
    return {
        f"{name}_day": str(day.day),
        f"{name}_month": str(day.month),
        f"{name}_year": str(day.year),
    }


def no_actions(rows: int = 1) -> dict[str, str]:
    """The management form of an action formset with `rows` blank rows."""
    return {
        "actions-TOTAL_FORMS": str(rows),
        "actions-INITIAL_FORMS": "0",
        "actions-MIN_NUM_FORMS": "0",
        "actions-MAX_NUM_FORMS": "1000",
    }
