"""The demo council's quality assurance: one-to-ones written in Oversight for the demo manager's
team (good and weaker records, actions carried over, a worker whose supervision is only case
management), audits of that team and two others graded, answered and moderated, so the audit,
prompt and drift pages have something believable to show; and a review of the manager's
supervision evidence by their head of service.

Deterministic from the seed, like the rest of the demo: the same seed writes the same records
with the same session IDs, draws the same samples and gives the same grades.
"""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth.models import User
from django.db.models import ProtectedError

from oversight.access.evidence import can_review_evidence
from oversight.access.quality import audit_role
from oversight.audit.actor import Actor
from oversight.cases.caseload_history import caseload_of
from oversight.cases.models import Allocation, Case
from oversight.engine.periods import add_months
from oversight.organisation.models import Staff, Team
from oversight.quality import auditing
from oversight.quality.auditing import Graded
from oversight.quality.evidence import record_evidence_review
from oversight.quality.models import AuditRole
from oversight.quality.results import quarter_of
from oversight.quality.rubric import RUBRIC
from oversight.records.models import (
    Action,
    ActionStatus,
    Capacity,
    CaseNote,
    LearningActivity,
    ProfessionalRecord,
    Record,
)
from oversight.supervision.models import Session, SessionCase
from oversight.transitions import WorkflowError

MONTHS_WRITTEN = 8
WORKERS_WRITTEN = 4

# What each worker's records are like: a careful writer, a describer who uses words to avoid and
# leaves actions open, one whose supervision has no professional part, and one in between.
PROFILES = ("good", "weak", "no_professional", "mixed")

GOOD_NOTE = {
    "purpose": "To keep {name} safe at home while mum works on the plan agreed at conference.",
    "plan": "Plan reviewed at core group on {date}: school attendance up to 91%; mum has started "
    "the parenting course.",
    "focus": "{name} told the worker they feel safer since dad moved out and want to see their "
    "nan at weekends. They drew the family with the dog in the middle.",
    "analysis": "We think the change is real because school, health and {name} all "
    "describe it; an alternative explanation is that dad's absence hides the risk rather than "
    "removes it, so we will test this with the family network. What this means for {name}: "
    "calmer mornings and more time with their nan.",
    "identity": "{name} is of dual heritage; mum's first language is Polish. Interpreter "
    "booked for the review.",
}
WEAK_NOTE = {
    "purpose": "Case review.",
    "plan": "Placement stable. Supervised contact with mum continues weekly.",
    "focus": "Visit completed on {date}. Foster carer reported no concerns. School report "
    "received. Health assessment due. LAC review booked for next month. Contact went ahead. "
    "Carer requested respite over half term. Social worker to chase the health assessment.",
    "analysis": "",
    "identity": "",
}
PLAN_UNCHANGED = "Placement stable. Supervised contact with mum continues weekly."
GOOD_PROFESSIONAL = {
    "welfare": "Finding the court work demanding; we think this is because two final hearings "
    "fall in the same fortnight. Agreed protected writing time on Thursdays.",
    "professional_development": "Attending the trauma-informed practice course in the spring.",
}
# The workload discussion (B 1.3), from the worker's real caseload on the day.
WITHIN_CAPACITY = (
    "{count} children; within capacity once the hearings are done.",
    "{count} children. Manageable: the two sibling groups are stable and visits are in time.",
    "{count} children; within capacity. Room for one new allocation next month, not a "
    "sibling group.",
)
OVER_CAPACITY = (
    "{count} children, {over_by} over the council's threshold of {threshold}. Not within "
    "capacity: no new allocations until two children's cases close, and the two oldest "
    "child in need cases to be reviewed for step-down."
)
# The Knowledge and Skills Statements each month's discussion covered (oldest month first): over
# the months most of the practitioners' statements come up, and "the role of child and family
# social work" never does, so the coverage page has a gap to show.
KSS_DISCUSSED = (
    ["cfsw-5", "cfsw-9"],
    ["cfsw-7", "cfsw-10"],
    ["cfsw-4", "cfsw-6"],
    ["cfsw-8"],
    ["cfsw-3", "cfsw-7"],
    ["cfsw-2", "cfsw-5"],
    ["cfsw-10", "cfsw-11"],
    ["cfsw-6"],
)
# Learning recorded in some months (by the same index), with the statements it developed: two
# done, and the latest still to happen, so the appraisal's evidence shows both.
LEARNING = {
    2: {
        "activity": "Court skills workshop: giving evidence in care proceedings",
        "intended_outcome": "Confidence giving evidence before the first final hearing.",
        "how_it_helped": "Gave evidence at a final hearing the next month; kept to the facts "
        "and the child's own words.",
        "kss": ["cfsw-8"],
    },
    5: {
        "activity": "Trauma-informed practice course (three days)",
        "intended_outcome": "Use the window of tolerance in direct work with teenagers.",
        "how_it_helped": "Used it to plan visits with a 14-year-old who had stopped engaging; "
        "they now meet the worker at school.",
        "kss": ["cfsw-2", "cfsw-5"],
    },
    MONTHS_WRITTEN - 1: {
        "activity": "Shadow a senior practitioner at a family group conference",
        "intended_outcome": "Plan the first family group conference the worker leads.",
        "kss": ["cfsw-3"],
    },
}


