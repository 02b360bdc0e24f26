"""The obligations a group of people own on a day, read from the obligations store.

Ownership itself is ``engine.owners``; the store (``oversight.obligations``) keeps each
obligation with its owners, brought up to date before it is read. This reads one slice: what
`people` own, with what the pages need to say who the work is with. A test compares it with the
whole council's engine run and ``Owners`` for every demo user.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from oversight.engine.engine import Obligation
from oversight.engine.owners import OUTSTANDING, kinds_of
from oversight.facts.live import council_policy
from oversight.formatting import urgency
from oversight.obligations.models import ObligationOwner, StoredObligation
from oversight.obligations.store import OBLIGATION_COLUMNS, ensure_current
from oversight.organisation.models import LineManagement, Staff


@dataclass(frozen=True)
class OwnedWork:
    """What each person owns (by staff ID, most urgent first)."""

    by_owner: dict[str, list[Obligation]]
    worker_of: dict[str, str]  # a child's case ID -> the worker holding the child
    kind_of: dict[str, str]  # the policy's name of an obligation -> its kind (RULES.md)
    chairs: dict[str, list[str]]  # a chairs' manager -> the conference chairs they supervise

    def of(self, staff_id: str) -> list[Obligation]:
        return self.by_owner.get(staff_id, [])


def owned_obligations(people: Iterable[Staff], as_of: dt.date) -> OwnedWork:
    owners = [person.staff_id for person in people]
    ensure_current(as_of)
    by_owner: dict[str, list[Obligation]] = {staff_id: [] for staff_id in owners}
    worker_of: dict[str, str] = {}
    # Two indexed reads rather than one join: PostgreSQL plans the join as a scan of every
    # owner row, where the owner's own rows (from the index) and then their obligations by
    # primary key take a few milliseconds.
    owned: dict[int, list[str]] = defaultdict(list)
    for obligation_pk, owner in ObligationOwner.objects.filter(owner__in=owners).values_list(
        "obligation_id", "owner"
    ):
        owned[obligation_pk].append(owner)
    for pk, worker, *columns in (
        StoredObligation.objects.filter(pk__in=list(owned), status__in=OUTSTANDING)
        .order_by("due_date", "pk")
        .values_list("pk", "worker", *OBLIGATION_COLUMNS)
    ):
        obligation = Obligation(*columns)
        for owner in owned[pk]:
            by_owner[owner].append(obligation)
        if obligation.subject_type == "case" and worker:
            worker_of[obligation.subject_id] = worker
    for found in by_owner.values():
        found.sort(key=urgency)
    chairs: dict[str, list[str]] = defaultdict(list)
    for manager, chair in (
        LineManagement.objects.active_on(as_of)
        .filter(manager__staff_id__in=owners, staff__category="conference_chair")
        .order_by("staff__staff_id")
        .values_list("manager__staff_id", "staff__staff_id")
    ):
        chairs[manager].append(chair)
    return OwnedWork(by_owner, worker_of, kinds_of(council_policy()), dict(chairs))
