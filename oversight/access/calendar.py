"""Calendar feeds: whose feed an address opens, and which sessions are in it.

A calendar program cannot sign in, so the feed's secret address is the credential: it opens
only while its owner may sign in and holds a staff record on the day, and it holds only the
sessions that person leads, receives or attends.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q

from oversight.access.queries import access_for
from oversight.calendar.models import CalendarFeed, digest
from oversight.records.models import GroupRecord
from oversight.supervision.models import JointSupervisee, Session, SessionQuerySet

# From three months back (recent sessions stay visible) to just over a year ahead (the year
# booked ahead, B 2.1).
FEED_FROM = dt.timedelta(days=92)
FEED_TO = dt.timedelta(days=400)


def feed_user(token: str, day: dt.date) -> Any | None:
    """The user whose feed `token` opens on `day`, or None."""
    feed = CalendarFeed.objects.select_related("user").filter(token_digest=digest(token)).first()
    if feed is None or not feed.user.is_active:
        return None
    return feed.user if access_for(feed.user, day).staff is not None else None


def sessions_in_feed(user: Any, day: dt.date) -> SessionQuerySet:
    staff = access_for(user, day).staff
    if staff is None:
        return Session.objects.none()
    attended = GroupRecord.objects.filter(attendees=staff).values("session")
    joint = JointSupervisee.objects.filter(staff=staff).values("session")
    return (
        Session.objects.filter(
            Q(supervisor=staff) | Q(supervisee=staff) | Q(pk__in=attended) | Q(pk__in=joint)
        )
        .filter(date__gte=day - FEED_FROM, date__lte=day + FEED_TO)
        .select_related("supervisor", "supervisee", "team")
        .prefetch_related("events")
        .order_by("date", "start_time")
    )
