"""Appraisals and probation reviews (issue 16): the annual appraisal with its Personal Development
Plan (N 4x4x4, B 2 and 5) and a new starter's probation reviews (B 2.1, N 11.3), owned by the
person's supervisor.

A council switches the kinds on in its own policy file; the presets carry the lines to add as a
comment (ADR 0008), so the conformance scenarios (RULES.md) keep exactly their rows.
"""

from __future__ import annotations

import datetime as dt

import pytest

from oversight.engine.engine import Obligation, compute_obligations
from oversight.engine.facts import Appraisal, Facts, LineManagement, Staff
from oversight.engine.loader import PolicyError, load_policy, load_policy_text
from oversight.engine.optional import switch_on_lines, with_optional_obligations
from oversight.engine.owners import OWNER_ROLES, OwnerRole, Owners
from oversight.engine.rules import AnnualAppraisal, Policy, ProbationReview

D = dt.date
AS_OF = D(2025, 6, 30)


def switched_on(preset: str = "newham") -> Policy:
    return load_policy_text(
        with_optional_obligations(preset, ("appraisal",)), f"ours-{preset}.toml"
    )


def council(*appraisals: Appraisal) -> Facts:
    """M1 manages W1 (here since 2020) and N1, a new starter on 3 Mar 2025."""
    return Facts(
        staff=(
            Staff("M1", "manager", D(2019, 4, 1), name="Mo Manager"),
            Staff("W1", "case_holder", D(2020, 1, 6), name="Wanda Worker"),
            Staff("N1", "case_holder", D(2025, 3, 3), name="Nia New"),
        ),
        line_management=(
            LineManagement("W1", "M1", D(2020, 1, 6)),
            LineManagement("N1", "M1", D(2025, 3, 3)),
        ),
        appraisals=appraisals,
    )


def rows(
    facts: Facts, name: str, policy: Policy | None = None, as_of: dt.date = AS_OF
) -> dict[str, Obligation]:
    return {
        o.subject_id: o
        for o in compute_obligations(policy or switched_on(), facts, as_of)
        if o.obligation == name
    }


def test_it_is_in_neither_preset() -> None:
    for preset in ("bedford", "newham"):
        rules = load_policy(preset).obligations
        assert not any(isinstance(rule, AnnualAppraisal | ProbationReview) for rule in rules)
        assert rows(council(), "appraisal", load_policy(preset)) == {}
        assert rows(council(), "probation_review", load_policy(preset)) == {}


@pytest.mark.parametrize("preset", ["bedford", "newham"])
def test_it_loads_the_lines_each_preset_shows_for_switching_it_on(preset: str) -> None:
    policy = switched_on(preset)
    [annual] = [r for r in policy.obligations if isinstance(r, AnnualAppraisal)]
    [probation] = [r for r in policy.obligations if isinstance(r, ProbationReview)]
    assert annual.every.period.describe() == "12 months"
    assert annual.label == "appraisal and Personal Development Plan"
    assert (str(probation.length.period), str(probation.review_every.period)) == ("6m", "3m")
    # Neither policy gives a probation length or review points: both are preset choices.
    assert probation.length.preset_choice
    assert probation.review_every.preset_choice
    assert len(policy.obligations) == len(load_policy(preset).obligations) + 2


def test_newham_cites_its_annual_appraisal_and_bedford_marks_its_choice() -> None:
    [newham] = [r for r in switched_on("newham").obligations if isinstance(r, AnnualAppraisal)]
    [bedford] = [r for r in switched_on("bedford").obligations if isinstance(r, AnnualAppraisal)]
    assert (newham.every.source, newham.every.preset_choice) == ("N 4x4x4", None)
    assert bedford.every.source == "B 2"
    assert bedford.every.preset_choice


def test_the_demo_and_the_tests_read_the_same_commented_lines() -> None:
    lines = switch_on_lines("bedford", "appraisal")
    assert "[obligations.probation_review]" in lines
    assert lines.splitlines()[4].startswith("# A new starter's probation")  # a comment still
    assert with_optional_obligations("bedford").endswith(lines)


