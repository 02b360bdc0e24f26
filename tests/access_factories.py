"""Factories for access tests: deputising arrangements and users in the role groups."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.contrib.auth.models import Group

from oversight.access.models import Delegation
from oversight.organisation.models import Staff
from tests.factories import START, StaffFactory, UserFactory

# Stored as is, "!" is an unusable password: nobody signs in here, and skipping the deliberately
# slow hashing keeps a fixture that makes a dozen users fast.
NO_PASSWORD = factory.Transformer.Force("!")


class DelegationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delegation

    from_manager = factory.SubFactory(StaffFactory, category="manager")
    deputy = factory.SubFactory(StaffFactory, category="manager")
    start_date = START
    end_date = START + dt.timedelta(days=13)
    reason = "Annual leave"
    created_by = factory.SubFactory(UserFactory, password=NO_PASSWORD)


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
