"""Reminders, digests and escalation (issue 11): what each person is emailed, and only once.

Every email goes through Django's SMTP backend to a real SMTP server on 127.0.0.1 (aiosmtpd,
started for the test), and background work runs through django.tasks: immediately here, and
through django-tasks-db's own worker in the tests of the worker.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import json
import socket
import threading
from collections.abc import Iterator
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from typing import Any, ClassVar

import pytest
from aiosmtpd.controller import Controller
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from oversight.access.models import Delegation
from oversight.audit.actor import Actor
from oversight.audit.models import AuditEvent
from oversight.organisation.models import LineManagement, Staff
from oversight.reminders.events import compose_event
from oversight.reminders.models import (
    STALE_CLAIM,
    Delivery,
    Frequency,
    Kind,
    Message,
    Notice,
    Notification,
    Preference,
)
from oversight.reminders.preferences import choose_frequency
from oversight.reminders.runs import daily, weekly
from oversight.reminders.sending import Mention, compose, deliver
from oversight.supervision.models import Session
from tests.council import DAY, TODAY, Council, council, record, smith_children
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
SMTP = "django.core.mail.backends.smtp.EmailBackend"
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
# The test council's Wednesday; the digest runs on the Monday of that week.
MONDAY = TODAY - 2 * DAY
SUPERVISED_LONG_AGO = TODAY - 120 * DAY


class Inbox:
    """An aiosmtpd handler keeping every email it is sent."""

    def __init__(self) -> None:
        self.emails: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.emails.append(message)  # type: ignore[arg-type]
        return "250 Message accepted for delivery"

    def to(self, person: Staff) -> list[EmailMessage]:
        return [m for m in self.emails if m["To"] == person.email]

    def subjects(self) -> list[str]:
        return [str(m["Subject"]) for m in self.emails]


def text_of(message: EmailMessage) -> str:
    """The plain-text part, with the line endings it had before SMTP."""
    return str(message.get_body(("plain",)).get_content()).replace("\r\n", "\n")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, Controller]]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield inbox, controller
    finally:
        controller.stop()


@pytest.fixture
def inbox(smtp_server: tuple[Inbox, Controller]) -> Iterator[Inbox]:
    inbox, controller = smtp_server
    smtp = {"host": "127.0.0.1", "port": controller.port, "timeout": 5}
    with override_settings(
        MAILERS={"default": {"BACKEND": SMTP, "OPTIONS": smtp}},
        TASKS=IMMEDIATE,
        OVERSIGHT_SITE_URL="https://oversight.example.gov.uk",
    ):
        yield inbox


def with_emails(org: Council) -> Council:
    for person in Staff.objects.all():
        person.email = f"{person.staff_id.lower()}@council.example"
        person.save(update_fields=["email"])
        for role in ("head", "manager", "worker", "colleague", "other_manager", "outsider"):
            if getattr(org, role).pk == person.pk:
                setattr(org, role, person)
    for role in ("chairs_manager", "chair"):
        setattr(org, role, Staff.objects.get(pk=getattr(org, role).pk))
    return org


@pytest.fixture
def org(frozen_today: dt.date) -> Council:
    """The test council, everyone last supervised four months ago: all of it overdue."""
    return with_emails(council(last_supervised=SUPERVISED_LONG_AGO))


def run(job: Any, day: dt.date, capture: Any) -> Any:
    with capture(execute=True):
        return job(day)


# The daily email ---------------------------------------------------------------------------------


def test_it_emails_each_owner_what_became_overdue(
    org: Council, inbox: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    outcome = run(daily, TODAY, django_capture_on_commit_callbacks)
    [to_manager] = inbox.to(org.manager)
    body = text_of(to_manager)
    assert "Now overdue" in body
    assert "Supervision for Wanda Worker: overdue since" in body
    assert "Supervision for Colin Colleague" in body
    assert "https://oversight.example.gov.uk/records/new/?supervisee=WA" in body
    # Each supervisor owns their own supervisees' supervision, and only theirs.
    assert "Olive Outsider" not in body
    assert "Olive Outsider" in text_of(inbox.to(org.other_manager)[0])
    assert "Tamsin Manager" in text_of(inbox.to(org.head)[0])
    assert outcome.made == {Kind.DAILY: len(inbox.emails)}
    assert Message.objects.filter(delivery=Delivery.SENT).count() == len(inbox.emails)


def test_it_sends_nothing_to_someone_who_owns_nothing(
    org: Council, inbox: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    run(daily, TODAY, django_capture_on_commit_callbacks)
    assert inbox.emails
    assert inbox.to(org.worker) == []
    assert inbox.to(org.colleague) == []


def test_it_sends_nothing_more_when_run_again_the_same_day_or_the_next(
    org: Council, inbox: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    run(daily, TODAY, django_capture_on_commit_callbacks)
    sent = len(inbox.emails)
    again = run(daily, TODAY, django_capture_on_commit_callbacks)
    next_day = run(daily, TODAY + DAY, django_capture_on_commit_callbacks)
    assert sent > 0
    assert again.made == {}
    assert next_day.made == {}
    assert len(inbox.emails) == sent


def test_it_reminds_once_when_something_falls_due_within_a_week_and_again_when_overdue(
    frozen_today: dt.date, inbox: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    org = with_emails(council(last_supervised=TODAY - 26 * DAY))
    wanda = "Supervision for Wanda Worker"

    def told_about_wanda() -> list[str]:
        bodies = [text_of(m) for m in inbox.to(org.manager)]
        return [line for body in bodies for line in body.splitlines() if wanda in line]

    run(daily, TODAY - 8 * DAY, django_capture_on_commit_callbacks)
    assert told_about_wanda() == []  # due in more than a week: nothing yet
    run(daily, TODAY, django_capture_on_commit_callbacks)
    [soon] = told_about_wanda()
    assert soon.startswith(f"- {wanda}: due ")
    run(daily, TODAY + DAY, django_capture_on_commit_callbacks)
    assert len(told_about_wanda()) == 1  # said once, not every day

    due_date = Notice.objects.get(
        recipient=org.manager, about="staff:WA:professional_supervision"
    ).period.split()[0]
    run(daily, dt.date.fromisoformat(due_date) + DAY, django_capture_on_commit_callbacks)
    assert told_about_wanda()[1].startswith(f"- {wanda}: overdue since ")
    assert len(told_about_wanda()) == 2


# The weekly digest and escalation ----------------------------------------------------------------


def digest_of(inbox: Inbox, person: Staff) -> str:
    [message] = inbox.to(person)
    return text_of(message)


def test_it_sends_every_supervisor_a_monday_digest_of_their_supervisees_and_their_children(
    frozen_today: dt.date, inbox: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    org = with_emails(smith_children(council(last_supervised=SUPERVISED_LONG_AGO)))
    draft = record(org.manager, org.worker, TODAY - 3 * DAY)
    draft.send_to_worker(by=org.manager.user, on=TODAY - 3 * DAY)
    draft.return_to_supervisor(by=org.worker.user, reason="The date of the visit is wrong")
    run(weekly, MONDAY, django_capture_on_commit_callbacks)
    digest = digest_of(inbox, org.manager)
    assert "People you supervise:\n- Supervision agreement for Colin Colleague" in digest
    assert "Children your supervisees hold:" in digest
    assert f"for child {org.amy.case_id}" in digest
    assert "Amy Smith" not in digest  # a child is named by their case ID only
    assert "Records returned to you to correct:" in digest
    assert f"/records/{draft.pk}/" in digest
    [message] = inbox.to(org.manager)
    assert message["Subject"] == "Your supervision summary for the week of 9 June 2025"
    html = message.get_body(("html",)).get_content()
    assert '<html lang="en-GB">' in html
    assert f'href="https://oversight.example.gov.uk/children/{org.amy.case_id}/"' in html


def test_it_escalates_what_is_overdue_by_more_than_the_setting_to_the_owners_line_manager_once(
    org: Council, inbox: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    run(weekly, MONDAY, django_capture_on_commit_callbacks)
    digest = digest_of(inbox, org.head)
    escalated = digest.split("escalated to you as their line manager):")[1].split("\n\n")[0]
    assert "Supervision for Wanda Worker (Tamsin Manager's): overdue since" in escalated
    escalated_to_head = Notice.objects.filter(recipient=org.head, period__endswith="escalated")
    assert escalated_to_head.filter(about="staff:WB:professional_supervision").exists()
    assert not Notice.objects.filter(recipient=org.manager, period__endswith="escalated").exists()

    run(weekly, MONDAY + 7 * DAY, django_capture_on_commit_callbacks)
    later = text_of(inbox.to(org.head)[1])
    assert "escalated to you" not in later


@override_settings(OVERSIGHT_ESCALATION_DAYS=1000)
def test_it_escalates_nothing_overdue_for_fewer_days_than_the_setting(
    org: Council, inbox: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    run(weekly, MONDAY, django_capture_on_commit_callbacks)
    assert "escalated to you" not in digest_of(inbox, org.head)


def test_it_still_escalates_to_a_line_manager_who_switched_reminders_off(
    org: Council, inbox: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    Preference.objects.create(staff=org.head, frequency=Frequency.OFF)
    Preference.objects.create(staff=org.manager, frequency=Frequency.OFF)
    run(daily, TODAY, django_capture_on_commit_callbacks)
    assert inbox.to(org.head) == []
    assert inbox.to(org.manager) == []
    run(weekly, MONDAY, django_capture_on_commit_callbacks)
    digest = digest_of(inbox, org.head)
    assert "Wanda Worker (Tamsin Manager's)" in digest
    assert "People you supervise" not in digest  # only the escalation
    assert inbox.to(org.manager) == []  # Tamsin has nothing escalated to her


def test_it_sends_no_daily_email_to_someone_who_chose_weekly(
    org: Council, inbox: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    Preference.objects.create(staff=org.manager, frequency=Frequency.WEEKLY)
    run(daily, TODAY, django_capture_on_commit_callbacks)
    assert inbox.to(org.manager) == []
    run(weekly, MONDAY, django_capture_on_commit_callbacks)
    assert "Wanda Worker" in digest_of(inbox, org.manager)


# Never in the wrong digest -----------------------------------------------------------------------


def test_it_leaves_a_leaver_out_of_every_digest_and_sends_them_nothing(
    org: Council, inbox: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    Staff.objects.filter(pk=org.worker.pk).update(end_date=MONDAY - DAY)
    LineManagement.objects.filter(staff=org.worker).update(end_date=MONDAY - DAY)
    Staff.objects.filter(pk=org.other_manager.pk).update(end_date=MONDAY - DAY)
    run(weekly, MONDAY, django_capture_on_commit_callbacks)
    assert "Wanda Worker" not in digest_of(inbox, org.manager)
    assert "Colin Colleague" in digest_of(inbox, org.manager)
    assert inbox.to(org.worker) == []
    assert inbox.to(org.other_manager) == []
    # Nor is what a leaver owned escalated: they are no longer anybody's to chase.
    assert "Omar Manager's" not in digest_of(inbox, org.head)


def test_it_leaves_someone_whose_line_management_ended_out_of_their_former_managers_digest(
    org: Council, inbox: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    LineManagement.objects.filter(staff=org.colleague).update(end_date=MONDAY - DAY)
    run(weekly, MONDAY, django_capture_on_commit_callbacks)
    digest = digest_of(inbox, org.manager)
    assert "Colin Colleague" not in digest
    assert "Wanda Worker" in digest


def test_it_puts_a_reassigned_supervisee_in_the_new_managers_digest_only(
    org: Council, inbox: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    LineManagement.objects.filter(staff=org.worker).update(end_date=MONDAY - DAY)
    LineManagement.objects.create(staff=org.worker, manager=org.other_manager, start_date=MONDAY)
    run(weekly, MONDAY, django_capture_on_commit_callbacks)
    assert "Wanda Worker" not in digest_of(inbox, org.manager)
    assert "Supervision for Wanda Worker" in digest_of(inbox, org.other_manager)
    escalated = digest_of(inbox, org.head)
    assert "Wanda Worker (Omar Manager's)" in escalated
    assert "Wanda Worker (Tamsin Manager's)" not in escalated


def test_a_deputy_gets_what_the_manager_they_cover_for_owns_while_the_cover_lasts(
    org: Council, inbox: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    Delegation.objects.create(
        from_manager=org.manager,
        deputy=org.other_manager,
        start_date=MONDAY - DAY,
        end_date=MONDAY + 4 * DAY,
        reason="Annual leave",
        created_by=org.head.user,
    )
    run(weekly, MONDAY, django_capture_on_commit_callbacks)
    covering = digest_of(inbox, org.other_manager).split("While you cover")[1]
    assert "Supervision for Wanda Worker (Tamsin Manager's)" in covering
    assert "Wanda Worker" in digest_of(inbox, org.manager)  # still hers too

    run(weekly, MONDAY + 7 * DAY, django_capture_on_commit_callbacks)
    assert "While you cover" not in text_of(inbox.to(org.other_manager)[1])


# The sent-log and delivery -----------------------------------------------------------------------


def test_the_sent_log_refuses_a_second_message_about_the_same_thing_in_the_same_period(
    org: Council,
) -> None:
    mentions = [Mention("weekly digest", "2025-W24")]
    context = {"as_of": MONDAY, "escalations": [], "people": []}
    first = compose(org.manager, Kind.WEEKLY, "weekly", context, mentions)
    second = compose(org.manager, Kind.WEEKLY, "weekly", context, mentions)
    assert first is not None
    assert second is None
    assert Message.objects.count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        Notice.objects.create(
            recipient=org.manager, about="weekly digest", period="2025-W24", message=first
        )


def test_it_records_a_failed_delivery_and_sends_it_after_the_back_off(
    org: Council,
    smtp_server: tuple[Inbox, Controller],
    inbox: Inbox,
    django_capture_on_commit_callbacks: Any,
) -> None:
    nobody_listening = {"host": "127.0.0.1", "port": free_port(), "timeout": 5}
    with override_settings(MAILERS={"default": {"BACKEND": SMTP, "OPTIONS": nobody_listening}}):
        run(daily, TODAY, django_capture_on_commit_callbacks)
    failed = Message.objects.get(recipient=org.manager)
    assert failed.delivery == Delivery.FAILED
    assert failed.attempts == 1
    assert "ConnectionRefusedError" in failed.last_error
    assert failed.next_attempt_at == failed.claimed_at + dt.timedelta(minutes=5)

    assert deliver(failed.pk) == Delivery.FAILED  # still within its back-off: not tried
    assert inbox.emails == []
    later = timezone.now() + dt.timedelta(minutes=6)
    assert deliver(failed.pk, now=later) == Delivery.SENT
    assert deliver(failed.pk, now=later) == Delivery.SENT
    assert len(inbox.to(org.manager)) == 1


# The worker: django-tasks-db ---------------------------------------------------------------------


@pytest.fixture
def database_tasks(inbox: Inbox) -> Iterator[Inbox]:
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        yield inbox


def work(*options: str) -> None:
    call_command(
        "db_worker", "--batch", "--no-startup-delay", "--no-reload", *options, stdout=StringIO()
    )


# The worker commits and closes its connection as in production: no test transaction around it.
@pytest.mark.django_db(transaction=True)
def test_the_command_queues_the_runs_messages_for_the_database_worker(
    org: Council, database_tasks: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("reminders", "--as-of", MONDAY.isoformat(), stdout=out)
    assert "daily reminders for 2025-06-09" in out.getvalue()
    assert "weekly digests for 2025-06-09" in out.getvalue()
    assert database_tasks.emails == []  # queued, not sent: the worker sends
    work()
    made = Message.objects.count()
    assert made > 0
    assert len(database_tasks.emails) == made
    assert set(Message.objects.values_list("delivery", flat=True)) == {Delivery.SENT}


# The worker commits and closes its connection as in production: no test transaction around it.
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_send_leaves_its_message_to_the_next_run_and_sends_each_once(
    org: Council, database_tasks: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        daily(TODAY)
    work("--max-tasks", "1")  # one message sent, then the worker stops
    assert Message.objects.filter(delivery=Delivery.SENT).count() == 1
    # Another worker had claimed a message and was killed while sending it.
    halfway = Message.objects.filter(delivery=Delivery.WAITING).first()
    assert halfway is not None
    Message.objects.filter(pk=halfway.pk).update(
        delivery=Delivery.SENDING, claimed_at=timezone.now()
    )
    work()  # the restarted worker sends the rest; that one is another worker's claim
    assert Message.objects.get(pk=halfway.pk).delivery == Delivery.SENDING
    assert Message.objects.exclude(pk=halfway.pk).exclude(delivery=Delivery.SENT).count() == 0

    # Past the longest a send can take, the next run hands the abandoned claim out again.
    Message.objects.filter(pk=halfway.pk).update(claimed_at=timezone.now() - STALE_CLAIM - DAY)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("reminders", "--daily", "--as-of", TODAY.isoformat(), stdout=StringIO())
    work()
    assert set(Message.objects.values_list("delivery", flat=True)) == {Delivery.SENT}
    recipients = [m["To"] for m in database_tasks.emails]
    assert sorted(recipients) == sorted(set(recipients))  # nobody twice
    assert len(recipients) == Message.objects.count()


# Event notifications -----------------------------------------------------------------------------


def test_it_tells_the_worker_a_record_waits_for_them_and_the_manager_it_came_back(
    org: Council, inbox: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    draft = record(org.manager, org.worker, TODAY - DAY)
    with django_capture_on_commit_callbacks(execute=True):
        draft.send_to_worker(by=org.manager.user, on=TODAY)
    [to_worker] = inbox.to(org.worker)
    assert to_worker["Subject"] == "A supervision record is waiting for you to agree"
    assert f"https://oversight.example.gov.uk/records/{draft.pk}/" in text_of(to_worker)
    with django_capture_on_commit_callbacks(execute=True):
        draft.return_to_supervisor(by=org.worker.user, reason="The visit date is wrong")
    [to_manager] = inbox.to(org.manager)
    assert to_manager["Subject"] == "A supervision record was returned to you"


def test_it_tells_the_supervisee_a_booking_was_made_moved_and_cancelled(
    org: Council, inbox: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    from oversight.records.writing import book_supervision, cancel_session, move_session

    by = Actor(org.manager.user)
    with django_capture_on_commit_callbacks(execute=True):
        session = book_supervision(
            by=by,
            supervisor=org.manager,
            supervisee=org.worker,
            kind="individual",
            date=TODAY + 7 * DAY,
            start_time=dt.time(10, 0),
            duration_minutes=90,
            location="Room 2",
        )
    with django_capture_on_commit_callbacks(execute=True):
        move_session(
            session, by=by, date=TODAY + 8 * DAY, start_time=dt.time(14, 0), reason="Court"
        )
    with django_capture_on_commit_callbacks(execute=True):
        cancel_session(Session.objects.get(pk=session.pk), by=by, reason="Sickness")
    booked, moved, cancelled = inbox.to(org.worker)
    assert booked["Subject"] == "Supervision booked"
    assert "booked for 18 June 2025 at 10:00" in text_of(booked)
    assert "on 18 June 2025 at 10:00 has moved to 19 June 2025 at 14:00" in text_of(moved)
    assert cancelled["Subject"] == "Supervision cancelled"
    assert inbox.to(org.manager) == []


def test_it_tells_the_line_manager_a_disagreement_was_escalated_to_them(
    org: Council, inbox: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    from oversight.records.models import Disagreement

    session = record(org.manager, org.worker, TODAY - DAY)
    disagreement = Disagreement.objects.create(
        session=session, raised_by=org.worker, raised_on=TODAY - DAY, what="Caseload size"
    )
    with django_capture_on_commit_callbacks(execute=True):
        disagreement.escalate(by=org.worker.user, meeting_date=TODAY + 5 * DAY)
    [to_head] = inbox.to(org.head)
    assert to_head["Subject"] == "A disagreement about supervision was escalated to you"
    assert "Caseload size" not in text_of(to_head)


def test_it_notifies_nobody_when_the_change_rolls_back(
    org: Council, inbox: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    draft = record(org.manager, org.worker, TODAY - DAY)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        draft.send_to_worker(by=org.manager.user, on=TODAY)
        transaction.set_rollback(True)
    assert callbacks == []
    assert inbox.emails == []


# Choosing how often ------------------------------------------------------------------------------


def test_a_person_chooses_weekly_reminders_on_their_reminders_page(
    org: Council, client: Any
) -> None:
    client.force_login(org.worker.user)
    page = client.get(reverse("reminders:preferences"))
    assert page.status_code == 200
    assert b"How often do you want reminders?" in page.content
    response = client.post(
        reverse("reminders:preferences"), {"frequency": "weekly", "events": "yes"}
    )
    assert response.status_code == 302
    assert Preference.objects.get(staff=org.worker).frequency == Frequency.WEEKLY
    assert AuditEvent.objects.filter(object_type="reminders.preference").exists()


def test_a_person_turns_off_emails_about_events_and_still_sees_them_in_oversight(
    org: Council, client: Any
) -> None:
    org.worker.email = "wanda@council.example"
    org.worker.save(update_fields=["email"])
    client.force_login(org.worker.user)
    client.post(reverse("reminders:preferences"), {"frequency": "daily", "events": "no"})
    assert Preference.objects.get(staff=org.worker).events is False

    draft = record(org.manager, org.worker, TODAY - DAY)
    sent = draft.send_to_worker(by=org.manager.user, on=TODAY)
    assert compose_event("record_sent", sent.pk) == []
    assert Notification.objects.filter(recipient=org.worker).count() == 1


def test_the_reminders_page_names_the_problem_when_nothing_is_chosen(
    org: Council, client: Any
) -> None:
    client.force_login(org.worker.user)
    page = client.post(reverse("reminders:preferences"), {"frequency": "hourly", "events": "yes"})
    assert page.status_code == 200
    assert b"Select how often you want reminders" in page.content
    assert not Preference.objects.exists()


def test_only_staff_in_post_have_a_reminders_page(org: Council, client: Any) -> None:
    client.force_login(org.hr)
    assert client.get(reverse("reminders:preferences")).status_code == 403
    Staff.objects.filter(pk=org.worker.pk).update(end_date=TODAY - DAY)
    client.force_login(org.worker.user)
    assert client.get(reverse("reminders:preferences")).status_code == 403


def test_choosing_is_audited_with_what_changed(org: Council) -> None:
    choose_frequency(org.manager, Frequency.OFF, by=Actor(org.manager.user))
    choose_frequency(org.manager, Frequency.DAILY, by=Actor(org.manager.user))
    assert Preference.objects.get(staff=org.manager).frequency == Frequency.DAILY
    changed = AuditEvent.objects.filter(object_type="reminders.preference").order_by("id")
    assert [event.detail["frequency"] for event in changed] == [
        ["daily", "off"],
        ["off", "daily"],
    ]


# The administrator reads what was sent -----------------------------------------------------------


def test_the_administrator_reads_an_email_as_sent_and_the_reading_is_audited(
    org: Council, client: Any
) -> None:
    digest = compose(
        org.manager,
        Kind.WEEKLY,
        "weekly",
        {"as_of": MONDAY, "people": [], "escalations": []},
        [Mention("weekly digest", "2025-W24")],
    )
    assert digest is not None
    address = reverse("admin:reminders_message_email", args=[digest.pk])
    client.force_login(org.worker.user)
    assert client.get(address).status_code == 302  # to the admin's sign-in: not for staff
    support = UserFactory(is_staff=True)
    support.groups.add(Group.objects.get(name="Business support"))
    client.force_login(support)
    assert client.get(address).status_code == 403  # organisation data, not people's email
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    page = client.get(address)
    assert page.status_code == 200
    assert page.content.decode() == digest.html
    assert "style-src 'unsafe-inline'" in page["Content-Security-Policy"]
    assert "script-src" not in page["Content-Security-Policy"]
    assert AuditEvent.objects.filter(action="view", object_type="reminders.message").exists()


# GOV.UK Notify -----------------------------------------------------------------------------------

NOTIFY_KEY = (
    "oversight_test-26785a09-ab16-4eb0-8407-a37497a57506-3d844edf-8d35-48ac-975b-e847b4f122b0"
)
TEMPLATE_ID = "f33517ff-2a88-4f6e-b855-c550268ce08a"


class NotifyStub(BaseHTTPRequestHandler):
    """A local stand-in for the GOV.UK Notify API: keeps what it is sent, answers as Notify."""

    received: ClassVar[list[dict[str, Any]]] = []
    status: ClassVar[int] = 201

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        NotifyStub.received.append(
            {"path": self.path, "body": body, "authorization": self.headers["Authorization"]}
        )
        answer = (
            {"id": "740e5834-3a29-46b4-9a6f-16142fde533a", "reference": body.get("reference")}
            if self.status == 201
            else {"status_code": self.status, "errors": [{"error": "Exception", "message": "x"}]}
        )
        encoded = json.dumps(answer).encode()
        self.send_response(self.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(encoded)))
        self.end_headers()
        self.wfile.write(encoded)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def notify(inbox: Inbox) -> Iterator[type[NotifyStub]]:
    NotifyStub.received, NotifyStub.status = [], 201
    server = ThreadingHTTPServer(("127.0.0.1", 0), NotifyStub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with override_settings(
            OVERSIGHT_NOTIFY_API_KEY=NOTIFY_KEY,
            OVERSIGHT_NOTIFY_TEMPLATE_ID=TEMPLATE_ID,
            OVERSIGHT_NOTIFY_BASE_URL=f"http://127.0.0.1:{server.server_address[1]}",
        ):
            yield NotifyStub
    finally:
        server.shutdown()
        server.server_close()


def test_with_a_notify_key_it_sends_through_gov_uk_notify_instead_of_email(
    org: Council, notify: type[NotifyStub], inbox: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    run(daily, TODAY, django_capture_on_commit_callbacks)
    assert inbox.emails == []
    to_manager = [r for r in notify.received if r["body"]["email_address"] == org.manager.email]
    [sent] = to_manager
    assert sent["path"] == "/v2/notifications/email"
    assert sent["authorization"].startswith("Bearer ")
    assert sent["body"]["template_id"] == TEMPLATE_ID
    assert sent["body"]["personalisation"]["subject"] == "Supervision work is overdue"
    assert "Supervision for Wanda Worker" in sent["body"]["personalisation"]["body"]
    message = Message.objects.get(recipient=org.manager)
    assert sent["body"]["reference"] == f"oversight-message-{message.pk}"
    assert message.delivery == Delivery.SENT


def test_a_notify_refusal_is_recorded_and_tried_again_after_the_back_off(
    org: Council, notify: type[NotifyStub], django_capture_on_commit_callbacks: Any
) -> None:
    notify.status = 500
    run(daily, TODAY, django_capture_on_commit_callbacks)
    failed = Message.objects.get(recipient=org.manager)
    assert failed.delivery == Delivery.FAILED
    assert "500" in failed.last_error
    notify.status = 201
    assert deliver(failed.pk, now=timezone.now() + dt.timedelta(minutes=6)) == Delivery.SENT
