"""A person's coverage of the Knowledge and Skills Statements over twelve months (issue 16): each
statement, the one-to-ones whose professional discussion or learning was tagged with it, and the
statements not yet covered, for the person and their managers (`oversight.access.kss`)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from oversight.access.kss import kss_person
from oversight.audit.trail import audit
from oversight.cases.chair_reviews import Period, PeriodError, twelve_months_ending
from oversight.engine.periods import add_months
from oversight.records.kss import kss_coverage
from oversight.web.requests import AuthenticatedHttpRequest

CHOICES = 36  # months offered as the last of the twelve


def coverage(request: AuthenticatedHttpRequest, staff_id: str) -> HttpResponse:
    today = timezone.localdate()
    person = kss_person(request.user, staff_id, today)
    # The twelve months to this one by default: the year a supervisor and worker look back on.
    months = [
        twelve_months_ending(f"{add_months(today.replace(day=1), -n):%Y-%m}")
        for n in range(CHOICES)
    ]
    period, error = _chosen(request.GET.get("ending", ""), months[0])
    end = min(period.last, today)
    found = kss_coverage(person, period.first, end)
    audit(
        request.user,
        "view",
        person,
        request=request,
        detail={"page": "kss", "from": period.first.isoformat(), "to": end.isoformat()},
    )
    return render(
        request,
        "people/kss.html",
        {
            "person": person,
            "period": period,
            "end": end,
            "months": months,
            "coverage": found,
            "error": error,
            "errors": [{"text": error, "href": "#ending"}] if error else [],
        },
    )


def _chosen(text: str, latest: Period) -> tuple[Period, str]:
    """The twelve months asked for (`ending`, YYYY-MM), or the latest with the problem named."""
    if not text.strip():
        return latest, ""
    try:
        asked = twelve_months_ending(text)
    except PeriodError as problem:
        return latest, str(problem)
    if asked.last > latest.last:
        return latest, f"{asked.last:%B %Y} is in the future. Choose a month up to this one."
    return asked, ""
