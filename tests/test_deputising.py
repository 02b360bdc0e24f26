"""Deputising set-up (N 11.1): a manager, or a manager above them, names a deputy for a dated
absence from a page; the deputy sees what the manager would, only within the dates; the cover ends
by itself, can be ended early, and every arrangement is on the audit trail."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from oversight.access.models import Delegation
from oversight.audit.models import AuditEvent
from tests.council import NOW, date_fields, fresh, today
from tests.factories import DelegationFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.urls("oversight.urls"),
    pytest.mark.usefixtures("frozen_today"),
]

DAY = dt.timedelta(days=1)


def cover_form(deputy: str, start: dt.date, end: dt.date, reason: str = "Annual leave") -> dict:
    return {
        "deputy": deputy,
        **date_fields("start_date", start),
        **date_fields("end_date", end),
        "reason": reason,
    }


def arrange(client, org, start: dt.date, end: dt.date, deputy: str = "MB", who: str = "manager"):
    client.force_login(org.users[who])
    return client.post(reverse("people:cover", args=["MA"]), cover_form(deputy, start, end))


# Arranging cover ------------------------------------------------------------------------------


def test_it_lets_a_manager_name_a_deputy_for_their_absence(client, org):
    response = arrange(client, org, today(), today() + 7 * DAY)

    assert response.status_code == 302
    cover = Delegation.objects.get()
    assert (cover.from_manager, cover.deputy) == (org.manager, org.other_manager)
    assert (cover.start_date, cover.end_date) == (today(), today() + 7 * DAY)
    assert cover.reason == "Annual leave"
    assert cover.created_by == org.users["manager"]
    page = client.get(response["Location"]).content.decode()
    assert "Omar Manager covers for Tamsin Manager" in page
    assert "Covering now" in page


def test_it_lets_the_managers_line_manager_arrange_their_cover(client, org):
    response = arrange(client, org, today() + DAY, today() + 3 * DAY, who="head")

    assert response.status_code == 302
    assert Delegation.objects.get().created_by == org.users["head"]
    assert "Planned" in client.get(response["Location"]).content.decode()


def test_it_refuses_anyone_else_the_cover_page(client, org):
    for who in ("other_manager", "worker", "support", "hr", "qa"):
        client.force_login(org.users[who])
        assert client.get(reverse("people:cover", args=["MA"])).status_code == 403, who
    assert arrange(client, org, today(), today(), who="other_manager").status_code == 403
    assert not Delegation.objects.exists()


def test_it_refuses_cover_for_someone_who_manages_nobody(client, org):
    client.force_login(org.users["head"])

    response = client.get(reverse("people:cover", args=["WA"]))

    assert response.status_code == 403
    assert "does not manage anyone" in response.content.decode()


def test_it_offers_managers_nearby_and_never_the_manager_themselves(client, org):
    client.force_login(org.users["manager"])

    page = client.get(reverse("people:cover", args=["MA"])).content.decode()

    assert 'value="MB"' in page, "a manager in the same service"
    assert 'value="H1"' in page, "their own line manager"
    assert 'value="CM"' in page, "another manager reporting to the same line manager"
    assert 'value="MA"' not in page
    assert 'value="WA"' not in page, "a worker is not a manager"


@pytest.mark.parametrize(
    ("start", "end", "deputy", "message"),
    [
        (-1, 3, "MB", "Cover cannot start in the past"),
        (3, 2, "MB", "The last day of cover must be on or after the day it starts"),
        (0, 200, "MB", "Cover can last at most 6 months"),
        (0, 3, "MA", "Select who will cover from the list"),
        (0, 3, "WA", "Select who will cover from the list"),
        (0, 3, "", "Select who will cover"),
        (0, 800, "MB", "The last day of cover must be within a year from today"),
    ],
)
def test_it_refuses_cover_it_cannot_arrange_and_says_why(client, org, start, end, deputy, message):
    response = arrange(client, org, today() + start * DAY, today() + end * DAY, deputy=deputy)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert "<title>Error: Cover for" in response.content.decode()  # said once, not twice
    assert not Delegation.objects.exists()


def test_it_asks_for_a_reason(client, org):
    client.force_login(org.users["manager"])
    data = cover_form("MB", today(), today(), reason="")

    response = client.post(reverse("people:cover", args=["MA"]), data)

    assert "Enter why cover is needed" in response.content.decode()
    assert not Delegation.objects.exists()


def test_it_refuses_the_same_deputy_twice_for_overlapping_dates(client, org):
    arrange(client, org, today(), today() + 5 * DAY)

    response = arrange(client, org, today() + 2 * DAY, today() + 9 * DAY)

    assert "Omar Manager already covers for Tamsin Manager" in response.content.decode()
    assert Delegation.objects.count() == 1


def test_it_audits_the_arrangement_with_who_and_when(client, org):
    arrange(client, org, today(), today() + 7 * DAY)

    entry = AuditEvent.objects.get(object_type="access.delegation", action="create")
    assert entry.actor == org.users["manager"]
    assert entry.detail["deputy"] == "MB"
    assert entry.detail["from_manager"] == "MA"
    assert entry.detail["end_date"] == (today() + 7 * DAY).isoformat()


# What the deputy sees -------------------------------------------------------------------------


def test_the_deputy_sees_the_managers_supervisees_records_within_the_dates_only(client, org):
    record = org.session(today() - 2 * DAY)
    url = reverse("records:detail", args=[record.pk])
    arrange(client, org, today() + DAY, today() + 3 * DAY)
    deputy = org.users["other_manager"]

    def status_on(day: dt.datetime) -> int:
        with time_machine.travel(day, tick=False):
            client.force_login(fresh(deputy))  # signed in afresh: sessions time out
            return client.get(url).status_code

    assert status_on(NOW) == 403, "not before the cover starts"
    assert status_on(NOW + DAY) == 200
    assert status_on(NOW + 3 * DAY) == 200, "on the last day"
    assert status_on(NOW + 4 * DAY) == 403, "cover ends by itself"


def test_the_deputy_does_not_get_the_managers_own_file(client, org):
    arrange(client, org, today(), today() + 3 * DAY)
    client.force_login(org.users["other_manager"])

    assert client.get(reverse("files:detail", args=["WA"])).status_code == 200
    assert client.get(reverse("files:detail", args=["MA"])).status_code == 403


def test_a_deputy_cannot_pass_the_cover_on(client, org):
    arrange(client, org, today(), today() + 3 * DAY)
    client.force_login(org.users["other_manager"])

    assert client.get(reverse("people:cover", args=["MA"])).status_code == 403


# Ending cover early ---------------------------------------------------------------------------


def test_it_ends_running_cover_from_today_and_audits_it(client, org):
    record = org.session(today() - 2 * DAY)
    cover = DelegationFactory(
        from_manager=org.manager,
        deputy=org.other_manager,
        start_date=today() - 2 * DAY,
        end_date=today() + 5 * DAY,
        created_by=org.users["manager"],
    )
    client.force_login(org.users["manager"])

    response = client.post(reverse("people:cover_end", args=["MA", cover.pk]))

    assert response.status_code == 302
    cover.refresh_from_db()
    assert cover.end_date == today() - DAY
    entry = AuditEvent.objects.get(object_type="access.delegation", action="change")
    assert entry.detail["end_date"] == {
        "before": (today() + 5 * DAY).isoformat(),
        "after": (today() - DAY).isoformat(),
    }
    client.force_login(fresh(org.users["other_manager"]))
    assert client.get(reverse("records:detail", args=[record.pk])).status_code == 403


def test_it_withdraws_planned_cover_and_keeps_it_on_the_trail(client, org):
    arrange(client, org, today() + 3 * DAY, today() + 5 * DAY)
    cover = Delegation.objects.get()

    client.post(reverse("people:cover_end", args=["MA", cover.pk]))

    assert not Delegation.objects.exists()
    entry = AuditEvent.objects.get(object_type="access.delegation", action="delete")
    assert entry.detail["deputy"] == "MB"
    assert entry.detail["why"] == "withdrawn"


def test_it_refuses_to_end_cover_for_anyone_else(client, org):
    cover = DelegationFactory(
        from_manager=org.manager,
        deputy=org.other_manager,
        start_date=today(),
        end_date=today() + 5 * DAY,
        created_by=org.users["manager"],
    )
    client.force_login(org.users["other_manager"])

    assert client.post(reverse("people:cover_end", args=["MA", cover.pk])).status_code == 403
    assert Delegation.objects.filter(pk=cover.pk).exists()


def test_it_links_to_the_cover_page_from_my_work_and_the_managers_file(client, org):
    client.force_login(org.users["manager"])
    assert reverse("people:cover", args=["MA"]) in client.get(reverse("home")).content.decode()
    client.force_login(org.users["head"])
    page = client.get(reverse("files:detail", args=["MA"])).content.decode()
    assert "Arrange cover while Tamsin Manager is away" in page
