"""Every change made round the record pages is on the audit trail too: a data set import, each
add, change and delete in the admin, signing in through the admin's address, and looking at an
agreement's edit page."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

import pytest
from django.contrib import admin
from django.test import Client

from oversight.accounts.middleware import SIGNED_IN_AT
from oversight.audit.admin import AuditedAdminMixin
from oversight.audit.models import AuditEvent
from oversight.import_export.importer import import_folder
from oversight.organisation.models import LineManagement, Service
from tests.council import TERMS, council
from tests.factories import PASSWORD, UserFactory, person
from tests.paths import CONFORMANCE

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def quick_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["tests.factories.QuickArgon2PasswordHasher"]


def entries(action: str, object_type: str = "") -> list[AuditEvent]:
    events = AuditEvent.objects.filter(action=action).order_by("pk")
    if object_type:
        events = events.filter(object_type=object_type)
    return list(events)


# Importing a data set -----------------------------------------------------------------------------


def test_an_import_writes_one_entry_with_its_counts() -> None:
    folder: Path = CONFORMANCE / "03-bedford-allocation-and-legal-planning"

    summary = import_folder(folder, changed_on=dt.date(2026, 1, 5))

    [entry] = entries("import")
    assert entry.actor is None
    assert entry.actor_label == "system"
    assert entry.object_label == folder.name
    assert entry.detail["folder"] == str(folder)
    assert entry.detail["changed_on"] == "2026-01-05"
    assert entry.detail["added"] == summary.created
    assert entry.detail["added"]["staff"] > 0
    assert entry.detail["updated"] == summary.updated
    assert entry.detail["changes_of_access"] == LineManagement.objects.count()


def test_an_import_audits_each_change_of_line_management_with_what_it_was(dataset_copy) -> None:
    folder = dataset_copy()
    import_folder(folder, changed_on=dt.date(2025, 1, 6))
    first = entries("create", "organisation.linemanagement")
    assert len(first) == LineManagement.objects.count()
    assert all(e.detail["reason"] == "import" and e.actor is None for e in first)
    staff = (folder / "staff.csv").read_text().splitlines()
    moved = staff[3].split(",")[0]  # the third person gets another line manager
    (folder / "staff.csv").write_text(
        "\n".join([*staff[:3], staff[3].replace(",M01,", ",H01,"), *staff[4:]]) + "\n"
    )

    import_folder(folder, changed_on=dt.date(2025, 5, 1))

    [ended] = entries("change", "organisation.linemanagement")
    [started] = entries("create", "organisation.linemanagement")[len(first) :]
    assert ended.detail["staff_id"] == started.detail["staff_id"] == moved
    assert ended.detail["end_date"] == {"before": None, "after": "2025-04-30"}
    assert (started.detail["manager"], started.detail["start_date"]) == ("H01", "2025-05-01")
    assert entries("import")[-1].detail["changes_of_access"] == 2


# The admin ---------------------------------------------------------------------------------------


def test_every_registered_admin_audits_its_changes() -> None:
    # Ours and other packages' alike (accounts, groups, second-factor devices...).
    assert admin.site._registry
    for model, model_admin in admin.site._registry.items():
        assert isinstance(model_admin, AuditedAdminMixin), model


def test_adding_changing_and_deleting_in_the_admin_are_audited(client: Client) -> None:
    boss = UserFactory(username="sysadmin", is_staff=True, is_superuser=True)
    client.force_login(boss)

    added = client.post("/admin/organisation/service/add/", {"name": "Early help"})
    assert added.status_code == 302
    service = Service.objects.get(name="Early help")
    changed = client.post(
        f"/admin/organisation/service/{service.pk}/change/", {"name": "Early Help"}
    )
    assert changed.status_code == 302
    deleted = client.post(f"/admin/organisation/service/{service.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 302

    create, change, delete = (
        entries(action, "organisation.service")[0] for action in ("create", "change", "delete")
    )
    for entry in (create, change, delete):
        assert entry.actor == boss
        assert entry.object_id == str(service.pk)
        assert entry.detail["via"] == "admin"
        assert entry.ip_address == "127.0.0.1"
    assert create.object_label == "Early help"
    assert change.detail["change_message"] == [{"changed": {"fields": ["Name"]}}]
    assert delete.object_label == "Early Help"


def test_deleting_several_at_once_in_the_admin_audits_each(client: Client) -> None:
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    services = [Service.objects.create(name=name) for name in ("One", "Two")]

    response = client.post(
        "/admin/organisation/service/",
        {
            "action": "delete_selected",
            "_selected_action": [s.pk for s in services],
            "post": "yes",
        },
    )

    assert response.status_code == 302
    assert not Service.objects.exists()
    assert {e.object_label for e in entries("delete", "organisation.service")} == {"One", "Two"}


# Signing in at the admin's address ---------------------------------------------------------------


def test_the_admin_sign_in_page_sends_people_to_the_apps_own(client: Client) -> None:
    response = client.get("/admin/login/?next=/admin/organisation/staff/")

    assert response.status_code == 302
    assert response["Location"] == "/sign-in/?next=%2Fadmin%2Forganisation%2Fstaff%2F"
    # An address elsewhere is not followed.
    elsewhere = client.get("/admin/login/?next=https://evil.example/")
    assert elsewhere["Location"] == "/sign-in/?next=%2Fadmin%2F"


def test_a_password_sent_to_the_admin_sign_in_address_signs_nobody_in(client: Client) -> None:
    person(is_staff=True)

    response = client.post("/admin/login/", {"username": "ada", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")
    assert "_auth_user_id" not in client.session


def test_signing_in_for_the_admin_is_audited_and_ends_after_eight_hours(client: Client) -> None:
    person(is_staff=True, is_superuser=True)

    response = client.post(
        "/sign-in/", {"username": "ada", "password": PASSWORD, "next": "/admin/"}
    )

    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert entries("sign_in")[0].actor_label == "ada"
    session = client.session
    session[SIGNED_IN_AT] = time.time() - 8 * 60 * 60 - 1
    session.save()
    assert client.get("/admin/")["Location"].startswith("/sign-in/")


def test_every_way_of_signing_in_starts_the_eight_hours(client: Client) -> None:
    client.force_login(UserFactory())

    assert client.session[SIGNED_IN_AT] == pytest.approx(time.time(), abs=60)


def test_signing_out_of_the_admin_is_audited(client: Client) -> None:
    user = UserFactory(is_staff=True)
    client.force_login(user)

    response = client.post("/admin/logout/")

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert entries("sign_out")[0].actor == user


# Looking at an agreement's edit page ------------------------------------------------------------


@pytest.mark.usefixtures("frozen_today")
def test_opening_an_agreements_edit_page_is_audited(client: Client) -> None:
    team = council()
    client.force_login(team.manager.user)
    client.post(f"/agreements/new/{team.worker.pk}/", {**TERMS, "action": "draft"})
    [created] = AuditEvent.objects.filter(object_type="supervision.agreement")[:1]

    page = client.get(f"/agreements/{created.object_id}/edit/")

    assert page.status_code == 200
    [view] = entries("view", "supervision.agreement")
    assert view.actor == team.manager.user
    assert view.object_id == created.object_id
    assert view.detail == {"page": "edit"}
