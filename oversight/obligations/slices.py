"""Slices of the obligations store that wide pages read with indexed queries, never running
the engine: the overdue figures of each team below a head of service or a director."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from oversight.engine.owners import kinds_of
from oversight.facts.live import council_policy
from oversight.obligations.models import StoredObligation
from oversight.obligations.store import ensure_current


def overdue_by_team(
    teams: Iterable[str], people: Iterable[str], as_of: dt.date
) -> dict[str, tuple[int, int]]:
    """For each team, (people among `people` overdue for professional supervision, children held
    by `people` overdue for case supervision)."""
    ensure_current(as_of)
    kinds = kinds_of(council_policy())
    wanted = {name for name, kind in kinds.items() if kind in PERSON_AND_CHILD}
    among = set(people)
    supervision: dict[str, set[str]] = defaultdict(set)
    children: dict[str, set[str]] = defaultdict(set)
    for team, kind, subject, worker, obligation in StoredObligation.objects.filter(
        team__in=list(teams), status="overdue", obligation__in=wanted
    ).values_list("team", "subject_type", "subject_id", "worker", "obligation"):
        if team is None:
            continue
        if kind == "staff" and subject in among and kinds[obligation] == "professional_supervision":
            supervision[team].add(subject)
        elif kind == "case" and worker in among and kinds[obligation] == "case_supervision":
            children[team].add(subject)
    return {team: (len(supervision[team]), len(children[team])) for team in teams}


PERSON_AND_CHILD = frozenset({"professional_supervision", "case_supervision"})
