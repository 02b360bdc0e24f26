"""Policy files: the presets, a council's own file, and every kind of mistake in one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from oversight.engine.engine import compute_obligations
from oversight.engine.facts import Facts, LineManagement, Session, Staff
from oversight.engine.loader import PolicyError, load_policy, load_policy_text
from oversight.engine.rules import CaseSupervision, ProfessionalSupervision

FIXTURES = Path(__file__).resolve().parent / "fixtures"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "policy-files.md"

MINIMAL = """\
[policy]
name = "tiny"
title = "Tiny Council"
due_soon = "7d"

[obligations.professional_supervision]
source = "T 1"
met_by = ["individual"]

[obligations.professional_supervision.periods]
case_holder = "28d"
"""


def problems_in(text: str) -> list[str]:
    with pytest.raises(PolicyError) as error:
        load_policy_text(text, "council.toml")
    return [str(p) for p in error.value.problems]


@pytest.mark.parametrize("name", ["bedford", "newham"])
def test_it_loads_the_presets(name: str) -> None:
    policy = load_policy(name)
    assert policy.name == name
    assert policy.obligations


def test_it_gives_every_preset_number_a_source() -> None:
    for name in ("bedford", "newham"):
        text = (Path(load_policy(name).path or "")).read_text(encoding="utf-8")
        for line in text.splitlines():
            if "period =" in line:
                assert "source =" in line, f"{name}: no source on: {line}"


def test_it_leaves_business_support_outside_newham() -> None:
    assert "support_staff" not in load_policy("newham").staff_categories
    assert "support_staff" in load_policy("bedford").staff_categories


def test_it_loads_a_minimal_council_file() -> None:
    policy = load_policy_text(MINIMAL, "tiny.toml")
    (rule,) = policy.obligations
    assert isinstance(rule, ProfessionalSupervision)
    assert str(rule.periods["case_holder"].period) == "28d"
    assert rule.periods["case_holder"].source == "T 1"


def test_it_loads_the_worked_example_from_the_docs() -> None:
    policy = load_policy(FIXTURES / "riverside.toml")
    assert policy.name == "riverside"
    assert [o.name for o in policy.obligations] == [
        "professional_supervision",
        "supervision_agreement",
        "case_supervision",
        "record_completion",
    ]


def test_it_keeps_the_docs_example_identical_to_the_fixture() -> None:
    fixture = (FIXTURES / "riverside.toml").read_text(encoding="utf-8")
    assert fixture in DOCS.read_text(encoding="utf-8")


def test_it_computes_with_the_worked_example() -> None:
    policy = load_policy(FIXTURES / "riverside.toml")
    as_of = dt.date(2025, 6, 30)
    facts = Facts(
        staff=(
            Staff("M1", "manager", dt.date(2020, 1, 6), team="River"),
            Staff(
                "Q1",
                "case_holder",
                dt.date(2025, 3, 3),
                team="River",
                asye_start=dt.date(2025, 3, 3),
            ),
            Staff("B1", "support_staff", dt.date(2021, 1, 4), team="River"),
        ),
        line_management=(
            LineManagement("Q1", "M1", dt.date(2025, 3, 3)),
            LineManagement("B1", "M1", dt.date(2021, 1, 4)),
        ),
        sessions=(
            Session(
                "X1",
                "individual",
                dt.date(2025, 6, 20),
                "M1",
                "Q1",
                recorded_date=dt.date(2025, 6, 21),
            ),
            Session(
                "X2",
                "individual",
                dt.date(2025, 6, 2),
                "M1",
                "B1",
                recorded_date=dt.date(2025, 6, 4),
            ),
        ),
    )
    rows = {
        (o.subject_id, o.obligation): (o.due_date, o.status, o.rule)
        for o in compute_obligations(policy, facts, as_of)
    }
    # Newly qualified: fortnightly; everyone else (support staff too) 4-weekly.
    assert rows["Q1", "professional_supervision"] == (
        dt.date(2025, 7, 4),
        "due_soon",
        "riverside 2.2",
    )
    assert rows["B1", "professional_supervision"] == (
        dt.date(2025, 6, 30),
        "due_soon",
        "riverside 2.1",
    )
    # Records within 24 hours.
    assert rows["X1", "record_completion"] == (dt.date(2025, 6, 21), "met", "riverside 4.1")
    assert rows["X2", "record_completion"] == (dt.date(2025, 6, 3), "met_late", "riverside 4.1")
    assert not any(name == "group_supervision" for _, name in rows)


def test_it_drops_an_obligation_left_out_of_the_file() -> None:
    text = (Path(load_policy("bedford").path or "")).read_text(encoding="utf-8")
    start = text.index("[obligations.group_supervision]")
    end = text.index("[obligations.case_supervision]")
    policy = load_policy_text(text[:start] + text[end:], "no-groups.toml")
    facts = Facts(staff=(Staff("S1", "case_holder", dt.date(2025, 1, 6), team="Team A"),))
    names = {o.obligation for o in compute_obligations(policy, facts, dt.date(2025, 6, 30))}
    assert "group_supervision" not in names
    assert "professional_supervision" in names


def test_it_adds_a_second_obligation_of_a_kind() -> None:
    policy = load_policy("newham")
    oversight = [o for o in policy.obligations if o.name == "case_oversight"]
    assert len(oversight) == 1
    assert isinstance(oversight[0], CaseSupervision)


# --- one test per kind of mistake ----------------------------------------------------------


def test_it_names_an_unknown_status_with_file_line_and_fix() -> None:
    text = MINIMAL + (
        '\n[obligations.case_supervision]\nsource = "T 2"\nmet_by = ["individual"]\n'
        '\n[[obligations.case_supervision.statuses]]\nstatus = "child_protecton"\nevery = "28d"\n'
    )
    (problem,) = problems_in(text)
    assert problem.startswith("council.toml:18: obligations.case_supervision.statuses[1].status:")
    assert "'child_protecton' is not a case status" in problem
    assert "child_protection" in problem


def test_it_reads_the_councils_caseload_threshold_and_leaves_it_unset_when_absent() -> None:
    text = MINIMAL.replace(
        'due_soon = "7d"', 'due_soon = "7d"\ncaseload_threshold = { children = 22, source = "T 2" }'
    )

    threshold = load_policy_text(text, "tiny.toml").caseload_threshold

    assert threshold is not None
    assert (threshold.children, threshold.source, threshold.preset_choice) == (22, "T 2", None)
    assert load_policy_text(MINIMAL, "tiny.toml").caseload_threshold is None
    for name in ("bedford", "newham"):
        preset = load_policy(name).caseload_threshold
        assert preset is not None
        assert preset.preset_choice, "neither policy names a number: the preset says it chose"


def test_it_refuses_a_caseload_threshold_that_is_not_a_whole_number() -> None:
    threshold = 'caseload_threshold = { children = "lots", source = "T" }'
    text = MINIMAL.replace('due_soon = "7d"', f'due_soon = "7d"\n{threshold}')

    (problem,) = problems_in(text)

    assert problem.startswith("council.toml:5: policy.caseload_threshold.children:")
    assert "must be a whole number of at least 1" in problem
    assert "children = 18" in problem


def test_it_refuses_a_negative_period() -> None:
    (problem,) = problems_in(MINIMAL.replace('case_holder = "28d"', 'case_holder = "-28d"'))
    assert problem.startswith(
        "council.toml:11: obligations.professional_supervision.periods.case_holder:"
    )
    assert "cannot be negative" in problem


def test_it_refuses_a_malformed_period() -> None:
    (problem,) = problems_in(MINIMAL.replace('case_holder = "28d"', 'case_holder = "4x"'))
    assert problem.startswith("council.toml:11: ")
    assert "'4x' is not a period" in problem
    assert "e.g. 28d" in problem


def test_it_refuses_a_missing_section() -> None:
    (problem,) = problems_in(MINIMAL[MINIMAL.index("[obligations.") :])
    assert "missing section [policy]" in problem
    assert "name, title and due_soon" in problem


def test_it_refuses_an_unknown_key() -> None:
    (problem,) = problems_in(MINIMAL.replace('source = "T 1"', 'source = "T 1"\nfrequency = "28d"'))
    assert problem.startswith("council.toml:8: obligations.professional_supervision.frequency:")
    assert "unknown key 'frequency'" in problem
    assert "met_by" in problem


def test_it_refuses_an_unknown_staff_category() -> None:
    (problem,) = problems_in(MINIMAL.replace("case_holder =", "social_worker ="))
    assert "'social_worker' is not a staff category" in problem


def test_it_refuses_an_unknown_session_type() -> None:
    (problem,) = problems_in(MINIMAL.replace('["individual"]', '["one_to_one"]'))
    assert problem.startswith("council.toml:8: ")
    assert "'one_to_one' is not a session type" in problem


def test_it_refuses_an_unknown_event() -> None:
    text = MINIMAL + (
        '\n[obligations.decision_discussion]\nsource = "T 3"\nmet_by = ["individual"]\n'
        'lookback = "28d"\n\n[obligations.decision_discussion.events]\ncourt_hearing = "5wd"\n'
    )
    (problem,) = problems_in(text)
    assert "'court_hearing' is not a case event" in problem


def test_it_refuses_an_unknown_obligation_without_a_kind() -> None:
    (problem,) = problems_in(MINIMAL + '\n[obligations.weekly_huddle]\nsource = "T 9"\n')
    assert "missing key 'kind'" in problem
    assert "case_supervision" in problem


def test_it_refuses_a_repeating_period_of_zero_days() -> None:
    (problem,) = problems_in(MINIMAL.replace('case_holder = "28d"', 'case_holder = "0d"'))
    assert "at least 1 day" in problem


def test_it_lists_every_problem_at_once() -> None:
    text = MINIMAL.replace('case_holder = "28d"', 'case_holder = "4x"\nmanager = "-1d"').replace(
        'due_soon = "7d"', 'due_soon = "7d"\ncolour = "red"'
    )
    problems = problems_in(text)
    assert len(problems) == 3
    message = str(PolicyError([]))  # an empty error still reads sensibly
    assert message


def test_it_reports_broken_toml_with_its_line() -> None:
    (problem,) = problems_in(MINIMAL.replace('title = "Tiny Council"', 'title = "Tiny Council'))
    assert problem.startswith("council.toml:3: not valid TOML")


def test_it_names_an_unknown_preset() -> None:
    with pytest.raises(PolicyError, match=r"no preset policy called 'hackney'.*bedford, newham"):
        load_policy("hackney")


def test_it_names_a_missing_file() -> None:
    with pytest.raises(PolicyError, match="cannot read the policy file"):
        load_policy("/nonexistent/council.toml")
