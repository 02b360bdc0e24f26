"""Agreements move only as AGREEMENT_TRANSITIONS says (N 6, Appendix 1; B Appendix A).

Prepared by the line manager, confirmed by one person, signed when the other confirms; new terms
after one confirmation send it back to a draft. Every move appends a history row and an audit
entry. Superseded is read from the organisation on the day, never a move.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from oversight.audit.models import AuditEvent
from oversight.supervision.models import (
    AGREEMENT_TRANSITIONS,
    Agreement,
    AgreementError,
    AgreementLocked,
    AgreementNotAllowed,
    AgreementRole,
    AgreementState,
)
from oversight.transitions import AppendOnlyError, WorkflowError
from tests.council import DAY, TERMS, TODAY, Council, council, signed_agreement
from tests.factories import StaffWithLoginFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

D, WS, WR, S = (
    AgreementState.DRAFT,
    AgreementState.AWAITING_SUPERVISEE,
    AgreementState.AWAITING_SUPERVISOR,
    AgreementState.SIGNED,
)


def draft(team: Council) -> Agreement:
    return Agreement.start(team.worker, team.manager, by=team.manager.user, **TERMS)


def moves(agreement: Agreement) -> list[tuple[str, str, Any]]:
    return [(t.from_state, t.to_state, t.by) for t in agreement.history()]


def audits(agreement: Agreement) -> list[tuple[str, str, str]]:
    return [
        (action, detail.get("from"), detail.get("to"))
        for action, detail in AuditEvent.objects.filter(
            object_type="supervision.agreement", object_id=str(agreement.pk)
        )
        .exclude(action="create")
        .order_by("pk")
        .values_list("action", "detail")
    ]


def test_the_table_lists_every_move_an_agreement_can_make() -> None:
    sup, see = AgreementRole.SUPERVISOR, AgreementRole.SUPERVISEE
    assert {(m.name, m.from_state, m.to_state, m.who) for m in AGREEMENT_TRANSITIONS} == {
        ("confirm", D, WS, sup),
        ("confirm", D, WR, see),
        ("confirm", WR, S, sup),
        ("confirm", WS, S, see),
        ("change_terms", WS, D, sup),
        ("change_terms", WR, D, sup),
    }


# Every allowed move ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "waiting", "second"),
    [("manager", WS, "worker"), ("worker", WR, "manager")],
)
def test_it_is_signed_by_the_second_confirmation_whoever_goes_first(
    first: str, waiting: str, second: str
) -> None:
    team = council(worker_started=TODAY - 10 * DAY)
    agreement = draft(team)
    at = timezone.now()

    assert agreement.confirm(by=team.user(first), at=at) == waiting
    assert agreement.confirm(by=team.user(second), at=at) == S

    agreement.refresh_from_db()
    assert agreement.signed_date == timezone.localdate(at)
    assert moves(agreement) == [(D, waiting, team.user(first)), (waiting, S, team.user(second))]
    assert [t.at for t in agreement.history()] == [at, at]
    assert audits(agreement) == [("transition", D, waiting), ("transition", waiting, S)]


@pytest.mark.parametrize("first", ["manager", "worker"])
def test_new_terms_after_one_confirmation_send_it_back_to_a_draft(first: str) -> None:
    team = council(worker_started=TODAY - 10 * DAY)
    agreement = draft(team)
    agreement.confirm(by=team.user(first))
    waiting = agreement.state

    assert agreement.update_terms(by=team.manager.user, location="Online") is True

    assert agreement.state == D
    assert moves(agreement)[-1] == (waiting, D, team.manager.user)
    assert audits(agreement)[-1] == ("change", waiting, D)


def test_new_terms_on_a_draft_are_an_edit_not_a_move() -> None:
    team = council(worker_started=TODAY - 10 * DAY)
    agreement = draft(team)

    assert agreement.update_terms(by=team.manager.user, location="Online") is True

    assert moves(agreement) == []
    assert audits(agreement) == [("change", None, None)]


# Every refused move, with its message ------------------------------------------------------


def test_each_person_confirms_once() -> None:
    team = council(worker_started=TODAY - 10 * DAY)
    agreement = draft(team)
    agreement.confirm(by=team.worker.user)

    with pytest.raises(
        AgreementError, match=r"You confirmed this agreement on .* waiting for Tamsin Manager"
    ):
        agreement.confirm(by=team.worker.user)
    assert len(moves(agreement)) == 1


def test_nobody_confirms_for_someone_else() -> None:
    team = council(worker_started=TODAY - 10 * DAY)
    agreement = draft(team)

    for user in (team.head.user, StaffWithLoginFactory().user):
        with pytest.raises(AgreementNotAllowed, match="nobody can give it on their behalf"):
            agreement.confirm(by=user)
    assert moves(agreement) == []


@pytest.mark.parametrize("move", ["confirm", "change"])
def test_nothing_moves_a_signed_agreement(move: str) -> None:
    team = council(worker_started=TODAY - 10 * DAY)
    agreement = signed_agreement(team)

    def attempt() -> Any:
        if move == "confirm":
            return agreement.confirm(by=team.worker.user)
        return agreement.update_terms(by=team.manager.user, location="Online")

    with pytest.raises(AgreementLocked, match=f"Cannot {move} this agreement: it was signed on"):
        attempt()
    assert len(moves(agreement)) == 2


def test_a_superseded_agreement_cannot_be_confirmed() -> None:
    team = council(worker_started=TODAY - 30 * DAY)
    agreement = draft(team)
    agreement.confirm(by=team.manager.user)
    new_manager = StaffWithLoginFactory(category="manager", name="New Manager")
    team.worker.line_management.update(end_date=TODAY - DAY)
    team.worker.line_management.create(manager=new_manager, start_date=TODAY)

    assert agreement.state == AgreementState.SUPERSEDED
    with pytest.raises(
        AgreementLocked, match="Tamsin Manager is no longer Wanda Worker's line manager"
    ):
        agreement.confirm(by=team.worker.user)
    assert len(moves(agreement)) == 1


def test_only_the_supervisor_changes_the_terms_after_a_confirmation() -> None:
    team = council(worker_started=TODAY - 10 * DAY)
    agreement = draft(team)
    agreement.confirm(by=team.worker.user)

    with pytest.raises(AgreementNotAllowed, match="Only the supervisor, Tamsin Manager"):
        agreement.update_terms(by=team.worker.user, location="My kitchen")
    assert agreement.state == WR


def test_its_errors_are_workflow_errors_and_its_history_only_grows() -> None:
    team = council(worker_started=TODAY - 10 * DAY)
    agreement = signed_agreement(team)
    assert issubclass(AgreementError, WorkflowError)

    row = agreement.history().first()
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()


def test_the_second_of_two_people_confirming_from_stale_pages_signs_it_once() -> None:
    # Both loaded the draft; the manager confirmed first, then the worker's confirmation signs it.
    team = council(worker_started=TODAY - 10 * DAY)
    agreement = draft(team)
    managers_page = Agreement.objects.get(pk=agreement.pk)
    workers_page = Agreement.objects.get(pk=agreement.pk)

    assert managers_page.confirm(by=team.manager.user) == WS
    assert workers_page.confirm(by=team.worker.user) == S
    with pytest.raises(AgreementLocked):
        managers_page.confirm(by=team.manager.user)
    assert [to for _, to, _ in moves(agreement)] == [WS, S]
