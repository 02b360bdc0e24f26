"""The compliance indicators from the database: the engine's figures, with the services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping

from oversight.engine.indicators import SCOPE_TYPES, Figure, indicators, month_ends
from oversight.engine.rules import Policy
from oversight.facts.from_database import load_facts
from oversight.organisation.models import Team


def team_services() -> dict[str, str]:
    """Each team's service, by name; a team in no service is left out."""
    return dict(Team.objects.exclude(service=None).values_list("name", "service__name"))


def council_figures_on(
    policy: Policy,
    day: dt.date,
    services: Mapping[str, str],
    scope_types: Collection[str] = SCOPE_TYPES,
) -> list[Figure]:
    """The whole council's indicators on one day. Only the facts the engine reads for that day
    are loaded (`load_facts(as_of=...)`): the same answers as from every row, in a fraction of
    the time (a month end three years ago needs none of the children opened since)."""
    return indicators(
        policy, load_facts(as_of=day), day, services=services, scope_types=scope_types
    )


def council_indicators(
    policy: Policy,
    as_of: dt.date,
    *,
    months: int = 1,
    scope_types: Collection[str] = SCOPE_TYPES,
) -> list[Figure]:
    """The whole council's indicators on as_of, or at each of the last `months` month ends,
    oldest first."""
    services = team_services()
    return [
        figure
        for day in month_ends(as_of, months)
        for figure in council_figures_on(policy, day, services, scope_types)
    ]
