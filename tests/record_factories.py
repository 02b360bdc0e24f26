"""Factories for supervision records: people who can sign in, sessions, notes and actions."""

from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth.hashers import make_password

from oversight.records.models import (
    Action,
    CaseNote,
    GroupRecord,
    OversightNote,
    ProfessionalRecord,
    Record,
)
from tests.factories import CaseFactory, SessionFactory, StaffFactory, TeamFactory, UserFactory

SESSION_DAY = dt.date(2025, 3, 3)


class AccountFactory(UserFactory):
    """A user who never signs in during the test, so no slow password hashing."""

    password = factory.LazyFunction(lambda: make_password(None))


class StaffWithLoginFactory(StaffFactory):
    """A member of staff with a user account, as everyone acting on a record has."""

    user = factory.SubFactory(AccountFactory)


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
