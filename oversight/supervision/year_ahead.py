"""The year ahead (B 2.1: "planned so that both parties are aware of the dates for the year
ahead"): how often a supervisee is to be supervised, and the dates of a year of sessions.

The frequency is the one the engine uses: the agreed frequency in the supervision agreement in
force with this supervisor, or else the policy's for the supervisee's role. Booking the dates is
``records.writing.book_year_ahead``; each session booked is a plan like any other, counting only
once it has taken place.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from oversight.engine.periods import Period, add_months, parse_period
from oversight.engine.rules import ProfessionalSupervision
from oversight.engine.working_days import CalendarRangeError, WorkingDays, england_and_wales
from oversight.facts.live import council_policy
from oversight.formatting import long_date
from oversight.organisation.models import Staff
from oversight.supervision.models import Agreement, readable_frequency

YEAR_AHEAD_MONTHS = 12


@dataclass(frozen=True)
class Frequency:
    period: Period
    why: str  # where it comes from, for the page

    @property
    def gap(self) -> str:
        """How far apart sessions are, e.g. "4 weeks" or "a month"."""
        text = self.period.describe()
        return f"a {text[2:]}" if text.startswith("1 ") else text

    def describe(self) -> str:
        every = self.gap.removeprefix("a ")
        return f"every {every} ({self.why})"


def supervision_frequency(supervisee: Staff, supervisor: Staff) -> Frequency | None:
    """How often `supervisor` is to supervise `supervisee`; None if the policy sets nothing."""
    agreement = Agreement.objects.in_force().filter(staff=supervisee, supervisor=supervisor).first()
    agreed = readable_frequency(agreement.frequency) if agreement else None
    if agreement is not None and agreed:
        return Frequency(
            parse_period(agreed),
            f"as agreed in the supervision agreement signed {long_date(agreement.signed_date)}",
        )
    for rule in council_policy().obligations:
        if isinstance(rule, ProfessionalSupervision) and supervisee.category in rule.periods:
            sourced = rule.periods[supervisee.category]
            return Frequency(sourced.period, f"the policy for their role, {sourced.source}")
    return None


def year_ahead(first: dt.date, period: Period) -> list[dt.date]:
    """The dates from `first`, one `period` apart, for the next 12 months. A date falling on a
    weekend or bank holiday moves to the working day before it, never after: a session later than
    the period would make supervision late."""
    calendar = england_and_wales()
    end = add_months(first, YEAR_AHEAD_MONTHS)
    planned = [first]
    # Each date from the one before as booked, so no gap is ever longer than the period.
    while (following := period.add(planned[-1], calendar)) < end:
        planned.append(_working_day_on_or_before(following, calendar))
    return planned


def _working_day_on_or_before(day: dt.date, calendar: WorkingDays) -> dt.date:
    found = day
    for _ in range(10):
        try:
            if calendar.is_working_day(found):
                return found
        except CalendarRangeError:
            # Past the bank holidays shipped: weekends are still known.
            if found.weekday() < 5:
                return found
        found -= dt.timedelta(days=1)
    return day
