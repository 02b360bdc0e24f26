"""Supervision agreements (N 6, 12.1 and Appendix 1; B 2.1 and Appendix A).

The line manager prepares the agreement, both people confirm it (each confirmation is that
person's signature), and it comes into force on the day of the second confirmation. A new line
manager means a new agreement; the earlier ones stay on the file, read-only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from oversight.access.agreements import can_confirm_agreement, can_start_agreement
from oversight.audit.models import AuditEvent
from oversight.facts.live import staff_obligations
from oversight.organisation.models import LineManagement
from oversight.supervision.models import (
    Agreement,
    AgreementError,
    AgreementLocked,
    AgreementNotAllowed,
    AgreementState,
    validate_frequency,
)
from oversight.web.agreements.forms import AgreementForm
from tests.council import DAY, TERMS, TODAY, council, signed_agreement, signed_agreement_between
from tests.factories import LineManagementFactory, StaffWithLoginFactory, user_in_group

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


def obligation(staff: Any, name: str) -> Any:
    found = staff_obligations([staff], TODAY)[staff.staff_id]
    return next((o for o in found if o.obligation == name), None)


def page(client: Any, user: Any, url: str, **post: Any) -> Any:
    client.force_login(user)
    return client.post(url, post) if post else client.get(url)


def audit_actions(agreement: Agreement) -> list[str]:
    return list(
        AuditEvent.objects.filter(
            object_type="supervision.agreement", object_id=str(agreement.pk)
        ).values_list("action", flat=True)
    )


# Signing ---------------------------------------------------------------------------------------


def test_it_is_signed_when_both_have_confirmed_and_the_engine_then_counts_it() -> None:
    team = council(worker_started=TODAY - 10 * DAY)
    assert obligation(team.worker, "supervision_agreement").status == "ok"

    agreement = Agreement.start(team.worker, team.manager, by=team.manager.user, **TERMS)
    assert agreement.state == AgreementState.DRAFT

    assert agreement.confirm(by=team.manager.user) == AgreementState.AWAITING_SUPERVISEE
    assert agreement.supervisor_confirmed_at is not None
    assert agreement.signed_date is None
    # One signature is not an agreement: the engine still sees none.
    assert obligation(team.worker, "supervision_agreement").status == "ok"

    assert agreement.confirm(by=team.worker.user) == AgreementState.SIGNED
    agreement.refresh_from_db()
    assert agreement.signed_date == TODAY
    assert agreement.supervisee_confirmed_at is not None
    met = obligation(team.worker, "supervision_agreement")
    assert (met.status, met.last_met) == ("met", TODAY)
    assert audit_actions(agreement) == ["create", "transition", "transition"]


def test_it_can_be_confirmed_by_the_supervisee_first() -> None:
    team = council(worker_started=TODAY - 10 * DAY)
    agreement = Agreement.start(team.worker, team.manager, by=team.manager.user, **TERMS)

    assert agreement.confirm(by=team.worker.user) == AgreementState.AWAITING_SUPERVISOR
    assert agreement.confirm(by=team.manager.user) == AgreementState.SIGNED


def test_it_gives_the_newham_review_date_from_the_signing(settings: Any) -> None:
    settings.OVERSIGHT_POLICY = "newham"
    team = council(worker_started=TODAY - 10 * DAY)
    assert obligation(team.worker, "agreement_review") is None

    signed_agreement(team)

    review = obligation(team.worker, "agreement_review")
    assert review.last_met == TODAY
    assert review.due_date > TODAY + dt.timedelta(days=180)


def test_it_counts_the_agreed_frequency_once_signed(settings: Any) -> None:
    settings.OVERSIGHT_POLICY = "newham"
    team = council(worker_started=TODAY - 10 * DAY)
    monthly = obligation(team.worker, "professional_supervision").due_date

    signed_agreement(team, frequency="7d")

    assert obligation(team.worker, "professional_supervision").due_date < monthly


# Who may do what -------------------------------------------------------------------------------


def test_it_is_started_only_with_the_current_line_manager() -> None:
    team = council(worker_started=TODAY - 10 * DAY)
    other = StaffWithLoginFactory(name="Other Manager", category="manager")

    with pytest.raises(AgreementError, match="Other Manager is not Wanda Worker's line manager"):
        Agreement.start(team.worker, other, by=other.user)
    with pytest.raises(AgreementNotAllowed, match="Only Tamsin Manager"):
        Agreement.start(team.worker, team.manager, by=team.head.user)
    assert not Agreement.objects.exists()


def test_it_refuses_a_second_draft_between_the_same_people() -> None:
    team = council(worker_started=TODAY - 10 * DAY)
    Agreement.start(team.worker, team.manager, by=team.manager.user)

    with pytest.raises(AgreementError, match="continue that one"):
        Agreement.start(team.worker, team.manager, by=team.manager.user)


def test_nobody_can_confirm_on_the_other_persons_behalf(client: Any) -> None:
    team = council(worker_started=TODAY - 10 * DAY)
    agreement = Agreement.start(team.worker, team.manager, by=team.manager.user, **TERMS)
    agreement.confirm(by=team.manager.user)

    with pytest.raises(AgreementError, match="You confirmed this agreement on"):
        agreement.confirm(by=team.manager.user)
    # The head of service sees it (they manage the chain) but cannot sign for either person.
    with pytest.raises(AgreementNotAllowed, match="nobody can give it on their behalf"):
        agreement.confirm(by=team.head.user)
    url = f"/agreements/{agreement.pk}/confirm/"
    assert page(client, team.head.user, url, go="1").status_code == 403
    assert page(client, user_in_group("qa", "Quality assurance"), url, go="1").status_code == 403

    agreement.refresh_from_db()
    assert agreement.state == AgreementState.AWAITING_SUPERVISEE


def test_it_clears_both_confirmations_when_the_terms_change_after_one_confirmed() -> None:
    team = council(worker_started=TODAY - 10 * DAY)
    agreement = Agreement.start(team.worker, team.manager, by=team.manager.user, **TERMS)
    agreement.confirm(by=team.worker.user)

    assert agreement.update_terms(by=team.manager.user, **TERMS) is False  # nothing changed
    assert agreement.supervisee_confirmed_at is not None

    assert agreement.update_terms(by=team.manager.user, location="Online") is True
    agreement.refresh_from_db()
    assert agreement.supervisee_confirmed_at is None
    assert agreement.supervisor_confirmed_at is None
    assert agreement.state == AgreementState.DRAFT
    change = AuditEvent.objects.filter(action="change", object_id=str(agreement.pk)).get()
    assert change.detail["confirmations_cleared"] == ["supervisee"]
    assert change.detail["changes"]["location"] == {
        "before": TERMS["location"],
        "after": "Online",
    }


def test_only_the_supervisor_changes_the_terms() -> None:
    team = council(worker_started=TODAY - 10 * DAY)
    agreement = Agreement.start(team.worker, team.manager, by=team.manager.user)

    with pytest.raises(AgreementNotAllowed, match="Only the supervisor, Tamsin Manager"):
        agreement.update_terms(by=team.worker.user, location="My kitchen")


def test_a_signed_agreement_is_read_only(client: Any) -> None:
    team = council(worker_started=TODAY - 10 * DAY)
    agreement = signed_agreement(team)

    with pytest.raises(AgreementLocked, match="start a new agreement"):
        agreement.update_terms(by=team.manager.user, location="Online")
    with pytest.raises(AgreementLocked):
        agreement.confirm(by=team.worker.user)
    agreement.location = "Online"
    with pytest.raises(AgreementLocked):
        agreement.save()
    assert page(client, team.manager.user, f"/agreements/{agreement.pk}/edit/").status_code == 403
    agreement.refresh_from_db()
    assert agreement.location == TERMS["location"]


def test_it_will_not_be_confirmed_with_terms_missing() -> None:
    team = council(worker_started=TODAY - 10 * DAY)
    agreement = Agreement.start(team.worker, team.manager, by=team.manager.user, location="Online")

    with pytest.raises(ValidationError) as raised:
        agreement.confirm(by=team.manager.user)

    assert raised.value.message_dict == {
        "session_length": ["Enter how long each session will last"],
        "recording": ["Enter who is responsible for recording supervision"],
        "confidentiality": ["Enter the extent of confidentiality"],
        "agenda_setting": ["Enter how the agenda will be set"],
        "mediating_difficulties": ["Enter how difficulties will be resolved"],
    }
    agreement.refresh_from_db()
    assert agreement.supervisor_confirmed_at is None


# A new supervisor (N 12.1) ---------------------------------------------------------------------


def test_a_new_supervisor_means_a_new_agreement_and_the_old_one_is_kept(client: Any) -> None:
    team = council(worker_started=TODAY - dt.timedelta(days=200))
    old = Agreement.start(
        team.worker, team.manager, by=team.manager.user, on=team.worker_started, **TERMS
    )
    old.confirm(by=team.manager.user, at=timezone.now() - dt.timedelta(days=190))
    old.confirm(by=team.worker.user, at=timezone.now() - dt.timedelta(days=190))
    LineManagement.objects.filter(staff=team.worker).update(end_date=TODAY - dt.timedelta(days=1))
    new_manager = StaffWithLoginFactory(
        name="New Manager", category="manager", team=team.manager.team
    )
    LineManagementFactory(staff=team.worker, manager=new_manager, start_date=TODAY)

    old.refresh_from_db()
    assert old.state == AgreementState.SUPERSEDED
    # The agreement with the previous supervisor does not count (N 12.1).
    assert obligation(team.worker, "supervision_agreement").status == "ok"
    with pytest.raises(AgreementLocked):
        old.update_terms(by=team.manager.user, location="Online")
    assert not can_start_agreement(team.manager.user, team.worker)
    assert can_start_agreement(new_manager.user, team.worker)

    response = page(client, new_manager.user, f"/agreements/staff/{team.worker.pk}/")
    text = response.content.decode()
    assert "There is no signed agreement with the current line manager." in text
    assert "Earlier agreements" in text
    assert "Tamsin Manager" in text
    assert "Start a new agreement" in text

    new = Agreement.start(team.worker, new_manager, by=new_manager.user, **TERMS)
    new.confirm(by=new_manager.user)
    new.confirm(by=team.worker.user)
    assert obligation(team.worker, "supervision_agreement").status == "met"
    # The old one is still there, unchanged, and the worker still sees it.
    response = page(client, team.worker.user, f"/agreements/{old.pk}/")
    assert response.status_code == 200
    assert "is no longer Wanda Worker&#x27;s line manager" in response.content.decode()
    assert "Confirm agreement" not in response.content.decode()


def test_a_draft_with_a_supervisor_who_has_moved_on_can_no_longer_be_signed() -> None:
    team = council(worker_started=TODAY - 10 * DAY)
    draft = Agreement.start(team.worker, team.manager, by=team.manager.user, **TERMS)
    draft.confirm(by=team.manager.user)
    LineManagement.objects.filter(staff=team.worker).update(end_date=TODAY - dt.timedelta(days=1))
    LineManagementFactory(staff=team.worker, manager=team.head, start_date=TODAY)

    assert draft.state == AgreementState.SUPERSEDED
    with pytest.raises(
        AgreementLocked, match="Tamsin Manager is no longer Wanda Worker's line manager"
    ):
        draft.confirm(by=team.worker.user)
    assert not can_confirm_agreement(team.worker.user, draft)
    assert can_start_agreement(team.head.user, team.worker)


def test_a_review_supersedes_the_earlier_agreement_with_the_same_manager() -> None:
    team = council(worker_started=TODAY - dt.timedelta(days=200))
    first = Agreement.start(team.worker, team.manager, by=team.manager.user, **TERMS)
    first.confirm(by=team.manager.user, at=timezone.now() - dt.timedelta(days=180))
    first.confirm(by=team.worker.user, at=timezone.now() - dt.timedelta(days=180))

    review = signed_agreement(team, location="Online")

    first.refresh_from_db()
    assert (first.state, review.state) == (AgreementState.SUPERSEDED, AgreementState.SIGNED)
    states = {a.pk: a.state for a in Agreement.objects.with_state(TODAY)}
    assert states == {first.pk: "superseded", review.pk: "signed"}
    assert list(Agreement.objects.not_superseded_on(TODAY)) == [review]


def test_a_second_signing_on_the_same_day_is_refused_with_the_reason() -> None:
    team = council(worker_started=TODAY - 10 * DAY)
    signed_agreement(team)
    again = Agreement.start(team.worker, team.manager, by=team.manager.user, **TERMS)
    again.confirm(by=team.manager.user)

    with pytest.raises(AgreementError, match="only one agreement between the same two people"):
        again.confirm(by=team.worker.user)
    again.refresh_from_db()
    assert again.supervisee_confirmed_at is None


# Frequency -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"), [("", ""), ("14d", "14d"), (" 14 d ", "14d"), ("1m", "1m"), ("3wd", "3wd")]
)
def test_it_stores_a_frequency_as_a_period(typed: str, stored: str) -> None:
    assert validate_frequency(typed) == stored


@pytest.mark.parametrize("typed", ["fortnightly", "2 weeks", "-14d", "0d"])
def test_it_names_a_bad_frequency_and_the_fix(typed: str) -> None:
    with pytest.raises(ValidationError) as raised:
        validate_frequency(typed)
    message = raised.value.messages[0]
    assert f"'{typed}' is not a frequency" in message
    assert "for example 14d" in message
    assert "empty to follow the policy" in message


def test_a_bad_frequency_is_refused_by_the_model_too() -> None:
    team = council(worker_started=TODAY - 10 * DAY)
    with pytest.raises(ValidationError, match="'weekly' is not a frequency"):
        Agreement.start(team.worker, team.manager, by=team.manager.user, frequency="weekly")
    assert not Agreement.objects.exists()


# Pages -----------------------------------------------------------------------------------------


def test_it_keeps_every_field_and_shows_the_error_summary_on_a_bad_frequency(client: Any) -> None:
    team = council(worker_started=TODAY - 10 * DAY)
    typed = {**TERMS, "frequency": "fortnightly", "action": "confirm"}

    response = page(client, team.manager.user, f"/agreements/new/{team.worker.pk}/", **typed)

    text = response.content.decode()
    assert response.status_code == 400
    assert '<div class="govuk-error-summary"' in text
    assert "<title>Error: " in text
    assert 'href="#id_frequency"' in text
    assert "&#x27;fortnightly&#x27; is not a frequency" in text
    assert '<option value="fortnightly" selected>' in text
    for name, value in TERMS.items():
        if name != "frequency":
            assert value.replace("'", "&#x27;") in text, name
    assert not Agreement.objects.exists()


@pytest.mark.parametrize("typed", ["999999999d", "3661d", "121m", "9" * 10_000 + "d"])
def test_a_frequency_longer_than_ten_years_is_refused_by_the_form(typed: str) -> None:
    form = AgreementForm({"frequency": typed})

    assert not form.is_valid()
    message = form.errors["frequency"][0]
    assert "is too long: a period can be at most about 10 years" in message
    assert "Choose a frequency from the list, or leave it empty" in message
    assert len(message) < 250


def test_an_absurd_frequency_is_refused_by_the_model_too() -> None:
    team = council(worker_started=TODAY - 10 * DAY)
    with pytest.raises(ValidationError, match="'999999999d' is not a frequency"):
        Agreement.start(team.worker, team.manager, by=team.manager.user, frequency="999999999d")
    assert not Agreement.objects.exists()


def test_the_agreement_page_names_an_absurd_frequency_and_my_work_still_shows(client: Any) -> None:
    team = council(worker_started=TODAY - 10 * DAY)
    typed = {**TERMS, "frequency": "999999999d", "action": "confirm"}

    response = page(client, team.manager.user, f"/agreements/new/{team.worker.pk}/", **typed)

    assert response.status_code == 400
    assert "&#x27;999999999d&#x27; is too long" in response.content.decode()
    assert not Agreement.objects.exists()
    assert page(client, team.manager.user, "/").status_code == 200


def test_save_and_confirm_with_terms_missing_saves_nothing_and_names_each(client: Any) -> None:
    team = council(worker_started=TODAY - 10 * DAY)
    response = page(
        client,
        team.manager.user,
        f"/agreements/new/{team.worker.pk}/",
        location="Online",
        action="confirm",
    )

    text = response.content.decode()
    assert response.status_code == 400
    assert 'href="#id_session_length">Enter how long each session will last' in text
    assert 'value="Online"' in text
    assert not Agreement.objects.exists()


def test_the_whole_flow_through_the_pages(client: Any) -> None:
    team = council(worker_started=TODAY - 10 * DAY)
    staff_page = page(client, team.manager.user, f"/agreements/staff/{team.worker.pk}/")
    assert "Start a new agreement" in staff_page.content.decode()

    draft = page(
        client, team.manager.user, f"/agreements/new/{team.worker.pk}/", **TERMS, action="draft"
    )
    agreement = Agreement.objects.get()
    assert draft.url == f"/agreements/{agreement.pk}/"
    assert agreement.state == AgreementState.DRAFT

    edited = page(
        client,
        team.manager.user,
        f"/agreements/{agreement.pk}/edit/",
        **{**TERMS, "location": "Online"},
        action="confirm",
    )
    assert edited.status_code == 302
    agreement.refresh_from_db()
    assert (agreement.location, agreement.state) == ("Online", "awaiting_supervisee")

    seen = page(client, team.worker.user, f"/agreements/{agreement.pk}/").content.decode()
    assert "Confirm agreement" in seen
    assert "Change the terms" not in seen
    assert page(client, team.worker.user, f"/agreements/{agreement.pk}/edit/").status_code == 403

    page(client, team.worker.user, f"/agreements/{agreement.pk}/confirm/", go="1")
    agreement.refresh_from_db()
    assert agreement.signed_date == TODAY
    assert "view" in audit_actions(agreement)

    listed = page(client, team.head.user, "/agreements/").content.decode()
    assert "Wanda Worker" in listed
    assert "Signed" in listed


def test_a_review_form_starts_from_the_terms_in_force(client: Any) -> None:
    team = council(worker_started=TODAY - 10 * DAY)
    signed_agreement(team, location="The family centre")

    form = page(client, team.manager.user, f"/agreements/new/{team.worker.pk}/")

    assert 'value="The family centre"' in form.content.decode()


def test_the_policy_default_is_explained_beside_the_frequency(client: Any, settings: Any) -> None:
    settings.OVERSIGHT_POLICY = "bedford"
    team = council(worker_started=TODAY - 10 * DAY)

    form = page(client, team.manager.user, f"/agreements/new/{team.worker.pk}/").content.decode()

    assert "“As the policy says” means every 4 weeks for this role (bedford 2.1)" in form


def test_the_staff_page_shows_the_review_date_the_policy_gives(client: Any, settings: Any) -> None:
    settings.OVERSIGHT_POLICY = "newham"
    team = council(worker_started=TODAY - 10 * DAY)
    agreement = signed_agreement(team)
    due = obligation(team.worker, "agreement_review").due_date

    text = page(client, team.worker.user, f"/agreements/staff/{team.worker.pk}/").content.decode()

    assert f"{due.day} {due:%B %Y}" in text
    assert "newham 6.1" in text
    assert f"/agreements/{agreement.pk}/" in text
    assert "Start a new agreement" not in text  # the worker does not start agreements


# Access ----------------------------------------------------------------------------------------


def test_another_teams_worker_gets_403_by_changing_the_id(client: Any) -> None:
    team = council(worker_started=TODAY - 10 * DAY)
    agreement = Agreement.start(team.worker, team.manager, by=team.manager.user, **TERMS)
    outsider = team.outsider.user

    for url in (
        f"/agreements/{agreement.pk}/",
        f"/agreements/{agreement.pk}/edit/",
        f"/agreements/staff/{team.worker.pk}/",
        f"/agreements/new/{team.worker.pk}/",
    ):
        assert page(client, outsider, url).status_code == 403, url
    assert page(client, outsider, f"/agreements/{agreement.pk}/confirm/", go="1").status_code == 403
    # Another team's manager is no better off.
    assert page(client, team.other_manager.user, f"/agreements/{agreement.pk}/").status_code == 403
    assert "Wanda Worker" not in page(client, outsider, "/agreements/").content.decode()
    assert audit_actions(agreement) == ["create"]


def test_quality_assurance_reads_but_cannot_change(client: Any) -> None:
    team = council(worker_started=TODAY - 10 * DAY)
    agreement = Agreement.start(team.worker, team.manager, by=team.manager.user, **TERMS)
    qa = user_in_group("qa", "Quality assurance")

    text = page(client, qa, f"/agreements/{agreement.pk}/").content.decode()

    assert "Tamsin Manager and Wanda Worker" in text
    assert "Confirm agreement" not in text
    assert "Change the terms" not in text
    assert page(client, qa, f"/agreements/{agreement.pk}/edit/").status_code == 403


def test_hr_reads_only_the_agreements_of_people_who_have_left(client: Any) -> None:
    team = council(worker_started=TODAY - 10 * DAY)
    left = signed_agreement(team)
    stays = signed_agreement_between(team.outsider, team.other_manager)
    team.worker.end_date = TODAY - dt.timedelta(days=1)
    team.worker.save()
    hr = user_in_group("hr", "HR")

    assert page(client, hr, f"/agreements/{left.pk}/").status_code == 200
    assert page(client, hr, f"/agreements/{stays.pk}/").status_code == 403


def test_every_view_of_an_agreement_is_audited(client: Any) -> None:
    team = council(worker_started=TODAY - 10 * DAY)
    agreement = signed_agreement(team)

    page(client, team.head.user, f"/agreements/{agreement.pk}/")

    event = AuditEvent.objects.filter(action="view", object_id=str(agreement.pk)).get()
    assert event.actor == team.head.user
