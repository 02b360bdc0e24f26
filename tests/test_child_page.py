"""A child's page: who they are, who holds them, what the policy asks, and their chronology.

Only whoever may see the child on the day opens it (the allocated worker, the managers above
them, quality assurance); every opening is audited. The chronology shows case notes, oversight
notes and actions across workers and over time, newest first; a draft stays with its author.
"""

from __future__ import annotations

import re

import pytest

from oversight.audit.models import AuditEvent
from oversight.cases.models import SiblingGroup
from oversight.web.mywork.links import record_url
from tests.council import DAY, action, child, council, record, sent, today
from tests.factories import (
    AllocationFactory,
    CaseFactory,
    LineManagementFactory,
    OversightNoteFactory,
    StaffWithLoginFactory,
    user_in_group,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_it_shows_the_child_their_worker_status_and_what_is_due(client) -> None:
    org = council(last_supervised=today() - 10 * DAY)
    case = child(org.worker, name="Amara Okafor", last_supervised=today() - 60 * DAY)
    client.force_login(org.worker.user)

    page = text_of(client.get(f"/children/{case.case_id}/").content.decode())

    assert "Amara Okafor" in page
    assert f"Child ID {case.case_id}" in page
    assert "Child in need since" in page
    assert "Wanda Worker, Court Team 1" in page
    assert "Case supervision" in page
    assert "Overdue" in page
    assert "case supervision every 8 weeks" in page
    assert "Policy rule: bedford 3.1.4" in page


def test_it_audits_each_opening_of_a_childs_page(client) -> None:
    org = council(last_supervised=today() - 10 * DAY)
    case = child(org.worker, name="Amara Okafor")
    client.force_login(org.worker.user)

    client.get(f"/children/{case.case_id}/")

    entry = AuditEvent.objects.get(action="view", object_type="cases.case")
    assert entry.object_id == str(case.pk)
    assert entry.actor == org.worker.user


def test_it_lets_the_workers_managers_and_quality_assurance_open_the_page(client) -> None:
    org = council(last_supervised=today() - 10 * DAY)
    case = child(org.worker, name="Amara Okafor")

    for user in (org.manager.user, org.head.user, user_in_group("qa", "Quality assurance")):
        client.force_login(user)
        assert client.get(f"/children/{case.case_id}/").status_code == 200


def test_it_refuses_a_worker_in_another_team_who_changes_the_id_in_the_address(client) -> None:
    org = council(last_supervised=today() - 10 * DAY)
    theirs = child(org.outsider, name="Their Child")
    mine = child(org.worker, name="My Child")
    client.force_login(org.worker.user)

    assert client.get(f"/children/{mine.case_id}/").status_code == 200
    assert client.get(f"/children/{theirs.case_id}/").status_code == 403
    assert client.get(f"/children/{theirs.case_id}/").status_code == 403
    assert not AuditEvent.objects.filter(object_id=str(theirs.pk)).exists()


def test_it_refuses_the_other_managers_and_says_so_for_an_unknown_child(client) -> None:
    org = council(last_supervised=today() - 10 * DAY)
    case = child(org.worker, name="Amara Okafor")
    client.force_login(org.other_manager.user)

    assert client.get(f"/children/{case.case_id}/").status_code == 403
    assert client.get("/children/NO-SUCH-CHILD/").status_code == 404


def test_it_links_brothers_and_sisters_the_viewer_may_see_and_names_no_others(client) -> None:
    org = council(last_supervised=today() - 10 * DAY)
    family = SiblingGroup.objects.create(name="Okafor family")
    case = child(org.worker, name="Amara Okafor")
    sister = child(org.worker, name="Bisi Okafor")
    brother = child(org.outsider, name="Chidi Okafor")
    for member in (case, sister, brother):
        member.sibling_group = family
        member.save()
    client.force_login(org.worker.user)

    page = client.get(f"/children/{case.case_id}/").content.decode()

    assert f'href="/children/{sister.case_id}/"' in page
    assert "Bisi Okafor" in page
    assert f"Child ID {brother.case_id} (not allocated to you or your team)" in page
    assert "Chidi" not in page


def test_it_shows_the_chronology_newest_first_across_workers(client) -> None:
    org = council(last_supervised=today() - 10 * DAY)
    case = child(org.worker, name="Amara Okafor")
    # The child was held by the colleague first and supervised with their manager.
    AllocationFactory(case=case, worker=org.colleague, start_date=today() - 365 * DAY)
    older = record(org.manager, org.colleague, today() - 60 * DAY, case=case)
    older.case_notes.update(purpose="First worker's purpose")
    action(older, due=today() - 50 * DAY, text="Older action", case=case)
    sent(older)
    newer = record(org.manager, org.worker, today() - 5 * DAY, case=case)
    newer.case_notes.update(purpose="Second worker's purpose")
    sent(newer)
    oversight = record(org.head, org.manager, today() - 20 * DAY)
    oversight.type = "management_oversight"
    oversight.save()
    OversightNoteFactory(session=oversight, case=case, decision="Step up to a strategy meeting")
    sent(oversight)
    client.force_login(org.worker.user)

    page = text_of(client.get(f"/children/{case.case_id}/").content.decode())
    chronology = page[page.index("Chronology") :]

    newest = chronology.index("Second worker&#x27;s purpose")
    middle = chronology.index("Step up to a strategy meeting")
    oldest = chronology.index("First worker&#x27;s purpose")
    assert newest < middle < oldest < chronology.index("Older action")
    assert "Colin Colleague" in chronology
    assert "Wanda Worker" in chronology


def test_it_keeps_a_draft_note_to_its_author(client) -> None:
    org = council(last_supervised=today() - 10 * DAY)
    case = child(org.worker, name="Amara Okafor")
    draft = record(org.manager, org.worker, today() - DAY, case=case)
    draft.case_notes.update(purpose="Not yet shared with anyone")

    client.force_login(org.worker.user)
    worker_page = client.get(f"/children/{case.case_id}/").content.decode()
    client.force_login(org.head.user)
    head_page = client.get(f"/children/{case.case_id}/").content.decode()
    client.force_login(org.manager.user)
    author_page = client.get(f"/children/{case.case_id}/").content.decode()

    assert "Not yet shared with anyone" not in worker_page
    assert "Not yet shared with anyone" not in head_page
    assert "Not yet shared with anyone" in author_page
    assert "Only you can see this until you send it." in author_page
    assert f'href="{record_url(draft.pk)}"' in author_page


def test_it_flags_an_overdue_action_in_the_chronology(client) -> None:
    org = council(last_supervised=today() - 10 * DAY)
    case = child(org.worker, name="Amara Okafor")
    shared = record(org.manager, org.worker, today() - 10 * DAY, case=case)
    action(shared, due=today() - DAY, text="See Amara alone at school", case=case)
    sent(shared)
    client.force_login(org.worker.user)

    page = text_of(client.get(f"/children/{case.case_id}/").content.decode())
    card = page[page.index("Decision and action") :]

    assert card.index("Overdue") < card.index("See Amara alone at school")


def test_it_ends_access_when_the_child_moves_to_another_worker(client) -> None:
    org = council(last_supervised=today() - 10 * DAY)
    case = CaseFactory(display_name="Moved On", open_date=today() - 100 * DAY)
    AllocationFactory(
        case=case, worker=org.worker, start_date=today() - 100 * DAY, end_date=today() - DAY
    )
    newcomer = StaffWithLoginFactory(name="New Worker", team=org.other_team)
    LineManagementFactory(staff=newcomer, manager=org.other_manager)
    AllocationFactory(case=case, worker=newcomer, start_date=today())

    client.force_login(org.worker.user)
    assert client.get(f"/children/{case.case_id}/").status_code == 403
    client.force_login(newcomer.user)
    assert client.get(f"/children/{case.case_id}/").status_code == 200
