"""A day's reminders for the whole demo council (issue 11): exactly the people the engine's
whole-council run and the one ownership table say, and nothing more on a second run."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from oversight.engine.engine import compute_obligations
from oversight.engine.owners import Owners, owned_by
from oversight.facts.from_database import load_facts
from oversight.facts.live import council_policy
from oversight.organisation.models import LineManagement, Staff
from oversight.reminders.due import days_overdue, obligation_key, phase_of
from oversight.reminders.models import Kind, Message, Notice
from oversight.reminders.runs import daily, weekly

pytestmark = pytest.mark.django_db
MONDAY = dt.date(2026, 6, 29)
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def demo_council(django_db_setup, django_db_blocker) -> Iterator[dict[str, set[str]]]:
    """The small demo council, and by the whole-council run: who has something to be told
    today (daily) and who is escalated what (line manager's staff ID -> obligation keys)."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHER),
        transaction.atomic(),
    ):
        call_command("demo", "--seed", "1", "--as-of", MONDAY.isoformat(), stdout=StringIO())
        policy = council_policy()
        facts = load_facts()
        in_post = {
            s.staff_id
            for s in facts.staff
            if s.start_date <= MONDAY and (s.end_date is None or s.end_date >= MONDAY)
        }
        owned = owned_by(
            compute_obligations(policy, facts, MONDAY), Owners(policy, facts, MONDAY), in_post
        )
        emailed = set(Staff.objects.exclude(email="").values_list("staff_id", flat=True))
        expected: dict[str, set[str]] = {
            "daily": {
                staff_id
                for staff_id, found in owned.items()
                if staff_id in emailed and any(phase_of(o, MONDAY) for o in found)
            }
        }
        manager_of = dict(
            LineManagement.objects.active_on(MONDAY)
            .order_by("start_date")
            .values_list("staff__staff_id", "manager__staff_id")
        )
        escalated: set[str] = set()
        for staff_id, found in owned.items():
            for o in found:
                # The top of the council has nobody above to escalate to.
                if staff_id not in manager_of:
                    continue
                if days_overdue(o, MONDAY) > settings.OVERSIGHT_ESCALATION_DAYS:
                    escalated.add(f"{manager_of[staff_id]} {obligation_key(o)}")
        expected["escalated"] = escalated
        yield expected
        transaction.set_rollback(True)


def test_a_days_run_emails_exactly_those_who_own_something_newly_due_and_no_more_again(
    demo_council: dict[str, set[str]],
) -> None:
    outcome = daily(MONDAY)
    recipients = set(
        Message.objects.filter(kind=Kind.DAILY).values_list("recipient__staff_id", flat=True)
    )
    assert recipients == demo_council["daily"]
    assert outcome.made == {Kind.DAILY: len(demo_council["daily"])}
    assert daily(MONDAY).made == {}
    assert daily(MONDAY + dt.timedelta(days=1)).made.get(Kind.DAILY, 0) <= len(recipients)


def test_the_weekly_run_escalates_exactly_what_the_whole_council_run_says_once(
    demo_council: dict[str, set[str]],
) -> None:
    outcome = weekly(MONDAY)
    escalated = {
        f"{staff_id} {about}"
        for staff_id, about in Notice.objects.filter(period__endswith="escalated").values_list(
            "recipient__staff_id", "about"
        )
    }
    assert escalated == demo_council["escalated"]
    assert escalated  # the demo council has work overdue long enough to escalate
    kinds = Counter(Message.objects.values_list("kind", flat=True))
    assert kinds == {Kind.WEEKLY: outcome.made[Kind.WEEKLY]}
    assert weekly(MONDAY).made == {}
