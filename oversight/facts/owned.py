"""The obligations a group of people own on a day, computed from only the facts that can give them.

Ownership itself is ``engine.owners``; this finds, in the database, every subject one of `people`
could own under that table, loads the facts for those subjects (and for the people the roles
name), runs the engine for them alone and keeps what each person owns. The subjects looked at:

- their supervisees (professional supervision, agreements, reviews, observations);
- the children those supervisees hold (case supervision, discussions);
- if they manage a conference chair, every child with the status the chair review follows;
- the teams they or their supervisees are in, with all of each team's members (group supervision,
  whose due date runs from the team's first member, and whose managers are found among them);
- the sessions they led whose record is not yet written (record completion).

A test compares the answer with the whole council's engine run and ``Owners`` for every demo user.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from oversight.cases.models import Allocation, Case, CaseStatus
from oversight.engine import facts
from oversight.engine.engine import Obligation, compute_obligations
from oversight.engine.owners import Owners, owned_by
from oversight.engine.rules import ConferenceChairReview
from oversight.facts.from_database import load_facts
from oversight.facts.live import council_policy
from oversight.formatting import urgency
from oversight.organisation.models import LineManagement, Staff, Team
from oversight.supervision.models import Session


@dataclass(frozen=True)
class OwnedWork:
    """What each person owns (by staff ID, most urgent first), with the facts it came from (for
    the names of the people, teams and sessions behind each obligation)."""

    by_owner: dict[str, list[Obligation]]
    facts: facts.Facts
    owners: Owners

    def of(self, staff_id: str) -> list[Obligation]:
        return self.by_owner.get(staff_id, [])


def owned_obligations(people: Iterable[Staff], as_of: dt.date) -> OwnedWork:
    owners = list(people)
    owner_pks = [person.pk for person in owners]
    policy = council_policy()

    supervisee_pks: set[int] = set(
        LineManagement.objects.active_on(as_of)
        .filter(manager__in=owner_pks)
        .values_list("staff_id", flat=True)
    )
    teams: set[int] = {
        team
        for team in Staff.objects.filter(pk__in=[*owner_pks, *supervisee_pks]).values_list(
            "team_id", flat=True
        )
        if team is not None
    }
    members: set[int] = set(Staff.objects.filter(team__in=teams).values_list("pk", flat=True))
    staff_pks = {*owner_pks, *supervisee_pks, *members}

    held = Allocation.objects.active_on(as_of).filter(worker__in=supervisee_pks).values("case")
    case_q = Q(pk__in=held)
    chair_statuses = {r.status for r in policy.obligations if isinstance(r, ConferenceChairReview)}
    if (
        chair_statuses
        and Staff.objects.filter(pk__in=supervisee_pks, category="conference_chair").exists()
    ):
        reviewed = CaseStatus.objects.active_on(as_of).filter(status__in=chair_statuses)
        case_q |= Q(pk__in=reviewed.values("case"))

    unrecorded = list(
        Session.objects.took_place()
        .filter(supervisor__in=owner_pks, recorded_date__isnull=True, date__lte=as_of)
        .values_list("pk", "session_id")
    )
    found = load_facts(
        staff=Staff.objects.filter(pk__in=staff_pks),
        cases=Case.objects.filter(case_q),
        as_of=as_of,
        sessions=[pk for pk, _ in unrecorded],
    )
    supervisees = set(
        Staff.objects.filter(pk__in=supervisee_pks).values_list("staff_id", flat=True)
    )
    subjects = {
        *(("staff", staff_id) for staff_id in supervisees),
        *(("case", case.case_id) for case in found.cases),
        *(
            ("team", name)
            for name in Team.objects.filter(pk__in=teams).values_list("name", flat=True)
        ),
        *(("session", session_id) for _, session_id in unrecorded),
    }
    obligations = sorted(compute_obligations(policy, found, as_of, subjects=subjects), key=urgency)
    ownership = Owners(policy, found, as_of)
    return OwnedWork(
        owned_by(obligations, ownership, [p.staff_id for p in owners]), found, ownership
    )
