"""Twice-yearly evidence (N 8.1, issue 14): a manager who manages someone shows their line manager
their agreements and a sample of their records; the line manager records the review.

A council switches the kind on in its own policy file; the presets carry the lines to add as a
comment, so the conformance scenarios (RULES.md) keep exactly their rows.
"""

from __future__ import annotations

import datetime as dt

import pytest

from oversight.engine.engine import Obligation, compute_obligations
from oversight.engine.facts import EvidenceReview, Facts, LineManagement, Staff
from oversight.engine.loader import PolicyError, load_policy, load_policy_text
from oversight.engine.optional import with_optional_obligations
from oversight.engine.owners import OWNER_ROLES, OwnerRole, Owners
from oversight.engine.rules import ManagerEvidenceReview, Policy

D = dt.date
AS_OF = D(2025, 6, 30)


def policy_text_with_evidence_review(preset: str) -> str:
    """The preset with the review switched on, as a council's own policy file would have it: the
    lines the preset shows in its comment (engine/optional.py)."""
    return with_optional_obligations(preset, ("manager_evidence_review",))


def with_review(preset: str = "newham") -> Policy:
    return load_policy_text(policy_text_with_evidence_review(preset), f"ours-{preset}.toml")


def council(*reviews: EvidenceReview) -> Facts:
    """A head (H1) over two managers: M1 manages W1 and W2 (W2 since 2025), M2 manages nobody."""
    return Facts(
        staff=(
            Staff("H1", "manager", D(2019, 4, 1), name="Hana Head"),
            Staff("M1", "manager", D(2020, 1, 6), team="Court Team", name="Mo Manager"),
            Staff("M2", "manager", D(2020, 1, 6), team="Court Team", name="Mia Manager"),
            Staff("W1", "case_holder", D(2024, 3, 4), team="Court Team"),
            Staff("W2", "case_holder", D(2025, 1, 6), team="Court Team"),
        ),
        line_management=(
            LineManagement("M1", "H1", D(2020, 1, 6)),
            LineManagement("M2", "H1", D(2020, 1, 6)),
            LineManagement("W1", "M1", D(2024, 3, 4)),
            LineManagement("W2", "M1", D(2025, 1, 6)),
        ),
        evidence_reviews=reviews,
    )


def reviews_of(
    facts: Facts, policy: Policy | None = None, as_of: dt.date = AS_OF
) -> dict[str, Obligation]:
    return {
        o.subject_id: o
        for o in compute_obligations(policy or with_review(), facts, as_of)
        if o.obligation == "manager_evidence_review"
    }


def test_it_is_in_neither_preset() -> None:
    for preset in ("bedford", "newham"):
        rules = load_policy(preset).obligations
        assert not any(isinstance(rule, ManagerEvidenceReview) for rule in rules)
        assert reviews_of(council(), load_policy(preset)) == {}


@pytest.mark.parametrize("preset", ["bedford", "newham"])
def test_it_loads_the_lines_each_preset_shows_for_switching_it_on(preset: str) -> None:
    policy = with_review(preset)
    [rule] = [r for r in policy.obligations if isinstance(r, ManagerEvidenceReview)]
    assert rule.every.period.describe() == "6 months"
    assert rule.label == "review of supervision evidence"
    # The preset's other obligations are unchanged.
    assert len(policy.obligations) == len(load_policy(preset).obligations) + 1


def test_it_cites_newham_8_1_for_twice_a_year() -> None:
    [rule] = [r for r in with_review().obligations if isinstance(r, ManagerEvidenceReview)]
    assert (rule.source, rule.every.source, str(rule.every.period)) == ("N 8.1", "N 8.1", "6m")


def test_it_applies_only_to_managers_who_manage_someone() -> None:
    found = reviews_of(council())
    # H1 manages M1 and M2; M1 manages two workers; M2 manages nobody; workers are not managers.
    assert set(found) == {"H1", "M1"}


def test_it_does_not_apply_to_someone_who_manages_people_but_is_not_a_manager() -> None:
    facts = council()
    senior = Facts(
        staff=(*facts.staff, Staff("P1", "case_holder", D(2020, 1, 6))),
        line_management=(*facts.line_management, LineManagement("W1", "P1", D(2025, 2, 3))),
    )
    assert "P1" not in reviews_of(senior)


def test_it_is_due_six_months_after_they_began_managing_when_never_reviewed() -> None:
    found = reviews_of(council())["M1"]
    # M1 has managed W1 since 4 Mar 2024: due 4 Sep 2024, overdue on 30 Jun 2025.
    assert (found.due_date, found.status, found.last_met) == (D(2024, 9, 4), "overdue", None)
    assert found.rule == "newham 8.1"
    assert found.explanation == (
        "Manages 2 people, since 4 Mar 2024: review of supervision evidence by their line "
        "manager every 6 months; not reviewed yet, so due 4 Sep 2024 (overdue)"
    )


