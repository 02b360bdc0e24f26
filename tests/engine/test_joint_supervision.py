"""Joint supervision (issue 16, B 3.1.10) in the engine's terms: a child's case obligations are met
by a case supervision session listing the child, whoever the session names as its supervisee, so
one session about two workers' children meets both workers' obligations. The data set names one
supervisee per session (DATA.md); the engine needs no more."""

from __future__ import annotations

import datetime as dt

from oversight.engine.engine import compute_obligations
from oversight.engine.facts import (
    Allocation,
    Case,
    CaseStatus,
    Facts,
    LineManagement,
    Session,
    Staff,
)
from oversight.engine.loader import load_policy
from oversight.engine.owners import Owners

D = dt.date
AS_OF = D(2025, 6, 30)
HELD = D(2025, 6, 20)


def family() -> Facts:
    """Two workers under one manager, each holding one of two sisters; the younger allocated to
    the second worker four days before a case discussion with the first worker about both."""
    return Facts(
        staff=(
            Staff("M1", "manager", D(2020, 1, 6), team="Court Team"),
            Staff("W1", "case_holder", D(2023, 5, 1), team="Court Team"),
            Staff("W2", "case_holder", D(2023, 5, 1), team="Court Team"),
        ),
        line_management=(
            LineManagement("W1", "M1", D(2023, 5, 1)),
            LineManagement("W2", "M1", D(2023, 5, 1)),
        ),
        cases=(Case("AMY", D(2025, 1, 6)), Case("DINA", D(2025, 1, 6))),
        allocations=(
            Allocation("AMY", "W1", D(2025, 1, 6)),
            Allocation("DINA", "W2", HELD - dt.timedelta(days=4)),
        ),
        case_statuses=(
            CaseStatus("AMY", "child_protection", D(2025, 1, 6)),
            CaseStatus("DINA", "child_protection", D(2025, 1, 6)),
        ),
        sessions=(Session("J1", "case_discussion", HELD, "M1", "W1", case_ids=("AMY", "DINA")),),
    )


def test_it_meets_both_workers_childrens_obligations_from_one_session() -> None:
    policy, facts = load_policy("bedford"), family()
    found = {
        (o.subject_id, o.obligation): o
        for o in compute_obligations(policy, facts, AS_OF)
        if o.subject_type == "case"
    }
    owners = Owners(policy, facts, AS_OF)

    assert found["AMY", "case_supervision"].last_met == HELD
    assert found["DINA", "case_supervision"].last_met == HELD
    assert found["DINA", "initial_case_discussion"].status == "met"
    assert owners.holder == {"AMY": "W1", "DINA": "W2"}
    assert owners.of(found["DINA", "case_supervision"]) == ("M1",)
