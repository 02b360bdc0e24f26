"""Booked supervision in people's own calendars (issue 10 §6): a secret feed address per person,
made, replaced or stopped on one page, and an .ics file for any one session."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from oversight.access.calendar import feed_user, sessions_in_feed
from oversight.access.records import viewable_record
from oversight.audit.actor import Actor
from oversight.calendar.ics import calendar_of
from oversight.calendar.models import CalendarFeed, digest
from oversight.web.requests import AuthenticatedHttpRequest

ICS = "text/calendar; charset=utf-8"


def calendar_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    feed = CalendarFeed.objects.filter(user=request.user).first()
    return render(request, "calendar/page.html", {"feed": feed})


@require_POST
def make_feed(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A new feed address, replacing any earlier one, shown this once."""
    token = CalendarFeed.new_token()
    with transaction.atomic():
        replaced = CalendarFeed.objects.filter(user=request.user).delete()[0] > 0
        feed = CalendarFeed.objects.create(user=request.user, token_digest=digest(token))
        Actor.from_request(request).audit(
            "create", feed, detail={"replaced_an_earlier_feed": replaced}
        )
    address = request.build_absolute_uri(f"/calendar/feed/{token}.ics")
    return render(request, "calendar/page.html", {"feed": feed, "address": address})


@require_POST
def stop_feed(request: AuthenticatedHttpRequest) -> HttpResponse:
    with transaction.atomic():
        feed = CalendarFeed.objects.filter(user=request.user).first()
        if feed is not None:
            Actor.from_request(request).audit("delete", feed)
            feed.delete()
    messages.success(request, "Your calendar feed is stopped: its address no longer works.")
    return redirect("calendar:page")


@login_not_required
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The feed a calendar program reads, without signing in: the secret address is the key."""
    today = timezone.localdate()
    user = feed_user(token, today)
    if user is None:
        raise Http404("No calendar feed has this address: it was replaced or stopped.")
    body = calendar_of(
        sessions_in_feed(user, today), host=request.get_host(), name="Supervision (Oversight)"
    )
    return HttpResponse(body, content_type=ICS)


def one_session(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    record = viewable_record(request.user, pk)
    body = calendar_of([record], host=request.get_host(), name="Supervision (Oversight)")
    response = HttpResponse(body, content_type=ICS)
    response["Content-Disposition"] = f'attachment; filename="supervision-{record.date}.ics"'
    return response
