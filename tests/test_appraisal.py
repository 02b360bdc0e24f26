"""Appraisal and development (issue 16): the appraisal page gathers the year's evidence from
supervision, the supervisor (or a manager above) records the appraisal and its Personal
Development Plan, which is then in section 3 of the supervision file and meets the obligation,
once the council's policy file switches the appraisal kinds on (the presets show the lines)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from oversight.appraisals.evidence import gather
from oversight.appraisals.models import Appraisal, AppraisalKind, AppraisalOutcome
from oversight.appraisals.recording import PlannedObjective, record_appraisal
from oversight.audit.actor import Actor
from oversight.audit.models import AuditEvent
from oversight.demo.appraisals import add_appraisals
from oversight.engine.engine import Obligation
from oversight.engine.loader import load_policy
from oversight.engine.optional import with_optional_obligations
from oversight.engine.rules import AnnualAppraisal, ManagerEvidenceReview, ProbationReview
from oversight.facts.live import staff_obligations_on_days
from oversight.facts.owned import owned_obligations
from oversight.obligations.store import differences, ensure_current
from oversight.organisation.models import Staff
from oversight.records.models import (
    ActionStatus,
    LearningActivity,
    PracticeObservation,
    ProfessionalRecord,
    Record,
)
from oversight.reminders.due import Describer, reminders_due
from oversight.transitions import WorkflowError
from tests.council import TODAY, Council, action, council, date_fields, days_ago, record, sent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def appraisal_policy(settings: Any, tmp_path: Path) -> None:
    """Newham's preset with the appraisals switched on, as a council's own policy file."""
    path = tmp_path / "ours.toml"
    path.write_text(with_optional_obligations("newham", ("appraisal",)), encoding="utf-8")
    settings.OVERSIGHT_POLICY = str(path)


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(staff: Staff) -> str:
    return reverse("people:appraisal", args=[staff.staff_id])


def a_year_of_supervision(org: Council) -> None:
    """Wanda's year: monthly one-to-ones with a course recorded (done) and one planned, an action
    achieved and one open, a practice observation; and a one-to-one from before the year."""
    first = record(org.manager, org.worker, days_ago(300))
    professional = ProfessionalRecord.objects.get(session=first)
    LearningActivity.objects.create(
        professional_record=professional,
        activity="Trauma-informed practice course",
        intended_outcome="Use it in direct work",
        how_it_helped="Used the window of tolerance with the Smith children",
    )
    LearningActivity.objects.create(
        professional_record=professional, activity="Shadow a court hearing"
    )
    achieved = action(first, due=days_ago(280), text="Visit school and see Amy alone")
    action(first, due=days_ago(250), text="Write up the chronology")
    sent(first)
    for n in range(1, 9):
        sent(record(org.manager, org.worker, days_ago(300 - 30 * n)))
    achieved.mark(ActionStatus.ACHIEVED, by=org.manager.user, on=days_ago(270))
    observed = Record.objects.create(
        type="practice_observation",
        date=days_ago(100),
        supervisor=org.manager,
        supervisee=org.worker,
    )
    PracticeObservation.objects.create(
        session=observed,
        setting="home_visit",
        strengths="Warm, clear explanation of the plan to mum",
        areas_for_development="Check the child's understanding before leaving",
    )
    sent(Record.of(observed))
    sent(record(org.manager, org.worker, days_ago(400)))


def appraise(**overrides: Any) -> dict[str, str]:
    return {
        "kind": "annual",
        **date_fields("held_on", TODAY),
        "summary": "A strong year: regular supervision and the course put into practice.",
        "outcome": "meets",
        "objective_1": "Chair a core group",
        "support_1": "Shadow a senior practitioner",
        **date_fields("by_when_1", TODAY + dt.timedelta(days=180)),
        **overrides,
    }


def appraisal_of(owner: Staff, person: Staff) -> Obligation | None:
    owned = owned_obligations([owner], TODAY)
    return next(
        (
            o
            for o in owned.of(owner.staff_id)
            if o.obligation == "appraisal" and o.subject_id == person.staff_id
        ),
        None,
    )


# The evidence ------------------------------------------------------------------------------------


def test_it_gathers_the_years_evidence_from_supervision(
    org: Council, frozen_today: dt.date
) -> None:
    a_year_of_supervision(org)

    response = signed_in(org.manager.user).get(page(org.worker))

    shown = response.content.decode()
    assert response.status_code == 200
    assert "10 supervision sessions took place with Wanda Worker" in shown
    assert "9 one-to-one supervision, 1 practice observation" in shown
    assert "Trauma-informed practice course" in shown
    assert "Yes: Used the window of tolerance with the Smith children" in shown
    assert "Shadow a court hearing" in shown
    assert "Not recorded as done" in shown
    assert "1 achieved, 0 not achieved and 1 still open, of 2 actions" in shown
    assert "Warm, clear explanation of the plan to mum" in shown
    assert "Check the child&#x27;s understanding before leaving" in shown
    assert "Download the evidence pack as a PDF" in shown
    assert "Record the appraisal" in shown


def test_it_shows_the_knowledge_and_skills_statements_the_years_records_discussed(
    org: Council, frozen_today: dt.date
) -> None:
    a_year_of_supervision(org)
    professional = LearningActivity.objects.get(
        activity="Shadow a court hearing"
    ).professional_record
    # Tagged when it was written (the record is now with the worker, so it cannot be edited).
    ProfessionalRecord.objects.filter(pk=professional.pk).update(kss=["cfsw-8"])
    LearningActivity.objects.filter(professional_record=professional).update(kss=["cfsw-2"])

    shown = signed_in(org.manager.user).get(page(org.worker)).content.decode()

    assert "Knowledge and Skills Statements discussed" in shown
    assert "2 of 11 discussed" in shown
    assert "(learning: Trauma-informed practice course)" in shown
    assert shown.count("Not yet covered") == 9


def test_supervision_against_due_is_the_engines_answer_on_each_month_end(
    org: Council, frozen_today: dt.date
) -> None:
    a_year_of_supervision(org)

    evidence = gather(org.manager.user, org.worker, TODAY)

    days = [month.day for month in evidence.month_ends]
    assert len(days) == 12
    assert days[-1] == TODAY
    engine = staff_obligations_on_days(org.worker, days)
    for month in evidence.month_ends:
        [supervision] = [o for o in engine[month.day] if o.obligation == "professional_supervision"]
        assert (month.status, month.explanation) == (supervision.status, supervision.explanation)
    assert evidence.owed_count == 12
    assert 0 < evidence.in_time_count < 12  # monthly one-to-ones against Newham's 4 weeks


def test_the_worker_reads_only_what_has_been_shared_with_them(
    org: Council, frozen_today: dt.date
) -> None:
    a_year_of_supervision(org)
    draft = record(org.manager, org.worker, days_ago(3))  # still with the manager
    LearningActivity.objects.create(
        professional_record=ProfessionalRecord.objects.get(session=draft), activity="Draft course"
    )

    mine = gather(org.worker.user, org.worker, TODAY)
    managers = gather(org.manager.user, org.worker, TODAY)

    # The session took place, so both count it; only its author reads what is in it.
    assert len(mine.sessions) == len(managers.sessions) == 11
    assert [item.activity for item in mine.learning] == [
        "Trauma-informed practice course",
        "Shadow a court hearing",
    ]
    assert "Draft course" in [item.activity for item in managers.learning]


# Recording ---------------------------------------------------------------------------------------


def test_the_manager_records_the_appraisal_and_its_plan(
    org: Council, frozen_today: dt.date
) -> None:
    a_year_of_supervision(org)
    assert appraisal_of(org.manager, org.worker).status == "overdue"  # type: ignore[union-attr]
    client = signed_in(org.manager.user)

    response = client.post(page(org.worker), appraise())

    assert response.status_code == 302
    recorded = Appraisal.objects.get()
    assert (recorded.staff, recorded.appraiser, recorded.held_on) == (
        org.worker,
        org.manager,
        TODAY,
    )
    assert (recorded.kind, recorded.outcome) == ("annual", "meets")
    assert recorded.evidence_from == dt.date(2024, 6, 12)
    [objective] = recorded.development_plan.all()
    assert (objective.objective, objective.support) == (
        "Chair a core group",
        "Shadow a senior practitioner",
    )
    entry = AuditEvent.objects.filter(action="create", object_type="appraisals.appraisal").get()
    assert entry.actor == org.manager.user
    assert entry.detail["objectives"] == 1
    # It meets the obligation, in the store as computed afresh.
    met = appraisal_of(org.manager, org.worker)
    assert met is not None
    assert (met.status, met.last_met) == ("ok", TODAY)
    ensure_current(TODAY)
    assert differences(TODAY) == []
    # And it is in section 3 of the supervision file.
    filed = client.get(reverse("files:detail", args=[org.worker.staff_id])).content.decode()
    section_3 = filed[filed.index("Section 3") : filed.index("Section 4")]
    assert "Annual appraisal, 11 Jun 2025" in section_3
    assert "Meets expectations" in section_3


def test_a_manager_above_the_supervisor_may_record_it(org: Council, frozen_today: dt.date) -> None:
    response = signed_in(org.head.user).post(page(org.worker), appraise())

    assert response.status_code == 302
    assert Appraisal.objects.get().appraiser == org.head


def test_an_annual_appraisal_needs_a_personal_development_plan(
    org: Council, frozen_today: dt.date
) -> None:
    response = signed_in(org.manager.user).post(
        page(org.worker),
        {k: v for k, v in appraise().items() if not k.endswith("_1") and "_1_" not in k},
    )

    assert response.status_code == 200
    assert "Enter at least one objective for the Personal Development Plan" in (
        response.content.decode()
    )
    assert not Appraisal.objects.exists()


def test_a_plan_date_years_off_is_taken_for_a_mistyped_year(
    org: Council, frozen_today: dt.date
) -> None:
    response = signed_in(org.manager.user).post(
        page(org.worker), appraise(**date_fields("by_when_1", dt.date(3025, 12, 1)))
    )

    assert response.status_code == 200
    assert "must be within 3 years of the appraisal: check the year of 1 December 3025" in (
        response.content.decode()
    )
    assert not Appraisal.objects.exists()


def test_an_outcome_must_fit_the_kind(org: Council, frozen_today: dt.date) -> None:
    with pytest.raises(WorkflowError, match="Choose the outcome of the probation review"):
        record_appraisal(
            Actor(org.manager.user, "127.0.0.1"),
            org.worker,
            kind=AppraisalKind.PROBATION,
            held_on=TODAY,
            summary="Settling in well.",
            outcome=AppraisalOutcome.MEETS,
            plan=[],
            today=TODAY,
        )
    assert not Appraisal.objects.exists()


def test_the_worker_reads_their_own_appraisal_page_but_cannot_record(
    org: Council, frozen_today: dt.date
) -> None:
    client = signed_in(org.worker.user)

    shown = client.get(page(org.worker)).content.decode()
    refused = client.post(page(org.worker), appraise())

    assert "Wanda Worker\N{RIGHT SINGLE QUOTATION MARK}s appraisal" in shown
    assert "Record the appraisal" not in shown
    assert refused.status_code == 403
    assert not Appraisal.objects.exists()


def test_someone_outside_the_line_cannot_open_it(org: Council, frozen_today: dt.date) -> None:
    assert signed_in(org.other_manager.user).get(page(org.worker)).status_code == 403
    assert signed_in(org.colleague.user).get(page(org.worker)).status_code == 403


def test_a_probation_review_meets_the_new_starters_review(frozen_today: dt.date) -> None:
    org = council(worker_started=TODAY - dt.timedelta(days=100))
    owned = owned_obligations([org.manager], TODAY).of(org.manager.staff_id)
    [due] = [o for o in owned if o.obligation == "probation_review"]
    assert (due.subject_id, due.status) == (org.worker.staff_id, "overdue")

    record_appraisal(
        Actor(org.manager.user, "127.0.0.1"),
        org.worker,
        kind=AppraisalKind.PROBATION,
        held_on=TODAY,
        summary="Settling in well.",
        outcome=AppraisalOutcome.PROBATION_ON_TRACK,
        plan=[PlannedObjective("Complete the induction programme")],
        today=TODAY,
    )

    owned = owned_obligations([org.manager], TODAY).of(org.manager.staff_id)
    [next_review] = [o for o in owned if o.obligation == "probation_review"]
    assert (next_review.status, next_review.last_met) == ("ok", TODAY)
    assert "final review of 2 due" in next_review.explanation


def test_my_work_and_the_reminder_lead_to_the_appraisal_page(
    org: Council, frozen_today: dt.date
) -> None:
    shown = signed_in(org.manager.user).get("/").content.decode()
    owned = owned_obligations([org.manager], TODAY)
    mine = [o for o in owned.of(org.manager.staff_id) if o.obligation == "appraisal"]

    items = reminders_due(mine, TODAY, Describer(owned))
    [item] = [i for i in items if i.what.endswith("Wanda Worker")]

    assert "Appraisals and Personal Development Plans" in shown
    assert page(org.worker) in shown
    assert item.what == "Appraisal and Personal Development Plan of Wanda Worker"
    assert item.path == page(org.worker)


# The evidence pack on paper ----------------------------------------------------------------------


def test_the_evidence_pack_downloads_as_a_pdf_and_is_audited(
    org: Council, frozen_today: dt.date
) -> None:
    a_year_of_supervision(org)
    signed_in(org.manager.user).post(page(org.worker), appraise())

    response = signed_in(org.worker.user).get(
        reverse("people:appraisal_pdf", args=[org.worker.staff_id])
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "appraisal-evidence-wanda-worker" in response["Content-Disposition"]
    entry = AuditEvent.objects.filter(action="download").get()
    assert entry.actor == org.worker.user
    assert entry.detail["format"] == "pdf"
    assert len(entry.detail["sessions"]) == 10


# The demo ----------------------------------------------------------------------------------------


def test_the_demo_appraises_its_staff_and_reviews_its_new_starters(frozen_today: dt.date) -> None:
    org = council(worker_started=TODAY - dt.timedelta(days=120))

    add_appraisals(1, TODAY)

    assert Appraisal.objects.filter(staff=org.worker, kind="probation").exists()
    assert not Appraisal.objects.filter(staff=org.worker, kind="annual").exists()
    for person in (org.manager, org.colleague, org.outsider):
        latest = Appraisal.objects.of_staff(person).latest_first().first()
        assert latest is not None
        assert latest.kind == "annual"
        assert latest.development_plan.exists()


def test_the_demo_councils_own_policy_switches_the_appraisals_on(
    settings: Any, tmp_path: Path
) -> None:
    settings.OVERSIGHT_POLICY = "bedford"
    path = tmp_path / "demo-policy.toml"

    call_command("demo", write_policy=str(path), stdout=io.StringIO())

    kinds = {type(rule) for rule in load_policy(path).obligations}
    assert {AnnualAppraisal, ProbationReview, ManagerEvidenceReview} <= kinds
    assert len(load_policy(path).obligations) == len(load_policy("bedford").obligations) + 3
    settings.OVERSIGHT_POLICY = str(path)
    with pytest.raises(CommandError, match="names a policy file"):
        call_command("demo", write_policy=str(tmp_path / "again.toml"))
