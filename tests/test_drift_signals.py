"""Drift signals (issue 14, part 5; B 3.1 "prevent drift"), each on facts made up for the test,
and the page that shows them to the supervisor and quality assurance."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.test import Client

from oversight.engine.loader import PRESETS_DIR
from oversight.facts.live import caseload_threshold
from oversight.quality import drift
from oversight.quality.drift_from_database import drift_signals
from oversight.records.models import CaseNote
from tests.council import Council, action, record, sent, smith_children
from tests.factories import CaseNoteFactory

TODAY = dt.date(2025, 6, 11)


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


# Actions carried over ---------------------------------------------------------------------------


def an_action(achieved_on: dt.date | None = None, *later: str) -> drift.ActionFact:
    return drift.ActionFact(
        text="Refer to the family hub",
        worker="WA",
        child="C1",
        set_on=day("2025-03-01"),
        achieved_on=achieved_on,
        later_supervisions=tuple(day(d) for d in later),
    )


def test_an_action_open_after_two_more_supervisions_is_carried_over() -> None:
    signal = drift.carried_over(an_action(None, "2025-04-01", "2025-05-01"), TODAY)

    assert signal is not None
    assert signal.kind == "carried_over"
    assert signal.child == "C1"
    assert "after 2 more supervisions" in signal.detail


def test_an_action_after_one_supervision_or_achieved_is_not() -> None:
    assert drift.carried_over(an_action(None, "2025-04-01"), TODAY) is None
    assert (
        drift.carried_over(an_action(day("2025-05-02"), "2025-04-01", "2025-05-01"), TODAY) is None
    )
    # Supervisions after today (a booking) do not count.
    assert drift.carried_over(an_action(None, "2025-04-01", "2025-07-01"), TODAY) is None


# Discussed with no new decision -------------------------------------------------------------------


def discussed(*decided: bool) -> drift.DiscussionFact:
    dates = [day("2025-01-10") + dt.timedelta(days=30 * n) for n in range(len(decided))]
    return drift.DiscussionFact("C1", "WA", tuple(zip(dates, decided, strict=True)))


def test_a_child_discussed_three_times_without_a_decision_is_drifting() -> None:
    signal = drift.no_new_decision(discussed(True, False, False, False))

    assert signal is not None
    assert "last 3 supervisions" in signal.detail


def test_a_recent_decision_or_fewer_discussions_is_not() -> None:
    assert drift.no_new_decision(discussed(False, False, True)) is None
    assert drift.no_new_decision(discussed(False, False)) is None


# Same status, no change in plan ------------------------------------------------------------------


def case(status_since: str, *plan_changes: str) -> drift.CaseFact:
    return drift.CaseFact(
        "C1", "WA", "child_in_need", day(status_since), tuple(day(d) for d in plan_changes)
    )


def test_a_year_on_one_status_with_a_plan_unchanged_for_six_months_is_drifting() -> None:
    signal = drift.no_change_in_plan(case("2024-05-01", "2024-09-01"), TODAY, "Child in need")

    assert signal is not None
    assert "Child in need since 1 May 2024" in signal.detail
    assert "has not changed since 1 September 2024" in signal.detail


def test_a_new_status_a_recent_change_of_plan_or_no_plan_written_here_is_not() -> None:
    # A plan kept in the council's own system is no evidence either way.
    assert drift.no_change_in_plan(case("2024-05-01"), TODAY, "Child in need") is None
    assert drift.no_change_in_plan(case("2024-08-01"), TODAY, "Child in need") is None
    assert drift.no_change_in_plan(case("2024-05-01", "2025-03-01"), TODAY, "CIN") is None


# Child protection plans at 9 and 12 months ------------------------------------------------------


@pytest.mark.parametrize(
    ("plan_start", "kind"),
    [
        ("2024-09-20", "plan_9"),  # 9 months on 20 June: nine days away
        ("2024-06-30", "plan_12"),  # 12 months on 30 June
        ("2024-05-01", "plan_12"),  # past 12 months
    ],
)
def test_a_plan_nearing_9_or_12_months_is_flagged(plan_start: str, kind: str) -> None:
    signal = drift.plan_milestone("C1", "WA", day(plan_start), TODAY)

    assert signal is not None
    assert signal.kind == kind


@pytest.mark.parametrize("plan_start", ["2025-01-01", "2024-08-01", "2024-10-20"])
def test_a_plan_away_from_9_and_12_months_is_not(plan_start: str) -> None:
    assert drift.plan_milestone("C1", "WA", day(plan_start), TODAY) is None


# Caseload ---------------------------------------------------------------------------------------


def test_a_caseload_grown_past_the_threshold_is_flagged() -> None:
    signal = drift.caseload_grown(drift.CaseloadFact("WA", now=21, before=16), threshold=18)

    assert signal is not None
    assert "21 children now, 16 three months ago" in signal.detail


def test_a_caseload_under_the_threshold_or_not_grown_is_not() -> None:
    assert drift.caseload_grown(drift.CaseloadFact("WA", now=18, before=12), threshold=18) is None
    assert drift.caseload_grown(drift.CaseloadFact("WA", now=22, before=22), threshold=18) is None


# Case management only ---------------------------------------------------------------------------


def one_to_ones(*professional: bool) -> drift.SupervisionFact:
    dates = [day("2025-04-01") + dt.timedelta(days=21 * n) for n in range(len(professional))]
    return drift.SupervisionFact("WA", tuple(zip(dates, professional, strict=True)))


def test_months_of_one_to_ones_without_a_professional_part_are_flagged() -> None:
    signal = drift.case_management_only(one_to_ones(False, False, False), TODAY)

    assert signal is not None
    assert "3 one-to-ones" in signal.detail


def test_one_professional_part_or_a_single_session_is_enough_not_to() -> None:
    assert drift.case_management_only(one_to_ones(False, True, False), TODAY) is None
    assert drift.case_management_only(one_to_ones(False), TODAY) is None


# From the database, on the page -------------------------------------------------------------------


@pytest.mark.django_db
def test_the_supervisor_sees_an_action_carried_over_from_the_records(
    org: Council, frozen_today: dt.date
) -> None:
    smith_children(org)
    assert org.amy is not None
    first = record(org.manager, org.worker, dt.date(2025, 3, 3), case=org.amy)
    action(
        first, due=dt.date(2025, 3, 31), text="Refer Amy to the young carers group", case=org.amy
    )
    sent(first)
    for on in (dt.date(2025, 4, 2), dt.date(2025, 5, 6)):
        later = record(org.manager, org.worker, on)
        CaseNoteFactory(session=later, case=org.amy)
        sent(later)

    found = drift_signals([org.worker], frozen_today)

    carried = [s for s in found if s.kind == "carried_over"]
    assert len(carried) == 1
    assert carried[0].child == org.amy.case_id
    client = Client()
    client.force_login(org.manager.user)
    page = client.get("/quality/drift/").content.decode()
    assert "Action carried over" in page
    assert "Refer Amy to the young carers group" in page
    client.force_login(org.worker.user)
    assert client.get("/quality/drift/").status_code == 403
    assert CaseNote.objects.count() == 3


def test_an_action_set_again_in_the_same_words_is_one_signal_from_when_it_was_first_set() -> None:
    again = drift.ActionFact(
        "refer to the family hub", "WA", "C1", day("2025-04-01"), None, (day("2025-05-01"),)
    )

    found = drift.signals(today=TODAY, actions=[again, an_action(None, "2025-04-01", "2025-05-01")])

    assert len(found) == 1
    assert "set on 1 March 2025" in found[0].detail


def test_the_caseload_threshold_is_the_one_the_councils_policy_file_sets(
    settings, tmp_path: Path
) -> None:
    assert caseload_threshold().children == 18  # Bedford's preset choice
    own = (PRESETS_DIR / "bedford.toml").read_text(encoding="utf-8")
    own = own.replace("children = 18,", "children = 25,")
    (tmp_path / "ours.toml").write_text(own, encoding="utf-8")
    settings.OVERSIGHT_POLICY = str(tmp_path / "ours.toml")

    assert caseload_threshold().children == 25
