"""Booked supervision as iCalendar (RFC 5545), in Europe/London time.

Each session keeps one UID for its life, so a calendar program updates the event in place when
the session is moved (its SEQUENCE counts the moves) and removes it when it is cancelled
(STATUS:CANCELLED). Summaries name the people, never a child.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from oversight.supervision.models import Session, SessionEvent

LONDON = ZoneInfo("Europe/London")
DEFAULT_MINUTES = 60


def calendar_of(sessions: Iterable[Session], *, host: str, name: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Oversight//Supervision//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/London")
    for session in sessions:
        calendar.add_component(_event(session, host))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _event(session: Session, host: str) -> Event:
    event = Event()
    event.add("uid", f"{session.session_id}@{host}")
    kinds = {e.kind for e in session.events.all()}
    moves = sum(1 for e in session.events.all() if e.kind == SessionEvent.Kind.MOVED)
    event.add("sequence", moves)
    event.add("summary", _summary(session))
    if session.start_time is not None:
        start = dt.datetime.combine(session.date, session.start_time, tzinfo=LONDON)
        event.add("dtstart", start)
        minutes = session.duration_minutes or DEFAULT_MINUTES
        event.add("dtend", start + dt.timedelta(minutes=minutes))
    else:
        event.add("dtstart", session.date)
    if session.location:
        event.add("location", session.location)
    event.add("dtstamp", dt.datetime.now(tz=dt.UTC))
    event.add("status", "CANCELLED" if SessionEvent.Kind.CANCELLED in kinds else "CONFIRMED")
    return event


def _summary(session: Session) -> str:
    kind = session.get_type_display()
    if session.supervisee is not None and session.supervisor is not None:
        return f"{kind}: {session.supervisor.name} and {session.supervisee.name}"
    if session.team is not None:
        return f"{kind}: {session.team.name}"
    return kind