def test_an_appraisal_is_due_a_year_after_the_start_when_there_has_been_none() -> None:
    found = rows(council(), "appraisal")
    assert set(found) == {"M1", "W1", "N1"}  # every member of staff: "each staff member"
    w1 = found["W1"]
    assert (w1.due_date, w1.status, w1.last_met) == (D(2021, 1, 6), "overdue", None)
    assert w1.rule == "newham 4x4x4"
    assert w1.explanation == (
        "Started 6 Jan 2020: appraisal and Personal Development Plan every 12 months; not "
        "appraised yet, so due 6 Jan 2021 (overdue)"
    )
    assert (found["N1"].due_date, found["N1"].status) == (D(2026, 3, 3), "ok")


def test_an_appraisal_is_due_a_year_after_the_last_one() -> None:
    found = rows(council(Appraisal("W1", "M1", D(2024, 7, 2))), "appraisal")["W1"]
    assert (found.due_date, found.status, found.last_met) == (
        D(2025, 7, 2),
        "due_soon",
        D(2024, 7, 2),
    )
    assert "last appraised 2 Jul 2024" in found.explanation


def test_a_probation_review_does_not_meet_the_annual_appraisal() -> None:
    found = rows(council(Appraisal("W1", "M1", D(2025, 1, 6), "probation")), "appraisal")["W1"]
    assert found.last_met is None


def test_an_appraisal_after_as_of_is_not_yet_known() -> None:
    found = rows(council(Appraisal("W1", "M1", D(2025, 7, 1))), "appraisal")["W1"]
    assert (found.status, found.last_met) == ("overdue", None)


def test_probation_reviews_apply_to_new_starters_only() -> None:
    found = rows(council(), "probation_review")
    assert set(found) == {"N1"}


def test_the_first_probation_review_is_due_three_months_in() -> None:
    found = rows(council(), "probation_review")["N1"]
    assert (found.due_date, found.status, found.last_met) == (D(2025, 6, 3), "overdue", None)
    assert found.rule == "newham 11.3 (preset choice)"
    assert found.explanation == (
        "Probation from 3 Mar 2025 to 3 Sep 2025, reviewed every 3 months and at its end: review "
        "1 of 2 due, by 3 Jun 2025; none held yet (overdue)"
    )


def test_the_final_review_follows_once_the_first_is_held() -> None:
    found = rows(council(Appraisal("N1", "M1", D(2025, 6, 2), "probation")), "probation_review")
    n1 = found["N1"]
    assert (n1.due_date, n1.status, n1.last_met) == (D(2025, 9, 3), "ok", D(2025, 6, 2))
    assert "final review of 2 due" in n1.explanation


def test_probation_is_met_once_every_review_is_held() -> None:
    held = council(
        Appraisal("N1", "M1", D(2025, 6, 2), "probation"),
        Appraisal("N1", "M1", D(2025, 9, 10), "probation"),
    )
    n1 = rows(held, "probation_review", as_of=D(2025, 10, 1))["N1"]
    assert (n1.due_date, n1.status, n1.last_met) == (D(2025, 9, 3), "met_late", D(2025, 9, 10))


def test_a_new_starter_is_no_longer_listed_a_probation_length_after_it_ended() -> None:
    assert "N1" in rows(council(), "probation_review", as_of=D(2026, 3, 3))
    assert "N1" not in rows(council(), "probation_review", as_of=D(2026, 3, 4))


def test_the_supervisor_owns_both() -> None:
    assert OWNER_ROLES["appraisal"] == OWNER_ROLES["probation_review"] == OwnerRole.SUPERVISOR
    facts = council()
    owners = Owners(switched_on(), facts, AS_OF)
    for o in compute_obligations(switched_on(), facts, AS_OF):
        if o.obligation in ("appraisal", "probation_review") and o.subject_id != "M1":
            assert owners.of(o) == ("M1",)


def test_a_policy_without_a_probation_length_is_refused() -> None:
    broken = with_optional_obligations("newham", ("appraisal",)).replace(
        'length = { period = "6m"', 'lenght = { period = "6m"'
    )
    with pytest.raises(PolicyError, match="length"):
        load_policy_text(broken, "ours.toml")
