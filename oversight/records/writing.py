"""Writing supervision records: each operation saves one part of a record and audits it, together.

Every operation takes the `Actor` doing it (the user and their address), never a request, and runs
in one transaction: the record contents refuse to save unless the record is with its author
(RecordContent.save), so a record sent or agreed meanwhile makes the whole save roll back with a
WorkflowError. What a form edits is saved only from the version the form was opened at
(oversight.versions): a save from a page opened before someone else's raises EditConflict and rolls
back too. A form that creates a session carries a token, so posting it twice makes one session.
Audit entries are filed under the session, as the workflow files its moves, and
name what changed, never the text written: the trail is read by more people than the record is.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from oversight.access.staff import staff_of
from oversight.audit.actor import Actor
from oversight.cases.models import Case
from oversight.formatting import long_date
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
from oversight.records.workflow import BookingProblem, WorkflowError, mark_held
from oversight.reminders import events
from oversight.supervision.models import JointSupervisee, Session, SessionCase, SessionEvent
from oversight.transitions import NotAllowed, ReasonRequired
from oversight.versions import claim

SESSION_TYPE = Session._meta.label_lower
ACTION_FIELDS = ("decision", "action", "desired_outcome", "due_date", "owner")

Data = dict[str, Any]  # a form's cleaned data
Rows = list[dict[str, Any]]  # decisions and actions rows: see save_actions

# (action from an earlier supervision, status, comment): a review of it in this one.
Review = tuple[Action, str, str]


@dataclass(frozen=True)
class Posted:
    """What a form carries besides its answers: the version of what it edits, as it was when the
    form was opened (None: not checked), and the token of a form that creates a session."""

    seen_version: int | None = None
    submission: uuid.UUID | None = None


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


def _lock(session: Session) -> Session:
    """The session as stored now, locked until the transaction ends: saves of any of its parts
    queue behind each other here, so a version is checked and moved on by one save at a time."""
    return Session.objects.select_for_update().get(pk=session.pk)


def _created_once(
    submission: uuid.UUID | None, author: Staff, create: Callable[[], Session]
) -> tuple[Session, bool]:
    """The session made by `create`, or, if the form with this `submission` token was posted
    before (a double click, a resent form), the session it made then; True if made now. The
    token's unique constraint settles two posts arriving together."""
    if submission is None:
        return create(), True
    earlier = Session.objects.filter(submission=submission).first()
    if earlier is None:
        try:
            with transaction.atomic():  # a savepoint: the failed insert is undone on its own
                return create(), True
        except IntegrityError:
            earlier = Session.objects.filter(submission=submission).first()
            if earlier is None:
                raise
    if earlier.supervisor_id != author.pk:
        raise PermissionDenied("This form was used by someone else. Open the page again.")
    return earlier, False


def _session(
    session: Session | None, changed: list[str], by: Actor, posted: Posted, **values: Any
) -> tuple[Session, bool]:
    """The session, new (or made already by this form) or with its details updated; True if it
    was created now."""
    if session is None:
        author = values["supervisor"]
        return _created_once(
            posted.submission,
            author,
            lambda: Session.objects.create(submission=posted.submission, **values),
        )
    # The session's own fields are no RecordContent: check the record is with its author here.
    ensure_editable(session.pk)
    claim(session, _lock(session), posted.seen_version, by=by.user)
    _set(session, values, changed)
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
        _booked(session, by)
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
    submission: uuid.UUID | None = None,
    announce: bool = True,
    joint: Iterable[Staff] = (),
) -> Session:
    """A one-to-one (or case discussion) booked; the booking form posted twice books one. A case
    discussion may be held jointly with `joint`, others working with the same family."""

    def create() -> Session:
        return Session.objects.create(
            type=kind,
            date=date,
            start_time=start_time,
            duration_minutes=duration_minutes,
            location=location,
            supervisor=supervisor,
            supervisee=supervisee,
            submission=submission,
        )

    with transaction.atomic():
        session, created = _created_once(submission, supervisor, create)
        if created:
            _booked(session, by, announce=announce)
            by.audit("create", session)
            set_joint_supervisees(session, joint, by=by)
    return session


def set_joint_supervisees(session: Session, people: Iterable[Staff], *, by: Actor) -> None:
    """Make the others supervised jointly with the session's supervisee exactly `people` (B 3,
    3.1.10), each row made or removed audited. Only a case discussion, and only while its record
    is with its author: who agrees the record is part of what is sent."""
    wanted = {p.pk: p for p in people if p.pk not in (session.supervisee_id, session.supervisor_id)}
    if wanted and session.type not in JointSupervisee.JOINT_TYPES:
        raise WorkflowError(
            "Only a case discussion can be held jointly: a one-to-one's professional supervision "
            "is about one worker alone."
        )
    if wanted and session.supervisee_id is None:
        raise WorkflowError("A joint supervision needs a supervisee first.")
    with transaction.atomic():
        ensure_editable(session.pk)
        have = {row.staff_id: row for row in JointSupervisee.objects.filter(session=session)}
        for pk in sorted(have.keys() - wanted.keys()):
            row = have[pk]
            by.audit("delete", row, detail={"session": session.session_id})
            row.delete()
        for pk in sorted(wanted.keys() - have.keys()):
            row = JointSupervisee.objects.create(session=session, staff=wanted[pk])
            by.audit("create", row, detail={"session": session.session_id})


