"""Saving the other kinds of record: the session and its contents in one transaction, audited.

The record contents refuse to save unless the record is with its author (RecordContent.save), so
a record sent or agreed meanwhile makes the whole save roll back. The audit entry names what
changed, never the text written: the trail is read by more people than the record is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.http import HttpRequest

from oversight.audit.trail import audit
from oversight.cases.models import Case
from oversight.organisation.models import Staff, Team
from oversight.records.models import (
    Action,
    ChairReview,
    GroupRecord,
    OversightNote,
    PracticeObservation,
    ensure_editable,
)
from oversight.supervision.models import Session, SessionCase

SESSION_TYPE = "supervision.session"


def _audit(request: HttpRequest, action: str, session: Session, detail: dict[str, Any]) -> None:
    audit(
        request.user,  # type: ignore[arg-type]
        action,
        session,
        request=request,
        detail=detail,
        object_type=SESSION_TYPE,
    )


def _set(obj: Any, values: dict[str, Any], changed: list[str], prefix: str = "") -> None:
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(f"{prefix}{name}")


def _session(session: Session | None, changed: list[str], **values: Any) -> tuple[Session, bool]:
    """The session, new or with its details updated; True if it was created."""
    if session is None:
        return Session.objects.create(**values), True
    # The session's own fields are no RecordContent: check the record is with its author here.
    ensure_editable(session.pk)
    before = len(changed)
    _set(session, values, changed)
    if len(changed) > before:
        session.save()
    return session, False


def _cases(session: Session, cases: Iterable[Case], changed: list[str]) -> None:
    """Make the session's cases exactly `cases`."""
    wanted = {c.pk for c in cases}
    have = set(SessionCase.objects.filter(session=session).values_list("case_id", flat=True))
    if gone := have - wanted:
        SessionCase.objects.filter(session=session, case_id__in=gone).delete()
    for case_id in wanted - have:
        SessionCase.objects.create(session=session, case_id=case_id)
    if have != wanted:
        changed.append("cases")


def _actions(
    session: Session, rows: list[dict[str, Any]], changed: list[str], case: Case | None = None
) -> None:
    existing = {a.pk: a for a in Action.objects.filter(session=session)}
    for row in rows:
        action = existing.get(row.get("id") or 0)
        if action is not None and row.get("remove"):
            action.delete()
            changed.append(f"action {action.pk} removed")
            continue
        if row.get("remove"):
            continue
        values = {
            "decision": row["decision"].strip(),
            "action": row["action"].strip(),
            "desired_outcome": row["desired_outcome"].strip(),
            "due_date": row["due_date"],
            "owner": row["owner"],
        }
        if action is None:
            Action.objects.create(session=session, case=case, **values)
            changed.append("action added")
        else:
            before = len(changed)
            _set(action, values, changed, prefix=f"action {action.pk} ")
            if len(changed) > before:
                action.save()


def _finish(
    request: HttpRequest, session: Session, created: bool, changed: list[str], **detail: Any
) -> None:
    if created:
        _audit(request, "create", session, {"type": session.type, **detail})
    elif changed:
        _audit(request, "change", session, {"changed": changed, **detail})


# Management oversight / ad hoc case discussion -----------------------------------------------


def save_oversight(
    request: HttpRequest,
    *,
    session: Session | None,
    author: Staff,
    case: Case,
    data: dict[str, Any],
    actions: list[dict[str, Any]],
) -> Session:
    changed: list[str] = []
    with transaction.atomic():
        session, created = _session(
            session,
            changed,
            type=data["type"],
            date=data["date"],
            supervisor=author,
            supervisee=data["worker"],
        )
        SessionCase.objects.get_or_create(session=session, case=case)
        note = OversightNote.objects.filter(session=session, case=case).first()
        written = {name: data[name].strip() for name in ("discussion", "decision", "rationale")}
        # A note is what says the child has been written up, so an empty one is never stored:
        # the record cannot then be sent until something is written.
        if note is None and any(written.values()):
            note = OversightNote(session=session, case=case)
        if note is not None:
            before = len(changed)
            _set(note, written, changed)
            if note.pk is None or len(changed) > before:
                note.save()
        _actions(session, actions, changed, case=case)
        _finish(request, session, created, changed, case=case.case_id)
    return session


