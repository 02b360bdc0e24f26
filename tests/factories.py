"""Factories for the data model: the least a test needs, with every date given explicitly."""

from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth import get_user_model

from oversight.cases.models import Allocation, Case, CaseStatus
from oversight.organisation.models import LineManagement, Service, Staff, Team
from oversight.supervision.models import Agreement, Session

START = dt.date(2024, 1, 8)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("a-long-test-password")


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


class LineManagementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LineManagement

    staff = factory.SubFactory(StaffFactory)
    manager = factory.SubFactory(StaffFactory, category="manager")
    start_date = START


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
