"""The demo council: believable, deterministic, importable, and never mixed with other data."""

from __future__ import annotations

import datetime as dt
import filecmp
from collections.abc import Iterator
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count
from django.http import HttpRequest
from django.test import Client, override_settings

from oversight.cases.models import Allocation, Case, CaseEvent, CaseStatus, SiblingGroup
from oversight.import_export.exporter import export_folder
from oversight.import_export.reader import read_dataset
from oversight.organisation.models import LineManagement, Service, Staff, Team
from oversight.supervision.models import Agreement, Session, SessionEvent

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2026, 6, 30)
ARGS = ("demo", "--seed", "1", "--as-of", AS_OF.isoformat())
USERNAMES = (
    "worker",
    "worker-b",
    "manager",
    "head",
    "chair",
    "chair-manager",
    "support",
    "hr",
    "auditor",
    "admin",
)
# The real hasher is slow on purpose; the demo's behaviour does not depend on which one is used.
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass(frozen=True)
class Demo:
    output: str
    first_export: Path
    second_export: Path


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Demo]:
    """The small demo, made twice from the same seed; the second stays for the module's tests."""
    first = tmp_path_factory.mktemp("first")
    second = tmp_path_factory.mktemp("second")
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHER):
        with transaction.atomic():
            call_command(*ARGS, stdout=StringIO())
            export_folder(first)
            transaction.set_rollback(True)
        with transaction.atomic():
            out = StringIO()
            call_command(*ARGS, stdout=out)
            export_folder(second)
            yield Demo(out.getvalue(), first, second)
            transaction.set_rollback(True)


def staff_of(username: str) -> Staff:
    return Staff.objects.select_related("team").get(user__username=username)


def test_it_builds_a_small_council_of_the_promised_size(demo: Demo) -> None:
    assert 3 <= Service.objects.count() <= 4
    assert Team.objects.count() == 12
    assert 130 <= Staff.objects.count() <= 175
    assert 1800 <= Case.objects.count() <= 2200
    open_cases = Case.objects.active_on(AS_OF).count()
    assert 1100 <= open_cases <= 1600
    assert Case.objects.filter(close_date__isnull=False).count() >= 300
    active = Staff.objects.active_on(AS_OF)
    for category, least in [
        ("case_holder", 80),
        ("manager", 12),
        ("conference_chair", 4),
        ("non_case_holder", 3),
        ("support_staff", 3),
    ]:
        assert active.filter(category=category).count() >= least, category
    assert Staff.objects.filter(end_date__isnull=False).count() >= 3
    assert Staff.objects.filter(asye_start__gt=AS_OF - dt.timedelta(days=365)).count() >= 2
    assert Staff.objects.exclude(swe_number="").count() >= 80
    changed = LineManagement.objects.values("staff").annotate(n=Count("id")).filter(n__gt=1)
    assert changed.count() >= 2


def test_it_gives_children_believable_histories(demo: Demo) -> None:
    statuses = set(CaseStatus.objects.values_list("status", flat=True))
    assert statuses == {
        "child_in_need",
        "child_protection",
        "care_proceedings",
        "looked_after",
        "permanence_plan",
        "care_leaver",
        "short_breaks",
        "adoption_support",
    }
    assert set(CaseEvent.objects.values_list("event", flat=True)) == {
        "legal_planning",
        "closure",
        "transfer",
        "child_protection",
    }
    assert SiblingGroup.objects.annotate(n=Count("children")).filter(n__gte=2).count() >= 50
    open_cases = Case.objects.active_on(AS_OF)
    unallocated = open_cases.exclude(pk__in=Allocation.objects.active_on(AS_OF).values("case"))
    assert 0 < unallocated.count() < open_cases.count() // 10
    # Transfers between workers are new allocation rows.
    assert Allocation.objects.values("case").annotate(n=Count("id")).filter(n__gt=1).count() > 100
    # A child in need who later went onto a plan.
    assert (
        Case.objects.filter(statuses__status="child_in_need")
        .filter(statuses__status="child_protection")
        .exists()
    )
    for case in Case.objects.filter(
        statuses__status="care_leaver", statuses__end_date__isnull=True, close_date__isnull=True
    ):
        age = (AS_OF - case.date_of_birth).days / 365.25
        assert 16.9 <= age <= 21.1, case
    assert not Case.objects.filter(display_name="").exists()
    emails = list(Staff.objects.values_list("email", flat=True))
    assert len(set(emails)) == len(emails)
    assert all(e.endswith("@demo-council.example") for e in emails)


