"""Factories for the data model: the least a test needs, with every date given explicitly.

The people of the test council, and builders for what happens between them, are in
tests/council.py; this module makes single rows (and the accounts and authenticator apps that
sign-in tests need).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import Argon2PasswordHasher, make_password
from django.contrib.auth.models import Group
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from oversight.access.models import Delegation
from oversight.cases.models import Allocation, Case, CaseStatus
from oversight.organisation.models import LineManagement, Service, Staff, Team
from oversight.records.models import (
    Action,
    CaseNote,
    GroupRecord,
    OversightNote,
    ProfessionalRecord,
    Record,
)
from oversight.supervision.models import Agreement, Session

START = dt.date(2024, 1, 8)
SESSION_DAY = dt.date(2025, 3, 3)

# Stored as is, "!" is an unusable password: nobody signs in here, and skipping the deliberately
# slow hashing keeps a fixture that makes a dozen users fast.
NO_PASSWORD = factory.Transformer.Force("!")

# Accounts ---------------------------------------------------------------------------------------


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("a-long-test-password")


class AccountFactory(UserFactory):
    """A user who never signs in during the test, so no slow password hashing."""

    password = factory.LazyFunction(lambda: make_password(None))


def user_in_group(username: str, group: str, **kwargs: Any) -> Any:
    user = UserFactory(username=username, password=NO_PASSWORD, **kwargs)
    user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


def sign_in_as(staff: Staff, username: str | None = None) -> Any:
    """Give a member of staff a user account, as the person who signs in."""
    user = UserFactory(username=username or f"login-{staff.staff_id}", password=NO_PASSWORD)
    staff.user = user
    staff.save(update_fields=["user"])
    return user


# Signing in with a real password and an authenticator app ---------------------------------------

PASSWORD = "correct-horse-battery-staple"


class QuickArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2 at its cheapest, for tests that sign in often: same algorithm and hash format,
    a fraction of the memory and time (the real settings are for a real attacker)."""

    time_cost = 1
    memory_cost = 1024
    parallelism = 1


def person(username: str = "ada", **kwargs: Any) -> Any:
    """A user who signs in with PASSWORD (hashed for real, so the sign-in page can check it)."""
    return UserFactory(username=username, password=PASSWORD, **kwargs)


def authenticator_app(user: Any) -> TOTPDevice:
    """A confirmed authenticator app, as if the person had set it up already."""
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def code_from_key(key: bytes, *, steps_from_now: int = 0) -> str:
    """The six digits an authenticator app holding `key` shows now (or some 30 s steps away)."""
    return f"{totp(key, drift=steps_from_now):06d}"


def code_for(device: TOTPDevice, *, steps_from_now: int = 0) -> str:
    return code_from_key(device.bin_key, steps_from_now=steps_from_now)


# The organisation -------------------------------------------------------------------------------


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    name = factory.Sequence(lambda n: f"Service {n}")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")
    service = factory.SubFactory(ServiceFactory)


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Staff

    staff_id = factory.Sequence(lambda n: f"S{n:04d}")
    name = factory.Sequence(lambda n: f"Worker {n}")
    category = "case_holder"
    team = factory.SubFactory(TeamFactory)
    start_date = START


class StaffWithLoginFactory(StaffFactory):
    """A member of staff with a user account, as everyone acting on a record has."""

    user = factory.SubFactory(AccountFactory)


class LineManagementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LineManagement

    staff = factory.SubFactory(StaffFactory)
    manager = factory.SubFactory(StaffFactory, category="manager")
    start_date = START


class DelegationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delegation

    from_manager = factory.SubFactory(StaffFactory, category="manager")
    deputy = factory.SubFactory(StaffFactory, category="manager")
    start_date = START
    end_date = START + dt.timedelta(days=13)
    reason = "Annual leave"
    created_by = factory.SubFactory(UserFactory, password=NO_PASSWORD)


# Children's cases -------------------------------------------------------------------------------


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    case_id = factory.Sequence(lambda n: f"C{n:05d}")
    open_date = START


class AllocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Allocation

    case = factory.SubFactory(CaseFactory)
    worker = factory.SubFactory(StaffFactory)
    start_date = START


class CaseStatusFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseStatus

    case = factory.SubFactory(CaseFactory)
    status = "child_in_need"
    start_date = START


# Supervision: sessions, agreements and records --------------------------------------------------


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    type = "individual"
    date = START
    supervisor = factory.SubFactory(StaffFactory, category="manager")
    supervisee = factory.SubFactory(StaffFactory)


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement

    staff = factory.SubFactory(StaffFactory)
    supervisor = factory.SubFactory(StaffFactory, category="manager")
    signed_date = START


class RecordFactory(SessionFactory):
    """A one-to-one session between two people who can sign in, read as a Record."""

    class Meta:
        model = Record

    date = SESSION_DAY
    supervisor = factory.SubFactory(StaffWithLoginFactory, category="manager")
    supervisee = factory.SubFactory(StaffWithLoginFactory)


class ProfessionalRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProfessionalRecord

    session = factory.SubFactory(RecordFactory)
    welfare = "Finding the caseload manageable; wants to shadow a court hearing."


class WrittenRecordFactory(RecordFactory):
    """A one-to-one with its professional part written, so it can be sent to the worker."""

    class Meta:
        # The related row is saved by its own factory; nothing on the session needs saving again.
        skip_postgeneration_save = True

    professional = factory.RelatedFactory(ProfessionalRecordFactory, factory_related_name="session")


class CaseNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseNote

    session = factory.SubFactory(RecordFactory)
    case = factory.SubFactory(CaseFactory)
    purpose = "To keep the child safe at home while the parents work on the plan."
    plan = "Core group met; school attendance up from 60% to 85%."
    focus = "Says she likes her new teacher and wants to see her nan more."
    analysis = "Hypothesis: attendance improved with the morning routine; alternative: new class."
    childs_views_evident = "yes"
    seen_alone = "yes"


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    session = factory.SubFactory(RecordFactory)
    decision = "The plan continues: attendance is improving."
    action = "Visit the family and see the child alone."
    desired_outcome = "The child's views are current in the plan."
    due_date = dt.date(2025, 3, 17)
    owner = factory.LazyAttribute(lambda o: o.session.supervisee)


class OversightNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OversightNote

    session = factory.SubFactory(RecordFactory, type="management_oversight")
    case = factory.SubFactory(CaseFactory)
    decision = "Convene a strategy discussion today."
    rationale = "New bruising reported by school; threshold for section 47 met."


class GroupRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupRecord

    session = factory.SubFactory(
        RecordFactory, type="group", supervisee=None, team=factory.SubFactory(TeamFactory)
    )
    hypotheses = "Is the mother's withdrawal grief rather than neglect?"
    learning = "Use a genogram before the next visit."
