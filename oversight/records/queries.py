"""Questions pages ask of records: the previous supervision's actions, and a child's chronology."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q

from oversight.access.staff import staff_of
from oversight.records.models import (
    Action,
    ActionQuerySet,
    Addendum,
    CaseNote,
    ChairReview,
    OversightNote,
    Record,
)
from oversight.records.workflow import SHARED_STATES, State

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser
    from django.db.models import Model

    from oversight.cases.models import Case
    from oversight.supervision.models import Session

# Anything the worker has seen. A draft's decisions were never shared with them, so they are not
# "decisions from the previous supervision"; a returned record was, and its actions still stand.
_PREVIOUS_STATES = (*SHARED_STATES, State.RETURNED)


def previous_session(session: Session, case: Case | None = None) -> Record | None:
    """The supervisee's latest supervision before this one (that discussed `case`, if given).

    Any supervisor's, so a change of manager does not lose the thread (B 3.3: "check the contents
    of the last case supervision and review with the practitioner").
    """
    if session.supervisee_id is None:
        return None
    earlier = Record.objects.in_state(*_PREVIOUS_STATES).filter(
        Q(date__lt=session.date) | Q(date=session.date, pk__lt=session.pk),
        supervisee_id=session.supervisee_id,
    )
    if case is not None:
        earlier = earlier.filter(session_cases__case=case)
    return earlier.order_by("-date", "-pk").first()


def previous_actions(session: Session, case: Case | None = None) -> ActionQuerySet:
    """Decisions and actions from the previous supervision, to mark achieved or not in this one.

    For a child (`case`): that child's actions from the last supervision that discussed them.
    Mark each with `action.mark(status, by=..., in_session=session)`.
    """
    previous = previous_session(session, case)
    if previous is None:
        return Action.objects.none()
    actions = Action.objects.filter(session=previous).with_status()
    if case is not None:
        actions = actions.filter(case=case)
    return actions.select_related("owner", "case").order_by("id")


@dataclass(frozen=True)
class ChronologyEntry:
    date: dt.date  # the session's date, or an addendum's own date
    kind: str  # case_note, oversight_note, chair_review, action or addendum
    record: Record
    item: Model

    @property
    def state(self) -> str:
        return self.record.state


_KIND_ORDER = {"case_note": 0, "oversight_note": 1, "chair_review": 2, "action": 3, "addendum": 4}


def chronology(case: Case, *, viewer: AbstractBaseUser | None = None) -> list[ChronologyEntry]:
    """Everything supervision recorded about a child, across workers and time, newest first.

    Only records that have been shared (sent, agreed or recorded elsewhere) appear: a draft, or a
    record returned for correction, is private to its author, who sees their own when they are
    the `viewer`. Professional (non-case) records never appear here: they are not the child's.
    """
    viewer_staff = staff_of(viewer)
    visible = Q(workflow_state__in=SHARED_STATES)
    if viewer_staff is not None:
        visible |= Q(supervisor=viewer_staff)
    records = {
        r.pk: r
        for r in Record.objects.with_state()
        .filter(visible, session_cases__case=case)
        .select_related("supervisor", "supervisee")
    }
    sources = (
        ("case_note", CaseNote.objects.filter(case=case)),
        ("oversight_note", OversightNote.objects.filter(case=case)),
        ("chair_review", ChairReview.objects.filter(case=case)),
        ("action", Action.objects.filter(case=case).with_status().select_related("owner")),
        ("addendum", Addendum.objects.filter(case=case).select_related("author")),
    )
    entries = []
    for kind, items in sources:
        for item in items.filter(session__in=list(records)):
            record = records[item.session_id]
            day = item.on if isinstance(item, Addendum) else record.date
            entries.append(ChronologyEntry(day, kind, record, item))
    # Within one session the note comes before its actions; sessions and addenda newest first.
    entries.sort(key=lambda e: (_KIND_ORDER[e.kind], e.item.pk))
    entries.sort(key=lambda e: (e.date, e.record.date, e.record.pk), reverse=True)
    return entries