def test_it_records_supervision_with_realistic_gaps(demo: Demo) -> None:
    types = dict(Session.objects.values_list("type").annotate(n=Count("id")))
    assert types["individual"] >= 2500
    for kind in ("case_discussion", "management_oversight", "group", "practice_observation"):
        assert types[kind] >= 100, kind
    assert types["conference_chair"] >= 20
    # After the demo's date there are only bookings, which have not taken place.
    assert not Session.objects.took_place().filter(date__gt=AS_OF).exists()
    assert Session.objects.filter(recorded_date__isnull=True).exists()
    lags = [
        (recorded - held).days
        for held, recorded in Session.objects.filter(recorded_date__isnull=False).values_list(
            "date", "recorded_date"
        )
    ]
    assert lags.count(0) > len(lags) // 2
    assert 0 < sum(1 for lag in lags if lag > 3) < len(lags) // 5
    assert max(lags) <= 10
    individual = Session.objects.filter(type="individual", supervisee__category="case_holder")
    assert individual.annotate(n=Count("session_cases")).filter(n__gte=3).count() > 1000
    frequencies = set(Agreement.objects.values_list("frequency", flat=True))
    assert {"", "7d", "14d"} <= frequencies


def test_it_books_the_year_ahead_for_everyone_a_demo_supervisor_supervises(demo: Demo) -> None:
    manager = staff_of("manager")
    supervisees = set(
        LineManagement.objects.active_on(AS_OF)
        .filter(manager=manager)
        .values_list("staff", flat=True)
    )
    booked = Session.objects.filter(supervisor=manager, date__gt=AS_OF)
    assert supervisees
    assert set(booked.values_list("supervisee", flat=True)) == supervisees
    for supervisee in supervisees:
        dates = list(
            booked.filter(supervisee=supervisee).order_by("date").values_list("date", flat=True)
        )
        assert AS_OF < dates[0] <= AS_OF + dt.timedelta(days=92)  # from when supervision is due
        assert dates[-1] >= AS_OF + dt.timedelta(days=300)  # a year ahead, not a month
    assert all(s.events.filter(kind=SessionEvent.Kind.BOOKED).exists() for s in booked[:20])


def test_it_makes_every_demo_user_who_can_sign_in(demo: Demo, client: Client) -> None:
    for username in USERNAMES:
        assert client.login(request=HttpRequest(), username=username, password="oversight-demo"), (
            username
        )
    admin = User.objects.get(username="admin")
    assert admin.is_staff
    assert admin.is_superuser
    assert not User.objects.get(username="worker").is_superuser
    assert User.objects.filter(username="hr", groups__name="HR").exists()
    assert User.objects.filter(username="auditor", groups__name="Quality assurance").exists()
    assert User.objects.filter(username="support", groups__name="Business support").exists()
    for username in ("worker", "worker-b", "manager", "head", "chair", "support"):
        person = staff_of(username)
        assert person.user.get_full_name() == person.name
    assert staff_of("chair").category == "conference_chair"
    assert staff_of("support").category == "support_staff"


