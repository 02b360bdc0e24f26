"""Annex A names each child's worker by name only: match those names to staff.

A name matches a member of staff when it is the same once spaces and case are tidied. When
several people share it, those in post on the return's date are preferred, then those in the
allocated team the return gives; if that still leaves more than one, or nobody has the name, a
person decides (the review step on the preview page, or `--worker` on the command line). Nobody
is ever created from a name: staff come from the council's HR data set.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from oversight.organisation.models import Staff
from oversight.returns.annex_a import Episode, tidy

LEAVE_UNALLOCATED = ""  # a decision: the children stay without a worker from this return


def name_key(name: str) -> str:
    return tidy(name).casefold()


@dataclass
class WorkerName:
    """A name as the return writes it, where it is written, and who it may be."""

    name: str
    teams: set[str] = field(default_factory=set)
    places: list[tuple[str, int]] = field(default_factory=list)  # (sheet, row)
    candidates: list[Staff] = field(default_factory=list)
    decided: str | None = None  # a staff id, or LEAVE_UNALLOCATED; None: not decided

    @property
    def key(self) -> str:
        return name_key(self.name)

    @property
    def matched(self) -> Staff | None:
        return self.candidates[0] if len(self.candidates) == 1 else None

    @property
    def needs_decision(self) -> bool:
        return self.matched is None

    @property
    def resolved(self) -> bool:
        return not self.needs_decision or self.decided is not None

    @property
    def staff_id(self) -> str | None:
        """Who holds the children, once resolved; None when they are left unallocated."""
        if self.decided is not None:
            return self.decided or None
        matched = self.matched
        return matched.staff_id if matched is not None else None

    @property
    def why(self) -> str:
        if not self.candidates:
            return "No member of staff has this name"
        return f"{len(self.candidates)} members of staff have this name"

    def where(self) -> str:
        by_sheet: dict[str, list[int]] = {}
        for sheet, row in self.places:
            by_sheet.setdefault(sheet, []).append(row)
        return "; ".join(
            f"{sheet} row{'s' if len(rows) > 1 else ''} {', '.join(str(r) for r in rows)}"
            for sheet, rows in by_sheet.items()
        )


def match_workers(
    episodes: Iterable[Episode], day: dt.date, decisions: Mapping[str, str]
) -> dict[str, WorkerName]:
    """Every worker the return names, by name key, with their candidates and any decision.

    `decisions` maps a name (as written or its key) to a staff id, or to LEAVE_UNALLOCATED."""
    names: dict[str, WorkerName] = {}
    for episode in episodes:
        if not episode.worker:
            continue
        found = names.setdefault(name_key(episode.worker), WorkerName(episode.worker))
        if episode.team:
            found.teams.add(episode.team)
        found.places.append((episode.sheet, episode.row))
    if not names:
        return names
    staff_by_name: dict[str, list[Staff]] = {}
    for person in Staff.objects.select_related("team").order_by("staff_id"):
        staff_by_name.setdefault(name_key(person.name), []).append(person)
    decided = {name_key(name): staff_id for name, staff_id in decisions.items()}
    for key, found in names.items():
        found.candidates = _narrow(staff_by_name.get(key, []), day, found.teams)
        if key in decided:
            found.decided = decided[key]
    return names


def _narrow(people: list[Staff], day: dt.date, teams: set[str]) -> list[Staff]:
    if len(people) > 1:
        in_post = [p for p in people if p.start_date <= day and (p.end_date or day) >= day]
        people = in_post or people
    if len(people) > 1 and teams:
        team_keys = {name_key(t) for t in teams}
        in_team = [p for p in people if p.team is not None and name_key(p.team.name) in team_keys]
        people = in_team or people
    return people
