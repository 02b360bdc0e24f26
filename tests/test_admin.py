"""Business support correct organisation and case data in the admin; others cannot reach it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from tests.factories import AllocationFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_it_lets_business_support_correct_a_staff_members_details(client) -> None:
    support = UserFactory(is_staff=True)
    support.groups.add(Group.objects.get(name="Business support"))
    staff = StaffFactory(name="Mispelt Name")
    client.force_login(support)

    page = client.get(f"/admin/organisation/staff/{staff.pk}/change/")
    assert page.status_code == 200

    data = {
        "staff_id": staff.staff_id,
        "name": "Correct Name",
        "email": "",
        "category": staff.category,
        "team": staff.team.pk,
        "start_date": "2024-01-08",
        "end_date": "",
        "asye_start": "",
        "swe_number": "",
        "user": "",
        "line_management-TOTAL_FORMS": "0",
        "line_management-INITIAL_FORMS": "0",
    }
    response = client.post(f"/admin/organisation/staff/{staff.pk}/change/", data)

    assert response.status_code == 302, response.content.decode()[:2000]
    staff.refresh_from_db()
    assert staff.name == "Correct Name"


def test_it_lets_business_support_see_allocations_on_the_childs_case(client) -> None:
    support = UserFactory(is_staff=True)
    support.groups.add(Group.objects.get(name="Business support"))
    allocation = AllocationFactory()
    client.force_login(support)

    page = client.get(f"/admin/cases/case/{allocation.case.pk}/change/")

    assert page.status_code == 200
    assert allocation.worker.name in page.content.decode()


def test_it_keeps_the_admin_from_a_social_worker(client) -> None:
    client.force_login(UserFactory())

    response = client.get("/admin/organisation/staff/")

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_it_keeps_supervision_records_out_of_business_supports_admin(client) -> None:
    support = UserFactory(is_staff=True)
    support.groups.add(Group.objects.get(name="Business support"))
    client.force_login(support)

    assert client.get("/admin/supervision/session/").status_code == 403
    assert client.get("/admin/supervision/agreement/").status_code == 403