# Group reflective supervision ----------------------------------------------------------------


def save_group(
    request: HttpRequest,
    *,
    session: Session | None,
    author: Staff,
    team: Team,
    data: dict[str, Any],
    actions: list[dict[str, Any]],
) -> Session:
    changed: list[str] = []
    with transaction.atomic():
        session, created = _session(
            session, changed, type="group", date=data["date"], supervisor=author, team=team
        )
        group = GroupRecord.objects.filter(session=session).first() or GroupRecord(session=session)
        before = len(changed)
        _set(
            group,
            {
                "facilitator": data["facilitator"],
                "presented_by": data["presented_by"],
                "presentation": data["presentation"].strip(),
                "hypotheses": data["hypotheses"].strip(),
                "learning": data["learning"].strip(),
            },
            changed,
        )
        if group.pk is None or len(changed) > before:
            group.save()
        attendees = {s.pk for s in data["attendees"]}
        if attendees != set(group.attendees.values_list("pk", flat=True)):
            group.attendees.set(attendees)
            changed.append("attendees")
        _cases(session, data["cases"], changed)
        _actions(session, actions, changed)
        _finish(request, session, created, changed, team=team.name)
    return session


# Practice observation --------------------------------------------------------------------------


def save_observation(
    request: HttpRequest,
    *,
    session: Session | None,
    author: Staff,
    worker: Staff,
    data: dict[str, Any],
    actions: list[dict[str, Any]],
) -> Session:
    changed: list[str] = []
    with transaction.atomic():
        session, created = _session(
            session,
            changed,
            type="practice_observation",
            date=data["date"],
            supervisor=author,
            supervisee=worker,
        )
        observation = PracticeObservation.objects.filter(
            session=session
        ).first() or PracticeObservation(session=session)
        before = len(changed)
        _set(
            observation,
            {
                "setting": data["setting"],
                "setting_detail": data["setting_detail"].strip(),
                "strengths": data["strengths"].strip(),
                "areas_for_development": data["areas_for_development"].strip(),
                "worker_reflection": data["worker_reflection"].strip(),
            },
            changed,
        )
        if observation.pk is None or len(changed) > before:
            observation.save()
        _actions(session, actions, changed)
        _finish(request, session, created, changed, staff=worker.staff_id)
    return session


# Conference chair supervision ------------------------------------------------------------------


def save_chair(
    request: HttpRequest,
    *,
    session: Session | None,
    author: Staff,
    chair: Staff,
    day: dt.date,
    reviews: dict[Case, dict[str, Any]],
    actions: list[dict[str, Any]],
) -> Session:
    """`reviews` maps each child reviewed to the answers to the eight questions."""
    changed: list[str] = []
    with transaction.atomic():
        session, created = _session(
            session,
            changed,
            type="conference_chair",
            date=day,
            supervisor=author,
            supervisee=chair,
        )
        for review in ChairReview.objects.filter(session=session).exclude(case__in=list(reviews)):
            review.delete()
            changed.append(f"review of {review.case.case_id} removed")
        _cases(session, reviews, changed)
        for case, answers in reviews.items():
            review = ChairReview.objects.filter(session=session, case=case).first()
            written = {name: answers.get(name, "").strip() for name in ChairReview.QUESTIONS}
            # As with oversight notes: no empty review, so the record cannot be sent unwritten.
            if review is None and any(written.values()):
                review = ChairReview(session=session, case=case)
            if review is not None:
                before = len(changed)
                _set(review, written, changed, prefix=f"{case.case_id} ")
                if review.pk is None or len(changed) > before:
                    review.save()
        _actions(session, actions, changed)
        _finish(request, session, created, changed, staff=chair.staff_id)
    return session
