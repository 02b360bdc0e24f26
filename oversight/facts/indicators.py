"""The compliance indicators from the database: the engine's figures, with the services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from oversight.engine.indicators import SCOPE_TYPES, Figure, trend
from oversight.engine.rules import Policy
from oversight.facts.from_database import load_facts
from oversight.organisation.models import Team


def team_services() -> dict[str, str]:
    """Each team's service, by name; a team in no service is left out."""
    return dict(Team.objects.exclude(service=None).values_list("name", "service__name"))


def council_indicators(
    policy: Policy,
    as_of: dt.date,
    *,
    months: int = 1,
    scope_types: Collection[str] = SCOPE_TYPES,
) -> list[Figure]:
    """The whole council's indicators on as_of, or at each of the last `months` month ends."""
    return trend(
        policy, load_facts(), as_of, months, services=team_services(), scope_types=scope_types
    )
