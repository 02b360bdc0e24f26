"""The engine's scope: who and what carries obligations on as_of, and computing for a subset."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from oversight.engine.engine import compute_obligations
from oversight.engine.facts import (
    Agreement,
    Allocation,
    Case,
    CaseStatus,
    Facts,
    LineManagement,
    Session,
    Staff,
)
from oversight.engine.loader import load_policy
from oversight.engine.working_days import CalendarRangeError

D = dt.date
AS_OF = D(2025, 6, 30)


def council() -> Facts:
    return Facts(
        staff=(
            Staff("H1", "manager", D(2019, 4, 1), team="Leadership"),
            Staff("M1", "manager", D(2020, 1, 6), team="Team A"),
            Staff("M2", "manager", D(2021, 1, 4), team="Team B"),
            Staff("S1", "case_holder", D(2023, 5, 1), team="Team A"),
            Staff("B1", "support_staff", D(2022, 9, 5), team="Team B"),
        ),
        line_management=(
            LineManagement("M1", "H1", D(2020, 1, 6)),
            LineManagement("M2", "H1", D(2021, 1, 4)),
            LineManagement("S1", "M2", D(2023, 5, 1), D(2025, 2, 28)),
            LineManagement("S1", "M1", D(2025, 3, 1)),
            LineManagement("B1", "M2", D(2022, 9, 5)),
        ),
        cases=(
            Case("C1", D(2025, 1, 6)),
            Case("C2", D(2025, 1, 6)),
            Case("C3", D(2024, 1, 8), D(2025, 3, 1)),
        ),
        allocations=(
            Allocation("C1", "S1", D(2025, 1, 6)),
            Allocation("C3", "S1", D(2024, 1, 8)),
        ),
        case_statuses=(CaseStatus("C1", "child_in_need", D(2025, 1, 6)),),
        sessions=(
            Session(
                "X1",
                "individual",
                D(2025, 6, 10),
                "M1",
                "S1",
                case_ids=("C1",),
                recorded_date=D(2025, 6, 11),
            ),
        ),
        agreements=(
            Agreement("S1", "M2", D(2023, 5, 10)),
            Agreement("M1", "H1", D(2020, 1, 10)),
        ),
    )


def keyed(
    facts: Facts, policy: str = "bedford", as_of: dt.date = AS_OF
) -> dict[tuple[str, str, str], tuple[object, ...]]:
    return {
        (o.subject_type, o.subject_id, o.obligation): (o.due_date, o.status, o.last_met)
        for o in compute_obligations(load_policy(policy), facts, as_of)
    }


def test_it_gives_cases_without_an_active_allocation_no_obligations() -> None:
    rows = keyed(council())
    assert not [k for k in rows if k[1] == "C2"]


def test_it_gives_closed_cases_no_obligations() -> None:
    rows = keyed(council())
    assert not [k for k in rows if k[1] == "C3"]


def test_it_gives_staff_outside_the_policy_no_obligations() -> None:
    rows = keyed(council(), "newham")
    assert not [k for k in rows if k[1] == "B1"]
    assert ("staff", "B1", "professional_supervision") in keyed(council(), "bedford")


def test_it_ignores_an_agreement_with_a_previous_line_manager() -> None:
    due, status, last_met = keyed(council())["staff", "S1", "supervision_agreement"]
    # New manager from 1 March 2025: an agreement with them is due 28 days later, not yet signed.
    assert (due, status, last_met) == (D(2025, 3, 29), "overdue", None)


def test_it_gives_no_supervision_agreement_to_staff_without_a_line_manager() -> None:
    assert ("staff", "H1", "supervision_agreement") not in keyed(council())


def test_it_anchors_group_supervision_at_the_earliest_start_in_the_team() -> None:
    due, _, last_met = keyed(council())["team", "Team A", "group_supervision"]
    assert (due, last_met) == (D(2020, 2, 6), None)


def test_it_treats_an_end_date_after_as_of_as_no_end() -> None:
    later = replace(
        council(), allocations=(Allocation("C2", "S1", D(2025, 1, 6), D(2025, 12, 31)),)
    )
    assert ("case", "C2", "case_supervision") in keyed(later)


def test_it_computes_only_the_subjects_asked_for() -> None:
    facts = council()
    everything = compute_obligations(load_policy("bedford"), facts, AS_OF)
    wanted = {("staff", "S1"), ("case", "C1"), ("session", "X1")}
    subset = compute_obligations(load_policy("bedford"), facts, AS_OF, subjects=wanted)
    assert subset == [o for o in everything if (o.subject_type, o.subject_id) in wanted]
    assert {(o.subject_type, o.subject_id) for o in subset} == wanted


def test_it_is_deterministic() -> None:
    policy = load_policy("bedford")
    assert compute_obligations(policy, council(), AS_OF) == compute_obligations(
        policy, council(), AS_OF
    )


def test_it_raises_a_clear_error_when_a_deadline_runs_beyond_the_holiday_data() -> None:
    facts = Facts(sessions=(Session("X9", "individual", D(2031, 1, 6)),))
    with pytest.raises(CalendarRangeError, match="bank holiday data"):
        compute_obligations(load_policy("bedford"), facts, D(2031, 1, 31))


def test_it_refuses_an_agreement_with_a_malformed_frequency() -> None:
    facts = Facts(
        staff=(Staff("M1", "manager", D(2020, 1, 6)), Staff("S1", "case_holder", D(2024, 1, 8))),
        line_management=(LineManagement("S1", "M1", D(2024, 1, 8)),),
        agreements=(Agreement("S1", "M1", D(2024, 1, 10), "fortnightly"),),
    )
    with pytest.raises(ValueError, match="agreement for S1 signed 2024-01-10: 'fortnightly'"):
        compute_obligations(load_policy("bedford"), facts, AS_OF)
