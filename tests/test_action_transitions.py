"""Actions move only as ACTION_TRANSITIONS says (N Appendix 4, B 3.3).

Open, then achieved or not achieved, and reopened; outside supervision by the owner or the
supervisor who set it, in a later supervision by the supervisor writing that record, who may also
record a review that leaves the status as it was. Each move is an appended ActionUpdate row (the
latest is the status) with its audit entry.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from oversight.audit.models import AuditEvent
from oversight.records.models import (
    ACTION_TRANSITIONS,
    Action,
    ActionRole,
    ActionStatus,
    Record,
)
from oversight.transitions import NotAllowed, WorkflowError
from tests.factories import ActionFactory, RecordFactory, StaffWithLoginFactory

pytestmark = pytest.mark.django_db

OPEN, ACHIEVED, NOT_ACHIEVED = ActionStatus.OPEN, ActionStatus.ACHIEVED, ActionStatus.NOT_ACHIEVED
SET_ON = dt.date(2025, 3, 3)


def an_action() -> Action:
    worker = StaffWithLoginFactory()
    record = RecordFactory(supervisee=worker, date=SET_ON)
    return ActionFactory(session=record, owner=worker, due_date=dt.date(2025, 3, 20))


def marks(action: Action) -> list[tuple[str, dt.date]]:
    return list(action.updates.order_by("on", "id").values_list("status", "on"))


def audits(action: Action) -> list[dict[str, Any]]:
    return list(
        AuditEvent.objects.filter(
            action="transition", object_type="records.action", object_id=str(action.pk)
        )
        .order_by("pk")
        .values_list("detail", flat=True)
    )


def test_the_table_lets_each_of_the_three_make_every_change_and_only_a_reviewer_review() -> None:
    changes = {(m.from_state, m.to_state) for m in ACTION_TRANSITIONS if m.name != "review"}
    assert changes == {(a, b) for a in ActionStatus for b in ActionStatus if a != b}
    for change in changes:
        assert {m.who for m in ACTION_TRANSITIONS if (m.from_state, m.to_state) == change} == set(
            ActionRole
        )
    reviews = {(m.from_state, m.to_state, m.who) for m in ACTION_TRANSITIONS if m.name == "review"}
    assert reviews == {(s, s, ActionRole.REVIEWER) for s in ActionStatus}


# Every allowed move ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "who"),
    [
        ((ACHIEVED, OPEN, NOT_ACHIEVED, ACHIEVED), "owner"),
        ((NOT_ACHIEVED, OPEN, ACHIEVED, NOT_ACHIEVED), "setter"),
    ],
)
def test_the_owner_or_the_setter_makes_every_change(path: tuple[str, ...], who: str) -> None:
    action = an_action()
    user = action.owner.user if who == "owner" else action.session.supervisor.user
    before = OPEN

    for n, status in enumerate(path, start=1):
        day = SET_ON + dt.timedelta(days=n)
        update = action.mark(status, by=user, on=day)
        assert (update.status, update.on) == (status, day)
        assert action.status == status
        assert audits(action)[-1] == {"from": before, "to": status, "on": day.isoformat()}
        before = status

    assert [s for s, _ in marks(action)] == list(path)
    assert Action.objects.with_status().get(pk=action.pk).current_status == path[-1]


def test_the_supervisor_of_the_next_record_reviews_it_and_may_leave_it_as_it_was() -> None:
    action = an_action()
    Record.of(action.session).send_to_worker(by=action.session.supervisor.user, on=SET_ON)
    next_one = RecordFactory(
        supervisor=action.session.supervisor, supervisee=action.owner, date=dt.date(2025, 4, 1)
    )
    reviewer = next_one.supervisor.user

    still_open = action.mark(OPEN, by=reviewer, in_session=next_one, comment="Booked for May.")
    assert (still_open.status, still_open.session_id, still_open.comment) == (
        OPEN,
        next_one.pk,
        "Booked for May.",
    )
    action.mark(ACHIEVED, by=reviewer, in_session=next_one)

    assert action.status == ACHIEVED
    assert [(d["from"], d["to"]) for d in audits(action)] == [(OPEN, OPEN), (OPEN, ACHIEVED)]


# Every refused move, with its message ------------------------------------------------------


def test_outside_supervision_marking_the_status_it_has_is_refused() -> None:
    action = an_action()
    action.mark(ACHIEVED, by=action.owner.user, on=SET_ON)

    with pytest.raises(WorkflowError, match="This action is already achieved; choose another"):
        action.mark(ACHIEVED, by=action.owner.user, on=SET_ON)
    with pytest.raises(WorkflowError, match="This action is already open; choose another"):
        an_action().mark(OPEN, by=action.owner.user)
    assert len(marks(action)) == 1


def test_nobody_else_marks_it() -> None:
    action = an_action()

    with pytest.raises(NotAllowed, match="Only the action's owner or the supervisor who set it"):
        action.mark(ACHIEVED, by=StaffWithLoginFactory().user)
    assert marks(action) == []


def test_in_supervision_only_the_supervisor_writing_the_record_reviews_it() -> None:
    action = an_action()
    next_one = RecordFactory(
        supervisor=action.session.supervisor, supervisee=action.owner, date=dt.date(2025, 4, 1)
    )

    with pytest.raises(NotAllowed, match="Only the supervisor can review actions"):
        action.mark(ACHIEVED, by=action.owner.user, in_session=next_one)
    elsewhere = RecordFactory(date=dt.date(2025, 4, 1))
    with pytest.raises(WorkflowError, match="reviewed in a supervision of the same worker"):
        action.mark(ACHIEVED, by=elsewhere.supervisor.user, in_session=elsewhere)
    assert marks(action) == []


def test_a_change_is_not_dated_before_the_last_one() -> None:
    action = an_action()
    action.mark(ACHIEVED, by=action.owner.user, on=dt.date(2025, 3, 10))

    with pytest.raises(WorkflowError, match="last changed on 10 March 2025"):
        action.mark(OPEN, by=action.owner.user, on=dt.date(2025, 3, 9))
    assert action.status == ACHIEVED


def test_an_unknown_status_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="'done'"):
        an_action().mark("done", by=StaffWithLoginFactory().user)


def test_the_second_of_two_marks_from_stale_pages_is_checked_against_the_stored_status() -> None:
    action = an_action()
    owners_page = Action.objects.get(pk=action.pk)
    setters_page = Action.objects.get(pk=action.pk)
    assert (owners_page.status, setters_page.status) == (OPEN, OPEN)

    owners_page.mark(ACHIEVED, by=action.owner.user, on=SET_ON)
    with pytest.raises(WorkflowError, match="already achieved"):
        setters_page.mark(ACHIEVED, by=action.session.supervisor.user, on=SET_ON)
    assert marks(action) == [(ACHIEVED, SET_ON)]
