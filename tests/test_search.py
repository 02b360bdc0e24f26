"""The search: one box that finds a child (by ID or name), a person (by name or staff ID) or a
record (by its ID or a name on it), only among what the person searching may see; clear messages
for an empty, too short or fruitless search; each search on the audit trail with what it showed;
and a number of queries that does not grow with what it finds."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from oversight.audit.models import AuditEvent
from oversight.cases.models import Case
from oversight.files.models import SupervisionFile
from oversight.records.models import Record
from tests.council import Council, child, council, days_ago, record, sent
from tests.factories import AllocationFactory, CaseFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


def quoted(text: str) -> str:
    """As the page quotes what was searched for."""
    return f"\N{LEFT SINGLE QUOTATION MARK}{text}\N{RIGHT SINGLE QUOTATION MARK}"


@dataclass
class World:
    org: Council
    amy: Case  # Wanda Worker's
    zara: Case  # Olive Outsider's, in the other team
    wandas: Record  # Wanda's one-to-one with Tamsin, sent
    olives: Record  # Olive's one-to-one with Omar, a draft


@pytest.fixture
def world() -> World:
    org = council()
    amy = child(org.worker, name="Amy Smith")
    amy.case_id = "CHILD-1001"
    amy.save()
    zara = child(org.outsider, name="Zara Lee")
    zara.case_id = "CHILD-2002"
    zara.save()
    wandas = sent(record(org.manager, org.worker, days_ago(3), case=amy))
    olives = record(org.other_manager, org.outsider, days_ago(2), case=zara)
    return World(org=org, amy=amy, zara=zara, wandas=wandas, olives=olives)


def search(user: Any, text: str | None) -> str:
    client = Client()
    client.force_login(user)
    response = client.get("/search/", {} if text is None else {"q": text})
    assert response.status_code == 200
    return response.content.decode()


def children_found(page: str) -> set[str]:
    return set(re.findall(r'href="/children/([^/"]+)/"', page))


def records_found(page: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'href="/records/(\d+)/"', page)}


def people_found(page: str) -> set[str]:
    if 'id="people"' not in page:
        return set()
    section = page.split('id="people"', 1)[1].split('id="records"', 1)[0]
    return set(re.findall(r'data-label="Staff ID">([^<]+)<', section))


# Children ----------------------------------------------------------------------------------------


def test_it_finds_a_child_by_their_exact_id(world) -> None:
    page = search(world.org.worker.user, "CHILD-1001")

    assert children_found(page) == {"CHILD-1001"}
    assert "Amy Smith" in page


def test_it_finds_a_child_by_the_start_of_their_id_whatever_the_case(world) -> None:
    assert children_found(search(world.org.qa, "child-")) == {"CHILD-1001", "CHILD-2002"}
    assert children_found(search(world.org.qa, "child-10")) == {"CHILD-1001"}


def test_it_finds_a_child_by_the_words_of_their_name_in_any_order(world) -> None:
    assert children_found(search(world.org.worker.user, "amy")) == {"CHILD-1001"}
    assert children_found(search(world.org.worker.user, "smith amy")) == {"CHILD-1001"}
    assert children_found(search(world.org.worker.user, "amy jones")) == set()


def test_it_puts_the_child_whose_id_is_exactly_the_search_first(world) -> None:
    other = CaseFactory(case_id="CHILD-10010", display_name="Aaron Able")
    AllocationFactory(case=other, worker=world.org.worker)

    page = search(world.org.worker.user, "child-1001")

    assert page.index("/children/CHILD-1001/") < page.index("/children/CHILD-10010/")


def test_it_says_who_holds_each_child(world) -> None:
    page = search(world.org.manager.user, "Amy")

    assert re.search(r'data-label="Held by">\s*Wanda Worker', page)


def test_a_worker_never_finds_another_teams_child(world) -> None:
    by_id = search(world.org.worker.user, "CHILD-2002")
    by_name = search(world.org.worker.user, "Zara")

    assert children_found(by_id) == children_found(by_name) == set()
    assert "Zara Lee" not in by_name
    assert f"No results for {quoted('CHILD-2002')}" in by_id


def test_a_manager_finds_their_teams_children_and_not_the_other_teams(world) -> None:
    assert children_found(search(world.org.manager.user, "child")) == {"CHILD-1001"}
    assert children_found(search(world.org.other_manager.user, "child")) == {"CHILD-2002"}
    assert children_found(search(world.org.head.user, "child")) == {"CHILD-1001", "CHILD-2002"}


def test_quality_assurance_find_every_child(world) -> None:
    closed = CaseFactory(case_id="CHILD-3003", display_name="Cara Closed", close_date=days_ago(30))

    page = search(world.org.qa, "child")

    assert children_found(page) == {"CHILD-1001", "CHILD-2002", closed.case_id}
    assert "Case closed" in page


def test_people_without_a_line_role_find_no_children(world) -> None:
    for user in (world.org.support, world.org.hr, world.org.admin):
        assert children_found(search(user, "child")) == set()


def test_it_says_how_many_more_it_found_than_it_shows(world) -> None:
    for n in range(25):
        AllocationFactory(
            case=CaseFactory(case_id=f"MANY-{n:02d}", display_name=f"Many {n}"),
            worker=world.org.worker,
        )

    page = search(world.org.worker.user, "many")

    assert len(children_found(page)) == 20
    assert "Children (25)" in page
    assert "Showing the first 20 of 25. Add more of the name or ID to find fewer." in page


# People ------------------------------------------------------------------------------------------


def test_it_finds_a_person_by_name_or_staff_id(world) -> None:
    org = world.org

    assert people_found(search(org.manager.user, "wanda")) == {"WA"}
    assert people_found(search(org.manager.user, "worker wanda")) == {"WA"}
    assert people_found(search(org.manager.user, "wa")) >= {"WA", "WA2"}
    assert people_found(search(org.manager.user, "WA2")) == {"WA2"}


def test_a_person_finds_only_the_people_they_may_see(world) -> None:
    org = world.org

    assert people_found(search(org.worker.user, "olive")) == set()
    assert people_found(search(org.worker.user, "colin")) == set()
    assert people_found(search(org.manager.user, "olive")) == set()
    assert people_found(search(org.head.user, "olive")) == {"WB"}
    assert people_found(search(org.qa, "olive")) == {"WB"}


def test_it_links_a_person_to_their_records_and_file_where_the_user_may_open_them(world) -> None:
    org = world.org
    SupervisionFile.objects.create(staff=org.worker, created_on=days_ago(100), created_by=org.admin)

    manager = search(org.manager.user, "WA")
    support = search(org.support, "Wanda")

    assert f'href="/records/?worker={org.worker.staff_id}"' in manager
    assert f'href="/files/{org.worker.staff_id}/"' in manager
    assert f'href="/records/?worker={org.colleague.staff_id}"' not in manager  # no records yet
    # Business support find anyone still here (to file for them), but read no records or files.
    assert people_found(support) == {"WA"}
    assert "/records/?worker=" not in support
    assert "/files/WA/" not in support


# Records -----------------------------------------------------------------------------------------


def test_it_finds_a_record_by_its_number_or_session_id(world) -> None:
    org = world.org

    by_number = search(org.worker.user, str(world.wandas.pk))
    by_session = search(org.worker.user, world.wandas.session_id.lower())

    assert world.wandas.pk in records_found(by_number)
    assert records_found(by_session) == {world.wandas.pk}


def test_it_finds_records_by_a_name_on_them(world) -> None:
    org = world.org

    assert records_found(search(org.qa, "Wanda")) == {world.wandas.pk}
    assert records_found(search(org.qa, "Omar")) == {world.olives.pk}
    assert records_found(search(org.head.user, "manager")) == {world.wandas.pk, world.olives.pk}


def test_a_worker_never_finds_another_teams_record(world) -> None:
    org = world.org

    assert records_found(search(org.worker.user, str(world.olives.pk))) == set()
    assert records_found(search(org.worker.user, world.olives.session_id)) == set()
    assert records_found(search(org.worker.user, "Olive")) == set()
    assert records_found(search(org.manager.user, "Omar")) == set()


def test_quality_assurance_find_every_record(world) -> None:
    page = search(world.org.qa, "OV-")

    assert records_found(page) == {world.wandas.pk, world.olives.pk}


# Messages ----------------------------------------------------------------------------------------


def test_it_shows_only_the_box_before_anything_is_searched(world) -> None:
    page = search(world.org.worker.user, None)

    assert '<form method="get" action="/search/"' in page
    assert "There is a problem" not in page
    assert "Results for" not in page


def test_it_asks_for_something_to_search_for(world) -> None:
    for blank in ("", "   "):
        page = search(world.org.worker.user, blank)

        assert "There is a problem" in page
        assert (
            "Enter a child&#x27;s ID or name, a person&#x27;s name or staff ID, or a record&#x27;s"
            " ID" in page
        )
        assert "<title>Error: Search" in page


def test_it_asks_for_more_than_one_letter_but_takes_a_record_number(world) -> None:
    short = search(world.org.worker.user, "a")
    number = search(world.org.worker.user, "7")

    assert "Enter at least 2 characters of a name or ID" in short
    assert "There is a problem" not in number
    assert f"esults for {quoted('7')}" in number


def test_it_refuses_a_search_longer_than_the_box_takes(world) -> None:
    assert "Search for 100 characters or fewer" in search(world.org.worker.user, "x" * 101)


def test_it_says_when_nothing_matches(world) -> None:
    page = search(world.org.worker.user, "Nobody Here")

    assert f"No results for {quoted('Nobody Here')}" in page
    assert "Check the spelling" in page


# The audit trail ---------------------------------------------------------------------------------


def test_each_search_is_on_the_audit_trail_with_what_it_showed(world) -> None:
    search(world.org.manager.user, "Smith")

    [entry] = AuditEvent.objects.filter(object_type="search")
    assert entry.actor == world.org.manager.user
    assert entry.action == "view"
    assert entry.object_label == f"Search for {quoted('Smith')}"
    assert entry.detail["query"] == "Smith"
    assert entry.detail["children"] == ["CHILD-1001"]
    assert entry.detail["people"] == []
    assert entry.detail["records"] == []
    assert entry.detail["found"] == 1


def test_a_search_that_could_not_run_is_not_on_the_audit_trail(world) -> None:
    search(world.org.manager.user, "")
    search(world.org.manager.user, None)

    assert not AuditEvent.objects.filter(object_type="search").exists()


# The menu and the queries ------------------------------------------------------------------------


def test_everyone_signed_in_has_search_in_the_menu(world) -> None:
    for user in world.org.users.values():
        client = Client()
        client.force_login(user)
        assert 'href="/search/">Search</a>' in client.get("/").content.decode()


def queries_for(user: Any, text: str) -> int:
    client = Client()
    client.force_login(user)
    client.get("/search/", {"q": text})
    with CaptureQueriesContext(connection) as captured:
        client.get("/search/", {"q": text})
    return len(captured)


def test_it_asks_the_database_as_often_for_many_matches_as_for_a_few(world) -> None:
    org = world.org

    def more_wandas(count: int, start: int) -> None:
        for n in range(start, start + count):
            AllocationFactory(
                case=CaseFactory(case_id=f"W-{n:02d}", display_name=f"Wanda child {n}"),
                worker=org.worker,
            )
            record(org.manager, org.worker, days_ago(10 + n))

    more_wandas(2, 0)
    few = queries_for(org.manager.user, "Wanda")
    more_wandas(40, 2)

    assert queries_for(org.manager.user, "Wanda") <= few + 2  # the counts beyond the first 20
