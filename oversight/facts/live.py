"""The engine's answers for the pages: the council's policy, computed live for what a page shows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import cache

from django.conf import settings

from oversight.cases.models import Case
from oversight.engine.engine import Obligation, compute_obligations
from oversight.engine.loader import load_policy
from oversight.engine.rules import CaseloadThreshold, Policy
from oversight.facts.from_database import load_facts
from oversight.formatting import urgency
from oversight.organisation.models import Staff


@cache
def _policy(name: str) -> Policy:
    return load_policy(name)


def council_policy() -> Policy:
    """The policy named by the OVERSIGHT_POLICY setting, read once per process."""
    return _policy(settings.OVERSIGHT_POLICY)


# Children per case holder where a council's policy file sets no caseload_threshold of its own.
DEFAULT_CASELOAD_THRESHOLD = CaseloadThreshold(
    18, "Oversight's default: the council's policy file sets no caseload threshold"
)


def caseload_threshold() -> CaseloadThreshold:
    """The council's caseload threshold with its source (drift, the caseload pages)."""
    return council_policy().caseload_threshold or DEFAULT_CASELOAD_THRESHOLD


def council_name() -> str:
    """The council's name, as its records carry it on paper: OVERSIGHT_COUNCIL_NAME, or else the
    council its policy names (the policy's title up to the first comma: "Bedford Borough
    Council", "London Borough of Newham")."""
    named: str = settings.OVERSIGHT_COUNCIL_NAME
    return named.strip() or council_policy().title.split(",")[0].strip()


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


def staff_obligations_on_days(
    staff: Staff, days: Iterable[dt.date]
) -> dict[dt.date, list[Obligation]]:
    """One person's own obligations as the engine saw them on each of `days`, from one load of
    their facts (the engine ignores every row dated after the day it computes for)."""
    facts = load_facts(staff=Staff.objects.filter(pk=staff.pk), cases=Case.objects.none())
    policy = council_policy()
    subjects = {("staff", staff.staff_id)}
    return {day: compute_obligations(policy, facts, day, subjects=subjects) for day in days}


def worker_obligations(worker: Staff, as_of: dt.date) -> list[Obligation]:
    """A worker's own obligations and their caseload's, most urgent first (by due date)."""
    caseload = Case.objects.allocated_to(worker, as_of)
    facts = load_facts(staff=Staff.objects.filter(pk=worker.pk), cases=caseload)
    subjects = {("staff", worker.staff_id), *(("case", c.case_id) for c in facts.cases)}
    found = compute_obligations(council_policy(), facts, as_of, subjects=subjects)
    return sorted(found, key=urgency)