def test_it_is_due_six_months_after_the_last_review() -> None:
    found = reviews_of(council(EvidenceReview("M1", "H1", D(2025, 1, 20))))["M1"]
    assert (found.due_date, found.status, found.last_met) == (D(2025, 7, 20), "ok", D(2025, 1, 20))
    assert "last reviewed 20 Jan 2025, so due 20 Jul 2025 (on track)" in found.explanation


def test_it_is_due_soon_in_the_week_before() -> None:
    found = reviews_of(council(EvidenceReview("M1", "H1", D(2025, 1, 3))))["M1"]
    assert (found.due_date, found.status) == (D(2025, 7, 3), "due_soon")


def test_it_is_met_by_a_review_and_ignores_one_recorded_after_as_of() -> None:
    later = council(EvidenceReview("M1", "H1", D(2025, 7, 1)))
    assert reviews_of(later)["M1"].status == "overdue"
    assert reviews_of(later, as_of=D(2025, 7, 1))["M1"].last_met == D(2025, 7, 1)


def test_it_counts_from_when_they_began_managing_after_a_review_of_an_earlier_spell() -> None:
    # H1 reviewed M2 in 2023; M2 takes on W2 from 2 Jun 2025: due 6 months from then.
    facts = council(EvidenceReview("M2", "H1", D(2023, 5, 1)))
    facts = Facts(
        staff=facts.staff,
        line_management=(
            *(lm for lm in facts.line_management if lm.staff_id != "W2"),
            LineManagement("W2", "M1", D(2025, 1, 6), D(2025, 6, 1)),
            LineManagement("W2", "M2", D(2025, 6, 2)),
        ),
        evidence_reviews=facts.evidence_reviews,
    )
    found = reviews_of(facts)["M2"]
    assert (found.due_date, found.status, found.last_met) == (D(2025, 12, 2), "ok", D(2023, 5, 1))
    assert "before managing the people they manage now" in found.explanation


def test_it_stops_when_they_no_longer_manage_anyone() -> None:
    facts = council()
    ended = Facts(
        staff=facts.staff,
        line_management=(
            LineManagement("M1", "H1", D(2020, 1, 6)),
            LineManagement("M2", "H1", D(2020, 1, 6)),
            LineManagement("W1", "M1", D(2024, 3, 4), D(2025, 5, 31)),
            LineManagement("W2", "M1", D(2025, 1, 6), D(2025, 5, 31)),
        ),
    )
    assert "M1" not in reviews_of(ended)


def test_it_gives_the_review_to_the_managers_line_manager() -> None:
    assert OWNER_ROLES["manager_evidence_review"] is OwnerRole.SUPERVISOR
    policy = with_review()
    facts = council()
    found = reviews_of(facts, policy)
    owners = Owners(policy, facts, AS_OF)
    assert owners.of(found["M1"]) == ("H1",)
    assert owners.of(found["H1"]) == ()  # the head's own line manager is not in these facts


def test_it_answers_the_same_from_the_rows_of_the_day_alone() -> None:
    facts = council(EvidenceReview("M1", "H1", D(2025, 1, 20)))
    today_only = Facts(
        staff=facts.staff,
        line_management=tuple(
            lm for lm in facts.line_management if lm.end_date is None or lm.end_date >= AS_OF
        ),
        evidence_reviews=facts.evidence_reviews,
    )
    assert reviews_of(today_only) == reviews_of(facts)


def test_it_refuses_a_period_that_would_make_it_due_every_day() -> None:
    text = policy_text_with_evidence_review("newham").replace(
        'every = { period = "6m", source = "N 8.1" }', 'every = "0d"'
    )
    with pytest.raises(PolicyError) as refused:
        load_policy_text(text, "ours.toml")
    assert "obligations.manager_evidence_review.every" in str(refused.value)
    assert "would make it due every day" in str(refused.value)


def test_it_names_a_missing_period_and_the_fix() -> None:
    text = (
        '[policy]\nname = "ours"\ntitle = "Ours"\ndue_soon = "7d"\n\n'
        '[obligations.manager_evidence_review]\nsource = "OURS 8"\n'
    )
    with pytest.raises(PolicyError) as refused:
        load_policy_text(text, "ours.toml")
    assert "ours.toml:6: obligations.manager_evidence_review.every: missing key 'every'" in str(
        refused.value
    )
