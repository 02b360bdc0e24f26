"""Booking a one-to-one and writing its record, part by part: the professional part and a note
per child. The saving is done by the domain operations in oversight.records.writing.

Only the supervisor writes, and only while the record is a draft or returned to them. Every page
saves as a draft: nothing is sent until the supervisor sends it from the record page. A page with
a problem anywhere saves nothing and shows back everything typed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from oversight.access.records import (
    bookable_supervisees,
    joint_supervisee_choices,
    require_book_supervision,
    viewable_record,
    writable_record,
)
from oversight.access.staff import staff_of
from oversight.audit.actor import Actor
from oversight.cases.models import Case
from oversight.engine.engine import Obligation
from oversight.facts.live import worker_obligations
from oversight.formatting import long_date, urgency, why_locked
from oversight.organisation.models import Staff, StaffQuerySet
from oversight.quality.writing_prompts import (
    case_note_prompts,
    professional_prompts,
    record_prompts,
)
from oversight.records import writing
from oversight.records.models import (
    Action,
    ActionUpdate,
    CaseNote,
    LearningActivity,
    ProfessionalRecord,
    Record,
)
from oversight.records.queries import previous_actions
from oversight.records.workflow import (
    NotAllowed,
    ReasonRequired,
    RecordLocked,
    State,
    WorkflowError,
    require_staff,
)
from oversight.supervision.models import JointSupervisee
from oversight.supervision.year_ahead import supervision_frequency, year_ahead
from oversight.versions import EditConflict, seen_version, version_of
from oversight.web.conflicts import refuse
from oversight.web.records.forms import (
    KIND_HINTS,
    AgendaItemForm,
    BookSessionForm,
    CaseNoteForm,
    ChooseCasesForm,
    JointSupervisionForm,
    LearningFormSet,
    ProfessionalForm,
    ReviewActionForm,
    action_formset,
    action_rows,
    error_summary,
)
from oversight.web.records.submissions import posted_submission, submission_to_show
from oversight.web.records.views import audit_record, caseload_at_session
from oversight.web.requests import AuthenticatedHttpRequest

OBLIGATION_NAMES = {
    "case_supervision": "Case supervision",
    "case_oversight": "Case oversight",
    "initial_case_discussion": "Initial case discussion",
    "decision_discussion": "Decision discussion",
    "conference_chair_review": "Conference chair review",
}
DONE = frozenset({"met", "met_late"})


# Booking ---------------------------------------------------------------------------------------


def book(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Book a one-to-one (or a case discussion) with someone the user supervises."""
    staff_id = request.GET.get("supervisee", "").strip()
    if not staff_id:
        people = bookable_supervisees(request.user)
        return render(request, "records/choose_supervisee.html", {"people": people})
    supervisee = get_object_or_404(Staff, staff_id=staff_id)
    require_book_supervision(request.user, supervisee)
    supervisor = require_staff(request.user, "book supervision")
    form = BookSessionForm(
        request.POST or None, joint_choices=joint_supervisee_choices(request.user, supervisee)
    )
    if request.method == "POST" and form.is_valid():
        problem = writing.booking_date_problem(
            form.cleaned_data["date"], supervisee, timezone.localdate()
        )
        if problem:
            form.add_error("date", problem)
    frequency = supervision_frequency(supervisee, supervisor)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        repeat = data.pop("repeat") == "year" and frequency is not None
        if repeat and frequency is not None:
            booked = writing.book_year_ahead(
                by=Actor.from_request(request),
                supervisor=supervisor,
                supervisee=supervisee,
                submission=posted_submission(request.POST),
                dates=year_ahead(data.pop("date"), frequency.period),
                **data,
            )
            messages.success(
                request,
                f"{len(booked)} sessions with {supervisee.name} booked, "
                f"{frequency.describe()}, from {long_date(booked[0].date)} to "
                f"{long_date(booked[-1].date)}. Each can be moved or cancelled on its own.",
            )
            return redirect("records:detail", pk=booked[0].pk)
        session = writing.book_supervision(
            by=Actor.from_request(request),
            supervisor=supervisor,
            supervisee=supervisee,
            submission=posted_submission(request.POST),
            **data,
        )
        others = [p.name for p in data["joint"]]
        names = ", ".join([supervisee.name, *others[:-1]]) + (
            f" and {others[-1]}" if others else ""
        )
        everyone = "all" if data["joint"] else "both"
        messages.success(
            request,
            f"Session with {names} booked for {long_date(session.date)}. You can {everyone} "
            "add to the agenda.",
        )
        return redirect("records:detail", pk=session.pk)
    return render(
        request,
        "records/book.html",
        {
            "form": form,
            "supervisee": supervisee,
            "kind_hints": KIND_HINTS,
            "frequency": frequency,
            "submission": submission_to_show(request.POST or None),
        },
    )


