"""Lost updates (issue 9, finding 5): two pages open on the same thing, both saved. The second save
is refused rather than silently overwriting the first; the person keeps what they typed, is told
who saved and when, and sees what was saved where it differs from their answers. Saving again from
that page (which now carries the version just saved) goes through.
"""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from oversight.audit.actor import Actor
from oversight.records import writing
from oversight.records.models import CaseNote, OversightNote, ProfessionalRecord
from oversight.supervision.models import Agreement, Session
from oversight.versions import EditConflict
from tests.council import (
    TERMS,
    TODAY,
    Council,
    conference_children,
    council,
    date_fields,
    no_actions,
    smith_children,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

REFUSED = "saved this record at 09:00, after you opened it"


def tab(user: Any) -> Client:
    """A browser tab signed in as `user` (each Client is one tab with its own page open)."""
    client = Client()
    client.force_login(user)
    return client


def opened(client: Client, url: str) -> dict[str, str]:
    """Open the page and keep the hidden version it carries, as a browser would post it back."""
    page = client.get(url).content.decode()
    found = re.search(r'name="version" value="(\d+)"', page)
    assert found, "the form carries no version"
    answers = re.search(r'name="opened" value="([^"]*)"', page)
    assert answers, "the form carries no record of the answers it was opened with"
    return {"version": found.group(1), "opened": html.unescape(answers.group(1))}


def listed_as_saved_since(page: str) -> list[str]:
    """The questions the conflict panel lists as changed by someone else."""
    panel = page.split('id="their-changes"', 1)[1].split("</dl>", 1)[0]
    return re.findall(r'<dt class="govuk-summary-list__key">([^<]*)</dt>', panel)


def version_on(page: str) -> str:
    found = re.search(r'name="version" value="(\d+)"', page)
    assert found
    return found.group(1)


def text(response: Any) -> str:
    return html.unescape(response.content.decode())


def no_rows(prefix: str) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": "0",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


# The professional part of a one-to-one ---------------------------------------------------------


def professional(**fields: str) -> dict[str, str]:
    return {**no_rows("actions"), **no_rows("learning"), "save_draft": "1", **fields}


def test_it_refuses_the_second_of_two_tabs_saving_the_professional_part_and_loses_nothing() -> None:
    team = smith_children(council())
    record = team.session()
    url = f"/records/{record.pk}/write/professional/"
    tab_a, tab_b = tab(team.manager_user), tab(team.manager_user)
    seen_a, seen_b = opened(tab_a, url), opened(tab_b, url)

    saved_a = tab_a.post(url, professional(welfare="A: finding the caseload heavy.", **seen_a))
    refused = tab_b.post(url, professional(workload="B: eighteen children.", **seen_b))

    assert saved_a.status_code == 302
    assert refused.status_code == 200
    page = text(refused)
    assert "You, in another tab or window, " + REFUSED in page
    assert "B: eighteen children." in page  # what B typed is still in the form
    assert "A: finding the caseload heavy." in page  # what A saved is shown beside it
    stored = ProfessionalRecord.objects.get(session=record)
    assert (stored.welfare, stored.workload) == ("A: finding the caseload heavy.", "")

    again = tab_b.post(
        url,
        professional(
            welfare="A: finding the caseload heavy.",
            workload="B: eighteen children.",
            version=version_on(page),
        ),
    )

    assert again.status_code == 302
    stored.refresh_from_db()
    assert (stored.welfare, stored.workload) == (
        "A: finding the caseload heavy.",
        "B: eighteen children.",
    )


def test_it_lists_only_what_the_other_tab_changed_not_what_this_one_did() -> None:
    team = smith_children(council())
    record = team.session()
    url = f"/records/{record.pk}/write/professional/"
    tab_a, tab_b = tab(team.manager_user), tab(team.manager_user)
    seen_a, seen_b = opened(tab_a, url), opened(tab_b, url)
    tab_a.post(url, professional(welfare="A: finding the caseload heavy.", **seen_a))

    refused = tab_b.post(url, professional(workload="B: eighteen children.", **seen_b))

    listed = listed_as_saved_since(refused.content.decode())
    assert any("welfare" in label.lower() for label in listed), listed
    assert not any("workload" in label.lower() for label in listed), listed


def test_a_form_shown_again_with_an_error_keeps_the_version_it_was_opened_at() -> None:
    team = smith_children(council())
    record = team.session()
    url = f"/records/{record.pk}/write/professional/"
    tab_a, tab_b = tab(team.manager_user), tab(team.manager_user)
    seen_a, seen_b = opened(tab_a, url), opened(tab_b, url)
    tab_a.post(url, professional(welfare="A's words.", **seen_a))

    with_error = tab_b.post(
        url, professional(workload="B's words.", next_session_time="25:99", **seen_b)
    )

    assert version_on(text(with_error)) == seen_b["version"]  # not quietly moved on
    fixed = tab_b.post(
        url, professional(workload="B's words.", version=version_on(text(with_error)))
    )
    assert "saved this record" in text(fixed)
    assert ProfessionalRecord.objects.get(session=record).welfare == "A's words."


# A child's case note -----------------------------------------------------------------------------


def test_it_refuses_the_second_of_two_tabs_saving_a_childs_note_and_loses_nothing() -> None:
    team = smith_children(council())
    record = team.session()
    url = f"/records/{record.pk}/write/cases/{team.amy.pk}/"
    tab_a, tab_b = tab(team.manager_user), tab(team.manager_user)
    seen_a, seen_b = opened(tab_a, url), opened(tab_b, url)

    saved_a = tab_a.post(url, {**no_rows("actions"), "purpose": "A: keep Amy safe.", **seen_a})
    refused = tab_b.post(
        url, {**no_rows("actions"), "analysis": "B: the routine helped.", **seen_b}
    )

    assert saved_a.status_code == 302
    page = text(refused)
    assert REFUSED in page
    assert "B: the routine helped." in page
    assert "A: keep Amy safe." in page
    assert CaseNote.objects.get(session=record, case=team.amy).analysis == ""

    again = tab_b.post(
        url,
        {
            **no_rows("actions"),
            "purpose": "A: keep Amy safe.",
            "analysis": "B: the routine helped.",
            "version": version_on(page),
        },
    )

    assert again.status_code == 302
    note = CaseNote.objects.get(session=record, case=team.amy)
    assert (note.purpose, note.analysis) == ("A: keep Amy safe.", "B: the routine helped.")


def test_notes_on_two_different_children_are_saved_side_by_side() -> None:
    team = smith_children(council())
    record = team.session()
    amy = f"/records/{record.pk}/write/cases/{team.amy.pk}/"
    ben = f"/records/{record.pk}/write/cases/{team.ben.pk}/"
    tab_a, tab_b = tab(team.manager_user), tab(team.manager_user)
    seen_a, seen_b = opened(tab_a, amy), opened(tab_b, ben)

    assert tab_a.post(amy, {**no_rows("actions"), "purpose": "Amy's.", **seen_a}).status_code == 302
    assert tab_b.post(ben, {**no_rows("actions"), "purpose": "Ben's.", **seen_b}).status_code == 302


# The one-page records ----------------------------------------------------------------------------


def oversight(office: Council, **changes: Any) -> dict[str, Any]:
    return {
        "type": "management_oversight",
        **date_fields("date", TODAY),
        "worker": str(office.worker.pk),
        "discussion": "School reported new bruising on Milo's arm.",
        "decision": "Convene a strategy discussion today.",
        "rationale": "Threshold for section 47 enquiries is met.",
        **no_actions(0),
        "save": "1",
        **changes,
    }


def test_it_refuses_the_second_of_two_tabs_saving_an_oversight_record_and_loses_nothing() -> None:
    office = conference_children(council())
    manager = tab(office.manager_user)
    manager.post(
        reverse("records:oversight_new") + f"?case={office.case.case_id}", oversight(office)
    )
    session = Session.objects.get()
    url = reverse("records:edit_other", args=[session.pk])
    tab_a, tab_b = tab(office.manager_user), tab(office.manager_user)
    seen_a, seen_b = opened(tab_a, url), opened(tab_b, url)

    tab_a.post(url, oversight(office, decision="A: strategy discussion held.", **seen_a))
    refused = tab_b.post(url, oversight(office, rationale="B: new disclosure at school.", **seen_b))

    page = text(refused)
    assert REFUSED in page
    assert "B: new disclosure at school." in page
    assert "A: strategy discussion held." in page
    assert OversightNote.objects.get().decision == "A: strategy discussion held."

    again = tab_b.post(
        url,
        oversight(
            office,
            decision="A: strategy discussion held.",
            rationale="B: new disclosure at school.",
            version=version_on(page),
        ),
    )

    assert again.status_code == 302
    note = OversightNote.objects.get()
    assert (note.decision, note.rationale) == (
        "A: strategy discussion held.",
        "B: new disclosure at school.",
    )


def test_it_names_the_person_who_saved_in_between() -> None:
    office = conference_children(council())
    manager = tab(office.manager_user)
    manager.post(
        reverse("records:oversight_new") + f"?case={office.case.case_id}", oversight(office)
    )
    session = Session.objects.get()
    url = reverse("records:edit_other", args=[session.pk])
    seen = opened(manager, url)
    # Someone else's save, straight through the domain operation.
    writing.save_oversight(
        by=Actor(office.head.user),
        session=session,
        author=office.manager,
        case=office.case,
        data={"type": "management_oversight", "date": TODAY, "worker": office.worker}
        | {"discussion": "Seen by the head.", "decision": "Agreed.", "rationale": "Safe."},
        actions=[],
        posted=writing.Posted(seen_version=int(seen["version"])),
    )

    refused = manager.post(url, oversight(office, **seen))

    assert f"Someone else ({office.head.name}) {REFUSED}" in text(refused)


def test_the_domain_operation_refuses_a_save_from_an_older_version() -> None:
    office = conference_children(council())
    session = writing.save_observation(
        by=Actor(office.manager_user),
        session=None,
        author=office.manager,
        worker=office.worker,
        data={"date": TODAY, "setting": "home_visit", "setting_detail": "", "strengths": "Calm"}
        | {"areas_for_development": "", "worker_reflection": ""},
        actions=[],
    )
    opened_at = session.version

    def save(strengths: str) -> None:
        writing.save_observation(
            by=Actor(office.manager_user),
            session=Session.objects.get(pk=session.pk),
            author=office.manager,
            worker=office.worker,
            data={
                "date": TODAY,
                "setting": "home_visit",
                "setting_detail": "",
                "strengths": strengths,
            }
            | {"areas_for_development": "", "worker_reflection": ""},
            actions=[],
            posted=writing.Posted(seen_version=opened_at),
        )

    save("Calm and clear")
    with pytest.raises(EditConflict):
        save("Warm")


# Agreement terms ---------------------------------------------------------------------------------


def test_it_refuses_the_second_of_two_tabs_saving_agreement_terms_and_loses_nothing() -> None:
    team = council()
    agreement = Agreement.start(team.worker, team.manager, by=team.manager_user, **TERMS)
    url = f"/agreements/{agreement.pk}/edit/"
    tab_a, tab_b = tab(team.manager_user), tab(team.manager_user)
    seen_a, seen_b = opened(tab_a, url), opened(tab_b, url)

    saved_a = tab_a.post(url, {**TERMS, "location": "A: online", "action": "draft", **seen_a})
    refused = tab_b.post(
        url, {**TERMS, "session_length": "B: 2 hours", "action": "draft", **seen_b}
    )

    assert saved_a.status_code == 302
    page = text(refused)
    assert "You, in another tab or window, saved this agreement at 09:00" in page
    assert "B: 2 hours" in page
    assert "A: online" in page
    agreement.refresh_from_db()
    assert (agreement.location, agreement.session_length) == ("A: online", "90 minutes")

    again = tab_b.post(
        url,
        {
            **TERMS,
            "location": "A: online",
            "session_length": "B: 2 hours",
            "action": "draft",
            "version": version_on(page),
        },
    )

    assert again.status_code == 302
    agreement.refresh_from_db()
    assert (agreement.location, agreement.session_length) == ("A: online", "B: 2 hours")
