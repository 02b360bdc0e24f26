"""Business support correct organisation and case data in the admin; others cannot reach it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from oversight.audit.models import AuditEvent
from oversight.organisation.models import LineManagement, Staff
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
        "team_memberships-TOTAL_FORMS": "0",
        "team_memberships-INITIAL_FORMS": "0",
        "roles-TOTAL_FORMS": "0",
        "roles-INITIAL_FORMS": "0",
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


# The admin corrects data; it does not grant access (issue 9, finding 1) -----------------------


def business_support(username: str = "support") -> object:
    support = UserFactory(username=username, is_staff=True)
    support.groups.add(Group.objects.get(name="Business support"))
    return support


def test_it_refuses_business_support_a_line_management_row_making_someone_their_report(
    client,
) -> None:
    support = business_support()
    own_row = StaffFactory(name="Lisa Support", user=support)
    other_teams_worker = StaffFactory(name="Olive Outsider")
    client.force_login(support)

    response = client.post(
        "/admin/organisation/linemanagement/add/",
        {
            "staff": other_teams_worker.pk,
            "manager": own_row.pk,
            "start_date": "2025-01-06",
            "end_date": "",
        },
    )

    assert response.status_code == 403
    assert not LineManagement.objects.exists()
    assert client.get("/admin/organisation/linemanagement/").status_code == 200  # still readable


def test_it_ignores_line_management_rows_posted_with_a_staff_members_details(client) -> None:
    support = business_support()
    own_row = StaffFactory(name="Lisa Support", user=support)
    worker = StaffFactory(name="Wanda Worker")
    client.force_login(support)

    response = client.post(
        f"/admin/organisation/staff/{worker.pk}/change/",
        {
            **staff_details(worker),
            "line_management-TOTAL_FORMS": "1",
            "line_management-INITIAL_FORMS": "0",
            "line_management-0-manager": own_row.pk,
            "line_management-0-start_date": "2025-01-06",
        },
    )

    assert response.status_code == 302
    assert not LineManagement.objects.exists()


def test_it_keeps_business_support_from_linking_a_staff_row_to_their_own_sign_in(client) -> None:
    support = business_support()
    worker = StaffFactory(name="Wanda Worker", user=UserFactory(username="wanda"))
    client.force_login(support)

    page = client.get(f"/admin/organisation/staff/{worker.pk}/change/").content.decode()
    response = client.post(
        f"/admin/organisation/staff/{worker.pk}/change/",
        {**staff_details(worker), "user": support.pk},
    )

    assert 'name="user"' not in page
    assert response.status_code == 302
    worker.refresh_from_db()
    assert worker.user.username == "wanda"


def test_it_audits_a_correction_business_support_make(client) -> None:
    support = business_support()
    worker = StaffFactory(name="Mispelt Name")
    client.force_login(support)

    client.post(
        f"/admin/organisation/staff/{worker.pk}/change/",
        {**staff_details(worker), "name": "Correct Name"},
    )

    [entry] = AuditEvent.objects.filter(object_type="organisation.staff", actor=support)
    assert entry.object_id == str(worker.pk)


def staff_details(staff: Staff) -> dict[str, object]:
    return {
        "staff_id": staff.staff_id,
        "name": staff.name,
        "email": "",
        "category": staff.category,
        "team": staff.team.pk,
        "start_date": "2024-01-08",
        "end_date": "",
        "asye_start": "",
        "swe_number": "",
        "line_management-TOTAL_FORMS": "0",
        "line_management-INITIAL_FORMS": "0",
        "team_memberships-TOTAL_FORMS": "0",
        "team_memberships-INITIAL_FORMS": "0",
        "roles-TOTAL_FORMS": "0",
        "roles-INITIAL_FORMS": "0",
    }
