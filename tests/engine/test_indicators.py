"""Compliance indicators (INDICATORS.md) computed by the engine, without Django.

Every worked example in spec/indicators/ is computed from its conformance scenario's data set, so
new examples are picked up with no code change. The hand-made cases below cover what the examples
do not: the edges of the 91-day window, rounding half up, met late, services and trends; their
expected figures are worked out by hand in the comments.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest

from oversight.engine.engine import Obligation
from oversight.engine.facts import Allocation, Facts, Session, Staff
from oversight.engine.indicators import (
    COLUMNS,
    Figure,
    belongings,
    figures,
    indicators,
    month_ends,
    recurring_obligations,
    trend,
    write_csv,
    write_table,
)
from oversight.engine.loader import load_policy
from oversight.import_export.reader import read_dataset, to_facts
from tests.engine.test_conformance import read_scenario
from tests.paths import CONFORMANCE, indicator_examples

D = dt.date(2025, 6, 30)


def csv_rows(text: str) -> set[tuple[str, ...]]:
    return {tuple(row[c] for c in COLUMNS) for row in csv.DictReader(io.StringIO(text))}


def as_rows(found: list[Figure]) -> set[tuple[str, ...]]:
    return {f.cells() for f in found}


def one_off(subject_id: str, due: dt.date, status: str) -> Obligation:
    return Obligation("session", subject_id, "record_completion", due, status, None, "", "")


def recurring(subject_id: str, status: str) -> Obligation:
    return Obligation("staff", subject_id, "professional_supervision", D, status, None, "", "")


def count(obligations: list[Obligation], belongs_to: dict[tuple[str, str], str]) -> list[Figure]:
    return figures(
        D,
        obligations,
        recurring={"professional_supervision"},
        belongs_to=belongs_to,
        services={"Team A": "Children's services", "Team B": "Children's services"},
    )


@pytest.mark.parametrize("example", indicator_examples(), ids=lambda p: p.stem)
def test_it_computes_each_worked_example_from_its_scenario(example: Path) -> None:
    folder = CONFORMANCE / example.stem
    policy_name, as_of = read_scenario(folder)

    found = indicators(load_policy(policy_name), to_facts(read_dataset(folder)), as_of)

    expected = csv_rows(example.read_text(encoding="utf-8"))
    assert as_rows(found) == expected
    assert len(found) == len(expected), "the same figure twice"


def test_it_counts_one_off_obligations_due_in_the_91_days_ending_the_day_before() -> None:
    # D - 91 days is 31 Mar 2025 (counted); 30 Mar is outside (unless overdue); D itself is not
    # yet past (not counted). Counted: X1 met, X3 met late, X5 overdue: 3, 1 in time, 33.3%.
    found = count(
        [
            one_off("X1", dt.date(2025, 3, 31), "met"),
            one_off("X2", dt.date(2025, 3, 30), "met"),
            one_off("X3", dt.date(2025, 6, 29), "met_late"),
            one_off("X4", D, "due_soon"),
            one_off("X5", dt.date(2024, 1, 1), "overdue"),
            one_off("X6", dt.date(2025, 3, 30), "met_late"),
            one_off("X7", dt.date(2025, 7, 1), "met"),
        ],
        {},
    )

    assert as_rows(found) == {
        ("2025-06-30", "organisation", "", "record_completion", "3", "1", "1", "1", "33.3")
    }


def test_it_counts_every_recurring_row_in_time_when_ok_or_due_soon() -> None:
    found = count(
        [recurring("S1", "ok"), recurring("S2", "due_soon"), recurring("S3", "overdue")], {}
    )

    assert as_rows(found) == {
        ("2025-06-30", "organisation", "", "professional_supervision", "3", "2", "0", "1", "66.7")
    }


@pytest.mark.parametrize(
    ("in_time", "counted", "percent"),
    [
        (2, 3, "66.7"),
        (1, 8, "12.5"),
        (1, 16, "6.3"),  # 6.25: half up, where banker's rounding (and float round) gives 6.2
        (3, 16, "18.8"),
        (1, 6, "16.7"),
        (0, 4, "0.0"),
        (7, 7, "100.0"),
    ],
)
def test_it_rounds_the_percentage_half_up_to_one_decimal_place(
    in_time: int, counted: int, percent: str
) -> None:
    rows = [recurring(f"S{i}", "ok" if i < in_time else "overdue") for i in range(counted)]

    (found,) = count(rows, {})

    assert found.percent == Decimal(percent)
    assert found.cells()[-1] == percent


def test_it_adds_each_team_into_its_service_and_everything_into_the_organisation() -> None:
    found = count(
        [
            recurring("A1", "ok"),
            recurring("A2", "overdue"),
            recurring("B1", "ok"),
            recurring("C1", "overdue"),  # a team in no service
            recurring("N1", "ok"),  # no team: the organisation only
            one_off("X2", dt.date(2025, 1, 1), "met"),  # not counted anywhere: no row for it
        ],
        {
            ("staff", "A1"): "Team A",
            ("staff", "A2"): "Team A",
            ("staff", "B1"): "Team B",
            ("staff", "C1"): "Team C",
            ("session", "X2"): "Team A",
        },
    )

    assert [f.cells()[1:] for f in found] == [
        ("organisation", "", "professional_supervision", "5", "3", "0", "2", "60.0"),
        ("service", "Children's services", "professional_supervision", "3", "2", "0", "1", "66.7"),
        ("team", "Team A", "professional_supervision", "2", "1", "0", "1", "50.0"),
        ("team", "Team B", "professional_supervision", "1", "1", "0", "0", "100.0"),
        ("team", "Team C", "professional_supervision", "1", "0", "0", "1", "0.0"),
    ]


def test_it_keeps_only_the_scope_types_asked_for() -> None:
    found = figures(
        D,
        [recurring("A1", "ok")],
        recurring={"professional_supervision"},
        belongs_to={("staff", "A1"): "Team A"},
        services={"Team A": "Children's services"},
        scope_types=("service",),
    )

    assert [(f.scope_type, f.scope_id) for f in found] == [("service", "Children's services")]


def test_it_places_each_subject_with_a_team() -> None:
    on = dt.date(2025, 3, 1)
    start = dt.date(2024, 1, 1)
    facts = Facts(
        staff=(
            Staff("W1", "case_holder", start, team="Team A"),
            Staff("W2", "case_holder", start, team="Team B"),
            Staff("W3", "case_holder", start),
        ),
        allocations=(
            # C1: two active allocations; the latest start holds it.
            Allocation("C1", "W1", dt.date(2025, 1, 1)),
            Allocation("C1", "W2", dt.date(2025, 2, 1)),
            # C2: the same start; the smallest worker_id holds it.
            Allocation("C2", "W2", dt.date(2025, 1, 1)),
            Allocation("C2", "W1", dt.date(2025, 1, 1)),
            # C3: one allocation ended, the next not started: nobody holds it on the day.
            Allocation("C3", "W1", dt.date(2025, 1, 1), dt.date(2025, 2, 28)),
            Allocation("C3", "W2", dt.date(2025, 3, 2)),
            # C4: held by someone in no team.
            Allocation("C4", "W3", dt.date(2025, 1, 1)),
            # C5: an allocation ending on the day is still active (end dates are inclusive).
            Allocation("C5", "W2", dt.date(2025, 1, 1), on),
        ),
        sessions=(
            Session("X1", "individual", dt.date(2025, 2, 3), "W1", "W2"),
            Session("X2", "group", dt.date(2025, 2, 3), "W1", team="Team C"),
            Session("X3", "management_oversight", dt.date(2025, 2, 3), "W1"),
            Session("X4", "case_discussion", dt.date(2025, 2, 3), "W2", "W3"),
        ),
    )

    assert belongings(facts, on) == {
        ("staff", "W1"): "Team A",
        ("staff", "W2"): "Team B",
        ("team", "Team A"): "Team A",
        ("team", "Team B"): "Team B",
        ("case", "C1"): "Team B",
        ("case", "C2"): "Team A",
        ("case", "C5"): "Team B",
        ("session", "X1"): "Team B",
        ("session", "X2"): "Team C",
    }


def test_it_classifies_the_policies_obligations_as_recurring_or_one_off() -> None:
    assert recurring_obligations(load_policy("bedford")) == {
        "professional_supervision",
        "case_supervision",
        "group_supervision",
    }
    assert recurring_obligations(load_policy("newham")) == {
        "professional_supervision",
        "case_supervision",
        "case_oversight",
        "agreement_review",
    }
    one_off = {rule.name for rule in load_policy("bedford").obligations} - recurring_obligations(
        load_policy("bedford")
    )
    assert one_off == {
        "supervision_agreement",
        "initial_case_discussion",
        "decision_discussion",
        "conference_chair_review",
        "record_completion",
        "practice_observation",
    }


@pytest.mark.parametrize(
    ("as_of", "months", "ends"),
    [
        ("2025-03-14", 3, ["2025-01-31", "2025-02-28", "2025-03-14"]),
        ("2024-03-31", 2, ["2024-02-29", "2024-03-31"]),
        ("2025-01-05", 3, ["2024-11-30", "2024-12-31", "2025-01-05"]),
        ("2025-06-30", 1, ["2025-06-30"]),
    ],
)
def test_it_takes_each_month_end_then_as_of_for_the_current_month(
    as_of: str, months: int, ends: list[str]
) -> None:
    assert month_ends(dt.date.fromisoformat(as_of), months) == [
        dt.date.fromisoformat(end) for end in ends
    ]


def test_it_computes_each_month_with_only_what_was_known_at_its_end() -> None:
    # A case holder in Team A from 1 Jan 2025 (bedford: professional supervision every 28 days,
    # group supervision monthly), supervised on Mon 10 Feb, recorded on 11 Feb (due in 3 working
    # days: 13 Feb).
    facts = Facts(
        staff=(Staff("W1", "case_holder", dt.date(2025, 1, 1), team="Team A"),),
        sessions=(
            Session(
                "X1",
                "individual",
                dt.date(2025, 2, 10),
                None,
                "W1",
                recorded_date=dt.date(2025, 2, 11),
            ),
        ),
    )

    found = trend(load_policy("bedford"), facts, dt.date(2025, 3, 14), 3, scope_types=("team",))

    assert [f.cells() for f in found] == [
        # 31 Jan: the session is not known yet. Professional supervision was due 29 Jan
        # (overdue); the team's group supervision is due 1 Feb (due soon: in time).
        ("2025-01-31", "team", "Team A", "group_supervision", "1", "1", "0", "0", "100.0"),
        ("2025-01-31", "team", "Team A", "professional_supervision", "1", "0", "0", "1", "0.0"),
        # 28 Feb: supervised on 10 Feb, next due 10 Mar (ok); the record was made in time;
        # group supervision is overdue.
        ("2025-02-28", "team", "Team A", "group_supervision", "1", "0", "0", "1", "0.0"),
        ("2025-02-28", "team", "Team A", "professional_supervision", "1", "1", "0", "0", "100.0"),
        ("2025-02-28", "team", "Team A", "record_completion", "1", "1", "0", "0", "100.0"),
        # 14 Mar: professional supervision was due 10 Mar (overdue). The practice observations
        # due 31 Mar are not yet due, so they do not count.
        ("2025-03-14", "team", "Team A", "group_supervision", "1", "0", "0", "1", "0.0"),
        ("2025-03-14", "team", "Team A", "professional_supervision", "1", "0", "0", "1", "0.0"),
        ("2025-03-14", "team", "Team A", "record_completion", "1", "1", "0", "0", "100.0"),
    ]


def test_it_writes_csv_with_the_columns_in_order_and_formula_cells_neutralised() -> None:
    found = [Figure(D, "team", "=HYPERLINK(1)", "record_completion", 2, 1, 1, 0)]
    out = io.StringIO()

    write_csv(found, out)

    assert out.getvalue().splitlines() == [
        "as_of,scope_type,scope_id,obligation,counted,in_time,met_late,overdue,percent",
        "2025-06-30,team,'=HYPERLINK(1),record_completion,2,1,1,0,50.0",
    ]


def test_it_writes_an_aligned_table_and_says_when_nothing_counts() -> None:
    found = [Figure(D, "organisation", "", "record_completion", 2, 1, 1, 0)]
    table = io.StringIO()
    empty = io.StringIO()

    write_table(found, table)
    write_table([], empty)

    heading, rule, row = table.getvalue().splitlines()
    assert heading.split()[:2] == ["As", "of"]
    assert row.split() == [
        "2025-06-30",
        "organisation",
        "record_completion",
        "2",
        "1",
        "1",
        "0",
        "50.0",
    ]
    assert set(rule) <= {"-", " "}
    assert empty.getvalue().splitlines()[-1] == "(no obligations count)"
