"""Notifications in the application (issue 11 §5): what happened that someone must act on, made
with the change itself, an unread count in the menu, each leading to what needs doing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.urls import reverse

from oversight.reminders.models import Frequency, Notification, Preference
from tests.council import today
from tests.factories import ProfessionalRecordFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.urls("oversight.urls"),
    pytest.mark.usefixtures("frozen_today"),
]

DAY = dt.timedelta(days=1)


def returned_record(org):
    record = org.session(today() - 3 * DAY)
    ProfessionalRecordFactory(session=record)
    record.send_to_worker(by=org.manager.user, on=today() - 2 * DAY)
    record.return_to_supervisor(by=org.worker.user, reason="The visit date is wrong.")
    return record


def test_a_return_tells_the_manager_in_the_menu_and_the_list(client, org):
    record = returned_record(org)
    client.force_login(org.manager.user)

    home = client.get("/").content.decode()
    assert "Notifications (1 new)" in home
    page = client.get(reverse("reminders:notifications")).content.decode()
    assert "was returned to you to correct" in page
    assert "1 not read yet" in page

    [notification] = Notification.objects.filter(recipient=org.manager)
    opened = client.get(reverse("reminders:open_notification", args=[notification.pk]))
    assert opened["Location"] == reverse("records:detail", args=[record.pk])
    assert "Notifications (1 new)" not in client.get("/").content.decode()


def test_the_worker_is_told_a_record_waits_for_them_even_with_emails_off(client, org):
    Preference.objects.create(staff=org.worker, frequency=Frequency.OFF)
    record = org.session(today() - 3 * DAY)
    ProfessionalRecordFactory(session=record)
    record.send_to_worker(by=org.manager.user, on=today() - 2 * DAY)

    [notification] = Notification.objects.filter(recipient=org.worker)
    assert "sent to you to agree or return" in notification.what
    assert notification.path == reverse("records:detail", args=[record.pk])


def test_nothing_is_told_of_a_change_that_did_not_happen(org):
    record = org.session(today() - 3 * DAY)
    ProfessionalRecordFactory(session=record)

    def send_then_fail() -> None:
        with transaction.atomic():
            record.send_to_worker(by=org.manager.user, on=today() - 2 * DAY)
            raise RuntimeError("the change is rolled back")

    with pytest.raises(RuntimeError):
        send_then_fail()
    assert not Notification.objects.exists()


def test_nobody_opens_someone_elses_notification(client, org):
    returned_record(org)
    [notification] = Notification.objects.filter(recipient=org.manager)
    client.force_login(org.worker.user)
    assert (
        client.get(reverse("reminders:open_notification", args=[notification.pk])).status_code
        == 404
    )
    notification.refresh_from_db()
    assert notification.read_at is None


def test_all_can_be_marked_read_at_once(client, org):
    returned_record(org)
    client.force_login(org.manager.user)
    client.post(reverse("reminders:mark_all_read"))
    assert not Notification.objects.filter(recipient=org.manager, read_at=None).exists()
