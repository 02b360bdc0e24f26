"""The write-send-agree workflow of a supervision record (N Appendix 7, the Azeus steps)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from oversight.records import workflow
from oversight.records.models import AppendOnlyError, Record, RecordTransition
from oversight.records.workflow import (
    MOVE_NAMES,
    TRANSITIONS,
    IllegalTransition,
    IncompleteRecord,
    NotAllowed,
    ReasonRequired,
    RecordLocked,
    Role,
    State,
    WorkflowError,
)
from oversight.supervision.models import Session, SessionCase
from tests.factories import (
    SESSION_DAY,
    AccountFactory,
    CaseFactory,
    CaseNoteFactory,
    GroupRecordFactory,
    LineManagementFactory,
    SessionFactory,
    StaffWithLoginFactory,
    WrittenRecordFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

SENT_ON = dt.date(2025, 3, 4)
RESENT_ON = dt.date(2025, 3, 7)
REASON = "The home visit was on 28 February, not 3 March."


def attempt(record: Record, name: str, user: Any) -> RecordTransition:
    if name == "send_to_worker":
        return record.send_to_worker(by=user, on=SENT_ON)
    if name == "agree":
        return record.agree(by=user)
    return record.return_to_supervisor(by=user, reason=REASON)


def record_in(state: str) -> Record:
    """A one-to-one record brought to `state` the way people would."""
    if state == State.IMPORTED:
        # As the data set importer leaves it: a recorded date and no moves in Oversight.
        session = SessionFactory(
            date=SESSION_DAY,
            recorded_date=SENT_ON,
            supervisor=StaffWithLoginFactory(category="manager"),
            supervisee=StaffWithLoginFactory(),
        )
        return Record.of(session)
    record = WrittenRecordFactory()
    manager, worker = record.supervisor.user, record.supervisee.user
    if state in (State.SENT, State.RETURNED, State.AGREED):
        record.send_to_worker(by=manager, on=SENT_ON)
    if state == State.RETURNED:
        record.return_to_supervisor(by=worker, reason=REASON)
    if state == State.AGREED:
        record.agree(by=worker)
    assert Record.of(record).state == state
    return record


def test_it_follows_the_full_journey_and_keeps_the_agreed_original() -> None:
    case = CaseFactory()
    record = WrittenRecordFactory()
    manager, worker = record.supervisor.user, record.supervisee.user
    note = CaseNoteFactory(session=record, case=case, plan="Visit on 3 March.")
    assert record.state == State.DRAFT
    assert record.can_edit(manager)
    assert not record.can_edit(worker)

    record.send_to_worker(by=manager, on=SENT_ON)
    assert record.state == State.SENT
    assert not record.can_edit(manager)
    with pytest.raises(RecordLocked, match="with the worker"):
        note.save()

    record.return_to_supervisor(by=worker, reason=REASON)
    assert record.state == State.RETURNED
    assert record.can_edit(manager)
    note.plan = "Visit on 28 February."
    note.save()

    record.send_to_worker(by=manager, on=RESENT_ON)
    record.agree(by=worker)
    assert Record.of(record).state == State.AGREED
    assert not Record.of(record).can_edit(manager)

    note.refresh_from_db()
    note.plan = "Changed after agreement."
    with pytest.raises(RecordLocked, match="addendum"):
        note.save()
    with pytest.raises(RecordLocked):
        note.delete()
    with pytest.raises(RecordLocked):
        CaseNoteFactory(session=record)

    addendum = record.add_addendum(
        by=manager, text="School confirmed the date.", on=dt.date(2025, 3, 20), case=case
    )
    note.refresh_from_db()
    assert note.plan == "Visit on 28 February."
    assert addendum.author == record.supervisor
    assert addendum.on == dt.date(2025, 3, 20)
    assert [(t.from_state, t.to_state) for t in record.history()] == [
        ("draft", "sent"),
        ("sent", "returned"),
        ("returned", "sent"),
        ("sent", "agreed"),
    ]


ILLEGAL = [
    (state, name)
    for state in State.values
    for name in MOVE_NAMES
    if not any(m.from_state == state and m.name == name for m in TRANSITIONS)
]


@pytest.mark.parametrize(("state", "name"), ILLEGAL)
def test_it_refuses_every_move_not_in_the_table(state: str, name: str) -> None:
    record = record_in(state)
    who = next(m.who for m in TRANSITIONS if m.name == name)
    user = (record.supervisor if who == Role.SUPERVISOR else record.supervisee).user
    before = RecordTransition.objects.count()

    with pytest.raises(IllegalTransition) as refused:
        attempt(record, name, user)

    assert refused.value.state == state
    assert f"From '{state}'" in str(refused.value)
    for move in refused.value.allowed:
        assert move.label.lower() in str(refused.value)
    assert RecordTransition.objects.count() == before
    assert Record.of(record).state == state


def test_it_names_the_state_and_the_allowed_moves() -> None:
    record = record_in(State.DRAFT)
    with pytest.raises(IllegalTransition) as refused:
        record.agree(by=record.supervisee.user)
    assert str(refused.value) == (
        "Cannot agree: the record is a draft. From 'draft' the allowed moves are: "
        "send to worker (by the supervisor)."
    )
    agreed = record_in(State.AGREED)
    with pytest.raises(IllegalTransition, match=r"no moves are allowed.*add an addendum"):
        agreed.return_to_supervisor(by=agreed.supervisee.user, reason=REASON)


@pytest.mark.parametrize("move", TRANSITIONS, ids=lambda m: f"{m.from_state}-{m.to_state}")
@pytest.mark.parametrize(
    "actor", ["supervisor", "supervisee", "another manager", "line manager", "no staff"]
)
def test_it_lets_only_the_right_person_make_each_move(move: workflow.Move, actor: str) -> None:
    record = record_in(move.from_state)
    line_manager = StaffWithLoginFactory(category="manager")
    LineManagementFactory(staff=record.supervisor, manager=line_manager)
    user = {
        "supervisor": record.supervisor.user,
        "supervisee": record.supervisee.user,
        "another manager": StaffWithLoginFactory(category="manager").user,
        "line manager": line_manager.user,
        "no staff": AccountFactory(),
    }[actor]

    if actor == move.who.value:
        attempt(record, move.name, user)
        assert Record.of(record).state == move.to_state
    else:
        with pytest.raises(NotAllowed):
            attempt(record, move.name, user)
        assert Record.of(record).state == move.from_state


def test_it_refuses_a_record_whose_supervisor_is_also_the_supervisee() -> None:
    manager = StaffWithLoginFactory(category="manager")
    record = WrittenRecordFactory(supervisor=manager, supervisee=manager)
    assert not record.can_edit(manager.user)
    assert record.allowed_moves(manager.user) == ()
    with pytest.raises(NotAllowed, match="nobody can agree their own record"):
        record.send_to_worker(by=manager.user, on=SENT_ON)
    assert not record.transitions.exists()


@pytest.mark.parametrize("reason", ["", "   \n"])
def test_it_requires_a_reason_to_return(reason: str) -> None:
    record = record_in(State.SENT)
    with pytest.raises(ReasonRequired, match="A reason is required"):
        record.return_to_supervisor(by=record.supervisee.user, reason=reason)
    assert Record.of(record).state == State.SENT
    # The database refuses one too, whoever writes the row.
    with pytest.raises(IntegrityError), transaction.atomic():
        RecordTransition.objects.create(
            session=record, from_state="sent", to_state="returned", by=record.supervisee.user
        )


def test_it_sets_the_recorded_date_on_the_first_send_and_keeps_it() -> None:
    record = record_in(State.DRAFT)
    assert record.recorded_date is None
    record.send_to_worker(by=record.supervisor.user, on=SENT_ON)
    assert Session.objects.get(pk=record.pk).recorded_date == SENT_ON

    record.return_to_supervisor(by=record.supervisee.user, reason=REASON)
    record.send_to_worker(by=record.supervisor.user, on=RESENT_ON)
    assert Session.objects.get(pk=record.pk).recorded_date == SENT_ON


def test_it_records_today_when_no_date_is_given() -> None:
    record = record_in(State.DRAFT)
    record.send_to_worker(by=record.supervisor.user)
    assert Session.objects.get(pk=record.pk).recorded_date == timezone.localdate()


def test_it_refuses_to_complete_a_record_before_the_session() -> None:
    record = record_in(State.DRAFT)
    with pytest.raises(IncompleteRecord, match="before the session on 3 March 2025"):
        record.send_to_worker(by=record.supervisor.user, on=dt.date(2025, 3, 2))
    assert Session.objects.get(pk=record.pk).recorded_date is None
    assert not record.transitions.exists()


def test_it_sends_only_once_every_child_discussed_has_a_note() -> None:
    record = record_in(State.DRAFT)
    noted, forgotten = CaseFactory(case_id="C-NOTED"), CaseFactory(case_id="C-FORGOTTEN")
    CaseNoteFactory(session=record, case=noted)
    SessionCase.objects.create(session=record, case=forgotten)

    with pytest.raises(IncompleteRecord, match=r"Missing: C-FORGOTTEN\.$"):
        record.send_to_worker(by=record.supervisor.user, on=SENT_ON)
    assert Session.objects.get(pk=record.pk).recorded_date is None

    CaseNoteFactory(session=record, case=forgotten)
    record.send_to_worker(by=record.supervisor.user, on=SENT_ON)
    assert record.state == State.SENT


def test_it_appends_a_row_for_every_move_saying_who_when_from_to_and_why() -> None:
    record = record_in(State.DRAFT)
    manager, worker = record.supervisor.user, record.supervisee.user
    started = timezone.now()
    record.send_to_worker(by=manager, on=SENT_ON)
    record.return_to_supervisor(by=worker, reason=f"  {REASON}  ")
    record.send_to_worker(by=manager, on=RESENT_ON)
    record.agree(by=worker)

    rows = list(record.history())
    assert [(r.from_state, r.to_state, r.by, r.reason) for r in rows] == [
        ("draft", "sent", manager, ""),
        ("sent", "returned", worker, REASON),
        ("returned", "sent", manager, ""),
        ("sent", "agreed", worker, ""),
    ]
    assert all(started <= r.at <= timezone.now() for r in rows)
    assert [r.at for r in rows] == sorted(r.at for r in rows)

    with pytest.raises(AppendOnlyError):
        rows[1].save()
    with pytest.raises(AppendOnlyError):
        rows[1].delete()


def test_it_derives_the_state_from_the_latest_row_for_lists() -> None:
    manager = StaffWithLoginFactory(category="manager")
    worker = StaffWithLoginFactory()
    draft = WrittenRecordFactory(supervisor=manager, supervisee=worker, date=dt.date(2025, 3, 3))
    sent = WrittenRecordFactory(supervisor=manager, supervisee=worker, date=dt.date(2025, 2, 3))
    returned = WrittenRecordFactory(supervisor=manager, supervisee=worker, date=dt.date(2025, 1, 6))
    agreed = WrittenRecordFactory(supervisor=manager, supervisee=worker, date=dt.date(2024, 12, 2))
    for record in (sent, returned, agreed):
        record.send_to_worker(by=manager.user, on=record.date)
    returned.return_to_supervisor(by=worker.user, reason=REASON)
    agreed.agree(by=worker.user)
    someone_elses = record_in(State.SENT)

    assert list(Record.objects.drafts_of(manager)) == [draft]
    assert list(Record.objects.sent_by(manager)) == [sent]
    assert list(Record.objects.returned_to(manager)) == [returned]
    assert list(Record.objects.awaiting_agreement(worker)) == [sent]
    assert list(Record.objects.awaiting_agreement(someone_elses.supervisee)) == [someone_elses]
    assert list(Record.objects.agreed()) == [agreed]
    states = dict(Record.objects.involving(worker).values_list("date", "workflow_state"))
    assert states == {
        dt.date(2025, 3, 3): "draft",
        dt.date(2025, 2, 3): "sent",
        dt.date(2025, 1, 6): "returned",
        dt.date(2024, 12, 2): "agreed",
    }


def test_it_lists_records_with_their_state_in_two_queries_however_many(
    django_assert_num_queries: Any,
) -> None:
    worker = StaffWithLoginFactory()
    for day in (dt.date(2025, 1, 6), dt.date(2025, 2, 3)):
        record = WrittenRecordFactory(supervisee=worker, date=day)
        record.send_to_worker(by=record.supervisor.user, on=day)
    # One for the group records' copies waiting for the worker, one for the records and states.
    with django_assert_num_queries(2):
        assert [r.state for r in Record.objects.awaiting_agreement(worker)] == ["sent", "sent"]


def test_it_shows_an_imported_session_as_recorded_elsewhere_and_read_only() -> None:
    record = record_in(State.IMPORTED)
    manager = record.supervisor.user
    assert record.state == "imported"
    assert State(record.state).label == "Recorded elsewhere"
    assert not record.can_edit(manager)
    assert record.allowed_moves(manager) == ()
    with pytest.raises(IllegalTransition, match="recorded elsewhere"):
        record.send_to_worker(by=manager, on=SENT_ON)
    with pytest.raises(RecordLocked, match="council's own system"):
        CaseNoteFactory(session=record)
    # A correction is still possible without touching what was imported.
    record.add_addendum(by=manager, text="Discussed again on 10 March.", on=dt.date(2025, 3, 10))
    assert Session.objects.get(pk=record.pk).recorded_date == SENT_ON

    # Imported but not yet recorded: the supervisor can write it up here.
    unrecorded = Record.of(
        SessionFactory(
            date=SESSION_DAY,
            supervisor=StaffWithLoginFactory(category="manager"),
            supervisee=StaffWithLoginFactory(),
        )
    )
    assert unrecorded.state == State.DRAFT


def test_it_offers_each_person_only_their_own_moves() -> None:
    record = record_in(State.SENT)
    assert [m.name for m in record.allowed_moves(record.supervisor.user)] == []
    assert [m.name for m in record.allowed_moves(record.supervisee.user)] == [
        "agree",
        "return_to_supervisor",
    ]
    assert record.allowed_moves(AccountFactory()) == ()


def test_it_lets_only_the_author_add_an_addendum_and_only_to_a_finished_record() -> None:
    draft = record_in(State.DRAFT)
    with pytest.raises(WorkflowError, match="Edit it instead"):
        draft.add_addendum(by=draft.supervisor.user, text="Too early.")
    sent = record_in(State.SENT)
    with pytest.raises(WorkflowError, match="return it to you"):
        sent.add_addendum(by=sent.supervisor.user, text="Too early.")

    agreed = record_in(State.AGREED)
    with pytest.raises(NotAllowed, match="record's author"):
        agreed.add_addendum(by=agreed.supervisee.user, text="My view differs.")
    with pytest.raises(ReasonRequired):
        agreed.add_addendum(by=agreed.supervisor.user, text="  ")
    with pytest.raises(WorkflowError, match="was not discussed"):
        agreed.add_addendum(by=agreed.supervisor.user, text="About a child.", case=CaseFactory())
    addendum = agreed.add_addendum(
        by=agreed.supervisor.user, text="Nan's address added.", on=dt.date(2025, 4, 1)
    )
    with pytest.raises(AppendOnlyError):
        addendum.save()


def test_it_lets_only_a_group_records_attendees_agree_it() -> None:
    group = GroupRecordFactory()
    record = Record.of(group.session)
    facilitator = record.supervisor.user
    with pytest.raises(IncompleteRecord, match="attendees"):
        record.send_to_worker(by=facilitator, on=SENT_ON)

    attendee, other = StaffWithLoginFactory(), StaffWithLoginFactory()
    group.attendees.add(attendee, record.supervisor)
    record.send_to_worker(by=facilitator, on=SENT_ON)
    assert list(Record.objects.awaiting_agreement(attendee)) == [record]
    assert list(Record.objects.awaiting_agreement(record.supervisor)) == []
    # Django adds attendees inside its own atomic block, so each refusal gets a savepoint here.
    with pytest.raises(RecordLocked), transaction.atomic():
        group.attendees.add(other)
    with pytest.raises(RecordLocked), transaction.atomic():
        other.group_records_attended.add(group)
    with pytest.raises(NotAllowed, match="the group's attendees"):
        record.agree(by=other.user)
    with pytest.raises(NotAllowed):
        record.agree(by=facilitator)

    record.agree(by=attendee.user)
    assert record.state == State.AGREED


def test_it_writes_moves_to_the_real_audit_trail() -> None:
    from oversight.audit.models import AuditEvent

    record = record_in(State.SENT)
    record.return_to_supervisor(by=record.supervisee.user, reason=REASON)

    sent, returned = AuditEvent.objects.filter(action="transition").order_by("pk")
    assert (sent.object_type, sent.object_id) == ("supervision.session", str(record.pk))
    assert sent.detail == {"from": "draft", "to": "sent", "reason": ""}
    assert sent.actor == record.supervisor.user
    assert returned.detail == {"from": "sent", "to": "returned", "reason": REASON}
    assert returned.actor == record.supervisee.user


# Disagreements (N 9.1; B 2.1, 3.3) ---------------------------------------------------------


def test_it_escalates_a_disagreement_to_the_supervisors_line_manager() -> None:
    record = record_in(State.SENT)
    head = StaffWithLoginFactory(category="manager", name="Head of Service")
    LineManagementFactory(staff=record.supervisor, manager=head, start_date=dt.date(2024, 6, 3))
    raised_on = dt.date(2025, 3, 5)

    with pytest.raises(NotAllowed):
        record.record_disagreement(by=StaffWithLoginFactory().user, what="Not my session.")
    disagreement = record.record_disagreement(
        by=record.supervisee.user,
        what="I do not agree the threshold for a child protection conference is met.",
        on=raised_on,
        proposed_resolution="Discuss with the head of service.",
    )
    assert disagreement.status == "open"

    with pytest.raises(WorkflowError, match="before the disagreement arose"):
        disagreement.escalate(
            by=record.supervisee.user, meeting_date=dt.date(2025, 3, 1), on=raised_on
        )
    disagreement.escalate(
        by=record.supervisee.user, meeting_date=dt.date(2025, 3, 12), on=dt.date(2025, 3, 6)
    )
    disagreement.refresh_from_db()
    assert disagreement.status == "escalated"
    assert disagreement.escalated_to == head
    assert disagreement.escalated_by == record.supervisee
    assert disagreement.meeting_date == dt.date(2025, 3, 12)
    with pytest.raises(WorkflowError, match="already escalated"):
        disagreement.escalate(by=record.supervisor.user, meeting_date=dt.date(2025, 3, 13))

    # Once escalated, the line manager decides (N 9.1), not either party.
    with pytest.raises(NotAllowed, match="Head of Service"):
        disagreement.resolve(by=record.supervisor.user, outcome="Agreed between us.")
    with pytest.raises(ReasonRequired):
        disagreement.resolve(by=head.user, outcome=" ")
    disagreement.resolve(
        by=head.user,
        outcome="Strategy discussion to be held; conference if the threshold is met.",
        on=dt.date(2025, 3, 12),
    )
    disagreement.refresh_from_db()
    assert disagreement.status == "resolved"
    assert disagreement.resolved_by == head
    assert disagreement.resolved_on == dt.date(2025, 3, 12)
    with pytest.raises(WorkflowError, match="already resolved"):
        disagreement.resolve(by=head.user, outcome="Again.")


def test_it_needs_a_line_manager_to_escalate_to() -> None:
    record = record_in(State.AGREED)
    disagreement = record.record_disagreement(
        by=record.supervisor.user, what="Frequency of visits.", on=dt.date(2025, 3, 10)
    )
    with pytest.raises(WorkflowError, match="no line manager in Oversight on 10 March 2025"):
        disagreement.escalate(
            by=record.supervisor.user, meeting_date=dt.date(2025, 3, 17), on=dt.date(2025, 3, 10)
        )
    # Resolved between the two of them, without escalation.
    disagreement.resolve(by=record.supervisee.user, outcome="Weekly until the review.")
    assert disagreement.status == "resolved"
