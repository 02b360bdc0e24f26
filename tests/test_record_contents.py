"""What a supervision record holds: notes, actions, the agenda, copies to siblings, chronology."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from oversight.cases.models import SiblingGroup
from oversight.records.models import (
    Action,
    ActionStatus,
    AgendaItem,
    CaseNote,
    ChairReview,
    LearningActivity,
    PracticeObservation,
    ProfessionalRecord,
    Record,
)
from oversight.records.queries import chronology, previous_actions, previous_session
from oversight.records.workflow import (
    IncompleteRecord,
    NotAllowed,
    ReasonRequired,
    RecordLocked,
    State,
    WorkflowError,
)
from oversight.supervision.models import SessionCase
from tests.factories import (
    ActionFactory,
    CaseFactory,
    CaseNoteFactory,
    OversightNoteFactory,
    ProfessionalRecordFactory,
    RecordFactory,
    StaffWithLoginFactory,
    WrittenRecordFactory,
)

pytestmark = pytest.mark.django_db


def send(record: Record) -> Record:
    record.send_to_worker(by=record.supervisor.user, on=record.date)
    return record


def agree(record: Record) -> Record:
    send(record).agree(by=record.supervisee.user)
    return record


# Copy to siblings (N Appendix 7 step 9) ---------------------------------------------------------


def test_it_copies_a_case_note_and_its_actions_to_brothers_and_sisters() -> None:
    family = SiblingGroup.objects.create(name="The Smith children")
    amy = CaseFactory(case_id="C-AMY", sibling_group=family)
    ben = CaseFactory(case_id="C-BEN", sibling_group=family)
    cal = CaseFactory(case_id="C-CAL", sibling_group=family, close_date=dt.date(2025, 1, 31))
    dee = CaseFactory(case_id="C-DEE", sibling_group=family)
    unrelated = CaseFactory(case_id="C-OTHER")
    record = WrittenRecordFactory(date=dt.date(2025, 3, 3))
    note = CaseNoteFactory(session=record, case=amy, seen_alone="no", seen_alone_comment="Asleep")
    ActionFactory(session=record, case=amy, action="Book a core group.")
    dees_own = CaseNoteFactory(session=record, case=dee, focus="Dee's own story.")

    copies = note.copy_to_siblings(by=record.supervisor.user)

    # Cal's case closed before the session; Dee already had her own note, which is kept.
    assert [c.case for c in copies] == [ben]
    bens = CaseNote.objects.get(session=record, case=ben)
    assert bens.copied_from == note
    for name in CaseNote.WRITTEN_FIELDS:
        assert getattr(bens, name) == getattr(note, name)
    assert SessionCase.objects.filter(session=record, case=ben).exists()
    assert list(Action.objects.filter(case=ben).values_list("action", flat=True)) == [
        "Book a core group."
    ]
    dees_own.refresh_from_db()
    assert dees_own.focus == "Dee's own story."
    assert not CaseNote.objects.filter(case__in=[cal, unrelated]).exists()
    assert note.copy_to_siblings(by=record.supervisor.user) == []


def test_it_lets_only_the_supervisor_copy_while_the_record_is_with_them() -> None:
    family = SiblingGroup.objects.create(name="The Jones children")
    record = WrittenRecordFactory()
    note = CaseNoteFactory(session=record, case=CaseFactory(sibling_group=family))
    CaseFactory(sibling_group=family)
    with pytest.raises(NotAllowed):
        note.copy_to_siblings(by=record.supervisee.user)
    send(record)
    with pytest.raises(NotAllowed):
        note.copy_to_siblings(by=record.supervisor.user)
    assert CaseNote.objects.count() == 1


# Decisions and actions from the previous supervision (N Appendix 4, B 3.3) -------------------


def test_it_brings_back_the_actions_of_the_previous_supervision() -> None:
    worker = StaffWithLoginFactory()
    manager = StaffWithLoginFactory(category="manager")
    new_manager = StaffWithLoginFactory(category="manager")
    amy, ben = CaseFactory(case_id="C-AMY"), CaseFactory(case_id="C-BEN")

    december = WrittenRecordFactory(
        supervisor=manager, supervisee=worker, date=dt.date(2024, 12, 2)
    )
    CaseNoteFactory(session=december, case=ben)
    bens_december = ActionFactory(session=december, case=ben, action="Ben: speech therapy.")
    agree(december)

    january = WrittenRecordFactory(supervisor=manager, supervisee=worker, date=dt.date(2025, 1, 6))
    CaseNoteFactory(session=january, case=amy)
    amys = ActionFactory(session=january, case=amy, action="Amy: see her alone.")
    training = ActionFactory(session=january, action="Book the court skills course.")
    agree(january)

    # Never sent, so never shared with the worker: not "the previous supervision".
    february_draft = WrittenRecordFactory(
        supervisor=manager, supervisee=worker, date=dt.date(2025, 2, 3)
    )
    ActionFactory(session=february_draft, action="Draft only.")

    # A new manager: the thread carries on across supervisors.
    march = WrittenRecordFactory(
        supervisor=new_manager, supervisee=worker, date=dt.date(2025, 3, 3)
    )
    april = WrittenRecordFactory(
        supervisor=new_manager, supervisee=worker, date=dt.date(2025, 4, 7)
    )
    ActionFactory(session=april, action="Later: not previous.")
    someone_else = WrittenRecordFactory(supervisor=manager, date=dt.date(2025, 2, 24))
    ActionFactory(session=someone_else, action="Another worker's.")
    agree(someone_else)

    assert previous_session(march) == january
    assert list(previous_actions(march)) == [amys, training]
    assert list(previous_actions(march, case=amy)) == [amys]
    assert list(previous_actions(march, case=ben)) == [bens_december]
    assert list(previous_actions(december)) == []

    # Marked in this supervision; the agreed January record is untouched.
    update = amys.mark(
        "achieved", by=new_manager.user, on=dt.date(2025, 3, 3), in_session=march, comment="Done"
    )
    assert update.session_id == march.pk
    assert [(a.action, a.current_status) for a in previous_actions(march)] == [
        ("Amy: see her alone.", "achieved"),
        ("Book the court skills course.", "open"),
    ]
    amys.refresh_from_db()
    assert (amys.status, amys.completed_on) == ("achieved", dt.date(2025, 3, 3))
    assert Record.of(january).state == State.AGREED
    assert january.transitions.count() == 2

    # Only the supervisor of the reviewing record, while it is with them.
    with pytest.raises(NotAllowed):
        training.mark("achieved", by=worker.user, in_session=march)
    with pytest.raises(NotAllowed):
        training.mark("achieved", by=manager.user, in_session=january)
    other_workers = WrittenRecordFactory(supervisor=new_manager, date=dt.date(2025, 3, 3))
    with pytest.raises(WorkflowError, match="same worker"):
        training.mark("achieved", by=new_manager.user, in_session=other_workers)


def test_it_lists_open_actions_that_are_overdue_for_their_owner() -> None:
    worker = StaffWithLoginFactory()
    record = WrittenRecordFactory(supervisee=worker, date=dt.date(2025, 3, 3))
    overdue = ActionFactory(session=record, owner=worker, due_date=dt.date(2025, 3, 9))
    due_today = ActionFactory(session=record, owner=worker, due_date=dt.date(2025, 3, 10))
    ActionFactory(session=record, owner=worker, due_date=None)
    done = ActionFactory(session=record, owner=worker, due_date=dt.date(2025, 3, 5))
    missed = ActionFactory(session=record, owner=worker, due_date=dt.date(2025, 3, 5))
    ActionFactory(session=record, owner=record.supervisor, due_date=dt.date(2025, 3, 5))
    done.mark("achieved", by=worker.user, on=dt.date(2025, 3, 4))
    missed.mark("not_achieved", by=record.supervisor.user, on=dt.date(2025, 3, 8))

    day = dt.date(2025, 3, 10)
    assert list(Action.objects.open().for_owner(worker).overdue_on(day)) == [overdue]
    assert Action.objects.open().for_owner(worker).count() == 3
    assert list(Action.objects.for_owner(worker).overdue_on(day)) == [overdue]
    assert missed.status == ActionStatus.NOT_ACHIEVED

    # Reopened: open again, from that day.
    done.mark("open", by=worker.user, on=dt.date(2025, 3, 11))
    later = set(Action.objects.for_owner(worker).overdue_on(dt.date(2025, 3, 11)))
    assert later == {overdue, due_today, done}

    # Outside supervision only the owner or the supervisor who set it may mark it.
    with pytest.raises(NotAllowed):
        overdue.mark("achieved", by=StaffWithLoginFactory().user)
    with pytest.raises(ValueError, match="'done'"):
        overdue.mark("done", by=worker.user)


def test_it_shows_the_worker_only_actions_from_records_sent_to_them() -> None:
    worker = StaffWithLoginFactory()
    draft = WrittenRecordFactory(supervisee=worker, date=dt.date(2025, 3, 3))
    ActionFactory(session=draft, action="Still a draft.")
    sent = WrittenRecordFactory(supervisee=worker, date=dt.date(2025, 2, 3))
    shared = ActionFactory(session=sent, action="Sent to the worker.")
    send(sent)
    assert list(Action.objects.for_owner(worker).in_shared_records()) == [shared]


# A child's chronology (N 7.3, B 3.4) -----------------------------------------------------------


def test_it_builds_the_childs_chronology_newest_first_across_workers() -> None:
    amy = CaseFactory(case_id="C-AMY")
    first_worker, second_worker = StaffWithLoginFactory(), StaffWithLoginFactory()

    january = RecordFactory(supervisee=first_worker, date=dt.date(2025, 1, 6))
    january_note = CaseNoteFactory(session=january, case=amy)
    january_action = ActionFactory(session=january, case=amy)
    ProfessionalRecordFactory(session=january, welfare="Private: not the child's record.")
    agree(january)
    addendum = january.add_addendum(
        by=january.supervisor.user, text="Correction.", on=dt.date(2025, 2, 20), case=amy
    )

    february = WrittenRecordFactory(supervisee=second_worker, date=dt.date(2025, 2, 3))
    february_note = CaseNoteFactory(session=february, case=amy)
    send(february)
    oversight = OversightNoteFactory(
        case=amy, session__supervisee=second_worker, session__date=dt.date(2025, 2, 10)
    )
    agree(Record.of(oversight.session))

    march_draft = WrittenRecordFactory(supervisee=second_worker, date=dt.date(2025, 3, 3))
    march_note = CaseNoteFactory(session=march_draft, case=amy)
    returned = WrittenRecordFactory(supervisee=second_worker, date=dt.date(2025, 3, 17))
    CaseNoteFactory(session=returned, case=amy)
    send(returned).return_to_supervisor(by=second_worker.user, reason="Wrong child's school.")

    entries = chronology(amy)
    assert [(e.date, e.kind, e.item) for e in entries] == [
        (dt.date(2025, 2, 20), "addendum", addendum),
        (dt.date(2025, 2, 10), "oversight_note", oversight),
        (dt.date(2025, 2, 3), "case_note", february_note),
        (dt.date(2025, 1, 6), "case_note", january_note),
        (dt.date(2025, 1, 6), "action", january_action),
    ]
    assert [e.state for e in entries] == ["agreed", "agreed", "sent", "agreed", "agreed"]
    assert {e.record.supervisee for e in entries} == {first_worker, second_worker}

    # The author of the draft sees their own draft on the child's page; nobody else does.
    own = chronology(amy, viewer=march_draft.supervisor.user)
    assert own[0].item == march_note
    assert own[0].state == State.DRAFT
    assert march_note not in [e.item for e in chronology(amy, viewer=second_worker.user)]


# Contents lock with the record -----------------------------------------------------------------


def test_it_refuses_changes_to_any_content_once_the_record_is_sent() -> None:
    record = RecordFactory()
    professional = ProfessionalRecordFactory(session=record)
    activity = LearningActivity.objects.create(
        professional_record=professional, activity="Court skills course"
    )
    action = ActionFactory(session=record)
    send(record)

    attempts = [
        professional.save,
        activity.save,
        action.save,
        action.delete,
        lambda: ActionFactory(session=record),
        lambda: CaseNoteFactory(session=record),
        lambda: OversightNoteFactory(session=record),
        lambda: AgendaItem.objects.create(session=record, added_by=record.supervisor, text="x"),
        lambda: LearningActivity.objects.create(professional_record=professional, activity="x"),
    ]
    for attempt in attempts:
        with pytest.raises(RecordLocked), transaction.atomic():
            attempt()
    assert Action.objects.filter(session=record).count() == 1


def test_it_keeps_the_professional_record_with_its_checklist_and_learning() -> None:
    record = RecordFactory()
    professional = ProfessionalRecordFactory(
        session=record,
        leave_and_sickness="Two days' TOIL agreed for 14 March.",
        next_session_at=dt.datetime(2025, 4, 7, 10, 0, tzinfo=dt.UTC),
    )
    LearningActivity.objects.create(
        professional_record=professional,
        activity="Signs of Safety two-day course",
        intended_outcome="Confident mapping with families",
        how_it_helped="Used the three columns at the Smiths' core group.",
    )
    labels = [ProfessionalRecord._meta.get_field(f).verbose_name for f in ProfessionalRecord.TOPICS]
    assert "annual leave, TOIL and sickness" in labels
    assert "contribution to council and service plans" in labels
    assert len(ProfessionalRecord.TOPICS) == 10
    assert record.professional_record.learning_activities.get().how_it_helped.startswith("Used")
    assert not record.session_cases.exists()


# The agenda (N 5.1, 5.2: both parties prepare) -------------------------------------------------


def test_it_lets_either_party_add_to_the_agenda_before_the_record_is_sent() -> None:
    record = WrittenRecordFactory()
    worker_item = record.add_agenda_item(by=record.supervisee.user, text="Caseload: 22 children.")
    manager_item = record.add_agenda_item(by=record.supervisor.user, text="  Court skills.  ")
    assert [(i.added_by, i.text) for i in record.agenda_items.all()] == [
        (record.supervisee, "Caseload: 22 children."),
        (record.supervisor, "Court skills."),
    ]
    assert worker_item.pk < manager_item.pk
    with pytest.raises(NotAllowed):
        record.add_agenda_item(by=StaffWithLoginFactory().user, text="Not my session.")
    with pytest.raises(ReasonRequired):
        record.add_agenda_item(by=record.supervisee.user, text=" ")
    send(record)
    with pytest.raises(RecordLocked), transaction.atomic():
        record.add_agenda_item(by=record.supervisee.user, text="Too late.")


# The other kinds of record ----------------------------------------------------------------------


def test_it_asks_the_conference_chair_the_eight_questions_for_each_child() -> None:
    record = WrittenRecordFactory(type="conference_chair", date=dt.date(2025, 3, 3))
    amy, ben = CaseFactory(case_id="C-AMY"), CaseFactory(case_id="C-BEN")
    ChairReview.objects.create(session=record, case=amy, working_well="Nursery attendance.")
    SessionCase.objects.create(session=record, case=ben)

    questions = [ChairReview._meta.get_field(f).verbose_name for f in ChairReview.QUESTIONS]
    assert [q.split(".")[0] for q in questions] == [str(n) for n in range(1, 9)]
    assert "PLO or care proceedings" in questions[4]
    with pytest.raises(IncompleteRecord, match="Missing: C-BEN"):
        send(record)
    ChairReview.objects.create(session=record, case=ben, end_plan="Step down at the review.")
    send(record)
    assert Record.of(record).state == State.SENT


def test_it_records_an_oversight_decision_on_the_child() -> None:
    note = OversightNoteFactory(session__date=dt.date(2025, 3, 5))
    assert SessionCase.objects.filter(session=note.session, case=note.case).exists()
    send(Record.of(note.session))
    assert [e.item for e in chronology(note.case)] == [note]


def test_it_describes_a_practice_observation_setting() -> None:
    record = WrittenRecordFactory(type="practice_observation")
    PracticeObservation.objects.create(
        session=record, setting="home_visit", strengths="Warm, clear with the child."
    )
    other = WrittenRecordFactory(type="practice_observation")
    with pytest.raises(IntegrityError), transaction.atomic():
        PracticeObservation.objects.create(session=other, setting="other")
    PracticeObservation.objects.create(session=other, setting="other", setting_detail="Panel")
