"""Who must act on each obligation: the one definition of ownership, beside the engine's output.

The engine says what is owed; this says by whom. My work, the team pages, reminders, dashboards
and the obligations store all ask ``Owners.of`` rather than deciding for themselves, so that an
obligation reaches exactly the people who can act on it and nobody else (issue 8).

``OWNER_ROLES`` is the table: one role per kind of obligation (the kinds of RULES.md; a council's
policy names its obligations, and ownership follows the kind behind the name).

- ``supervisor``: the subject's line manager on the day (B 1.3, N 4.1: the supervisor books and
  holds supervision, agrees the agreement, reviews it and observes practice; N 8.1: a manager's
  line manager reviews the manager's supervision evidence; B 5: the appraisal is "led by those
  immediately supervising staff", and so are the reviews of a new starter's probation).
- ``worker_supervisor``: for a child, the line manager of the worker who holds the case on the day
  (case supervision and the discussions that decisions and allocation call for happen in the
  worker's supervision).
- ``chairs_manager``: whoever line-manages the council's conference chairs on the day (B 4: the
  dedicated supervision at 8 months is the chairs' manager's to hold).
- ``team_manager``: the team's managers on the day: staff in the team who line-manage someone in
  it; a team without one is led by the line managers of its members (B 3, Appendix E).
- ``session_lead``: whoever led the session, who writes its record (B 2.2, N 6.3).

Like the engine, this is pure and needs only facts: it finds owners among the facts it is given.
A caller holding part of a council must give it, for each subject, the people the role names with
their line management (see ``facts.from_database``); an owner outside those facts is not found.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from enum import StrEnum
from typing import Final

from oversight.engine.engine import Obligation
from oversight.engine.facts import Facts, active_on, holding_allocations
from oversight.engine.rules import KINDS, Policy


class OwnerRole(StrEnum):
    SUPERVISOR = "supervisor"
    WORKER_SUPERVISOR = "worker_supervisor"
    CHAIRS_MANAGER = "chairs_manager"
    TEAM_MANAGER = "team_manager"
    SESSION_LEAD = "session_lead"


OWNER_ROLES: Final[dict[str, OwnerRole]] = {
    "professional_supervision": OwnerRole.SUPERVISOR,
    "supervision_agreement": OwnerRole.SUPERVISOR,
    "agreement_review": OwnerRole.SUPERVISOR,
    "practice_observation": OwnerRole.SUPERVISOR,
    "group_supervision": OwnerRole.TEAM_MANAGER,
    "case_supervision": OwnerRole.WORKER_SUPERVISOR,
    "initial_case_discussion": OwnerRole.WORKER_SUPERVISOR,
    "decision_discussion": OwnerRole.WORKER_SUPERVISOR,
    "conference_chair_review": OwnerRole.CHAIRS_MANAGER,
    "record_completion": OwnerRole.SESSION_LEAD,
    "manager_evidence_review": OwnerRole.SUPERVISOR,
    "appraisal": OwnerRole.SUPERVISOR,
    "probation_review": OwnerRole.SUPERVISOR,
}

# Every kind has exactly one role; a new kind of rule without one fails here, at import.
assert set(OWNER_ROLES) == set(KINDS), set(KINDS) ^ set(OWNER_ROLES)

# Done is done: a one-off met, even late, asks nothing more of anyone.
OUTSTANDING: Final = frozenset({"overdue", "due_soon", "ok"})


def kinds_of(policy: Policy) -> dict[str, str]:
    """The policy's name of each obligation -> its kind (RULES.md), which fixes its owner."""
    return {
        rule.name: kind
        for kind, rule_type in KINDS.items()
        for rule in policy.obligations
        if isinstance(rule, rule_type)
    }


def role_of(policy: Policy, obligation: Obligation) -> OwnerRole | None:
    kind = kinds_of(policy).get(obligation.obligation)
    return OWNER_ROLES[kind] if kind is not None else None


class Owners:
    """The owners of obligations computed from ``facts`` on ``as_of`` under ``policy``."""

    def __init__(self, policy: Policy, facts: Facts, as_of: dt.date) -> None:
        self.as_of = as_of
        self.kind_of = kinds_of(policy)

        # As the engine: the line management active on as_of, the latest start if two overlap.
        manager: dict[str, tuple[str, dt.date]] = {}
        for lm in facts.line_management:
            if active_on(lm.start_date, lm.end_date, as_of):
                held = manager.get(lm.staff_id)
                if held is None or lm.start_date > held[1]:
                    manager[lm.staff_id] = (lm.manager_id, lm.start_date)
        self.manager = {staff_id: found for staff_id, (found, _) in manager.items()}

        # As the engine: the allocation holding the case on as_of.
        self.holder = {
            case_id: allocation.worker_id
            for case_id, allocation in holding_allocations(facts.allocations, as_of).items()
        }

        present = [s for s in facts.staff if active_on(s.start_date, s.end_date, as_of)]
        self.chairs_managers: tuple[str, ...] = tuple(
            sorted(
                {
                    self.manager[s.staff_id]
                    for s in present
                    if s.category == "conference_chair" and s.staff_id in self.manager
                }
            )
        )
        team_of = {s.staff_id: s.team for s in present}
        leads: dict[str, set[str]] = defaultdict(set)  # team -> members' line managers
        for s in present:
            if s.team is not None and s.staff_id in self.manager:
                leads[s.team].add(self.manager[s.staff_id])
        self.team_managers: dict[str, tuple[str, ...]] = {}
        for team, managers in leads.items():
            inside = {m for m in managers if team_of.get(m) == team}
            self.team_managers[team] = tuple(sorted(inside or managers))

        self.session_lead = {
            s.session_id: s.supervisor_id for s in facts.sessions if s.supervisor_id is not None
        }

    def role_of(self, obligation: Obligation) -> OwnerRole | None:
        kind = self.kind_of.get(obligation.obligation)
        return OWNER_ROLES[kind] if kind is not None else None

    def of(self, obligation: Obligation) -> tuple[str, ...]:
        """The staff IDs of whoever must act on `obligation`; empty if nobody is found."""
        role = self.role_of(obligation)
        subject = obligation.subject_id
        if role is OwnerRole.SUPERVISOR:
            return _one(self.manager.get(subject))
        if role is OwnerRole.WORKER_SUPERVISOR:
            worker = self.holder.get(subject)
            return _one(self.manager.get(worker) if worker is not None else None)
        if role is OwnerRole.CHAIRS_MANAGER:
            return self.chairs_managers
        if role is OwnerRole.TEAM_MANAGER:
            return self.team_managers.get(subject, ())
        if role is OwnerRole.SESSION_LEAD:
            return _one(self.session_lead.get(subject))
        return ()


def _one(staff_id: str | None) -> tuple[str, ...]:
    return (staff_id,) if staff_id is not None else ()


def owned_by(
    obligations: Iterable[Obligation], owners: Owners, staff_ids: Iterable[str]
) -> dict[str, list[Obligation]]:
    """For each of `staff_ids`, the outstanding obligations they own, in the order given."""
    found: dict[str, list[Obligation]] = {staff_id: [] for staff_id in staff_ids}
    for obligation in obligations:
        if obligation.status not in OUTSTANDING:
            continue
        for owner in owners.of(obligation):
            if owner in found:
                found[owner].append(obligation)
    return found
