"""The engine's answers for a group of people and everything they hold, as pages show them.

My work shows a manager their supervisees' supervision and every child their supervisees hold; a
team page shows the same for a team. The answers are read from the obligations store (ADR 0007),
which holds the child's worker beside each child's obligations, so a page never runs the engine
for more than the subjects whose facts changed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q

from oversight.cases.models import Case
from oversight.engine.engine import Obligation
from oversight.engine.owners import OUTSTANDING
from oversight.engine.rules import CaseSupervision, ProfessionalSupervision
from oversight.facts.live import council_policy
from oversight.formatting import urgency
from oversight.obligations.models import StoredObligation
from oversight.obligations.store import as_obligation, ensure_current
from oversight.organisation.models import Staff


def obligation_label(obligation: Obligation) -> str:
    """What the council's policy calls this obligation, e.g. "case supervision"."""
    return _labels().get(obligation.obligation, obligation.obligation.replace("_", " "))


def _labels() -> dict[str, str]:
    return {rule.name: rule.label for rule in council_policy().obligations}


def _names_of(kind: type) -> frozenset[str]:
    # A council names its obligations; what the pages count is the kind of rule behind the name.
    return frozenset(r.name for r in council_policy().obligations if isinstance(r, kind))


def is_professional_supervision(obligation: Obligation) -> bool:
    return obligation.obligation in _names_of(ProfessionalSupervision)


def is_case_supervision(obligation: Obligation) -> bool:
    return obligation.obligation in _names_of(CaseSupervision)


@dataclass(frozen=True)
class CaseDue:
    """One obligation for a child, with who holds the child's case, for lists across workers."""

    case_pk: int
    case_id: str
    child_name: str
    worker: Staff
    obligation: Obligation

    @property
    def label(self) -> str:
        return obligation_label(self.obligation)


@dataclass
class Caseloads:
    """Everyone's own obligations and their caseloads', from one run of the engine."""

    people: dict[int, Staff]
    own: dict[int, list[Obligation]]  # by staff pk, most urgent first
    cases: dict[int, list[CaseDue]]  # by worker pk, most urgent first
    teams: dict[int | None, list[Staff]] = field(default_factory=dict)

    def supervision_of(self, staff: Staff) -> Obligation | None:
        return next((o for o in self.own.get(staff.pk, ()) if is_professional_supervision(o)), None)

    def cases_of(
        self, workers: Iterable[Staff], statuses: frozenset[str] = OUTSTANDING
    ) -> list[CaseDue]:
        """The children held by `workers` with something outstanding, most urgent first."""
        found = [
            due
            for worker in workers
            for due in self.cases.get(worker.pk, ())
            if due.obligation.status in statuses
        ]
        return sorted(found, key=lambda due: (*urgency(due.obligation), due.case_id))

    def overdue_of(self, staff: Staff) -> list[Obligation | CaseDue]:
        """Everything overdue for one person: their own and their children's."""
        own: list[Obligation | CaseDue] = [
            o for o in self.own.get(staff.pk, ()) if o.status == "overdue"
        ]
        return own + [d for d in self.cases.get(staff.pk, ()) if d.obligation.status == "overdue"]


def caseloads(staff: Iterable[Staff], as_of: dt.date) -> Caseloads:
    """The obligations of `staff` and of every child one of them holds on `as_of` (today), read
    from the obligations store: a fixed number of indexed queries whatever the number of people
    or children, and the engine runs only for subjects whose facts changed since (ADR 0007)."""
    people = {person.pk: person for person in staff}
    by_staff_id = {person.staff_id: person for person in people.values()}
    ensure_current(as_of)
    rows = list(
        StoredObligation.objects.filter(
            Q(subject_type="staff", subject_id__in=list(by_staff_id))
            | Q(subject_type="case", worker__in=list(by_staff_id))
        )
    )
    children = dict(
        (case_id, (pk, name))
        for case_id, pk, name in Case.objects.filter(
            case_id__in={row.subject_id for row in rows if row.subject_type == "case"}
        ).values_list("case_id", "pk", "display_name")
    )
    own: dict[int, list[Obligation]] = defaultdict(list)
    cases: dict[int, list[CaseDue]] = defaultdict(list)
    for row in rows:
        obligation = as_obligation(row)
        if row.subject_type == "staff":
            own[by_staff_id[row.subject_id].pk].append(obligation)
        elif row.worker is not None:
            case_pk, name = children[row.subject_id]
            worker = by_staff_id[row.worker]
            cases[worker.pk].append(CaseDue(case_pk, row.subject_id, name, worker, obligation))
    for found in own.values():
        found.sort(key=urgency)
    for dues in cases.values():
        dues.sort(key=lambda due: (*urgency(due.obligation), due.case_id))
    teams: dict[int | None, list[Staff]] = defaultdict(list)
    for person in people.values():
        teams[person.team_id].append(person)
    return Caseloads(people=people, own=dict(own), cases=dict(cases), teams=dict(teams))


def case_obligations(case: Case, as_of: dt.date) -> list[Obligation]:
    """One child's obligations on `as_of` (today), most urgent first, from the obligations store
    (none if the case is closed or unallocated)."""
    return sorted(stored_obligations_of("case", case.case_id, as_of), key=urgency)


def stored_obligations_of(subject_type: str, subject_id: str, as_of: dt.date) -> list[Obligation]:
    """One subject's obligations on `as_of` (today), as the obligations store holds them."""
    ensure_current(as_of)
    return [
        as_obligation(row)
        for row in StoredObligation.objects.filter(
            subject_type=subject_type, subject_id=subject_id
        ).order_by("due_date", "obligation")
    ]
