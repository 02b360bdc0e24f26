"""Each row says, in one sentence a team manager understands, why it is due when it is."""

from __future__ import annotations

import datetime as dt

from oversight.engine.engine import Obligation, compute_obligations
from oversight.engine.facts import (
    Agreement,
    Allocation,
    Case,
    CaseEvent,
    CaseStatus,
    Facts,
    LineManagement,
    Session,
    Staff,
)
from oversight.engine.loader import load_policy

D = dt.date


def one(obligations: list[Obligation], subject_id: str, name: str) -> Obligation:
    (found,) = [o for o in obligations if o.subject_id == subject_id and o.obligation == name]
    return found


def caseload() -> Facts:
    return Facts(
        staff=(
            Staff("M1", "manager", D(2020, 1, 6), team="Team A", name="Team Manager A"),
            Staff("S1", "case_holder", D(2023, 5, 1), team="Team A", name="Sam Worker"),
        ),
        line_management=(LineManagement("S1", "M1", D(2023, 5, 1)),),
        cases=(Case("C08", D(2024, 11, 1)),),
        allocations=(Allocation("C08", "S1", D(2024, 11, 1)),),
        case_statuses=(
            CaseStatus("C08", "child_in_need", D(2024, 11, 1), D(2025, 2, 13)),
            CaseStatus("C08", "child_protection", D(2025, 2, 14)),
        ),
        case_events=(CaseEvent("C08", "legal_planning", D(2025, 2, 20)),),
        sessions=(Session("X5", "individual", D(2025, 1, 2), "M1", "S1", case_ids=("C08",)),),
        agreements=(Agreement("S1", "M1", D(2023, 5, 20)),),
    )


def test_it_explains_a_stricter_plan_making_supervision_due_at_once() -> None:
    rows = compute_obligations(load_policy("bedford"), caseload(), D(2025, 3, 3))
    row = one(rows, "C08", "case_supervision")
    assert row.rule == "bedford 3.1.2"
    assert row.explanation == (
        "Child protection plan since 14 Feb 2025: case supervision every 4 weeks; "
        "last supervised 2 Jan 2025, so due 14 Feb 2025 (overdue)"
    )


def test_it_explains_a_one_off_with_who_and_when() -> None:
    rows = compute_obligations(load_policy("bedford"), caseload(), D(2025, 3, 3))
    row = one(rows, "C08", "initial_case_discussion")
    assert row.explanation == (
        "Allocated to Sam Worker on 1 Nov 2024: case discussion due within 5 days, "
        "by 6 Nov 2024; held 2 Jan 2025 (met late)"
    )


def test_it_explains_a_decision_discussion() -> None:
    rows = compute_obligations(load_policy("bedford"), caseload(), D(2025, 3, 3))
    row = one(rows, "C08", "decision_discussion")
    assert row.explanation == (
        "Legal planning meeting on 20 Feb 2025: to be discussed in case supervision before it, "
        "by 20 Feb 2025; not discussed yet (overdue)"
    )


def test_it_names_a_preset_choice_in_the_rule() -> None:
    rows = compute_obligations(load_policy("bedford"), caseload(), D(2025, 3, 3))
    row = one(rows, "S1", "supervision_agreement")
    assert row.rule == "bedford 2.1 (preset choice)"
    assert row.explanation == (
        "Supervision agreement with Team Manager A due within 4 weeks of the supervision "
        "starting on 1 May 2023, by 29 May 2023; signed 20 May 2023 (met)"
    )


def test_it_explains_the_newly_qualified_stage_in_force() -> None:
    facts = Facts(
        staff=(Staff("Q2", "case_holder", D(2025, 1, 13), asye_start=D(2025, 1, 13)),),
        sessions=(Session("X2", "individual", D(2025, 2, 24), None, "Q2"),),
    )
    row = one(
        compute_obligations(load_policy("newham"), facts, D(2025, 3, 14)),
        "Q2",
        "professional_supervision",
    )
    assert row.rule == "newham 7.1 (preset choice)"
    assert row.explanation == (
        "Newly qualified (ASYE from 13 Jan 2025) until 12 Jul 2025: professional supervision "
        "every 2 weeks; last supervised 24 Feb 2025, so due 10 Mar 2025 (overdue)"
    )


def test_it_explains_an_agreed_frequency() -> None:
    facts = Facts(
        staff=(Staff("M1", "manager", D(2020, 1, 6)), Staff("S7", "case_holder", D(2025, 1, 6))),
        line_management=(LineManagement("S7", "M1", D(2025, 1, 6)),),
        sessions=(Session("X6", "individual", D(2025, 6, 20), "M1", "S7"),),
        agreements=(Agreement("S7", "M1", D(2025, 1, 10), "14d"),),
    )
    row = one(
        compute_obligations(load_policy("bedford"), facts, D(2025, 6, 30)),
        "S7",
        "professional_supervision",
    )
    assert row.explanation == (
        "Supervision agreement signed 10 Jan 2025: professional supervision every 2 weeks; "
        "last supervised 20 Jun 2025, so due 4 Jul 2025 (due soon)"
    )


def test_it_explains_a_record_deadline_in_working_days() -> None:
    facts = Facts(
        sessions=(Session("X2", "individual", D(2025, 5, 1), recorded_date=D(2025, 5, 9)),),
    )
    row = one(
        compute_obligations(load_policy("bedford"), facts, D(2025, 6, 30)),
        "X2",
        "record_completion",
    )
    assert row.explanation == (
        "Individual supervision on 1 May 2025: record due within 3 working days, by 7 May 2025; "
        "written up 9 May 2025 (met late)"
    )


def test_it_explains_never_met_from_the_start_date() -> None:
    facts = Facts(staff=(Staff("H1", "manager", D(2019, 4, 1)),))
    row = one(
        compute_obligations(load_policy("bedford"), facts, D(2025, 6, 30)),
        "H1",
        "professional_supervision",
    )
    assert row.explanation == (
        "Manager: professional supervision every 4 weeks; not supervised since starting on "
        "1 Apr 2019, so due 29 Apr 2019 (overdue)"
    )


def test_it_writes_every_explanation_as_one_sentence() -> None:
    rows = compute_obligations(load_policy("bedford"), caseload(), D(2025, 3, 3))
    for row in rows:
        assert row.explanation[0].isupper() or row.explanation[0].isdigit()
        assert "\n" not in row.explanation
        assert "_" not in row.explanation, row.explanation
