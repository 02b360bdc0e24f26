"""Quality assurance audits (issue 14, part 1; N 8.2, B 3.1 "case file audits").

Quality assurance, or a head of service above a team's managers, draws a random sample of the
team's records for a period; the seed is kept, and the same seed draws the same records. Each
record is graded on the published rubric (docs/audit-rubric.md), its supervisor responds, a second
auditor moderates, and the results roll up per team and quarter.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from oversight.audit.actor import Actor
from oversight.audit.models import AuditEvent
from oversight.quality import results
from oversight.quality.auditing import (
    Graded,
    candidate_records,
    draw_sample,
    drawn_session_ids,
    grade,
    moderate,
    redraw,
    respond,
)
from oversight.quality.models import AuditGrade, AuditState, SampledRecord
from oversight.quality.rubric import RUBRIC
from oversight.quality.sampling import draw
from oversight.transitions import AppendOnlyError, NotAllowed, ReasonRequired, WorkflowError
from tests.council import DAY, Council, days_ago, record, sent

pytestmark = pytest.mark.django_db

ALL_GOOD = {c.key: Graded(3) for c in RUBRIC}
START = dt.date(2025, 4, 1)


def shared_records(org: Council, n: int) -> list[str]:
    """`n` one-to-ones of the team in the period, each sent to the worker."""
    made = []
    for i in range(n):
        who = org.worker if i % 2 else org.colleague
        made.append(sent(record(org.manager, who, START + (i + 1) * DAY)).session_id)
    return made


def sampled(org: Council, size: int = 2, seed: int = 7) -> list[SampledRecord]:
    sample = draw_sample(Actor(org.qa), org.team, START, days_ago(1), size, seed=seed)
    return list(sample.records.order_by("position"))


# Drawing ---------------------------------------------------------------------------------------


def test_it_draws_the_same_records_from_the_same_seed() -> None:
    candidates = [f"OV-{n:03}" for n in range(40)]

    first = draw(candidates, 1234, 5)

    assert draw(reversed(candidates), 1234, 5) == first  # the order given does not matter
    assert draw(candidates, 1235, 5) != first
    assert len(set(first)) == 5
    assert sorted(draw(candidates[:3], 1, 5)) == candidates[:3]  # fewer than asked: all of them


def test_it_records_the_seed_and_the_same_seed_draws_the_same_sample_again(
    org: Council, frozen_today: dt.date
) -> None:
    shared_records(org, 8)

    first = draw_sample(Actor(org.qa), org.team, START, frozen_today, 3, seed=4242)
    again = draw_sample(Actor(org.head.user), org.team, START, frozen_today, 3, seed=4242)

    assert first.seed == 4242
    assert first.candidates == 8
    assert drawn_session_ids(first) == drawn_session_ids(again) == redraw(first)
    assert len(drawn_session_ids(first)) == 3
    entry = AuditEvent.objects.filter(action="create", object_type="quality.auditsample").first()
    assert entry is not None
    assert entry.detail["seed"] == 4242
    assert entry.detail["records"] == drawn_session_ids(first)


def test_a_new_draw_gets_a_seed_of_its_own(org: Council, frozen_today: dt.date) -> None:
    shared_records(org, 3)

    sample = draw_sample(Actor(org.qa), org.team, START, frozen_today, 2)

    assert sample.seed is not None
    assert drawn_session_ids(sample) == redraw(sample)


def test_only_records_shared_with_the_teams_workers_in_the_period_are_drawn(
    org: Council, frozen_today: dt.date
) -> None:
    in_period = shared_records(org, 2)
    record(org.manager, org.worker, START + 5 * DAY)  # a draft: not yet a record
    sent(record(org.manager, org.worker, START - DAY))  # before the period
    sent(record(org.other_manager, org.outsider, START + DAY))  # another team

    found = set(
        candidate_records(org.team, START, frozen_today).values_list("session_id", flat=True)
    )

    assert found == set(in_period)


def test_a_team_with_nothing_to_sample_is_told_so(org: Council, frozen_today: dt.date) -> None:
    with pytest.raises(WorkflowError, match="nothing to sample"):
        draw_sample(Actor(org.qa), org.team, START, frozen_today, 5)


def test_a_period_ending_after_today_is_refused(org: Council, frozen_today: dt.date) -> None:
    with pytest.raises(WorkflowError, match="must end by today"):
        draw_sample(Actor(org.qa), org.team, START, frozen_today + DAY, 5)


def test_a_team_manager_cannot_audit_their_own_team_but_their_head_of_service_can(
    org: Council, frozen_today: dt.date
) -> None:
    shared_records(org, 2)

    with pytest.raises(PermissionDenied):
        draw_sample(Actor(org.manager.user), org.team, START, frozen_today, 2)
    with pytest.raises(PermissionDenied):
        draw_sample(Actor(org.worker.user), org.team, START, frozen_today, 2)

    assert draw_sample(Actor(org.head.user), org.team, START, frozen_today, 2).records.count() == 2


# Grading, responding, moderating ------------------------------------------------------------


def test_the_auditor_grades_every_criterion_and_the_supervisor_responds(
    org: Council, frozen_today: dt.date
) -> None:
    shared_records(org, 2)
    first, _ = sampled(org)

    grade(Actor(org.qa), first, ALL_GOOD, summary="Clear decisions.")
    assert first.state == AuditState.GRADED
    respond(Actor(org.manager.user), first, "Agreed; I will record the child's words.")

    assert first.state == AuditState.RESPONDED
    assert {k: g.grade for k, g in first.grades().items()} == {c.key: 3 for c in RUBRIC}
    assert [t.name for t in first.history()] == ["grade", "respond"]
    assert first.move("respond").reason.startswith("Agreed")


def test_every_criterion_must_be_graded(org: Council, frozen_today: dt.date) -> None:
    shared_records(org, 1)
    [only] = sampled(org, 1)
    partial = dict(ALL_GOOD)
    del partial["risk"]

    with pytest.raises(WorkflowError, match="not yet graded: Risk"):
        grade(Actor(org.qa), only, partial)

    assert only.state == AuditState.SAMPLED
    assert not AuditGrade.objects.exists()


def test_a_grade_below_good_needs_a_comment(org: Council, frozen_today: dt.date) -> None:
    shared_records(org, 1)
    [only] = sampled(org, 1)

    with pytest.raises(WorkflowError, match="say what would make it good"):
        grade(Actor(org.qa), only, {**ALL_GOOD, "analysis": Graded(2)})

    grade(Actor(org.qa), only, {**ALL_GOOD, "analysis": Graded(2, "Mostly description.")})
    assert only.grades()["analysis"].comment == "Mostly description."


def test_only_the_records_supervisor_responds_and_not_without_words(
    org: Council, frozen_today: dt.date
) -> None:
    shared_records(org, 1)
    [only] = sampled(org, 1)
    grade(Actor(org.qa), only, ALL_GOOD)

    with pytest.raises(NotAllowed):
        respond(Actor(org.worker.user), only, "I agree")
    with pytest.raises(ReasonRequired):
        respond(Actor(org.manager.user), only, "  ")


def test_the_supervisor_cannot_grade_their_own_record(org: Council, frozen_today: dt.date) -> None:
    shared_records(org, 1)
    [only] = sampled(org, 1)

    with pytest.raises(NotAllowed):
        grade(Actor(org.manager.user), only, ALL_GOOD)


def test_a_second_auditor_moderates_and_their_grade_stands_in_front(
    org: Council, frozen_today: dt.date
) -> None:
    shared_records(org, 1)
    [only] = sampled(org, 1)
    grade(Actor(org.qa), only, ALL_GOOD)

    with pytest.raises(NotAllowed):
        moderate(Actor(org.qa), only, {}, comment="I agree with myself")
    moderate(
        Actor(org.head.user),
        only,
        {**ALL_GOOD, "childs_voice": Graded(2, "The child's words are not recorded.")},
        comment="Child's voice is missing; otherwise agreed.",
    )

    assert only.state == AuditState.MODERATED
    assert only.grades()["childs_voice"].grade == 2
    assert only.first_grades()["childs_voice"].grade == 3
    # Only the changed grade was added; the others stand as the auditor gave them.
    assert AuditGrade.objects.filter(stage="moderation").count() == 1


def test_a_moderated_audit_cannot_move_again(org: Council, frozen_today: dt.date) -> None:
    shared_records(org, 1)
    [only] = sampled(org, 1)
    grade(Actor(org.qa), only, ALL_GOOD)
    moderate(Actor(org.head.user), only, {}, comment="Agreed.")

    with pytest.raises(WorkflowError, match="moderated"):
        respond(Actor(org.manager.user), only, "Late response")


def test_grades_are_only_ever_added(org: Council, frozen_today: dt.date) -> None:
    shared_records(org, 1)
    [only] = sampled(org, 1)
    grade(Actor(org.qa), only, ALL_GOOD)
    row = AuditGrade.objects.first()
    assert row is not None

    row.grade = 1
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()


def test_each_move_is_on_the_audit_trail(org: Council, frozen_today: dt.date) -> None:
    shared_records(org, 1)
    [only] = sampled(org, 1)
    grade(Actor(org.qa), only, ALL_GOOD)
    respond(Actor(org.manager.user), only, "Thank you.")
    moderate(Actor(org.head.user), only, {}, comment="Agreed.")

    moves = AuditEvent.objects.filter(action="transition", object_type="quality.sampledrecord")
    assert [(e.detail["from"], e.detail["to"]) for e in moves.order_by("pk")] == [
        ("sampled", "graded"),
        ("graded", "responded"),
        ("responded", "moderated"),
    ]


# Results --------------------------------------------------------------------------------------


def grades_of(*rows: tuple[int, str, int]) -> list[results.StandingGrade]:
    return [
        results.StandingGrade(sampled, "Court Team 1", dt.date(2025, 4, 1), criterion, g)
        for sampled, criterion, g in rows
    ]


def test_results_count_good_or_better_per_criterion() -> None:
    rolled = results.roll_up(
        "Court Team 1",
        grades_of((1, "analysis", 2), (2, "analysis", 3), (3, "analysis", 4), (1, "risk", 1)),
    )

    analysis = next(c for c in rolled.criteria if c.criterion.key == "analysis")
    risk = next(c for c in rolled.criteria if c.criterion.key == "risk")
    assert (analysis.graded, analysis.percent_good, analysis.mean) == (3, 67, 3.0)
    assert (risk.graded, risk.percent_good) == (1, 0)
    assert rolled.records == 3
    assert rolled.percent_good == 50


def test_results_are_grouped_by_the_quarter_the_period_ends_in() -> None:
    assert results.quarter_of(dt.date(2025, 6, 30)) == dt.date(2025, 4, 1)
    assert results.quarter_label(dt.date(2025, 4, 1)) == "April to June 2025"
    assert results.quarter_label(dt.date(2025, 10, 1)) == "October to December 2025"


def test_the_standing_grades_use_the_moderators_grade(org: Council, frozen_today: dt.date) -> None:
    shared_records(org, 2)
    first, _ = sampled(org, 2)
    grade(Actor(org.qa), first, ALL_GOOD)
    moderate(Actor(org.head.user), first, {"risk": Graded(1, "No risk recorded.")}, comment="Risk.")
    # The second record is not yet graded, so it does not count.

    standing = results.standing_grades([org.team.pk])

    assert len(standing) == len(RUBRIC)
    assert next(g for g in standing if g.criterion == "risk").grade == 1


# Pages ----------------------------------------------------------------------------------------


def test_the_worker_cannot_open_the_audit_of_their_supervisors_record(
    org: Council, frozen_today: dt.date
) -> None:
    shared_records(org, 1)
    [only] = sampled(org, 1)
    grade(Actor(org.qa), only, ALL_GOOD)
    client = Client()

    client.force_login(org.worker.user)
    assert client.get(f"/quality/audits/{only.pk}/").status_code == 403
    client.force_login(org.other_manager.user)
    assert client.get(f"/quality/audits/{only.pk}/").status_code == 403
    assert client.get(f"/quality/teams/{org.team.pk}/").status_code == 403
    client.force_login(org.manager.user)
    page = client.get(f"/quality/audits/{only.pk}/")
    assert page.status_code == 200
    assert "Respond to the audit" in page.content.decode()


def test_the_team_dashboard_shows_its_audit_results_beside_the_timeliness_figures(
    org: Council, frozen_today: dt.date
) -> None:
    shared_records(org, 2)
    first, second = sampled(org, 2)
    grade(Actor(org.qa), first, ALL_GOOD)
    grade(Actor(org.qa), second, {**ALL_GOOD, "risk": Graded(1, "No risk recorded.")})
    client = Client()
    client.force_login(org.manager.user)

    page = client.get(f"/dashboards/teams/{org.team.pk}/").content.decode()

    quality = page[page.index('id="quality"') :]
    good = round(100 * (2 * len(RUBRIC) - 1) / (2 * len(RUBRIC)))
    assert 'id="quality-records">2</span> records graded' in quality
    assert f'id="quality-good">{good}%</span>' in quality
    assert f'href="/quality/teams/{org.team.pk}/"' in quality


def test_a_dashboard_with_no_graded_records_says_so(org: Council, frozen_today: dt.date) -> None:
    client = Client()
    client.force_login(org.manager.user)

    page = client.get(f"/dashboards/teams/{org.team.pk}/").content.decode()

    assert f"No record of {org.team.name} has been graded in a quality assurance audit yet." in page


def test_a_bad_sample_form_says_what_to_fix(org: Council, frozen_today: dt.date) -> None:
    client = Client()
    client.force_login(org.qa)

    page = client.post(
        "/quality/samples/new/",
        {
            "team": org.team.pk,
            "period_start_day": "1",
            "period_start_month": "5",
            "period_start_year": "2025",
            "period_end_day": "1",
            "period_end_month": "4",
            "period_end_year": "2025",
            "size": "0",
        },
    )

    text = page.content.decode()
    assert page.status_code == 200
    assert "The end of the period must be on or after its start" in text
    assert "Draw at least 1 record" in text


def test_the_rubric_is_published_in_the_docs() -> None:
    published = (Path(__file__).parents[1] / "docs" / "audit-rubric.md").read_text()

    for criterion in RUBRIC:
        assert f"**{criterion.title}**" in published
        assert criterion.good in published.replace("\n", " ")
