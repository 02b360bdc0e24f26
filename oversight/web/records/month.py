"""A supervisor's month (B 2.1, issue 16): who is booked when, and who is not booked before
their supervision falls due."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from oversight.access.staff import staff_of
from oversight.engine.engine import Obligation
from oversight.engine.periods import add_months
from oversight.facts.caseloads import is_professional_supervision
from oversight.facts.owned import owned_obligations
from oversight.organisation.models import Staff
from oversight.supervision.models import Session
from oversight.web.mywork.links import book_supervision_url
from oversight.web.requests import AuthenticatedHttpRequest


@dataclass(frozen=True)
class Planned:
    person: Staff
    due: Obligation | None
    next_booked: Session | None
    book_url: str

    @property
    def booked_in_time(self) -> bool:
        return self.due is None or (
            self.next_booked is not None and self.next_booked.date <= self.due.due_date
        )


def month(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    first = _month_asked(request.GET.get("month", ""), today)
    me = staff_of(request.user)
    if me is None:
        return render(request, "records/month.html", {"first": first, "me": None})
    supervisees = list(me.supervisees_on(today).order_by("name"))
    due = {
        o.subject_id: o
        for o in owned_obligations([me], today).of(me.staff_id)
        if o.subject_type == "staff" and is_professional_supervision(o)
    }
    upcoming = (
        Session.objects.filter(supervisor=me, date__gte=today, recorded_date__isnull=True)
        .not_cancelled()
        .order_by("date", "start_time")
    )
    next_booked: dict[int, Session] = {}
    for session in upcoming:
        if session.supervisee_id is not None:
            next_booked.setdefault(session.supervisee_id, session)
    planned = [
        Planned(
            person,
            due.get(person.staff_id),
            next_booked.get(person.pk),
            book_supervision_url(person.staff_id),
        )
        for person in supervisees
    ]
    following = add_months(first, 1)
    in_month = list(
        Session.objects.filter(supervisor=me, date__gte=first, date__lt=following)
        .not_cancelled()
        .select_related("supervisee", "team")
        .order_by("date", "start_time")
    )
    return render(
        request,
        "records/month.html",
        {
            "me": me,
            "first": first,
            "previous": add_months(first, -1),
            "following": following,
            "planned": sorted(planned, key=lambda p: (p.booked_in_time, p.person.name)),
            "not_in_time": sum(1 for p in planned if not p.booked_in_time),
            "sessions": in_month,
        },
    )


def _month_asked(text: str, today: dt.date) -> dt.date:
    """The first day of the month asked for as YYYY-MM, or of this month."""
    try:
        year, month_number = (int(part) for part in text.split("-"))
        return dt.date(year, month_number, 1)
    except ValueError:
        return today.replace(day=1)
