"""Disagreements move only as DISAGREEMENT_TRANSITIONS says (N 9.1; B 2.1, 3.3).

Open, then escalated to a three-way meeting with the supervisor's line manager or resolved by the
two people; an escalated one is resolved by the line manager. Every move appends a history row
and an audit entry, and two people moving the same disagreement at once cannot both succeed.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection

from oversight.audit.models import AuditEvent
from oversight.organisation.models import Staff
from oversight.records.models import (
    DISAGREEMENT_TRANSITIONS,
    Disagreement,
    DisagreementRole,
    DisagreementState,
    DisagreementTransition,
    Record,
)
from oversight.transitions import AppendOnlyError, NotAllowed, ReasonRequired, WorkflowError
from tests.factories import (
    AccountFactory,
    LineManagementFactory,
    RecordFactory,
    StaffWithLoginFactory,
)

RAISED = dt.date(2025, 3, 5)
MEETING = dt.date(2025, 3, 12)
OUTCOME = "Strategy discussion to be held; conference if the threshold is met."


@dataclass
class Parties:
    record: Record
    supervisor: Staff
    supervisee: Staff
    line_manager: Staff

    def user(self, role: str) -> Any:
        return getattr(self, role).user


def parties() -> Parties:
    record = RecordFactory(date=dt.date(2025, 3, 3))
    head = StaffWithLoginFactory(category="manager", name="Head of Service")
    LineManagementFactory(staff=record.supervisor, manager=head, start_date=dt.date(2024, 6, 3))
    return Parties(Record.of(record), record.supervisor, record.supervisee, head)


def raise_one(p: Parties) -> Disagreement:
    return p.record.record_disagreement(
        by=p.supervisee.user, what="The threshold for a conference.", on=RAISED
    )


def escalated(p: Parties) -> Disagreement:
    disagreement = raise_one(p)
    disagreement.escalate(by=p.supervisee.user, meeting_date=MEETING, on=dt.date(2025, 3, 6))
    return disagreement


def moves(disagreement: Disagreement) -> list[tuple[str, str, Any]]:
    return [(t.from_state, t.to_state, t.by) for t in disagreement.history()]


def transition_audits(disagreement: Disagreement) -> list[dict[str, Any]]:
    return list(
        AuditEvent.objects.filter(
            action="transition", object_type="records.disagreement", object_id=str(disagreement.pk)
        )
        .order_by("pk")
        .values_list("detail", flat=True)
    )


# The table --------------------------------------------------------------------------------------


def test_the_table_lists_every_move_a_disagreement_can_make() -> None:
    assert {(m.name, m.from_state, m.to_state, m.who) for m in DISAGREEMENT_TRANSITIONS} == {
        ("escalate", "open", "escalated", DisagreementRole.SUPERVISOR),
        ("escalate", "open", "escalated", DisagreementRole.SUPERVISEE),
        ("resolve", "open", "resolved", DisagreementRole.SUPERVISOR),
        ("resolve", "open", "resolved", DisagreementRole.SUPERVISEE),
        ("resolve", "escalated", "resolved", DisagreementRole.LINE_MANAGER),
    }
    assert all(m.reason_required for m in DISAGREEMENT_TRANSITIONS if m.name == "resolve")


# Every allowed move ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["supervisor", "supervisee"])
def test_either_party_escalates_an_open_disagreement(who: str) -> None:
    p = parties()
    disagreement = raise_one(p)

    row = disagreement.escalate(by=p.user(who), meeting_date=MEETING, on=dt.date(2025, 3, 6))

    assert disagreement.status == DisagreementState.ESCALATED
    assert disagreement.escalated_to == p.line_manager
    assert disagreement.escalated_by == getattr(p, who)
    assert isinstance(row, DisagreementTransition)
    assert moves(disagreement) == [("open", "escalated", p.user(who))]
    assert transition_audits(disagreement) == [
        {
            "from": "open",
            "to": "escalated",
            "escalated_to": p.line_manager.staff_id,
            "meeting": "2025-03-12",
        }
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["supervisor", "supervisee"])
def test_either_party_resolves_an_open_disagreement_with_its_outcome(who: str) -> None:
    p = parties()
    disagreement = raise_one(p)

    disagreement.resolve(by=p.user(who), outcome=f"  {OUTCOME} ", on=dt.date(2025, 3, 7))

    disagreement.refresh_from_db()
    assert disagreement.status == DisagreementState.RESOLVED
    assert (disagreement.outcome, disagreement.resolved_on) == (OUTCOME, dt.date(2025, 3, 7))
    assert disagreement.resolved_by == getattr(p, who)
    assert moves(disagreement) == [("open", "resolved", p.user(who))]
    assert transition_audits(disagreement) == [
        {"from": "open", "to": "resolved", "resolved_on": "2025-03-07"}
    ]


@pytest.mark.django_db
def test_the_line_manager_resolves_an_escalated_disagreement() -> None:
    p = parties()
    disagreement = escalated(p)

    disagreement.resolve(by=p.line_manager.user, outcome=OUTCOME, on=MEETING)

    disagreement.refresh_from_db()
    assert disagreement.status == DisagreementState.RESOLVED
    assert disagreement.resolved_by == p.line_manager
    assert moves(disagreement) == [
        ("open", "escalated", p.supervisee.user),
        ("escalated", "resolved", p.line_manager.user),
    ]
    assert [(d["from"], d["to"]) for d in transition_audits(disagreement)] == [
        ("open", "escalated"),
        ("escalated", "resolved"),
    ]


# Every refused move, with its message ------------------------------------------------------


@pytest.mark.django_db
def test_it_refuses_to_escalate_twice() -> None:
    p = parties()
    disagreement = escalated(p)

    with pytest.raises(
        WorkflowError, match="Cannot escalate: the disagreement is already escalated"
    ):
        disagreement.escalate(by=p.supervisor.user, meeting_date=MEETING)
    assert len(moves(disagreement)) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("move", ["escalate", "resolve"])
def test_nothing_moves_a_resolved_disagreement(move: str) -> None:
    p = parties()
    disagreement = raise_one(p)
    disagreement.resolve(by=p.supervisor.user, outcome=OUTCOME)

    def attempt() -> Any:
        if move == "escalate":
            return disagreement.escalate(by=p.supervisee.user, meeting_date=MEETING)
        return disagreement.resolve(by=p.supervisee.user, outcome="Again.")

    with pytest.raises(
        WorkflowError,
        match=rf"Cannot {move}: the disagreement is already resolved\. "
        r"From 'resolved' no moves are allowed\.",
    ):
        attempt()
    assert len(moves(disagreement)) == 1


@pytest.mark.django_db
def test_only_the_line_manager_decides_an_escalated_one() -> None:
    p = parties()
    disagreement = escalated(p)

    for who in ("supervisor", "supervisee"):
        with pytest.raises(
            NotAllowed,
            match="Only Head of Service, the supervisor's line manager, can decide the outcome",
        ):
            disagreement.resolve(by=p.user(who), outcome="Agreed between us.")
    assert disagreement.status == DisagreementState.ESCALATED


@pytest.mark.django_db
def test_nobody_else_escalates_or_resolves_an_open_one() -> None:
    p = parties()
    disagreement = raise_one(p)
    outsider = StaffWithLoginFactory().user

    with pytest.raises(NotAllowed, match="Only the supervisor or the supervisee can escalate"):
        disagreement.escalate(by=outsider, meeting_date=MEETING)
    with pytest.raises(NotAllowed, match="Only the supervisor or the supervisee can resolve"):
        disagreement.resolve(by=p.line_manager.user, outcome=OUTCOME)
    with pytest.raises(NotAllowed, match="Only a member of staff can escalate a disagreement"):
        disagreement.escalate(by=AccountFactory(), meeting_date=MEETING)
    assert moves(disagreement) == []


@pytest.mark.django_db
def test_it_needs_an_outcome_to_resolve() -> None:
    p = parties()
    disagreement = raise_one(p)

    with pytest.raises(ReasonRequired, match=r"Record the outcome and the next steps\."):
        disagreement.resolve(by=p.supervisor.user, outcome="  ")
    assert disagreement.status == DisagreementState.OPEN


@pytest.mark.django_db
def test_it_checks_the_meeting_before_escalating() -> None:
    p = parties()
    disagreement = raise_one(p)

    with pytest.raises(WorkflowError, match="cannot be before the disagreement arose"):
        disagreement.escalate(by=p.supervisor.user, meeting_date=RAISED - dt.timedelta(days=1))
    assert moves(disagreement) == []
    assert transition_audits(disagreement) == []


# History --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_its_history_is_only_added_to() -> None:
    p = parties()
    disagreement = escalated(p)
    row = disagreement.history().get()

    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()


# Two people at once ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_second_of_two_people_moving_it_at_once_is_refused() -> None:
    # Both pages were loaded while the disagreement was open; the supervisor resolved it first.
    p = parties()
    raised = raise_one(p)
    workers_page = Disagreement.objects.get(pk=raised.pk)
    supervisors_page = Disagreement.objects.get(pk=raised.pk)

    supervisors_page.resolve(by=p.supervisor.user, outcome=OUTCOME)
    with pytest.raises(WorkflowError, match="the disagreement is already resolved"):
        workers_page.escalate(by=p.supervisee.user, meeting_date=MEETING)

    stored = Disagreement.objects.get(pk=raised.pk)
    assert stored.status == DisagreementState.RESOLVED
    assert (stored.escalated_on, stored.escalated_to) == (None, None)
    assert moves(stored) == [("open", "resolved", p.supervisor.user)]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    "postgres" not in os.environ.get("DATABASE_URL", ""),
    reason="SQLite's in-memory test database cannot be shared between threads; "
    "SQLite serialises writers itself",
)
def test_two_concurrent_moves_leave_it_either_escalated_or_resolved() -> None:
    p = parties()
    raised = raise_one(p)
    start = threading.Barrier(2)
    refused: list[BaseException] = []

    def move(name: str) -> None:
        page = Disagreement.objects.get(pk=raised.pk)
        start.wait()
        try:
            if name == "escalate":
                page.escalate(by=p.supervisee.user, meeting_date=MEETING)
            else:
                page.resolve(by=p.supervisor.user, outcome=OUTCOME)
        except BaseException as error:  # handed to the main thread to check
            refused.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=move, args=(n,)) for n in ("escalate", "resolve")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # Whichever came second found the disagreement already moved and was refused.
    assert len(refused) == 1
    assert isinstance(refused[0], WorkflowError)
    stored = Disagreement.objects.get(pk=raised.pk)
    assert len(moves(stored)) == 1
    assert (stored.escalated_on is None) != (stored.resolved_on is None)
