"""The engine's answers for a group of people and everything they hold, computed in one pass.

My work shows a manager their supervisees' supervision and every child their supervisees hold; a
head of service sees the same for every team below them. Asking the engine once per person would
load the facts once per person, so this loads the facts for all of them and their caseloads
together and sorts the answers out afterwards.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from oversight.cases.models import Allocation, Case
from oversight.engine.engine import Obligation, compute_obligations
from oversight.engine.owners import OUTSTANDING
from oversight.engine.rules import CaseSupervision, ProfessionalSupervision
from oversight.facts.from_database import load_facts
from oversight.facts.live import council_policy
from oversight.formatting import urgency
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
    """The obligations of `staff` and of every child allocated to one of them on `as_of`.

    A fixed number of queries whatever the number of people or children: one for the
    allocations, the fact loading (one query per kind of fact) and nothing per row.
    """
    people = {person.pk: person for person in staff}
    held = list(
        Allocation.objects.active_on(as_of)
        .filter(worker__in=list(people))
        .order_by("case_id", "-start_date")
        .values_list("case_id", "case__case_id", "case__display_name", "worker_id")
    )
    # A child transferred today can have two active allocations; the latest start holds it.
    holder: dict[str, tuple[int, str, int]] = {}
    for case_pk, case_id, name, worker_pk in held:
        holder.setdefault(case_id, (case_pk, name, worker_pk))

    facts = load_facts(
        staff=Staff.objects.filter(pk__in=list(people)),
        cases=Case.objects.filter(pk__in=[pk for pk, _, _ in holder.values()]),
    )
    subjects = {
        *(("staff", person.staff_id) for person in people.values()),
        *(("case", case_id) for case_id in holder),
    }
    by_staff_id = {person.staff_id: person for person in people.values()}
    own: dict[int, list[Obligation]] = defaultdict(list)
    cases: dict[int, list[CaseDue]] = defaultdict(list)
    for obligation in compute_obligations(council_policy(), facts, as_of, subjects=subjects):
        if obligation.subject_type == "staff":
            own[by_staff_id[obligation.subject_id].pk].append(obligation)
        elif obligation.subject_type == "case":
            case_pk, name, worker_pk = holder[obligation.subject_id]
            cases[worker_pk].append(
                CaseDue(case_pk, obligation.subject_id, name, people[worker_pk], obligation)
            )
    for found in own.values():
        found.sort(key=urgency)
    for dues in cases.values():
        dues.sort(key=lambda due: (*urgency(due.obligation), due.case_id))
    teams: dict[int | None, list[Staff]] = defaultdict(list)
    for person in people.values():
        teams[person.team_id].append(person)
    return Caseloads(people=people, own=dict(own), cases=dict(cases), teams=dict(teams))


def case_obligations(case: Case, as_of: dt.date) -> list[Obligation]:
    """One child's obligations, most urgent first (none if the case is closed or unallocated)."""
    workers = Staff.objects.filter(pk__in=case.allocations.values("worker"))
    facts = load_facts(staff=workers, cases=Case.objects.filter(pk=case.pk))
    found = compute_obligations(council_policy(), facts, as_of, subjects={("case", case.case_id)})
    return sorted(found, key=urgency)
