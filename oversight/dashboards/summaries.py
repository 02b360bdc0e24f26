"""Filling, checking and reading the summary table (`models.Summary`).

The figures come from the one definition, `oversight.engine.indicators`, with the database's
facts and services, exactly as `oversight indicators` computes them: a summary is that command's
output for one date, kept. The pages read only what is stored here.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from oversight.dashboards.models import Summary, SummaryFigure
from oversight.engine.indicators import Figure, indicators, month_ends
from oversight.engine.rules import Policy
from oversight.engine.working_days import CalendarRangeError
from oversight.facts.from_database import load_facts
from oversight.facts.indicators import team_services
from oversight.facts.live import council_policy

# A dashboard's trend: the current month and the eleven before it (INDICATORS.md, Trends).
TREND_MONTHS = 12


def summarise(policy: Policy, as_of: dt.date, months: int = TREND_MONTHS) -> list[Summary]:
    """Compute and store the figures on as_of and at the end of each of the `months - 1` months
    before it, replacing what was stored for those dates. The facts are loaded once."""
    facts = load_facts()
    services = team_services()
    stored = []
    for day in month_ends(as_of, months):
        started = time.perf_counter()
        found = indicators(policy, facts, day, services=services)
        stored.append(_store(policy.name, day, found, time.perf_counter() - started))
    return stored


def _store(policy_name: str, day: dt.date, found: list[Figure], seconds: float) -> Summary:
    # The date's figures are replaced whole or not at all: a page never reads half a day.
    with transaction.atomic():
        Summary.objects.filter(policy=policy_name, as_of=day).delete()
        summary = Summary.objects.create(
            policy=policy_name, as_of=day, computed_at=timezone.now(), seconds=seconds
        )
        SummaryFigure.objects.bulk_create(
            [
                SummaryFigure(
                    summary=summary,
                    scope_type=f.scope_type,
                    scope_id=f.scope_id,
                    obligation=f.obligation,
                    counted=f.counted,
                    in_time=f.in_time,
                    met_late=f.met_late,
                    overdue=f.overdue,
                )
                for f in found
            ],
            batch_size=2000,
        )
    return summary


def differences(policy: Policy, as_of: dt.date, months: int = TREND_MONTHS) -> list[str]:
    """Recompute the figures for the same dates and say, line by line, where the stored ones
    differ (a missing date, a row only in one of them); empty when they are the same."""
    facts = load_facts()
    services = team_services()
    found: list[str] = []
    for day in month_ends(as_of, months):
        summary = Summary.objects.filter(policy=policy.name, as_of=day).first()
        if summary is None:
            found.append(f"{day}: no figures stored under {policy.name}")
            continue
        stored = {f.figure(day).cells() for f in summary.figures.all()}
        computed = {f.cells() for f in indicators(policy, facts, day, services=services)}
        found += [f"{day}: stored only: {','.join(row)}" for row in sorted(stored - computed)]
        found += [f"{day}: computed only: {','.join(row)}" for row in sorted(computed - stored)]
    return found


# Reading, for the pages ---------------------------------------------------------------------


def stored_dates(policy_name: str) -> list[dt.date]:
    """The dates with figures under the policy, latest first."""
    return list(
        Summary.objects.under(policy_name).order_by("-as_of").values_list("as_of", flat=True)
    )


@dataclass(frozen=True)
class ScopeFigures:
    """What a dashboard shows for one scope on one date, read from the summary table."""

    summary: Summary
    figures: list[Figure]  # this scope's, by obligation
    children: dict[str, list[Figure]]  # each team of a service, or service of the organisation
    trend: dict[dt.date, list[Figure]]  # this scope's at each month end; a missing date is absent

    @property
    def obligations(self) -> list[str]:
        """Every kind with a figure on the date or in the trend, in the table's order."""
        kinds = {f.obligation for f in self.figures}
        kinds.update(f.obligation for found in self.trend.values() for f in found)
        return sorted(kinds)


def scope_figures(
    policy_name: str,
    as_of: dt.date,
    scope_type: str,
    scope_id: str,
    *,
    children_type: str | None = None,
    children_ids: Iterable[str] | None = None,
) -> ScopeFigures | None:
    """The scope's figures on as_of with its trend and its children's figures; None when nothing
    was stored for as_of. Three queries whatever the size of the council."""
    summary = Summary.objects.under(policy_name).filter(as_of=as_of).first()
    if summary is None:
        return None
    days = month_ends(as_of, TREND_MONTHS)
    summaries = {s.pk: s.as_of for s in Summary.objects.under(policy_name).on(days)}
    trend: dict[dt.date, list[Figure]] = defaultdict(list)
    for row in SummaryFigure.objects.filter(
        summary__in=list(summaries), scope_type=scope_type, scope_id=scope_id
    ):
        trend[summaries[row.summary_id]].append(row.figure(summaries[row.summary_id]))
    children: dict[str, list[Figure]] = defaultdict(list)
    if children_type is not None:
        rows = SummaryFigure.objects.filter(summary=summary, scope_type=children_type)
        if children_ids is not None:
            rows = rows.filter(scope_id__in=list(children_ids))
        for row in rows:
            children[row.scope_id].append(row.figure(as_of))
    # Every month end in the trend holds a list, empty when nothing counted or nothing stored.
    stored_days = set(summaries.values())
    return ScopeFigures(
        summary=summary,
        figures=trend.get(as_of, []),
        children=dict(children),
        trend={day: trend.get(day, []) for day in days if day in stored_days},
    )


def summarise_after_load(as_of: dt.date) -> str:
    """Fill the summary table after an import or a demo load, under the council's policy, and say
    so in a line for the command's output. A failure leaves the load as it is and says how to
    run it again."""
    policy = council_policy()
    started = time.perf_counter()
    try:
        stored = summarise(policy, as_of)
    except CalendarRangeError as error:
        return f"The dashboards' figures were not computed ({error}): run `oversight summarise`."
    return (
        f"Computed the dashboards' figures under {policy.name} for {len(stored)} month ends to "
        f"{as_of} in {time.perf_counter() - started:.1f} s."
    )
