"""After signing in, a person sees their team, their supervisor and the people they supervise."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import LineManagementFactory, StaffFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


def test_it_sends_someone_not_signed_in_to_the_sign_in_page(client) -> None:
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


def test_it_shows_a_manager_their_team_and_current_supervisees(client) -> None:
    today = timezone.localdate()
    manager = StaffFactory(name="Tamsin Manager", category="manager", user=UserFactory())
    current = LineManagementFactory(manager=manager, staff__name="Current Worker").staff
    LineManagementFactory(
        manager=manager,
        staff__name="Former Worker",
        start_date=dt.date(2020, 1, 1),
        end_date=today - dt.timedelta(days=1),
    )
    LineManagementFactory(staff=manager, manager__name="Hari Head")
    client.force_login(manager.user)

    page = client.get("/").content.decode()

    assert "Tamsin Manager" in page
    assert manager.team.name in page
    assert "Hari Head" in page
    assert current.name in page
    assert "Former Worker" not in page


def test_it_explains_when_an_account_is_not_linked_to_staff(client) -> None:
    client.force_login(UserFactory())

    page = client.get("/").content.decode()

    assert "not linked to a member of staff" in page


def test_it_signs_a_demo_user_in_with_the_sign_in_form(client) -> None:
    StaffFactory(user=UserFactory(username="worker", password="oversight-demo"))

    response = client.post(
        "/sign-in/", {"username": "worker", "password": "oversight-demo"}, follow=True
    )

    assert response.redirect_chain[-1][0] == "/"
    assert "My work" in response.content.decode()


def test_it_shows_when_each_supervisees_supervision_is_due_from_the_engine(client) -> None:
    manager = StaffFactory(category="manager", user=UserFactory())
    LineManagementFactory(manager=manager, staff__name="Never Supervised")
    client.force_login(manager.user)

    page = client.get("/").content.decode()

    # Started in January 2024 and never supervised: the engine says overdue under bedford 2.1.
    assert "Never Supervised" in page
    assert "Overdue" in page
    assert "5 February 2024" in page or "5 Feb 2024" in page
