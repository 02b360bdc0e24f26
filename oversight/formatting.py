"""How Oversight writes dates, record states and urgency for people: one place for every page,
message and template, so a change of wording reaches them all.

Plain functions over plain values (no models), so the domain's error messages and the screens
share them without an import cycle.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString


def long_date(day: dt.date | None) -> str:
    """ "3 March 2025", as GOV.UK writes dates; empty for no date."""
    return f"{day.day} {day:%B %Y}" if day else ""


def long_time(moment: dt.datetime) -> str:
    """ "3 March 2025 at 14:05", in the council's time zone."""
    local = timezone.localtime(moment)
    return f"{long_date(local.date())} at {local:%H:%M}"


# Record states (the values of oversight.records.workflow.State) ----------------------------------

# The short name shown in a tag.
STATE_NAMES = {
    "draft": "Draft",
    "sent": "Sent to worker",
    "returned": "Returned",
    "agreed": "Agreed",
    "imported": "Recorded elsewhere",
}

# The tag's colour; the name is always shown too, so colour is never the only signal.
STATE_TAGS = {
    "draft": "govuk-tag--grey",
    "sent": "",
    "returned": "govuk-tag--orange",
    "agreed": "govuk-tag--green",
    "imported": "govuk-tag--grey",
}

# How the state reads in a sentence: "the record is ...".
STATE_PHRASES = {
    "draft": "a draft",
    "sent": "with the worker to agree",
    "returned": "returned to the supervisor",
    "agreed": "agreed",
    "imported": "recorded elsewhere",
}


# Why a record in this state cannot be changed, and what to do instead.
LOCKED_BECAUSE = {
    "sent": "This record is with the worker to agree and cannot be changed now. They can return "
    "it to you to correct.",
    "agreed": "This record has been agreed and cannot be changed. To correct it or add to it, add "
    "an addendum.",
    "imported": "This record was written in the council's own system and cannot be changed here. "
    "To correct it or add to it, add an addendum.",
}


def why_locked(state: str) -> str:
    return LOCKED_BECAUSE.get(state, f"This record is {state_phrase(state)} and cannot be changed.")


def state_name(state: str) -> str:
    return STATE_NAMES.get(state, state)


def state_tag(state: str) -> str:
    return STATE_TAGS.get(state, "")


def state_phrase(state: str) -> str:
    return STATE_PHRASES.get(state, state)


# Urgency of the engine's answers ----------------------------------------------------------------

# Overdue first, then what falls due soonest; done items last.
URGENCY = {"overdue": 0, "due_soon": 1, "ok": 2, "met_late": 3, "met": 4}
# Where something with no obligation at all sorts: after everything that has one.
NOTHING_DUE = len(URGENCY)


class HasStatusAndDueDate(Protocol):
    @property
    def status(self) -> str: ...
    @property
    def due_date(self) -> dt.date: ...


def urgency(obligation: HasStatusAndDueDate) -> tuple[int, dt.date]:
    """The sort key that puts the most urgent obligation first."""
    return URGENCY.get(obligation.status, NOTHING_DUE), obligation.due_date


# Each status of an obligation as its tag: the words and the class that colours them.
STATUS_TAGS = {
    "overdue": ("Overdue", "app-tag--overdue"),
    "due_soon": ("Due soon", "app-tag--due-soon"),
    "met": ("Done", "app-tag--met"),
    "met_late": ("Done late", "app-tag--met-late"),
}
ON_TRACK = ("On track", "app-tag--ok")


def status_tag(status: str) -> SafeString:
    """The tag for an obligation's status, as HTML (`{{ obligation.status|status_tag }}`)."""
    words, css_class = STATUS_TAGS.get(status, ON_TRACK)
    return format_html('<strong class="govuk-tag {}">{}</strong>', css_class, words)
