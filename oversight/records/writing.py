"""Writing supervision records: each operation saves one part of a record and audits it, together.

Every operation takes the `Actor` doing it (the user and their address), never a request, and runs
in one transaction: the record contents refuse to save unless the record is with its author
(RecordContent.save), so a record sent or agreed meanwhile makes the whole save roll back with a
WorkflowError. Audit entries are filed under the session, as the workflow files its moves, and
name what changed, never the text written: the trail is read by more people than the record is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction

from oversight.audit.actor import Actor
from oversight.cases.models import Case
from oversight.organisation.models import Staff, Team
from oversight.records.models import (
    Action,
    ActionUpdate,
    CaseNote,
    ChairReview,
    GroupRecord,
    LearningActivity,
    OversightNote,
    PracticeObservation,
    ProfessionalRecord,
    Record,
    ensure_editable,
)
from oversight.supervision.models import Session, SessionCase

SESSION_TYPE = Session._meta.label_lower
ACTION_FIELDS = ("decision", "action", "desired_outcome", "due_date", "owner")

Data = dict[str, Any]  # a form's cleaned data
Rows = list[dict[str, Any]]  # decisions and actions rows: see save_actions

# (action from an earlier supervision, status, comment): a review of it in this one.
Review = tuple[Action, str, str]


def audit_session(
    by: Actor, action: str, session: Session, detail: dict[str, Any] | None = None
) -> None:
    by.audit(action, session, detail=detail, object_type=SESSION_TYPE)


# Shared steps ------------------------------------------------------------------------------------


def _set(obj: Any, values: dict[str, Any], changed: list[str], prefix: str = "") -> bool:
    """Copy `values` onto `obj`, naming each field that differs in `changed`; True if any did."""
    before = len(changed)
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(f"{prefix}{name}")
    return len(changed) > before


def _session(session: Session | None, changed: list[str], **values: Any) -> tuple[Session, bool]:
    """The session, new or with its details updated; True if it was created."""
    if session is None:
        return Session.objects.create(**values), True
    # The session's own fields are no RecordContent: check the record is with its author here.
    ensure_editable(session.pk)
    if _set(session, values, changed):
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


def save_actions(
    session: Session, rows: list[dict[str, Any]], changed: list[str], case: Case | None = None
) -> None:
    """Add, change or remove the session's decisions and actions about `case` (None: not about
    one child). A row names an existing action by `id`; a row to `remove` is deleted."""
    existing = {a.pk: a for a in Action.objects.filter(session=session, case=case)}
    for row in rows:
        action = existing.get(row.get("id") or 0)
        if row.get("remove"):
            if action is not None:
                changed.append(f"action {action.pk} removed")  # named before the pk is gone
                action.delete()
            continue
        values = {name: row.get(name) for name in ACTION_FIELDS}
        for name in ("decision", "action", "desired_outcome"):
            values[name] = (values[name] or "").strip()
        if action is None:
            Action.objects.create(session=session, case=case, **values)
            changed.append("action added")
        elif _set(action, values, changed, prefix=f"action {action.pk} "):
            action.save()


def _mark_reviews(record: Record, reviews: list[Review], by: Actor) -> None:
    for action, status, comment in reviews:
        action.mark(status, by=by.user, in_session=record, comment=comment)


def _finish(by: Actor, session: Session, created: bool, changed: list[str], **detail: Any) -> None:
    if created:
        audit_session(by, "create", session, {"type": session.type, **detail})
    elif changed:
        audit_session(by, "change", session, {"changed": changed, **detail})


def _write_child_note(
    model: type[OversightNote] | type[ChairReview],
    session: Session,
    case: Case,
    written: dict[str, str],
    changed: list[str],
    prefix: str = "",
) -> None:
    """A note about one child, saved only once something is written: a note is what says the child
    has been written up, so an empty one would let the record be sent unwritten."""
    note = model.objects.filter(session=session, case=case).first()
    if note is None and any(written.values()):
        note = model(session=session, case=case)
    if note is not None and (_set(note, written, changed, prefix) or note.pk is None):
        note.save()


# One-to-one and case discussion ------------------------------------------------------------------


def book_supervision(
    *,
    by: Actor,
    supervisor: Staff,
    supervisee: Staff,
    kind: str,
    date: dt.date,
    start_time: dt.time,
    duration_minutes: int,
    location: str,
) -> Session:
    with transaction.atomic():
        session = Session.objects.create(
            type=kind,
            date=date,
            start_time=start_time,
            duration_minutes=duration_minutes,
            location=location,
            supervisor=supervisor,
            supervisee=supervisee,
        )
        by.audit("create", session)
    return session


def save_professional(
    record: Record,
    *,
    by: Actor,
    professional: ProfessionalRecord,
    learning: list[LearningActivity],
    learning_removed: list[LearningActivity],
    actions: list[dict[str, Any]],
    reviews: list[Review],
) -> ProfessionalRecord:
    """The professional part of a one-to-one: its topics, learning, actions and the review of the
    previous supervision's actions."""
    with transaction.atomic():
        professional.session = record
        professional.save()
        for activity in learning:
            activity.professional_record = professional
            activity.save()
        for gone in learning_removed:
            gone.delete()
        save_actions(record, actions, [], case=None)
        _mark_reviews(record, reviews, by)
        audit_session(by, "change", record, {"part": "professional"})
    return professional