# The agenda ------------------------------------------------------------------------------------


def agenda(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Either party adds what they want to discuss, before the record is sent."""
    record = viewable_record(request.user, pk)
    party = record.role_of(staff_of(request.user)) is not None
    form = AgendaItemForm(request.POST or None)
    if request.method == "POST":
        if not party:
            raise PermissionDenied("Only the supervisor or the supervisee can add to the agenda.")
        if form.is_valid():
            try:
                record.add_agenda_item(by=request.user, text=form.cleaned_data["text"])
            except NotAllowed:
                raise
            except ReasonRequired as problem:
                form.add_error("text", str(problem))
            except WorkflowError as problem:
                form.add_error(None, f"{problem} The agenda can no longer be added to.")
            else:
                messages.success(request, "Added to the agenda")
                return redirect("records:agenda", pk=record.pk)
    audit_record(request, "view", record, {"page": "agenda"})
    return render(
        request,
        "records/agenda.html",
        {
            "record": record,
            "form": form,
            "items": list(record.agenda_items.select_related("added_by")),
            "can_add": party and record.state in (State.DRAFT, State.RETURNED),
        },
    )


# Writing the record ------------------------------------------------------------------------------


def locked(request: AuthenticatedHttpRequest, record: Record) -> HttpResponse:
    """The page an author sees on trying to change a record that is no longer with them."""
    if record.is_self_supervised():
        raise PermissionDenied(
            "This session names the same person as supervisor and supervisee, so it cannot be "
            "written here."
        )
    message = why_locked(record.state)
    return render(
        request, "records/locked.html", {"record": record, "message": message}, status=403
    )


def _writing(request: AuthenticatedHttpRequest, pk: int) -> tuple[Record, HttpResponse | None]:
    record = writable_record(request.user, pk)
    if not record.can_edit(request.user):
        return record, locked(request, record)
    return record, None


def edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """What there is to write, part by part, and sending it."""
    record, refused = _writing(request, pk)
    if refused:
        return refused
    notes = set(CaseNote.objects.filter(session=record).values_list("case_id", flat=True))
    children = [
        {"case": case, "written": case.pk in notes} for case in record.cases.order_by("case_id")
    ]
    professional = ProfessionalRecord.objects.filter(session=record).first()
    audit_record(request, "view", record, {"page": "edit"})
    return render(
        request,
        "records/edit.html",
        {
            "record": record,
            "professional": professional,
            "children": children,
            "agenda": list(record.agenda_items.select_related("added_by")),
            "quality_prompts": record_prompts(record),
            "can_be_joint": record.type in JointSupervisee.JOINT_TYPES,
            "joint_names": record.joint_names(),
        },
    )


def joint(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Who else is supervised in a case discussion, jointly working with the family (B 3.1.10):
    chosen among the people the supervisor may book supervision with."""
    record, refused = _writing(request, pk)
    if refused:
        return refused
    if record.type not in JointSupervisee.JOINT_TYPES or record.supervisee is None:
        raise Http404("Only a case discussion can be held jointly.")
    chosen = Staff.objects.filter(joint_rows__session=record)
    # Someone already in it stays offered, even if the supervisor no longer manages them.
    offered = joint_supervisee_choices(request.user, record.supervisee) | chosen
    form = JointSupervisionForm(
        # Clearing every box posts nothing but the token, and still means "nobody else".
        request.POST if request.method == "POST" else None,
        joint_choices=offered.distinct().order_by("name", "staff_id"),
        initial={"joint": list(chosen)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            writing.set_joint_supervisees(
                record, form.cleaned_data["joint"], by=Actor.from_request(request)
            )
        except RecordLocked:
            return locked(request, Record.of(record))
        messages.success(request, "Who is supervised saved")
        return redirect("records:edit", pk=record.pk)
    audit_record(request, "view", record, {"page": "joint"})
    return render(request, "records/joint.html", {"record": record, "form": form})


def _owners(record: Record) -> StaffQuerySet:
    """Who an action in a one-to-one can be given to: the supervisee (each of them, in a joint
    supervision) or the supervisor."""
    people = [p.pk for p in (record.supervisee, record.supervisor) if p is not None]
    people += record.joint_rows.values_list("staff_id", flat=True)
    return Staff.objects.filter(pk__in=people).order_by("name")


def _actions(
    request: AuthenticatedHttpRequest, record: Record, case: Case | None, **kwargs: Any
) -> Any:
    """The decisions and actions rows of one part of the record (a child, or the professional
    part), the new row offered to the supervisee."""
    data = request.POST if request.method == "POST" else None
    existing = Action.objects.filter(session=record, case=case).order_by("id")
    return action_formset(
        data,
        owners=_owners(record),
        existing=action_rows(existing),
        new_row={"owner": record.supervisee_id},
        **kwargs,
    )


def _review_forms(
    request: AuthenticatedHttpRequest, record: Record, actions: list[Action]
) -> list[tuple[Action, ReviewActionForm]]:
    """A form per action from the previous supervision, to mark achieved or not."""
    reviewed_here = {
        u.action_id: u for u in ActionUpdate.objects.filter(session=record).order_by("on", "id")
    }
    rows = []
    for action in actions:
        here = reviewed_here.get(action.pk)
        initial = {"status": action.status, "comment": here.comment if here else ""}
        data = request.POST if request.method == "POST" else None
        rows.append((action, ReviewActionForm(data, initial=initial, prefix=f"review-{action.pk}")))
    return rows


def _reviews(rows: list[tuple[Action, ReviewActionForm]]) -> list[writing.Review]:
    """The reviews changed on the page, for the domain operation."""
    return [
        (action, form.cleaned_data["status"], form.cleaned_data["comment"])
        for action, form in rows
        if form.has_changed()
    ]


def _saved(
    request: AuthenticatedHttpRequest, record: Record, here: str, **kwargs: Any
) -> HttpResponse:
    messages.success(request, "Draft saved")
    if "save_and_return" in request.POST:
        return redirect("records:edit", pk=record.pk)
    return redirect(here, pk=record.pk, **kwargs)


def professional(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The non-case part of a one-to-one (N Appendix 8)."""
    record, refused = _writing(request, pk)
    if refused:
        return refused
    if record.type != "individual":
        raise Http404("A case discussion has no professional supervision part.")
    instance = ProfessionalRecord.objects.filter(session=record).first() or ProfessionalRecord(
        session=record
    )
    data = request.POST if request.method == "POST" else None
    supervisee = record.supervisee
    form = ProfessionalForm(data, instance=instance, supervisee=supervisee)
    actions = _actions(request, record, None, with_outcome=False)
    learning = LearningFormSet(
        data,
        queryset=LearningActivity.objects.filter(professional_record__session=record)
        if instance.pk
        else LearningActivity.objects.none(),
        prefix="learning",
        form_kwargs={"supervisee": supervisee},
    )
    previous = [a for a in previous_actions(record) if a.case_id is None]
    reviews = _review_forms(request, record, previous)
    seen = seen_version(data)
    saving: dict[str, Any] = {"version": version_of(instance) if seen is None else seen}

    if request.method == "POST":
        valid = [form.is_valid(), actions.is_valid(), learning.is_valid()]
        valid += [f.is_valid() for _, f in reviews]
        if all(valid):
            written = form.save(commit=False)
            written.next_session_at = form.next_session_at()
            try:
                writing.save_professional(
                    record,
                    by=Actor.from_request(request),
                    professional=written,
                    learning=learning.save(commit=False),
                    learning_removed=learning.deleted_objects,
                    actions=actions.rows(),
                    reviews=_reviews(reviews),
                    seen_version=seen,
                )
            except RecordLocked:
                return locked(request, Record.of(record))
            except EditConflict as conflict:
                stored = ProfessionalRecord.objects.filter(session=record).first()
                saving = refuse(
                    conflict, form, ProfessionalForm(instance=stored, supervisee=supervisee)
                )
            else:
                return _saved(request, record, "records:professional")

    audit_record(request, "view", record, {"page": "professional"})
    return render(
        request,
        "records/professional.html",
        {
            "record": record,
            "form": form,
            "actions": actions,
            "learning": learning,
            "reviews": reviews,
            "error_list": error_summary(form, actions, learning, *(f for _, f in reviews)),
            "quality_prompts": professional_prompts(record, instance) if instance.pk else [],
            "caseload": caseload_at_session(record),
            **saving,
        },
    )


# Choosing the children -------------------------------------------------------------------------


def _supervisees(record: Record) -> list[Staff]:
    """The supervisee and, in a joint supervision, the others supervised with them."""
    assert record.supervisee is not None
    joint = Staff.objects.filter(joint_rows__session=record).order_by("name")
    return [record.supervisee, *joint]


def _caseload(record: Record) -> list[dict[str, Any]]:
    """The supervisees' cases on the session date, most urgent first, with what is due."""
    cases: dict[int, Case] = {c.pk: c for c in Case.objects.filter(session_cases__session=record)}
    due: dict[str, list[Obligation]] = {}
    for supervisee in _supervisees(record):
        cases |= {c.pk: c for c in Case.objects.allocated_to(supervisee, record.date)}
        for obligation in worker_obligations(supervisee, record.date):
            if obligation.subject_type == "case" and obligation.status not in DONE:
                # A child two of them hold together is listed, and its obligations, once.
                found = due.setdefault(obligation.subject_id, [])
                if obligation not in found:
                    found.append(obligation)

    def most_urgent_first(case: Case) -> tuple[bool, list[tuple[int, dt.date]], str]:
        # Children with something due first, comparing their obligations in order; then by ID.
        keys = [urgency(o) for o in due.get(case.case_id, [])]
        return not keys, keys, case.case_id

    return [
        {
            "case": case,
            "due": [
                {"obligation": o, "name": OBLIGATION_NAMES.get(o.obligation, o.obligation)}
                for o in due.get(case.case_id, [])
            ],
        }
        for case in sorted(cases.values(), key=most_urgent_first)
    ]


def choose_cases(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Cases to be reviewed: the supervisee's caseload, most urgent first."""
    record, refused = _writing(request, pk)
    if refused:
        return refused
    if record.supervisee is None:
        raise Http404("This record has no supervisee, so there is no caseload to choose from.")
    rows = _caseload(record)
    chosen = set(record.session_cases.values_list("case_id", flat=True))
    data = request.POST if request.method == "POST" else None
    form = ChooseCasesForm(
        data, caseload=[r["case"] for r in rows], initial={"cases": [str(c) for c in chosen]}
    )
    if request.method == "POST" and form.is_valid():
        wanted = {int(pk) for pk in form.cleaned_data["cases"]}
        written = set(CaseNote.objects.filter(session=record).values_list("case_id", flat=True))
        written |= set(
            Action.objects.filter(session=record, case__isnull=False).values_list(
                "case_id", flat=True
            )
        )
        kept = (chosen - wanted) & written
        if kept:
            names = ", ".join(str(r["case"]) for r in rows if r["case"].pk in kept)
            form.add_error(
                "cases",
                f"{names} already has a note or actions in this record, so stays chosen. "
                "Remove the note on that child's page first.",
            )
        else:
            try:
                writing.choose_cases(record, wanted, by=Actor.from_request(request))
            except RecordLocked:
                return locked(request, Record.of(record))
            messages.success(request, "Children chosen. Write a note for each one.")
            return redirect("records:edit", pk=record.pk)
    selected = {str(v) for v in (form["cases"].value() or [])}
    for row in rows:
        row["checked"] = str(row["case"].pk) in selected
        row["written"] = CaseNote.objects.filter(session=record, case=row["case"]).exists()
    audit_record(request, "view", record, {"page": "cases"})
    return render(
        request,
        "records/cases.html",
        {"record": record, "form": form, "rows": rows, "as_of": record.date},
    )


# A child's note ----------------------------------------------------------------------------------


def _case_for(record: Record, case_pk: int) -> Case:
    case = get_object_or_404(Case, pk=case_pk)
    in_record = record.session_cases.filter(case=case).exists()
    if not in_record and not (
        record.supervisee
        and any(
            Case.objects.allocated_to(supervisee, record.date).filter(pk=case.pk).exists()
            for supervisee in _supervisees(record)
        )
    ):
        raise Http404("This child is not on the supervisees' caseloads or in this record.")
    return case


def case_note(request: AuthenticatedHttpRequest, pk: int, case_pk: int) -> HttpResponse:
    """Case supervision of one child in the PPF template (N Appendices 3 to 5)."""
    record, refused = _writing(request, pk)
    if refused:
        return refused
    case = _case_for(record, case_pk)
    note = CaseNote.objects.filter(session=record, case=case).first()
    data = request.POST if request.method == "POST" else None
    form = CaseNoteForm(data, instance=note or CaseNote(session=record, case=case))
    actions = _actions(request, record, case)
    reviews = _review_forms(request, record, list(previous_actions(record, case)))
    seen = seen_version(data)
    saving: dict[str, Any] = {"version": version_of(note) if seen is None else seen}

    if request.method == "POST":
        valid = [form.is_valid(), actions.is_valid(), *(f.is_valid() for _, f in reviews)]
        if all(valid):
            try:
                writing.save_case_note(
                    record,
                    by=Actor.from_request(request),
                    note=form.save(commit=False),
                    actions=actions.rows(),
                    reviews=_reviews(reviews),
                    seen_version=seen,
                )
            except RecordLocked:
                return locked(request, Record.of(record))
            except EditConflict as conflict:
                stored = CaseNote.objects.filter(session=record, case=case).first()
                saving = refuse(conflict, form, CaseNoteForm(instance=stored))
            else:
                return _saved(request, record, "records:case_note", case_pk=case.pk)

    siblings = list(case.siblings().active_on(record.date))
    noted = set(CaseNote.objects.filter(session=record).values_list("case_id", flat=True))
    audit_record(request, "view", record, {"page": "case", "case": case.pk})
    return render(
        request,
        "records/case_note.html",
        {
            "record": record,
            "case": case,
            "note": note,
            "form": form,
            "actions": actions,
            "reviews": reviews,
            "siblings": siblings,
            "siblings_to_copy": [s for s in siblings if s.pk not in noted],
            "error_list": error_summary(form, actions, *(f for _, f in reviews)),
            "quality_prompts": case_note_prompts(record, note) if note is not None else [],
            **saving,
        },
    )


@require_POST
def copy_to_siblings(request: AuthenticatedHttpRequest, pk: int, case_pk: int) -> HttpResponse:
    record, refused = _writing(request, pk)
    if refused:
        return refused
    case = _case_for(record, case_pk)
    note = CaseNote.objects.filter(session=record, case=case).first()
    if note is None:
        messages.info(request, "Save this child's note before copying it to their siblings")
        return redirect("records:case_note", pk=record.pk, case_pk=case.pk)
    try:
        copies = note.copy_to_siblings(by=request.user)
    except RecordLocked:
        return locked(request, Record.of(record))
    if copies:
        names = ", ".join(str(c.case) for c in copies)
        messages.success(request, f"Note copied to {names}. Check each copy and tailor it.")
    else:
        messages.info(request, "Every brother or sister already has a note in this record")
    return redirect("records:edit", pk=record.pk)


@require_POST
def remove_case(request: AuthenticatedHttpRequest, pk: int, case_pk: int) -> HttpResponse:
    """Take a child out of the record, with their note and actions (chosen by mistake)."""
    record, refused = _writing(request, pk)
    if refused:
        return refused
    case = _case_for(record, case_pk)
    try:
        writing.remove_case(record, case, by=Actor.from_request(request))
    except RecordLocked:
        return locked(request, Record.of(record))
    messages.success(request, f"{case} taken out of this record")
    return redirect("records:edit", pk=record.pk)