def book_year_ahead(
    *,
    by: Actor,
    supervisor: Staff,
    supervisee: Staff,
    kind: str,
    dates: list[dt.date],
    start_time: dt.time,
    duration_minutes: int,
    location: str,
    submission: uuid.UUID | None = None,
    announce: bool = True,
    joint: Iterable[Staff] = (),
) -> list[Session]:
    """A session booked on each of `dates` (the year ahead), all or none; each is a booking of
    its own, moved or cancelled on its own. The form posted twice books the year once. The
    supervisee is told once, of the first booking, unless `announce` is False."""
    joint = list(joint)  # for every session of the year, not only the first
    with transaction.atomic():
        first = book_supervision(
            by=by,
            supervisor=supervisor,
            supervisee=supervisee,
            kind=kind,
            date=dates[0],
            start_time=start_time,
            duration_minutes=duration_minutes,
            location=location,
            submission=submission,
            announce=announce,
            joint=joint,
        )
        already = Session.objects.filter(
            supervisor=supervisor, supervisee=supervisee, date__in=dates[1:], start_time=start_time
        ).exists()
        if submission is not None and already:
            return [first]  # this form's year was booked when it was first posted
        return [
            first,
            *(
                book_supervision(
                    by=by,
                    supervisor=supervisor,
                    supervisee=supervisee,
                    kind=kind,
                    date=day,
                    start_time=start_time,
                    duration_minutes=duration_minutes,
                    location=location,
                    # One email for the year: the first booking's.
                    announce=False,
                    joint=joint,
                )
                for day in dates[1:]
            ),
        ]


def _booked(session: Session, by: Actor, *, announce: bool = True) -> None:
    # Made in Oversight: a plan until the supervisor confirms it took place (or sends its record).
    booked = SessionEvent.objects.create(session=session, kind=SessionEvent.Kind.BOOKED, by=by.user)
    if announce:
        events.announce(events.BOOKING_MADE, booked.pk)


# Whether a booking took place (issue 8) ----------------------------------------------------------


# A booking further ahead than this is a mistyped year, not a plan.
FURTHEST_AHEAD = dt.timedelta(days=366)


def booking_date_problem(day: dt.date, supervisee: Staff | None, today: dt.date) -> str | None:
    """Why `day` cannot be the date of a session with `supervisee`, or None if it can."""
    if supervisee is not None and supervisee.start_date and day < supervisee.start_date:
        return (
            f"The date must be on or after {long_date(supervisee.start_date)}, when "
            f"{supervisee.name} started"
        )
    earliest, latest = today - FURTHEST_AHEAD, today + FURTHEST_AHEAD
    if supervisee is None and day < earliest:
        return f"The date must be within the last year, on or after {long_date(earliest)}"
    if day > latest:
        return f"The date must be within a year from today, on or before {long_date(latest)}"
    return None


def _settled(session: Session) -> SessionEvent | None:
    return session.events.filter(kind__in=SessionEvent.SETTLED).first()


def _check_supervisor(session: Session, by: Actor, doing: str) -> None:
    if staff_of(by.user) is None or staff_of(by.user) != session.supervisor:
        raise NotAllowed(f"Only the supervisor can {doing} this session.")


def _check_unsettled(session: Session, doing: str) -> None:
    settled = _settled(session)
    if settled is not None:
        what = "took place" if settled.kind == SessionEvent.Kind.HELD else "was cancelled"
        raise BookingProblem(f"This session {what} already, so it cannot be {doing}.")


def confirm_held(session: Session, *, by: Actor, now: dt.datetime | None = None) -> SessionEvent:
    """The supervisor says the session took place: from now on it counts."""
    with transaction.atomic():
        session = _lock(session)
        _check_supervisor(session, by, "confirm")
        _check_unsettled(session, "confirmed again")
        held = mark_held(session, by=by.user, now=now)
        audit_session(by, "held", session, {"date": session.date.isoformat()})
    return held


