"""The engine's answers for the pages: the council's policy, computed live for what a page shows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import cache

from django.conf import settings

from oversight.cases.models import Case
from oversight.obligations.facts_from_db import load_facts
from oversight.organisation.models import Staff
from oversight.policy.engine import Obligation, compute_obligations
from oversight.policy.loader import load_policy
from oversight.policy.rules import Policy


@cache
def _policy(name: str) -> Policy:
    return load_policy(name)


def council_policy() -> Policy:
    """The policy named by the OVERSIGHT_POLICY setting, read once per process."""
    return _policy(settings.OVERSIGHT_POLICY)


def staff_obligations(staff: Iterable[Staff], as_of: dt.date) -> dict[str, list[Obligation]]:
    """Each person's own obligations (not their cases'), by staff ID."""
    people = list(staff)
    facts = load_facts(
        staff=Staff.objects.filter(pk__in=[p.pk for p in people]), cases=Case.objects.none()
    )
    found: dict[str, list[Obligation]] = {p.staff_id: [] for p in people}
    for obligation in compute_obligations(
        council_policy(),
        facts,
        as_of,
        subjects={("staff", p.staff_id) for p in people},
    ):
        found[obligation.subject_id].append(obligation)
    return found