def choose_cases(record: Record, wanted: set[int], *, by: Actor) -> None:
    """Make the children discussed exactly `wanted` (case pks)."""
    with transaction.atomic():
        ensure_editable(record.pk)
        chosen = set(record.session_cases.values_list("case_id", flat=True))
        for case_pk in wanted - chosen:
            SessionCase.objects.get_or_create(session=record, case_id=case_pk)
        SessionCase.objects.filter(session=record, case_id__in=chosen - wanted).delete()
        audit_session(by, "change", record, {"cases_discussed": sorted(wanted)})


def save_case_note(
    record: Record,
    *,
    by: Actor,
    note: CaseNote,
    actions: list[dict[str, Any]],
    reviews: list[Review],
) -> CaseNote:
    """A child's case supervision (the PPF note), its actions and the review of earlier ones."""
    with transaction.atomic():
        note.save()
        save_actions(record, actions, [], case=note.case)
        _mark_reviews(record, reviews, by)
        audit_session(by, "change", record, {"part": "case_note", "case": note.case.case_id})
    return note


def remove_case(record: Record, case: Case, *, by: Actor) -> None:
    """Take a child out of the record, with their note and actions (chosen by mistake)."""
    with transaction.atomic():
        for update in ActionUpdate.objects.filter(session=record, action__case=case):
            update.delete()
        for action in Action.objects.filter(session=record, case=case):
            action.delete()
        for note in CaseNote.objects.filter(session=record, case=case):
            note.delete()
        ensure_editable(record.pk)
        SessionCase.objects.filter(session=record, case=case).delete()
        audit_session(by, "delete", record, {"removed_case": case.case_id})


# The one-page record types ----------------------------------------------------------------------


def _save_record(
    by: Actor,
    session: Session | None,
    values: dict[str, Any],
    contents: Callable[[Session, list[str]], None],
    actions: Rows,
    *,
    about: Case | None = None,
    **detail: Any,
) -> Session:
    """The session (new, or its `values` updated), its `contents` and its actions (about one
    child, or None), audited as created or as what changed."""
    changed: list[str] = []
    with transaction.atomic():
        session, created = _session(session, changed, **values)
        contents(session, changed)
        save_actions(session, actions, changed, case=about)
        _finish(by, session, created, changed, **detail)
    return session


def _write_content(model: type[Any], session: Session, written: Data, changed: list[str]) -> Any:
    """The record's one row of `model`, made or brought up to date."""
    row = model.objects.filter(session=session).first() or model(session=session)
    if _set(row, written, changed) or row.pk is None:
        row.save()
    return row


def _stripped(data: Data, *names: str) -> dict[str, str]:
    return {name: data[name].strip() for name in names}


def save_oversight(
    *, by: Actor, session: Session | None, author: Staff, case: Case, data: Data, actions: Rows
) -> Session:
    """Management oversight, or an ad hoc case discussion, of one child."""

    def contents(session: Session, changed: list[str]) -> None:
        SessionCase.objects.get_or_create(session=session, case=case)
        written = _stripped(data, "discussion", "decision", "rationale")
        _write_child_note(OversightNote, session, case, written, changed)

    values = {"type": data["type"], "date": data["date"], "supervisee": data["worker"]}
    values["supervisor"] = author
    return _save_record(by, session, values, contents, actions, about=case, case=case.case_id)


def save_group(
    *, by: Actor, session: Session | None, author: Staff, team: Team, data: Data, actions: Rows
) -> Session:
    """Group reflective supervision: who came, the case presented, what the group learned."""

    def contents(session: Session, changed: list[str]) -> None:
        written = {"facilitator": data["facilitator"], "presented_by": data["presented_by"]}
        written |= _stripped(data, "presentation", "hypotheses", "learning")
        group = _write_content(GroupRecord, session, written, changed)
        attendees = {s.pk for s in data["attendees"]}
        if attendees != set(group.attendees.values_list("pk", flat=True)):
            group.attendees.set(attendees)
            changed.append("attendees")
        _cases(session, data["cases"], changed)

    values = {"type": "group", "date": data["date"], "supervisor": author, "team": team}
    return _save_record(by, session, values, contents, actions, team=team.name)


def save_observation(
    *, by: Actor, session: Session | None, author: Staff, worker: Staff, data: Data, actions: Rows
) -> Session:
    """A practice observation of one worker."""

    def contents(session: Session, changed: list[str]) -> None:
        written = {"setting": data["setting"]}
        written |= _stripped(
            data, "setting_detail", "strengths", "areas_for_development", "worker_reflection"
        )
        _write_content(PracticeObservation, session, written, changed)

    values = {"type": "practice_observation", "date": data["date"], "supervisee": worker}
    values["supervisor"] = author
    return _save_record(by, session, values, contents, actions, staff=worker.staff_id)


def save_chair(
    *,
    by: Actor,
    session: Session | None,
    author: Staff,
    chair: Staff,
    day: dt.date,
    reviews: dict[Case, Data],
    actions: Rows,
) -> Session:
    """A conference chair's dedicated supervision: `reviews` maps each child reviewed to the
    answers to the eight questions."""

    def contents(session: Session, changed: list[str]) -> None:
        for review in ChairReview.objects.filter(session=session).exclude(case__in=list(reviews)):
            review.delete()
            changed.append(f"review of {review.case.case_id} removed")
        _cases(session, reviews, changed)
        for case, answers in reviews.items():
            written = {name: answers.get(name, "").strip() for name in ChairReview.QUESTIONS}
            _write_child_note(ChairReview, session, case, written, changed, f"{case.case_id} ")

    values = {"type": "conference_chair", "date": day, "supervisor": author, "supervisee": chair}
    return _save_record(by, session, values, contents, actions, staff=chair.staff_id)
