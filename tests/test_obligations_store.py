"""The obligations store is a cache of the engine's answers, never a second truth (issue 15).

A random sequence of changes made through the domain operations (bookings held, moved and
cancelled, records written and sent, children allocated and transferred, plans started, decisions,
agreements, supervisees reassigned, leavers, moves between teams) leaves the store equal to a fresh
computation after every step; so does the day changing.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from oversight.audit.actor import Actor
from oversight.cases.models import Allocation, CaseEvent, CaseStatus
from oversight.files.retention import record_leaver
from oversight.obligations import store
from oversight.obligations.models import StaleSubject, StoredObligation
from oversight.organisation.transfers import reassign_supervisees, rows_to_move
from oversight.records import writing
from oversight.records.models import Record
from oversight.supervision.models import Agreement, Session
from tests.concurrency import at_once, only_on_postgresql
from tests.council import (
    NOW,
    TERMS,
    Council,
    conference_children,
    council,
    smith_children,
    today,
)
from tests.factories import CaseFactory, ProfessionalRecordFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

DAY = dt.timedelta(days=1)


def busy_council() -> Council:
    return conference_children(smith_children(council(last_supervised=today() - 20 * DAY)))


class Changes:
    """The changes a council goes through, each made as the screens make it."""

    def __init__(self, org: Council, rng: random.Random) -> None:
        self.org, self.rng = org, rng
        self.as_manager = Actor(org.manager.user)

    def book(self) -> None:
        writing.book_supervision(
            by=self.as_manager,
            supervisor=self.org.manager,
            supervisee=self.rng.choice([self.org.worker, self.org.colleague]),
            kind="individual",
            date=today() - self.rng.randint(0, 3) * DAY,
            start_time=dt.time(8, 0),
            duration_minutes=60,
            location="Room 1",
        )

    def _booking(self) -> Session | None:
        found = list(
            Session.objects.filter(supervisor=self.org.manager, events__kind="booked")
            .exclude(events__kind__in=["held", "cancelled"])
            .order_by("pk")
        )
        return self.rng.choice(found) if found else None

    def hold(self) -> None:
        if booking := self._booking():
            writing.confirm_held(booking, by=self.as_manager)

    def cancel(self) -> None:
        if booking := self._booking():
            writing.cancel_session(booking, by=self.as_manager, reason="Off sick")

    def write_and_send(self) -> None:
        supervisee = self.rng.choice([self.org.worker, self.org.colleague])
        record = Record.objects.create(
            type="individual",
            date=today() - self.rng.randint(1, 9) * DAY,
            supervisor=self.org.manager,
            supervisee=supervisee,
        )
        ProfessionalRecordFactory(session=record)
        if self.rng.random() < 0.7:
            record.send_to_worker(by=self.org.manager.user, on=today())

    def allocate(self) -> None:
        case = CaseFactory(open_date=today() - self.rng.randint(0, 60) * DAY)
        Allocation.objects.create(case=case, worker=self.org.worker, start_date=case.open_date)
        CaseStatus.objects.create(case=case, status="child_in_need", start_date=case.open_date)

    def transfer_child(self) -> None:
        held = Allocation.objects.filter(end_date=None, worker=self.org.worker).first()
        if held is None:
            return
        held.end_date = today() - DAY
        held.save()
        Allocation.objects.create(case=held.case, worker=self.org.colleague, start_date=today())

    def child_protection_plan(self) -> None:
        held = Allocation.objects.filter(end_date=None).order_by("pk").first()
        if held is not None:
            CaseStatus.objects.get_or_create(
                case=held.case,
                status="child_protection",
                start_date=today() - self.rng.randint(200, 260) * DAY,
            )

    def decision(self) -> None:
        held = Allocation.objects.filter(end_date=None).order_by("-pk").first()
        if held is not None:
            CaseEvent.objects.get_or_create(case=held.case, event="legal_planning", date=today())

    def agreement(self) -> None:
        if Agreement.objects.filter(staff=self.org.colleague, signed_date=today()).exists():
            return
        agreement = Agreement.start(
            self.org.colleague, self.org.manager, by=self.org.manager.user, **TERMS
        )
        agreement.confirm(by=self.org.manager.user)
        agreement.confirm(by=self.org.colleague.user)

    def reassign(self) -> None:
        if not rows_to_move(self.org.manager, today() + DAY):
            return
        reassign_supervisees(
            self.org.manager, self.org.other_manager, today() + DAY, by=Actor(self.org.head.user)
        )

    def leaver(self) -> None:
        self.org.colleague.refresh_from_db()
        if self.org.colleague.end_date is not None:
            return
        record_leaver(self.org.colleague, today(), by=Actor(self.org.hr))

    def move_team(self) -> None:
        self.org.outsider.team = self.org.team
        self.org.outsider.save()

    def all(self) -> list[Callable[[], None]]:
        return [
            self.book,
            self.hold,
            self.cancel,
            self.write_and_send,
            self.allocate,
            self.transfer_child,
            self.child_protection_plan,
            self.decision,
            self.agreement,
            self.reassign,
            self.leaver,
            self.move_team,
        ]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_it_equals_a_fresh_computation_after_every_change(seed: int) -> None:
    org = busy_council()
    store.refresh_all(today())
    assert StoredObligation.objects.exists()
    changes = Changes(org, random.Random(seed))
    done = []
    for change in random.Random(seed).choices(changes.all(), k=14):
        change()
        done.append(change.__name__)
        assert store.differences(today()) == [], done
    assert not StaleSubject.objects.exists()


def test_it_recomputes_everything_when_the_day_changes() -> None:
    busy_council()
    store.refresh_all(today())
    with time_machine.travel(NOW + 40 * DAY, tick=False):
        assert store.differences(today() + 40 * DAY) == []


def test_it_marks_a_change_stale_and_catches_up_only_on_the_next_read() -> None:
    org = busy_council()
    store.refresh_all(today())
    Changes(org, random.Random(1)).write_and_send()
    assert StaleSubject.objects.filter(subject_type="session").exists()
    store.ensure_current(today())
    assert not StaleSubject.objects.exists()


def test_its_check_command_reports_a_difference_and_fails() -> None:
    busy_council()
    call_command("obligations_store", "refresh", stdout=StringIO())
    out = StringIO()
    call_command("obligations_store", "check", stdout=out)
    assert "equals the engine" in out.getvalue()

    # Edit a derived row by hand, as nobody ever should.
    StoredObligation.objects.filter(subject_type="staff").update(due_date=today() + 999 * DAY)
    with pytest.raises(CommandError, match="differs from the engine"):
        call_command("obligations_store", "check", stdout=StringIO())


@pytest.mark.django_db(transaction=True)
def test_its_daily_refresh_reuses_the_space_of_the_day_befores_rows() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite writes in place; PostgreSQL keeps deleted rows until vacuumed")
    busy_council()

    def size_after_refresh() -> int:
        call_command("obligations_store", "refresh", stdout=StringIO())
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_relation_size(%s)", [StoredObligation._meta.db_table])
            return int(cursor.fetchone()[0])

    sizes = [size_after_refresh() for _ in range(4)]
    # Without reclaiming, each day's rows would be written after the day before's dead ones.
    assert sizes[3] <= sizes[1], sizes


@only_on_postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("catching_up", ["the new day", "a change"])
def test_two_readers_at_once_bring_it_up_to_date_once(catching_up: str) -> None:
    org = busy_council()
    if catching_up == "the new day":
        store.refresh_all(today() - DAY)
    else:
        store.refresh_all(today())
        Changes(org, random.Random(1)).write_and_send()

    def read() -> None:
        store.ensure_current(today())

    assert at_once(read, read) == []
    assert store.differences(today()) == []  # no row twice, none missing
