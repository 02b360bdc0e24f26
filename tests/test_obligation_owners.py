"""Every obligation reaches the person who must act on it (issue 8), on the whole demo council.

For every demo user, what My work says they own is exactly what the engine's whole-council run
and the one ownership table (``engine.owners``) give that person.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings

from oversight.engine.engine import compute_obligations
from oversight.engine.owners import Owners, owned_by
from oversight.facts.from_database import load_facts
from oversight.facts.live import council_policy
from oversight.facts.owned import owned_obligations
from oversight.organisation.models import Staff

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2026, 6, 30)
DEMO_STAFF_USERS = ("worker", "worker-b", "manager", "head", "chair", "chair-manager")
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
Key = tuple[str, str, str, str]


@pytest.fixture(scope="module")
def whole_council(django_db_setup, django_db_blocker) -> Iterator[dict[str, set[Key]]]:
    """The small demo council, and what each member of staff owns by the whole-council run."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHER),
        transaction.atomic(),
    ):
        call_command("demo", "--seed", "1", "--as-of", AS_OF.isoformat(), stdout=StringIO())
        policy = council_policy()
        facts = load_facts()
        obligations = compute_obligations(policy, facts, AS_OF)
        everyone = [s.staff_id for s in facts.staff]
        owned = owned_by(obligations, Owners(policy, facts, AS_OF), everyone)
        yield {staff_id: {key(o) for o in found} for staff_id, found in owned.items()}
        transaction.set_rollback(True)


def key(obligation) -> Key:
    return (
        obligation.subject_type,
        obligation.subject_id,
        obligation.obligation,
        obligation.due_date.isoformat(),
    )


@pytest.mark.parametrize("username", DEMO_STAFF_USERS)
def test_it_finds_for_each_person_exactly_what_the_whole_council_run_gives_them(
    whole_council: dict[str, set[Key]], username: str
) -> None:
    staff = Staff.objects.get(user__username=username)
    mine = {key(o) for o in owned_obligations([staff], AS_OF).of(staff.staff_id)}
    assert mine == whole_council[staff.staff_id]


def test_it_gives_the_chair_reviews_to_the_chairs_manager_not_the_team_manager(
    whole_council: dict[str, set[Key]],
) -> None:
    chairs_manager = Staff.objects.get(user__username="chair-manager").staff_id
    manager = Staff.objects.get(user__username="manager").staff_id
    assert any(k[2] == "conference_chair_review" for k in whole_council[chairs_manager])
    assert not any(k[2] == "conference_chair_review" for k in whole_council[manager])


def test_it_gives_every_person_in_the_council_what_the_run_gives_them(
    whole_council: dict[str, set[Key]],
) -> None:
    people = list(Staff.objects.active_on(AS_OF))
    for person in people:
        mine = {key(o) for o in owned_obligations([person], AS_OF).of(person.staff_id)}
        assert mine == whole_council[person.staff_id], person.staff_id


@pytest.mark.parametrize("username", DEMO_STAFF_USERS)
def test_it_shows_on_my_work_exactly_what_each_person_owns(
    whole_council: dict[str, set[Key]], username: str, client: Client
) -> None:
    staff = Staff.objects.get(user__username=username)
    client.force_login(staff.user)
    with time_machine.travel(dt.datetime(2026, 6, 30, 9, 0), tick=False):
        page = client.get("/").content.decode()
    shown = {
        tuple(found.split("|")) for found in re.findall(r'data-owned-obligation="([^"]+)"', page)
    }
    assert shown == whole_council[staff.staff_id]