def test_it_links_the_demo_users_through_line_management(demo: Demo) -> None:
    worker, other = staff_of("worker"), staff_of("worker-b")
    manager, head = staff_of("manager"), staff_of("head")
    assert worker.category == other.category == "case_holder"
    assert worker.team != other.team
    assert worker.line_manager_on(AS_OF) == manager
    assert other.line_manager_on(AS_OF) not in (None, manager)
    assert manager.team == worker.team
    assert manager.line_manager_on(AS_OF) == head
    caseload = Case.objects.allocated_to(worker, AS_OF)
    assert caseload.filter(
        statuses__status="child_protection", statuses__end_date__isnull=True
    ).exists()
    assert any(case.siblings().filter(pk__in=caseload).exists() for case in caseload)


def test_it_exports_a_data_set_the_importer_accepts(demo: Demo) -> None:
    dataset = read_dataset(demo.second_export)
    assert len(dataset["staff.csv"]) == Staff.objects.count()
    assert len(dataset["sessions.csv"]) == Session.objects.took_place().count()  # no bookings


def test_it_makes_the_same_council_from_the_same_seed(demo: Demo) -> None:
    files = sorted(p.name for p in demo.first_export.glob("*.csv"))
    # every file of the data set, line_management.csv, team_membership.csv and staff_roles.csv
    # included
    assert len(files) == 11
    matched, mismatch, errors = filecmp.cmpfiles(
        demo.first_export, demo.second_export, files, shallow=False
    )
    assert (mismatch, errors) == ([], [])
    assert matched == files


def test_it_prints_how_to_sign_in(demo: Demo) -> None:
    assert "http://127.0.0.1:8000" in demo.output
    assert "oversight-demo" in demo.output
    for username in USERNAMES:
        assert f"\n  {username} " in demo.output
    assert staff_of("worker").name in demo.output
    assert "demo accounts" in demo.output


def test_it_leaves_a_database_with_staff_alone_if_asked(demo: Demo) -> None:
    before = (Staff.objects.count(), Case.objects.count(), Session.objects.count())
    out = StringIO()
    call_command("demo", "--if-empty", "--seed", "2", stdout=out)
    assert (Staff.objects.count(), Case.objects.count(), Session.objects.count()) == before
    assert "already holds staff" in out.getvalue()
    assert "http://127.0.0.1:8000" in out.getvalue()
    assert "worker" in out.getvalue()


def test_it_refuses_to_mix_councils(demo: Demo) -> None:
    before = Staff.objects.count()
    with pytest.raises(CommandError) as refused:
        call_command("demo", "--seed", "2", stdout=StringIO())
    assert refused.value.returncode == 2
    assert str(refused.value).startswith("the database already holds staff; ")
    assert Staff.objects.count() == before


def test_it_gives_the_chairs_manager_an_account_to_record_chair_supervision(demo: Demo) -> None:
    chair = Staff.objects.get(user__username="chair")
    chair_manager = Staff.objects.get(user__username="chair-manager")

    assert chair.line_manager_on(AS_OF) == chair_manager


def test_it_gives_the_large_council_a_director_and_an_assistant_director_to_sign_in_as() -> None:
    from oversight.demo.generate import plan_council

    large = {a.username: a for a in plan_council(1, "large", AS_OF).accounts}
    small = {a.username for a in plan_council(1, "small", AS_OF).accounts}

    assert large["director"].staff.post.title == "Director of Children's Services"
    assert large["assistant-director"].staff.post.title.startswith("Assistant Director")
    assert "director" not in small
    assert "assistant-director" not in small


@pytest.mark.parametrize("policy", ["bedford", "newham"])
def test_its_obligations_from_the_database_are_those_of_its_data_set_export(
    demo: Demo, policy: str
) -> None:
    from oversight.engine.engine import compute_obligations
    from oversight.engine.loader import load_policy
    from oversight.facts.from_database import load_facts
    from oversight.import_export.reader import to_facts

    rules = load_policy(policy)
    from_export = compute_obligations(rules, to_facts(read_dataset(demo.second_export)), AS_OF)

    for facts in (load_facts(as_of=AS_OF), load_facts()):
        found = compute_obligations(rules, facts, AS_OF)
        assert sorted(found, key=repr) == sorted(from_export, key=repr)
