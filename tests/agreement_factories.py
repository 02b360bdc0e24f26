"""People for supervision agreement tests: a worker, their line manager and the chain above."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from oversight.organisation.models import Staff
from oversight.supervision.models import Agreement
from tests.factories import LineManagementFactory, TeamFactory
from tests.record_factories import StaffWithLoginFactory

TERMS = {
    "frequency": "14d",
    "session_length": "90 minutes",
    "location": "Meeting room 2, Stratford",
    "recording": "The supervisor writes the record during the session; both sign it on the day.",
    "confidentiality": "Personal matters stay between us unless a child's safety is at risk.",
    "agenda_setting": "Both add items two working days before each session.",
    "mediating_difficulties": "A three-way meeting with the supervisor's line manager.",
    "other_issues": "Group reflective supervision on the first Tuesday of the month.",
}


@dataclass
class Team:
    """A worker, their line manager, the head of service above both, and the day it starts."""

    worker: Staff
    manager: Staff
    head: Staff
    started: dt.date

    def user(self, who: str) -> Any:
        return getattr(self, who).user


def a_team(*, started: dt.date | None = None, name: str = "A") -> Team:
    # A worker who started recently, so the agreement's 28-day deadline is still ahead.
    started = started or timezone.localdate() - dt.timedelta(days=10)
    team = TeamFactory(name=f"Team {name}")
    head = StaffWithLoginFactory(name=f"Head {name}", category="manager", team=team)
    manager = StaffWithLoginFactory(name=f"Manager {name}", category="manager", team=team)
    worker = StaffWithLoginFactory(name=f"Worker {name}", team=team, start_date=started)
    LineManagementFactory(staff=manager, manager=head, start_date=started)
    LineManagementFactory(staff=worker, manager=manager, start_date=started)
    return Team(worker=worker, manager=manager, head=head, started=started)


def signed_agreement(team: Team, **terms: Any) -> Agreement:
    """Started, then confirmed by both, the way people do it."""
    agreement = Agreement.start(
        team.worker, team.manager, by=team.manager.user, **{**TERMS, **terms}
    )
    agreement.confirm(by=team.manager.user)
    agreement.confirm(by=team.worker.user)
    return agreement
