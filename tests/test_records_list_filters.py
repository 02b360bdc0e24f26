"""The records list's filters: team, worker, type, state, dates and late write-ups, alone and
together; clear messages for dates that cannot be used; pages that keep the filters, so quality
assurance can page through every record; choices that offer only what the person may see; and a
number of queries that does not grow with the records shown."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from oversight.audit.actor import Actor
from oversight.facts.write_ups import late_write_ups
from oversight.records import writing
from oversight.records.models import Record
from oversight.supervision.models import Session
from tests.council import DAY, Council, council, days_ago, record, sent, supervised, today

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


@dataclass
class Records:
    org: Council
    late: Record  # the worker's one-to-one six weeks ago, never written up
    sent: Record  # the colleague's, sent to them ten days ago
    agreed: Record  # the worker's, two months ago, agreed
    imported: Record  # the worker's, three months ago, recorded elsewhere
    group: Record  # Court Team 1's group supervision three weeks ago
    cancelled: Record  # the worker's booking next week, cancelled
    outsiders: Record  # Assessment Team 1: Olive's one-to-one five days ago, a draft


@pytest.fixture
def records() -> Records:
    org = council()
    late = record(org.manager, org.worker, days_ago(42))
    colleagues = sent(record(org.manager, org.colleague, days_ago(10)))
    agreed = sent(record(org.manager, org.worker, days_ago(60)))
    agreed.agree(by=org.worker.user)
    imported = Record.of(supervised(org.worker, org.manager, days_ago(90)))
    group = Record.objects.create(
        type="group", date=days_ago(21), supervisor=org.manager, team=org.team
    )
    booking = writing.book_supervision(
        by=Actor(org.manager.user),
        supervisor=org.manager,
        supervisee=org.worker,
        kind="individual",
        date=today() + 7 * DAY,
        start_time=dt.time(10),
        duration_minutes=60,
        location="Room 2",
        announce=False,
    )
    writing.cancel_session(booking, by=Actor(org.manager.user), reason="Worker on leave")
    outsiders = record(org.other_manager, org.outsider, days_ago(5))
    return Records(
        org=org,
        late=late,
        sent=Record.of(colleagues),
        agreed=Record.of(agreed),
        imported=imported,
        group=Record.of(group),
        cancelled=Record.of(booking),
        outsiders=outsiders,
    )


def listed(user: Any, query: str = "") -> str:
    client = Client()
    client.force_login(user)
    response = client.get(f"/records/{query}")
    assert response.status_code == 200
    return response.content.decode()


def shown(page: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'href="/records/(\d+)/"', page)}


def pks(*found: Record) -> set[int]:
    return {r.pk for r in found}


def everything(r: Records) -> set[int]:
    return pks(r.late, r.sent, r.agreed, r.imported, r.group, r.cancelled, r.outsiders)


def date_query(name: str, day: dt.date) -> str:
    return f"{name}_day={day.day}&{name}_month={day.month}&{name}_year={day.year}"


# Each filter, true and false ---------------------------------------------------------------------


def test_it_lists_everything_quality_assurance_may_see_when_nothing_is_chosen(records) -> None:
    assert shown(listed(records.org.qa)) == everything(records)


def test_it_filters_by_team_the_supervisees_team_and_the_team_that_met(records) -> None:
    org = records.org

    court = shown(listed(org.qa, f"?team={org.team.pk}"))
    assessment = shown(listed(org.qa, f"?team={org.other_team.pk}"))

    assert court == everything(records) - pks(records.outsiders)
    assert records.group.pk in court
    assert assessment == pks(records.outsiders)


def test_it_filters_by_worker_supervised_or_supervising(records) -> None:
    org = records.org

    colleague = shown(listed(org.qa, f"?worker={org.colleague.staff_id}"))
    other_manager = shown(listed(org.qa, f"?worker={org.other_manager.staff_id}"))
    manager = shown(listed(org.qa, f"?worker={org.manager.staff_id}"))

    assert colleague == pks(records.sent)
    assert other_manager == pks(records.outsiders)
    assert manager == everything(records) - pks(records.outsiders)


def test_it_filters_by_type(records) -> None:
    groups = shown(listed(records.org.qa, "?type=group"))
    one_to_ones = shown(listed(records.org.qa, "?type=individual"))

    assert groups == pks(records.group)
    assert one_to_ones == everything(records) - pks(records.group)


def test_it_filters_by_state_as_the_list_shows_it(records) -> None:
    qa = records.org.qa

    assert shown(listed(qa, "?state=agreed")) == pks(records.agreed)
    assert shown(listed(qa, "?state=sent")) == pks(records.sent)
    assert shown(listed(qa, "?state=imported")) == pks(records.imported)
    # The cancelled booking's record is a draft, but the list calls it cancelled.
    assert shown(listed(qa, "?state=cancelled")) == pks(records.cancelled)
    assert shown(listed(qa, "?state=draft")) == pks(records.late, records.group, records.outsiders)
    assert shown(listed(qa, "?state=returned")) == set()


def test_it_filters_by_dates_both_days_included(records) -> None:
    qa = records.org.qa

    from_day = shown(listed(qa, "?" + date_query("date_from", days_ago(42))))
    to_day = shown(listed(qa, "?" + date_query("date_to", days_ago(42))))
    between = shown(
        listed(
            qa, f"?{date_query('date_from', days_ago(60))}&{date_query('date_to', days_ago(21))}"
        )
    )

    assert from_day == pks(
        records.late, records.sent, records.group, records.cancelled, records.outsiders
    )
    assert to_day == pks(records.late, records.agreed, records.imported)
    assert between == pks(records.agreed, records.late, records.group)


def test_it_filters_late_write_ups_by_the_engines_one_definition(records) -> None:
    late = shown(listed(records.org.qa, "?late=on"))

    assert records.late.pk in late
    assert not late & pks(records.sent, records.agreed, records.imported, records.cancelled)
    # The filter and the marker on each row are the same answer (facts/write_ups.py).
    every = Session.objects.all()
    assert late == set(late_write_ups(every, today()))


def test_it_marks_each_late_row_with_its_deadline_and_keeps_the_box_ticked(records) -> None:
    page = listed(records.org.qa, "?late=on")
    deadline = late_write_ups([records.late], today())[records.late.pk].due_date

    assert f'Write-up due <span class="app-no-wrap">{deadline:%-d %b %Y}</span>' in page
    assert re.search(r'<input[^>]*name="late"[^>]*checked', page)


# Filters together --------------------------------------------------------------------------------


def test_it_applies_every_filter_chosen_together(records) -> None:
    org = records.org

    late_in_court = shown(listed(org.qa, f"?team={org.team.pk}&late=on"))
    worker_agreed = shown(listed(org.qa, f"?worker={org.worker.staff_id}&state=agreed"))
    nothing = shown(listed(org.qa, f"?team={org.other_team.pk}&type=group"))
    narrow = listed(
        org.qa,
        f"?team={org.team.pk}&worker={org.worker.staff_id}&type=individual&state=draft"
        f"&{date_query('date_from', days_ago(50))}&{date_query('date_to', today())}&late=on",
    )

    assert late_in_court == pks(records.late)
    assert worker_agreed == pks(records.agreed)
    assert nothing == set()
    assert shown(narrow) == pks(records.late)
    assert "Showing 1 to 1 of 1 record that matches the filters" in narrow


def test_it_keeps_the_filters_when_choosing_what_to_show(records) -> None:
    org = records.org
    page = listed(org.manager.user, f"?show=to-write&team={org.team.pk}")

    assert f'href="?show=agreed&amp;team={org.team.pk}"' in page
    assert shown(page) == pks(records.late, records.group)


def test_it_says_when_no_record_matches_the_filters(records) -> None:
    page = listed(records.org.qa, "?type=conference_chair")

    assert "No records match the filters" in page
    assert shown(page) == set()


# Dates and choices that cannot be used -----------------------------------------------------------


def test_it_refuses_a_to_date_before_the_from_date_saying_so(records) -> None:
    page = listed(
        records.org.qa,
        f"?{date_query('date_from', days_ago(10))}&{date_query('date_to', days_ago(20))}",
    )

    assert "There is a problem" in page
    assert "The To date must be the same as or after the From date" in page
    assert "Correct the filters above to see the records" in page
    assert shown(page) == set()


def test_it_refuses_a_date_that_is_not_real_saying_which(records) -> None:
    not_real = listed(records.org.qa, "?date_from_day=31&date_from_month=2&date_from_year=2025")
    half = listed(records.org.qa, "?date_to_day=3&date_to_year=2025")

    assert "The From date must be a real date" in not_real
    assert "The To date must include a month" in half
    assert shown(not_real) == shown(half) == set()
    assert "<title>Error: Supervision records" in not_real


def test_it_offers_only_the_teams_and_people_on_records_the_user_may_see(records) -> None:
    org = records.org

    worker = listed(org.worker.user)
    manager = listed(org.manager.user)
    qa = listed(org.qa)

    assert org.outsider.name not in manager
    assert org.other_team.name not in manager
    assert org.colleague.name in manager
    assert org.colleague.name not in worker  # the worker sees only their own records
    assert org.outsider.name in qa
    assert org.other_team.name in qa


def test_it_refuses_a_team_or_person_the_user_may_not_see_as_a_choice(records) -> None:
    org = records.org

    team = listed(org.manager.user, f"?team={org.other_team.pk}")
    person = listed(org.worker.user, f"?worker={org.outsider.staff_id}")
    no_such = listed(org.qa, "?team=999999&type=nonsense")

    assert "Choose a team from the list" in team
    assert "Choose a worker from the list" in person
    assert "Choose a team from the list" in no_such
    assert "Choose a type of record from the list" in no_such
    assert shown(team) == shown(person) == shown(no_such) == set()


def test_it_never_lists_another_teams_records_whatever_the_filters(records) -> None:
    org = records.org

    late = shown(listed(org.manager.user, "?late=on"))
    drafts = shown(listed(org.worker.user, "?state=draft"))

    assert records.outsiders.pk not in late
    assert drafts == pks(records.late)


# Pages -------------------------------------------------------------------------------------------


def many_sessions(org: Council, count: int, **fields: Any) -> None:
    Session.objects.bulk_create(
        Session(
            session_id=f"BULK-{n:05d}",
            type="individual",
            date=today() - (n % 700) * DAY,
            supervisor=org.manager,
            supervisee=org.worker,
            recorded_date=today() - (n % 700) * DAY,
            **fields,
        )
        for n in range(count)
    )


def test_it_lets_quality_assurance_page_through_every_record(records) -> None:
    many_sessions(records.org, 1_060)
    total = 1_060 + len(everything(records))

    first = listed(records.org.qa)
    last = listed(records.org.qa, "?page=22")

    assert f"Showing 1 to 50 of {total:,} records" in first
    assert f"Showing 1,051 to {total:,} of {total:,} records" in last
    assert len(shown(first)) == 50
    assert len(shown(last)) == total - 1_050
    assert 'aria-label="Page 22"' in first


def test_it_keeps_the_filters_in_every_page_link(records) -> None:
    org = records.org
    many_sessions(org, 60)
    query = f"?team={org.team.pk}&state=imported&{date_query('date_to', today())}"

    first = listed(org.qa, query)
    second = listed(org.qa, query + "&page=2")

    kept = (
        f"show=all&amp;team={org.team.pk}&amp;state=imported&amp;date_to_day={today().day}"
        f"&amp;date_to_month={today().month}&amp;date_to_year={today().year}&amp;page=2"
    )
    assert f'href="?{kept}"' in first
    assert "Showing 1 to 50 of 61 records that match the filters" in first
    assert "Showing 51 to 61 of 61 records that match the filters" in second
    assert records.imported.pk in shown(first) | shown(second)
    assert records.late.pk not in shown(first) | shown(second)


# Queries -----------------------------------------------------------------------------------------


def queries_for(user: Any, query: str) -> int:
    client = Client()
    client.force_login(user)
    client.get(f"/records/{query}")  # the obligations store brought up to date first
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/records/{query}")
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?late=on",
        "?show=to-write&type=individual&state=draft&date_from_day=1&date_from_month=1"
        "&date_from_year=2024",
    ],
)
def test_it_asks_the_database_as_often_for_fifty_rows_as_for_five(records, query) -> None:
    few = queries_for(records.org.manager.user, query)
    for n in range(60):
        record(records.org.manager, records.org.worker, days_ago(30 + n % 5))

    assert queries_for(records.org.manager.user, query) == few
    assert few < 40


def test_it_says_which_records_of_how_many_it_shows(records) -> None:
    assert "Showing 1 to 7 of 7 records" in listed(records.org.qa)