def move_session(
    session: Session,
    *,
    by: Actor,
    date: dt.date,
    start_time: dt.time | None,
    reason: str,
    today: dt.date | None = None,
) -> SessionEvent:
    """Re-arrange a booking (N 5.1): the old and new date and time are kept with the reason."""
    reason = reason.strip()
    with transaction.atomic():
        session = _lock(session)
        _check_supervisor(session, by, "move")
        _check_unsettled(session, "moved")
        if not reason:
            raise ReasonRequired("Enter why the session is being moved")
        if problem := booking_date_problem(date, session.supervisee, today or timezone.localdate()):
            raise BookingProblem(problem)
        moved = SessionEvent.objects.create(
            session=session,
            kind=SessionEvent.Kind.MOVED,
            by=by.user,
            reason=reason,
            from_date=session.date,
            from_time=session.start_time,
            to_date=date,
            to_time=start_time,
        )
        Session.objects.filter(pk=session.pk).update(date=date, start_time=start_time)
        audit_session(
            by,
            "moved",
            session,
            {"from": _when(session.date, session.start_time), "to": _when(date, start_time)},
        )
        events.announce(events.BOOKING_MOVED, moved.pk)
    return moved


def _when(day: dt.date, time: dt.time | None) -> str:
    return day.isoformat() + (f" {time:%H:%M}" if time else "")


def cancel_session(session: Session, *, by: Actor, reason: str) -> SessionEvent:
    """The booking did not (or will not) take place: it never counts, and the reason is kept."""
    reason = reason.strip()
    with transaction.atomic():
        session = _lock(session)
        _check_supervisor(session, by, "cancel")
        _check_unsettled(session, "cancelled")
        if not session.events.filter(kind=SessionEvent.Kind.BOOKED).exists():
            raise BookingProblem("Only a session booked in Oversight can be cancelled.")
        if not reason:
            raise ReasonRequired("Enter why the session was cancelled")
        cancelled = SessionEvent.objects.create(
            session=session, kind=SessionEvent.Kind.CANCELLED, by=by.user, reason=reason
        )
        audit_session(by, "cancelled", session, {"date": session.date.isoformat()})
        events.announce(events.BOOKING_CANCELLED, cancelled.pk)
    return cancelled


def save_professional(
    record: Record,
    *,
    by: Actor,
    professional: ProfessionalRecord,
    learning: list[LearningActivity],
    learning_removed: list[LearningActivity],
    actions: list[dict[str, Any]],
    reviews: list[Review],
    seen_version: int | None = None,
) -> ProfessionalRecord:
    """The professional part of a one-to-one: its topics, learning, actions and the review of the
    previous supervision's actions; EditConflict if it was saved since version `seen_version`."""
    with transaction.atomic():
        _lock(record)
        stored = ProfessionalRecord.objects.filter(session=record).first()
        claim(professional, stored, seen_version, by=by.user)
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
    seen_version: int | None = None,
) -> CaseNote:
    """A child's case supervision (the PPF note), its actions and the review of earlier ones;
    EditConflict if the note was saved since version `seen_version`."""
    with transaction.atomic():
        _lock(record)
        stored = CaseNote.objects.filter(session=record, case=note.case).first()
        claim(note, stored, seen_version, by=by.user)
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
    posted: Posted,
    *,
    about: Case | None = None,
    **detail: Any,
) -> Session:
    """The session (new, or its `values` updated), its `contents` and its actions (about one
    child, or None), audited as created or as what changed. A new record's form posted again
    writes nothing more: it finds the record it made."""
    changed: list[str] = []
    with transaction.atomic():
        new = session is None
        session, created = _session(session, changed, by, posted, **values)
        if new and not created:
            return session  # the same form posted again: it made this record already
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
    *,
    by: Actor,
    session: Session | None,
    author: Staff,
    case: Case,
    data: Data,
    actions: Rows,
    posted: Posted = Posted(),
) -> Session:
    """Management oversight, or an ad hoc case discussion, of one child."""

    def contents(session: Session, changed: list[str]) -> None:
        SessionCase.objects.get_or_create(session=session, case=case)
        written = _stripped(data, "discussion", "decision", "rationale")
        _write_child_note(OversightNote, session, case, written, changed)

    values = {"type": data["type"], "date": data["date"], "supervisee": data["worker"]}
    values["supervisor"] = author
    return _save_record(
        by, session, values, contents, actions, posted, about=case, case=case.case_id
    )


def save_group(
    *,
    by: Actor,
    session: Session | None,
    author: Staff,
    team: Team,
    data: Data,
    actions: Rows,
    posted: Posted = Posted(),
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
    return _save_record(by, session, values, contents, actions, posted, team=team.name)


def save_observation(
    *,
    by: Actor,
    session: Session | None,
    author: Staff,
    worker: Staff,
    data: Data,
    actions: Rows,
    posted: Posted = Posted(),
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
    return _save_record(by, session, values, contents, actions, posted, staff=worker.staff_id)


def save_chair(
    *,
    by: Actor,
    session: Session | None,
    author: Staff,
    chair: Staff,
    day: dt.date,
    reviews: dict[Case, Data],
    actions: Rows,
    posted: Posted = Posted(),
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
    return _save_record(by, session, values, contents, actions, posted, staff=chair.staff_id)
