"""Who must act on each obligation (issue 8): one role per kind, found among the facts."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from oversight.engine.engine import Obligation, compute_obligations
from oversight.engine.facts import (
    Allocation,
    Case,
    CaseStatus,
    Facts,
    LineManagement,
    Session,
    Staff,
    holding_allocations,
)
from oversight.engine.indicators import belongings
from oversight.engine.loader import load_policy
from oversight.engine.owners import OWNER_ROLES, OwnerRole, Owners, owned_by
from oversight.engine.rules import KINDS

D = dt.date
AS_OF = D(2025, 6, 30)


def council() -> Facts:
    """A head (H1) over a team manager (M1) with two workers, and a chairs' manager (CM) over a
    conference chair; W1 holds a child on a child protection plan and has an unwritten record."""
    return Facts(
        staff=(
            Staff("H1", "manager", D(2019, 4, 1)),
            Staff("M1", "manager", D(2020, 1, 6), team="Court Team"),
            Staff("W1", "case_holder", D(2023, 5, 1), team="Court Team"),
            Staff("W2", "case_holder", D(2023, 5, 1), team="Court Team"),
            Staff("CM", "manager", D(2020, 1, 6), team="Reviewing Unit"),
            Staff("CH", "conference_chair", D(2021, 1, 4), team="Reviewing Unit"),
            Staff("OLD", "manager", D(2018, 1, 1), D(2024, 12, 31), team="Court Team"),
        ),
        line_management=(
            LineManagement("M1", "H1", D(2020, 1, 6)),
            LineManagement("CM", "H1", D(2020, 1, 6)),
            LineManagement("W1", "OLD", D(2023, 5, 1), D(2024, 12, 31)),
            LineManagement("W1", "M1", D(2025, 1, 1)),
            LineManagement("W2", "M1", D(2023, 5, 1)),
            LineManagement("CH", "CM", D(2021, 1, 4)),
        ),
        cases=(Case("C1", D(2025, 1, 6)),),
        allocations=(Allocation("C1", "W1", D(2025, 1, 6)),),
        case_statuses=(CaseStatus("C1", "child_protection", D(2025, 1, 6)),),
        sessions=(Session("X1", "individual", D(2025, 6, 2), "M1", "W2"),),
    )


@pytest.fixture(scope="module")
def owned() -> tuple[list[Obligation], Owners]:
    policy = load_policy("bedford")
    found = council()
    return compute_obligations(policy, found, AS_OF), Owners(policy, found, AS_OF)


def find(obligations: list[Obligation], subject_id: str, name: str) -> Obligation:
    return next(o for o in obligations if o.subject_id == subject_id and o.obligation == name)


def test_it_gives_every_kind_of_obligation_exactly_one_role() -> None:
    assert set(OWNER_ROLES) == set(KINDS)


def test_it_gives_a_persons_supervision_to_their_line_manager_on_the_day(owned) -> None:
    obligations, owners = owned
    assert owners.of(find(obligations, "W1", "professional_supervision")) == ("M1",)
    assert owners.of(find(obligations, "M1", "professional_supervision")) == ("H1",)


def test_it_gives_a_childs_case_supervision_to_the_holders_supervisor(owned) -> None:
    obligations, owners = owned
    supervision = find(obligations, "C1", "case_supervision")
    assert owners.role_of(supervision) is OwnerRole.WORKER_SUPERVISOR
    assert owners.of(supervision) == ("M1",)


def test_it_gives_the_conference_chair_review_to_the_chairs_manager(owned) -> None:
    obligations, owners = owned
    review = find(obligations, "C1", "conference_chair_review")
    assert owners.of(review) == ("CM",)


def test_it_gives_group_supervision_to_the_manager_inside_the_team(owned) -> None:
    obligations, owners = owned
    # H1 supervises M1, who is in the team, but leads no team: M1 does.
    assert owners.of(find(obligations, "Court Team", "group_supervision")) == ("M1",)


def test_it_gives_a_team_without_a_manager_inside_it_to_its_members_managers() -> None:
    # The chair's manager is in the unit; with her moved out, the unit is led from outside it.
    policy = load_policy("bedford")
    found = council()
    moved = Facts(
        staff=tuple(
            Staff("CM", "manager", D(2020, 1, 6), team=None) if s.staff_id == "CM" else s
            for s in found.staff
        ),
        line_management=found.line_management,
    )
    unit = find(compute_obligations(policy, moved, AS_OF), "Reviewing Unit", "group_supervision")
    assert Owners(policy, moved, AS_OF).of(unit) == ("CM",)


def test_it_gives_a_records_write_up_to_whoever_led_the_session(owned) -> None:
    obligations, owners = owned
    assert owners.of(find(obligations, "X1", "record_completion")) == ("M1",)


def test_it_finds_nobody_for_an_obligation_whose_people_are_not_in_the_facts() -> None:
    policy = load_policy("bedford")
    alone = Facts(staff=(Staff("W1", "case_holder", D(2023, 5, 1)),))
    supervision = find(compute_obligations(policy, alone, AS_OF), "W1", "professional_supervision")
    assert Owners(policy, alone, AS_OF).of(supervision) == ()


def test_it_lists_only_outstanding_obligations_for_each_owner(owned) -> None:
    obligations, owners = owned
    mine = owned_by(obligations, owners, ["M1", "W1"])
    assert mine["W1"] == []  # a worker owns nothing here: their supervisor acts
    assert {(o.subject_id, o.obligation) for o in mine["M1"]} >= {
        ("W1", "professional_supervision"),
        ("C1", "case_supervision"),
        ("Court Team", "group_supervision"),
        ("X1", "record_completion"),
    }
    assert all(o.status in ("overdue", "due_soon", "ok") for o in mine["M1"])
    assert not any(o.obligation == "conference_chair_review" for o in mine["M1"])


@pytest.mark.parametrize("listed", ["W1 first", "W2 first"])
def test_two_allocations_of_one_day_give_the_child_to_the_smaller_worker_id_everywhere(
    listed: str,
) -> None:
    # A child allocated to two workers on the same day (a handover recorded twice): the engine,
    # the owners and the figures each take the smaller worker_id (INDICATORS.md), whichever
    # allocation is read first.
    same_day = (Allocation("C1", "W1", D(2025, 6, 2)), Allocation("C1", "W2", D(2025, 6, 2)))
    found = replace(
        council(),
        cases=(Case("C1", D(2025, 6, 2)),),
        allocations=same_day if listed == "W1 first" else same_day[::-1],
    )
    policy = load_policy("bedford")
    initial = next(
        o
        for o in compute_obligations(policy, found, AS_OF)
        if o.subject_id == "C1" and o.obligation == "initial_case_discussion"
    )

    assert "Allocated to W1" in initial.explanation
    assert Owners(policy, found, AS_OF).holder["C1"] == "W1"
    assert belongings(found, AS_OF)["case", "C1"] == "Court Team"
    assert holding_allocations(found.allocations, AS_OF)["C1"].worker_id == "W1"