def _weekday(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def _children(worker: Staff, first: dt.date, last: dt.date, count: int) -> list[Case]:
    """Children the worker held throughout, so the same children come back month after month."""
    held = Allocation.objects.filter(worker=worker)
    cases = (
        Case.objects.filter(pk__in=held.active_on(first).values("case"))
        .filter(pk__in=held.active_on(last).values("case"))
        .order_by("case_id")
    )
    return list(cases[:count])


def written_workers(manager: Staff, as_of: dt.date) -> list[tuple[Staff, list[Case], str]]:
    """The manager's case holders whose one-to-ones the demo writes, each with two children they
    held all along and the kind of writer their supervisor is with them."""
    first = _weekday(add_months(as_of, -MONTHS_WRITTEN))
    found: list[tuple[Staff, list[Case], str]] = []
    for worker in manager.supervisees_on(as_of).filter(category="case_holder").order_by("staff_id"):
        children = _children(worker, first, as_of, 2)
        if len(children) == 2 and worker.start_date < first:
            found.append((worker, children, PROFILES[len(found)]))
        if len(found) == WORKERS_WRITTEN:
            break
    return found


def _fill(template: dict[str, str], **values: object) -> dict[str, str]:
    return {field: text.format(**values) for field, text in template.items()}


def _brief_review(record: Record, case: Case, worker: Staff, on: dt.date) -> None:
    """A short note for a child reviewed in passing: the plan on track, one action to keep it so."""
    name = (case.display_name or case.case_id).split(" ")[0]
    SessionCase.objects.get_or_create(session=record, case=case)
    CaseNote.objects.create(
        session=record,
        case=case,
        purpose="Review of progress against the plan.",
        plan="Plan on track; no change needed.",
        focus=f"{name} said things are better at home; the worker saw {name} on their own.",
        analysis=f"No new concerns: the plan is working for {name} because the family are "
        "keeping to it, which school and health confirm.",
    )
    Action.objects.create(
        session=record,
        case=case,
        decision="Keep to the plan.",
        action=f"Visit {name} and review the plan with the family.",
        due_date=on + dt.timedelta(days=28),
        owner=worker,
    )


def _professional(record: Record, worker: Staff, profile: str, index: int) -> None:
    """The professional part: the workload discussion against the worker's caseload that day,
    and the statements the discussion and any learning covered (fewer for the weaker writers)."""
    caseload = caseload_of(worker, record.date, months=1)
    now = caseload.now
    said = OVER_CAPACITY if caseload.over else WITHIN_CAPACITY[index % len(WITHIN_CAPACITY)]
    workload = said.format(
        count=now.children, over_by=now.over_by, threshold=caseload.threshold.children
    )
    tags = KSS_DISCUSSED[index % len(KSS_DISCUSSED)]
    if profile == "weak":
        tags = tags[:1] if index % 3 == 0 else []
    elif profile == "mixed":
        tags = tags[:1]
    professional = ProfessionalRecord.objects.create(
        session=record,
        workload=workload,
        within_capacity=Capacity.NO if caseload.over else Capacity.YES,
        kss=tags,
        **GOOD_PROFESSIONAL,
    )
    if profile != "weak" and index in LEARNING:
        LearningActivity.objects.create(professional_record=professional, **LEARNING[index])


def write_records(rng: random.Random, manager: Staff, as_of: dt.date) -> int:
    """Monthly one-to-ones for the manager's first few case holders, written and sent here in
    place of the ones recorded elsewhere on those months."""
    by = manager.user
    if by is None:
        return 0
    written = 0
    for worker, children, profile in written_workers(manager, as_of):
        first = _weekday(add_months(as_of, -MONTHS_WRITTEN))
        replaced = Session.objects.filter(
            type="individual", supervisee=worker, date__range=(first, as_of)
        )
        # The children each replaced one-to-one discussed, so they stay discussed as often. The
        # few sessions' ids are read first: a join to the subquery was planned badly.
        discussed: dict[dt.date, list[int]] = {}
        for day, case_pk in (
            SessionCase.objects.filter(session__in=list(replaced.values_list("pk", flat=True)))
            .order_by("session__date", "case__case_id")
            .values_list("session__date", "case_id")
        ):
            discussed.setdefault(day, []).append(case_pk)
        try:
            replaced.delete()
        except ProtectedError:
            continue
        previous: Record | None = None
        for month in range(MONTHS_WRITTEN, 0, -1):
            on = _weekday(add_months(as_of, -month) + dt.timedelta(days=rng.randrange(0, 5)))
            record = Record.objects.create(
                # From the staff ID, not the row's pk: the same seed makes the same council, and a
                # database's sequences do not roll back.
                session_id=f"OV-Q{worker.staff_id}-{month:02d}",
                type="individual",
                date=on,
                supervisor=manager,
                supervisee=worker,
                duration_minutes=90,
            )
            if profile != "no_professional":
                # Drawn as it was when the demo made up a caseload here, so that the samples and
                # grades drawn after it from the same seed stay the same.
                rng.randrange(10, 16)
                _professional(record, worker, profile, MONTHS_WRITTEN - month)
            nearest = min(discussed, key=lambda d: abs((d - on).days), default=None)
            mine = {c.pk for c in children}
            for earlier in discussed.get(nearest, []) if nearest else []:
                if earlier not in mine:
                    _brief_review(record, Case.objects.get(pk=earlier), worker, on)
            for number, case in enumerate(children):
                SessionCase.objects.get_or_create(session=record, case=case)
                name = (case.display_name or case.case_id).split(" ")[0]
                weak = profile == "weak" or (profile == "mixed" and number == 1)
                text = _fill(WEAK_NOTE if weak else GOOD_NOTE, name=name, date=f"{on:%-d %B}")
                if profile == "no_professional" and number == 0:
                    text["plan"] = PLAN_UNCHANGED  # the same plan month after month
                CaseNote.objects.create(session=record, case=case, **text)
                decides = not (weak and number == 1)  # the weak writer's second child drifts
                if decides:
                    Action.objects.create(
                        session=record,
                        case=case,
                        decision="To test whether the change at home is lasting."
                        if not weak
                        else "",
                        action=f"Visit {name} at school and see them on their own."
                        if not weak
                        else "Chase the health assessment.",
                        due_date=None if weak else on + dt.timedelta(days=21),
                        owner=worker,
                    )
            if previous is not None:
                for action in Action.objects.filter(session=previous):
                    # The weak writer's actions are carried over, not achieved; the others done.
                    carried = profile == "weak" and action.case_id in mine
                    status = ActionStatus.OPEN if carried else ActionStatus.ACHIEVED
                    if status != ActionStatus.OPEN:
                        action.mark(status, by=by, on=on, in_session=record)
            record.send_to_worker(by=by, on=on)
            if worker.user is not None:
                Record.of(record).agree(by=worker.user)
            previous = record
            written += 1
        if profile == "weak" and previous is not None:
            # Today's one-to-one, still a draft: the quality prompts show on its pages.
            draft = Record.objects.create(
                session_id=f"OV-Q{worker.staff_id}-00",
                type="individual",
                date=_weekday(as_of),
                supervisor=manager,
                supervisee=worker,
                duration_minutes=60,
            )
            case = children[0]
            name = (case.display_name or case.case_id).split(" ")[0]
            SessionCase.objects.get_or_create(session=draft, case=case)
            CaseNote.objects.create(
                session=draft, case=case, **_fill(WEAK_NOTE, name=name, date=f"{as_of:%-d %B}")
            )
            Action.objects.create(
                session=draft, case=case, action="Chase the health assessment.", owner=worker
            )
    return written


WEAK_COMMENTS = {
    "childs_voice": "The note gives what the carer and the school reported; nothing of what the "
    "child said, wants, or what their days are like.",
    "analysis": "A list of events. What do they mean for the child? There is no hypothesis and no "
    "alternative explanation.",
    "actions": "'Chase the health assessment' has no date and no difference it should make for "
    "the child; it has been carried over before.",
}


def _grades_for(rng: random.Random, record: Session, profile: str) -> dict[str, Graded]:
    weak = profile in {"weak", "recorded_elsewhere"} and rng.random() < 0.7
    grades: dict[str, Graded] = {}
    for criterion in RUBRIC:
        if weak and criterion.key in WEAK_COMMENTS:
            grades[criterion.key] = Graded(2, WEAK_COMMENTS[criterion.key])
        elif profile == "no_professional" and criterion.key == "wellbeing":
            grades[criterion.key] = Graded(
                1, "No professional supervision recorded: wellbeing and learning not discussed."
            )
        else:
            grades[criterion.key] = Graded(rng.choice((3, 3, 3, 4)))
    return grades


def audit(rng: random.Random, manager: Staff, as_of: dt.date) -> None:
    auditor, head = _user("auditor"), _user("head")
    if auditor is None or manager.team is None:
        return
    qa = Actor(auditor, "127.0.0.1")
    this_quarter = quarter_of(as_of)
    last_quarter = quarter_of(this_quarter - dt.timedelta(days=1))
    profiles = {worker.pk: profile for worker, _, profile in written_workers(manager, as_of)}
    teams: list[tuple[Team, dt.date, dt.date, int]] = [
        (manager.team, last_quarter, this_quarter - dt.timedelta(days=1), 4),
    ]
    if as_of - dt.timedelta(days=1) >= this_quarter:
        teams.append((manager.team, this_quarter, as_of - dt.timedelta(days=1), 3))
    others = Team.objects.exclude(pk=manager.team.pk).filter(staff__category="case_holder")
    for team in others.distinct().order_by("name")[:2]:
        teams.append((team, last_quarter, this_quarter - dt.timedelta(days=1), 3))
    for number, (team, start, end, size) in enumerate(teams):
        try:
            sample = auditing.draw_sample(
                qa, team, start, end, size, seed=rng.randrange(1_000_000), today=as_of
            )
        except auditing.WorkflowError:
            continue  # a team with nothing in the period
        current = number == 1 and team == manager.team
        drawn = list(sample.records.order_by("position"))
        for position, sampled in enumerate(drawn):
            if current and position == len(drawn) - 1:
                continue  # one record of the current quarter still to audit
            profile = profiles.get(sampled.session.supervisee_id or 0, "recorded_elsewhere")
            grades = _grades_for(rng, sampled.session, profile)
            below = [g for g in grades.values() if g.grade < 3]
            auditing.grade(
                qa,
                sampled,
                grades,
                summary="Clear decisions with reasons; the child's own words would make it "
                "stronger."
                if not below
                else "Mostly a description of events: say what it means for the child, and give "
                "every action a date.",
                today=as_of,
            )
            mine = sampled.session.supervisor_id == manager.pk
            if mine and position % 3 != 2 and manager.user is not None:
                auditing.respond(
                    Actor(manager.user),
                    sampled,
                    "Agreed. I have talked this through with the worker and we will record the "
                    "child's own words and a date for every action from the next supervision."
                    if below
                    else "Thank you; I will share this with the team as an example.",
                    today=as_of,
                )
            second_opinion = head is not None and (
                audit_role(head, sampled, as_of) == AuditRole.MODERATOR
            )
            if team == manager.team and second_opinion and position % 2 == 0 and not current:
                changes = {
                    "risk": Graded(2, "Risk is named but not what would trigger escalation.")
                }
                assert head is not None
                auditing.moderate(
                    Actor(head),
                    sampled,
                    changes if below else {},
                    comment="Agreed, except risk: the escalation trigger is missing."
                    if below
                    else "Agreed: grades consistent with the rubric.",
                    today=as_of,
                )


def add_quality_demo(seed: int, as_of: dt.date) -> None:
    manager_user = _user("manager")
    manager = Staff.objects.filter(user=manager_user).first() if manager_user else None
    if manager is None:
        return
    rng = random.Random(seed * 7919 + 14)
    write_records(rng, manager, as_of)
    audit(rng, manager, as_of)
    review_evidence(rng, manager, as_of)


def review_evidence(rng: random.Random, manager: Staff, as_of: dt.date) -> None:
    """The head of service reviewed the demo manager's supervision evidence five months ago
    (N 8.1), so the page has a review to list and the next falls due next month."""
    head = _user("head")
    on = add_months(as_of, -5)
    if head is None or not can_review_evidence(head, manager, on):
        return
    try:
        record_evidence_review(
            Actor(head, "127.0.0.1"),
            manager,
            seed=rng.randrange(1_000_000),
            comments="Agreements signed for all but one new starter, booked for next week. "
            "Records on time and clear about decisions; more of the children's own words, please.",
            today=on,
        )
    except WorkflowError:
        return  # the manager managed nobody then
