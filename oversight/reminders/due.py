"""What each person is told, computed from the obligations they own on the day.

Ownership is the engine's one definition (``engine.owners``, found in the database by
``facts.owned``): the same answer My work gives. Nothing here decides who owns what, and nothing
is read from a stored flag; the sent-log (``models.Notice``) only says what was said before.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.urls import reverse

from oversight.engine.engine import Obligation
from oversight.engine.explain import STATUS_WORDS
from oversight.engine.owners import OWNER_ROLES
from oversight.facts.owned import OwnedWork
from oversight.formatting import long_date
from oversight.organisation.models import Staff, Team
from oversight.supervision.models import Session

# The daily email's horizon: what falls due within a week is worth a nudge (issue 11).
SOON = dt.timedelta(days=7)

# What an obligation of each kind asks, in a few words for an email line.
KIND_WORDS = {
    "professional_supervision": "Supervision",
    "supervision_agreement": "Supervision agreement",
    "agreement_review": "Review of the supervision agreement",
    "practice_observation": "Practice observation",
    "group_supervision": "Group supervision",
    "case_supervision": "Case supervision",
    "initial_case_discussion": "Initial case discussion",
    "decision_discussion": "Decision discussion",
    "conference_chair_review": "Conference chair review",
    "record_completion": "Write up the record",
    "manager_evidence_review": "Review of the supervision evidence",
    "appraisal": "Appraisal and Personal Development Plan",
    "probation_review": "Probation review",
}
assert set(KIND_WORDS) == set(OWNER_ROLES)


def obligation_key(obligation: Obligation) -> str:
    """What an obligation is about, for the sent-log: the same obligation on every run."""
    return f"{obligation.subject_type}:{obligation.subject_id}:{obligation.obligation}"


def phase_of(obligation: Obligation, as_of: dt.date) -> str | None:
    """'overdue', 'due soon' (within SOON) or None: the two moments a reminder is sent."""
    if obligation.status == "overdue":
        return "overdue"
    if obligation.status in ("due_soon", "ok") and obligation.due_date <= as_of + SOON:
        return "due soon"
    return None


def days_overdue(obligation: Obligation, as_of: dt.date) -> int:
    return (as_of - obligation.due_date).days if obligation.status == "overdue" else 0


@dataclass(frozen=True)
class Item:
    """One line of an email: what, about whom (names of staff, IDs of children), by when, where."""

    about: str
    period: str
    what: str
    subject_type: str
    due_date: dt.date
    status: str
    path: str
    owner: str = ""  # whose it is, when the email goes to someone else (an escalation)

    @property
    def due(self) -> str:
        return long_date(self.due_date)

    @property
    def status_words(self) -> str:
        return STATUS_WORDS.get(self.status, self.status)


class Describer:
    """Words and links for obligations: the names of the people, teams and sessions they are
    about, looked up once for a whole run."""

    def __init__(self, work: OwnedWork) -> None:
        self.staff = {s.staff_id: s for s in Staff.objects.only("pk", "staff_id", "name")}
        # A council's policy names its rules; the kind behind each name says what it asks.
        self.kind_of = work.kind_of
        self.teams = dict(Team.objects.values_list("name", "pk"))
        # Only the sessions whose record someone owes: the facts hold every session looked at.
        sessions = {
            o.subject_id
            for owned in work.by_owner.values()
            for o in owned
            if o.subject_type == "session"
        }
        self.sessions = {
            session_id: (pk, day)
            for pk, session_id, day in Session.objects.filter(session_id__in=sessions).values_list(
                "pk", "session_id", "date"
            )
        }

    def item(self, obligation: Obligation, period: str, owner: str = "") -> Item:
        kind = self.kind_of.get(obligation.obligation, obligation.obligation)
        words = KIND_WORDS.get(kind, obligation.obligation.replace("_", " ").capitalize())
        subject, path = self._subject(obligation, kind)
        return Item(
            about=obligation_key(obligation),
            period=period,
            what=f"{words} {subject}",
            subject_type=obligation.subject_type,
            due_date=obligation.due_date,
            status=obligation.status,
            path=path,
            owner=owner,
        )

    def _subject(self, obligation: Obligation, kind: str) -> tuple[str, str]:
        subject_id = obligation.subject_id
        if obligation.subject_type == "staff":
            person = self.staff.get(subject_id)
            name = person.name if person else subject_id
            if kind in ("supervision_agreement", "agreement_review") and person is not None:
                return f"for {name}", reverse("agreements:staff", args=[person.pk])
            if kind == "manager_evidence_review":
                return f"of {name}", reverse("people:evidence", args=[subject_id])
            if kind in ("appraisal", "probation_review"):
                return f"of {name}", reverse("people:appraisal", args=[subject_id])
            return f"for {name}", reverse("records:book") + f"?supervisee={subject_id}"
        if obligation.subject_type == "case":
            # A child is named by their case ID only: the least personal data an email can carry.
            return f"for child {subject_id}", reverse("mywork:child", args=[subject_id])
        if obligation.subject_type == "team":
            team_pk = self.teams.get(subject_id)
            path = reverse("mywork:team", args=[team_pk]) if team_pk else reverse("home")
            return f"for {subject_id}", path
        if obligation.subject_type == "session" and subject_id in self.sessions:
            pk, day = self.sessions[subject_id]
            return f"of the session on {long_date(day)}", reverse("records:detail", args=[pk])
        return subject_id, reverse("home")


def reminders_due(
    obligations: Iterable[Obligation], as_of: dt.date, describer: Describer, owner: str = ""
) -> list[Item]:
    """The obligations worth a daily reminder today, each with its phase as the period;
    `owner` names whose they are when not the recipient's (a deputy's cover)."""
    found = []
    for obligation in obligations:
        phase = phase_of(obligation, as_of)
        if phase is not None:
            found.append(describer.item(obligation, f"{obligation.due_date} {phase}", owner))
    return found
