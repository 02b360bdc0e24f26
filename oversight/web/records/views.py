"""Reading supervision records and moving them through the workflow.

The record page (`records:detail`) shows a record of any type: its contents come from a template
per type (`records/content/<type>.html`), written by whichever area writes that type. The moves
(send, agree, return), addenda and disagreements are posted from that page; any problem is shown
back on it with everything typed kept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, cast
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import select_template
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.views.decorators.http import require_POST

from oversight.access.queries import visible_sessions
from oversight.access.records import ONE_TO_ONE_TYPES, bookable_supervisees, viewable_record
from oversight.access.staff import staff_of
from oversight.audit.actor import Actor
from oversight.cases.caseload_history import Caseload, caseload_of
from oversight.engine.engine import Obligation
from oversight.facts.write_ups import late_write_ups, write_ups
from oversight.formatting import long_date, state_name, state_tag, why_locked
from oversight.model_fields import own_field
from oversight.organisation.models import Staff
from oversight.records import writing
from oversight.records.kss import statement_titles
from oversight.records.models import (
    Action,
    ActionUpdate,
    AttendeeCopyTransition,
    CaseNote,
    CopyState,
    Disagreement,
    DisagreementState,
    DisagreementTransition,
    LearningActivity,
    ProfessionalRecord,
    Record,
    RecordTransition,
)
from oversight.records.workflow import (
    EDITABLE_STATES,
    LOCKED_STATES,
    NotAllowed,
    ReasonRequired,
    Role,
    State,
    WorkflowError,
    starts_at,
)
from oversight.records.writing import audit_session
from oversight.supervision.models import SESSION_TYPE_LABELS, SessionEvent
from oversight.web.records.filters import RecordFilters
from oversight.web.records.forms import (
    AddendumForm,
    CancelSessionForm,
    DisagreementForm,
    EscalateForm,
    MoveSessionForm,
    ResolveForm,
    ReturnForm,
)
from oversight.web.requests import AuthenticatedHttpRequest
from oversight.web.templatetags.govuk import govuk_error_list

FILTERS = {
    "all": "All records",
    "to-write": "Mine to write",
    "waiting": "Waiting for me",
    "agreed": "Agreed",
}
PAGE_SIZE = 50


def record_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The records the user may see, filtered to what they have to do and by the filters chosen
    (team, worker, type, state, dates, late write-ups), a page at a time."""
    today = timezone.localdate()
    me = staff_of(request.user)
    show = request.GET.get("show", "all")
    if show not in FILTERS:
        show = "all"
    visible = visible_sessions(request.user, today)
    form = RecordFilters.for_records(request.GET, visible)
    records = Record.objects.filter(pk__in=visible.values("pk")).with_cancelled()
    if show == "to-write":
        records = records.in_state(State.DRAFT, State.RETURNED).filter(
            supervisor=me, cancelled=False
        )
    elif show == "waiting":
        records = records.awaiting_agreement(me) if me else records.none()
    elif show == "agreed":
        records = records.agreed()
    valid = form.is_valid()
    kept = form.query() if valid else {}
    page = None
    rows: list[dict[str, Any]] = []
    if valid:
        records = form.apply(records, today)
        records = records.select_related("supervisor", "supervisee", "team").order_by(
            "-date", "-pk"
        )
        # RecordQuerySet is typed as sessions' (it extends SessionQuerySet); its rows are Records.
        listed = cast("QuerySet[Record]", records)
        page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
        late = late_write_ups(page.object_list, today)
        rows = [list_row(r, late.get(r.pk)) for r in page.object_list]
    return render(
        request,
        "records/list.html",
        {
            "form": form,
            "filtered": valid and form.in_use,
            "page": page,
            "showing": _showing(page) if page else "",
            "rows": rows,
            "show": show,
            "show_label": FILTERS[show],
            "filters": FILTERS.items(),
            # Links that keep the filters: to each of the lists above, and to each page.
            "filter_query": urlencode(kept),
            "page_query": urlencode({"show": show, **kept}),
            "can_book": bool(bookable_supervisees(request.user)),
        },
    )


def _showing(page: Page[Record]) -> str:
    """ "Showing 1 to 50 of 8,213 records"."""
    count = page.paginator.count
    noun = "record" if count == 1 else "records"
    return f"Showing {page.start_index():,} to {page.end_index():,} of {count:,} {noun}"


def list_row(record: Record, late: Obligation | None) -> dict[str, Any]:
    """One record as the lists show it (the records list, the search): its type, its state (a
    cancelled booking as "Cancelled") and its write-up deadline when that is late."""
    cancelled = getattr(record, "cancelled", False)  # RecordQuerySet.with_cancelled()
    return {
        "record": record,
        "write_up": late,
        "type_label": SESSION_TYPE_LABELS.get(record.type, record.type),
        "state_name": "Cancelled" if cancelled else _listed_state(record),
        "state_tag": "govuk-tag--grey" if cancelled else state_tag(record.state),
    }


def _listed_state(record: Record) -> str:
    # A group record is sent to each attendee, not to "the worker"; a joint supervision to each
    # supervisee.
    if record.agreed_by_each_attendee and record.state == State.SENT:
        return f"With the {agreeing_word(record)}s"
    return state_name(record.state)


def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    record = viewable_record(request.user, pk)
    return render_detail(request, record)


def render_detail(
    request: AuthenticatedHttpRequest,
    record: Record,
    *,
    bound: dict[str, Any] | None = None,
    problem: str = "",
) -> HttpResponse:
    """The record page, with any form that failed (`bound`) or a move's problem shown back."""
    bound = bound or {}
    me = staff_of(request.user)
    role = record.role_of(me)
    state = record.state
    failed = next((f for f in bound.values() if f.errors), None)
    error_list = govuk_error_list(failed) if failed is not None else []
    if problem:
        error_list = [{"text": problem, "href": ""}, *error_list]

    moves = record.allowed_moves(request.user)
    history = list(record.history())
    context: dict[str, Any] = {
        "session": record,
        "record": record,
        "role": role,
        "state_name": state_name(state),
        "state_tag": state_tag(state),
        "type_label": SESSION_TYPE_LABELS.get(record.type, record.type),
        "content_template": content_template(
            "management_oversight" if written_as_oversight(record) else record.type
        ),
        "show_content": may_read_contents(record, role),
        "edit_url": _edit_url(record) if record.can_edit(request.user) else None,
        "locked": state in LOCKED_STATES,
        "locked_because": why_locked(state),
        "can_send": any(m.name == "send_to_worker" for m in moves)
        and not record.events.filter(kind=SessionEvent.Kind.CANCELLED).exists(),
        "can_agree": any(m.name == "agree" for m in moves),
        "can_return": any(m.name == "return_to_supervisor" for m in moves),
        "return_form": bound.get("return") or ReturnForm(),
        "history": history,
        "history_rows": history_rows(record, history),
        # Why the worker sent it back: what the supervisor has to correct, so shown first.
        "returned": history[-1] if state == State.RETURNED and history else None,
        "addenda": list(record.addenda.select_related("author", "case").order_by("on", "id")),
        "can_add_addendum": state in LOCKED_STATES and role == Role.SUPERVISOR,
        "addendum_form": bound.get("addendum") or AddendumForm(cases=record.cases.all()),
        "disagreements": _disagreements(record, me, role, bound),
        "can_disagree": role is not None and not record.is_self_supervised(),
        "disagreement_form": bound.get("disagreement") or DisagreementForm(),
        "agenda": list(record.agenda_items.select_related("added_by")),
        "can_add_agenda": role is not None and state in EDITABLE_STATES,
        "error_list": error_list,
        "form": failed,
        # The engine's deadline for writing it up, once the session has taken place.
        "write_up": write_ups([record], timezone.localdate()).get(record.pk),
        **booking_status(record, request.user),
        **record_contents(record),
        **attendee_agreement(record, me),
    }
    if context["attendee_rows"] and state == State.SENT:
        context["state_name"] = f"With the {context['agreeing_word']}s"
    if context["booking_settled"] is not None and context["booking_settled"].kind == "cancelled":
        context["state_name"], context["state_tag"] = "Cancelled", "govuk-tag--grey"
        context["can_add_agenda"] = False
    # Every showing of a record is a view of it, including a page shown back with an error.
    audit_record(request, "view", record)
    return render(request, "records/detail.html", context)


# Group records: agreed by each attendee (issue 8) -----------------------------------------------

COPY_TAGS = {
    CopyState.AWAITING: "govuk-tag--grey",
    CopyState.AGREED: "govuk-tag--green",
    CopyState.RETURNED: "govuk-tag--orange",
}


def agreeing_word(record: Record) -> str:
    """Who each agree their own copy: a group's attendees, a joint supervision's supervisees."""
    return "attendee" if record.supervisee_id is None else "supervisee"


def attendee_agreement(record: Record, me: Staff | None) -> dict[str, Any]:
    """Who of a group's attendees has agreed the record as last sent, who returned it and why,
    and who has not yet: one row each, the person's own marked."""
    word = agreeing_word(record)
    if not record.agreed_by_each_attendee:
        return {"attendee_rows": [], "attendees_agreed": 0, "my_copy": None, "agreeing_word": word}
    rows = []
    for copy in record.copies():
        state = copy.state
        rows.append(
            {
                "name": copy.staff.name,
                "is_me": me is not None and copy.staff_id == me.pk,
                "state": state,
                "label": CopyState(state).label,
                "tag": COPY_TAGS[CopyState(state)],
                "answered": copy.answered,
            }
        )
    return {
        "attendee_rows": rows,
        "attendees_agreed": sum(r["state"] == CopyState.AGREED for r in rows),
        "my_copy": next((r for r in rows if r["is_me"]), None),
        "agreeing_word": word,
        "joint_names": record.joint_names() if record.supervisee_id is not None else [],
    }


def history_rows(record: Record, history: list[RecordTransition]) -> list[dict[str, Any]]:
    """The record's moves, oldest first; for a group, with each attendee's answer to each
    sending among them."""

    def who(user: Any) -> str:
        staff = staff_of(user)
        return staff.name if staff is not None else user.get_username()

    group = record.agreed_by_each_attendee

    def moved(state: str) -> str:
        if group and state == State.SENT:
            return f"Sent to the {agreeing_word(record)}s"
        return State(state).label

    rows = [
        {
            "at": move.at,
            "order": (move.pk, 0, 0),
            "who": who(move.by),
            "from": moved(move.from_state),
            "to": moved(move.to_state),
            "reason": move.reason,
        }
        for move in history
    ]
    if group:
        answers = AttendeeCopyTransition.objects.filter(copy__session_id=record.pk)
        rows += [
            {
                "at": answer.at,
                # After the sending it answers, before the record's next move (which the last
                # answer may bring about), whatever the clock says.
                "order": (answer.copy.sending_id, 1, answer.pk),
                "who": who(answer.by),
                "from": "Their copy: " + CopyState(answer.from_state).label.lower(),
                "to": "Their copy: " + CopyState(answer.to_state).label.lower(),
                "reason": answer.reason,
            }
            for answer in answers.select_related("by", "copy")
        ]
    return sorted(rows, key=lambda row: row["order"])


def audit_record(
    request: AuthenticatedHttpRequest,
    action: str,
    record: Record,
    detail: dict[str, Any] | None = None,
) -> None:
    # A record is its session: entries are filed under the session, as the workflow files them,
    # so one record's trail is in one place.
    audit_session(Actor.from_request(request), action, record, detail)


def content_template(session_type: str) -> str:
    # Each area writes the content template of its own record types; until one exists, the page
    # still works and shows a plain summary rather than failing.
    try:
        chosen = select_template(
            [f"records/content/{session_type}.html", "records/content/generic.html"]
        )
    except TemplateDoesNotExist:
        return "records/content/generic.html"
    return str(chosen.template.name)


def written_as_oversight(record: Record) -> bool:
    # An ad hoc case discussion can be written either way: as PPF notes here, or as a decision and
    # rationale on the oversight form. Its content shows, and is edited, the way it was written.
    return record.type == "case_discussion" and record.oversight_notes.exists()


def _edit_url(record: Record) -> str:
    if record.type in ONE_TO_ONE_TYPES and not written_as_oversight(record):
        return reverse("records:edit", args=[record.pk])
    return reverse("records:edit_other", args=[record.pk])


def may_read_contents(record: Record, role: Role | None) -> bool:
    """A draft is its author's until sent; a returned record is being corrected by them."""
    if role == Role.SUPERVISOR:
        return True
    if record.state == State.DRAFT:
        return False
    if record.state == State.RETURNED:
        return role == Role.SUPERVISEE
    return True


def record_contents(record: Record) -> dict[str, Any]:
    """What the one-to-one and case discussion content templates show."""
    professional = ProfessionalRecord.objects.filter(session=record).first()
    actions = Action.objects.filter(session=record).with_status().select_related("owner", "case")
    reviews = ActionUpdate.objects.filter(session=record).select_related(
        "action__owner", "action__case", "action__session"
    )
    notes = {n.case_id: n for n in CaseNote.objects.filter(session=record)}
    children = []
    for case in record.cases.order_by("case_id"):
        note = notes.get(case.pk)
        children.append(
            {
                "case": case,
                "note": note,
                "non_negotiables": _non_negotiables(note) if note else [],
                "actions": [a for a in actions if a.case_id == case.pk],
                "reviews": [r for r in reviews if r.action.case_id == case.pk],
            }
        )
    learning = list(
        LearningActivity.objects.filter(professional_record=professional) if professional else []
    )
    return {
        "professional": professional,
        "professional_topics": _topics(professional) if professional else [],
        "professional_kss": statement_titles(professional.kss) if professional else [],
        "workload": workload_discussion(record, professional),
        "learning": [(a, statement_titles(a.kss)) for a in learning],
        "professional_actions": [a for a in actions if a.case_id is None],
        "professional_reviews": [r for r in reviews if r.action.case_id is None],
        "children": children,
    }


def caseload_at_session(record: Record) -> Caseload | None:
    """The supervisee's caseload on the day of the one-to-one (today, for one still to come): what
    the workload discussion reviews (B 1.3). None for anyone who holds no cases that day and is
    not a case holder, for whom there is no caseload to review."""
    if record.type != "individual" or record.supervisee is None:
        return None
    found = caseload_of(record.supervisee, min(record.date, timezone.localdate()), months=1)
    if found.now.children == 0 and record.supervisee.category != "case_holder":
        return None
    return found


def workload_discussion(
    record: Record, professional: ProfessionalRecord | None
) -> dict[str, Any] | None:
    """The workload discussion as the record shows it: the caseload that day, the answer to "is it
    within capacity?" and the notes; None when the discussion said nothing of it."""
    if professional is None or not (professional.within_capacity or professional.workload):
        return None
    return {
        "caseload": caseload_at_session(record),
        "within_capacity": professional.get_within_capacity_display(),
        "notes": professional.workload,
    }


def _topics(professional: ProfessionalRecord) -> list[tuple[str, str]]:
    # The workload notes are shown with the caseload and the answer about capacity instead.
    return [
        (capfirst(str(own_field(ProfessionalRecord, name).verbose_name)), text)
        for name in ProfessionalRecord.TOPICS
        if name != "workload" and (text := getattr(professional, name))
    ]


def _non_negotiables(note: CaseNote) -> list[dict[str, str]]:
    rows = []
    for answer, comment in CaseNote.NON_NEGOTIABLES:
        field = own_field(CaseNote, answer)
        rows.append(
            {
                "label": capfirst(str(field.verbose_name)),
                "answer": getattr(note, f"get_{answer}_display")() or "Not checked",
                "comment": getattr(note, comment),
            }
        )
    return rows


def _disagreements(
    record: Record, me: Any, role: Role | None, bound: dict[str, Any]
) -> list[dict[str, Any]]:
    rows = []
    for d in record.disagreements.select_related(
        "raised_by", "escalated_to", "escalated_by", "resolved_by"
    ).prefetch_related(
        Prefetch(
            "transitions",
            queryset=DisagreementTransition.objects.select_related("by__staff").order_by("id"),
        )
    ):
        party = role is not None
        can_escalate = party and d.status == "open"
        if d.status == "escalated":
            can_resolve = me is not None and me.pk == d.escalated_to_id
        else:
            can_resolve = party and d.status == "open"
        rows.append(
            {
                "disagreement": d,
                "history": disagreement_history(d),
                "can_escalate": can_escalate,
                "can_resolve": can_resolve,
                "escalate_form": bound.get(f"escalate-{d.pk}")
                or EscalateForm(prefix=f"escalate-{d.pk}"),
                "resolve_form": bound.get(f"resolve-{d.pk}")
                or ResolveForm(prefix=f"resolve-{d.pk}"),
            }
        )
    return rows


def disagreement_history(d: Disagreement) -> list[dict[str, str]]:
    """Everything that happened to a disagreement, oldest first, read from its transition rows:
    so escalation and the meeting stay on the record once the line manager has decided it."""

    def name(transition: DisagreementTransition, recorded: Staff | None) -> str:
        # History filled in from before moves were kept has no `by`: the person is on the
        # disagreement itself.
        staff = staff_of(transition.by) if transition.by is not None else None
        person = staff or recorded
        if person is not None:
            return person.name
        return transition.by.get_username() if transition.by is not None else "someone unknown"

    history = [
        {
            "step": "Raised",
            "text": f"By {d.raised_by.name} on {long_date(d.raised_on)}",
        }
    ]
    for transition in d.transitions.all():
        if transition.to_state == DisagreementState.ESCALATED:
            meeting = (
                f": three-way meeting with {d.escalated_to.name} on {long_date(d.meeting_date)}"
                if d.escalated_to is not None and d.meeting_date is not None
                else ""
            )
            when = d.escalated_on or timezone.localdate(transition.at)
            history.append(
                {
                    "step": "Escalated",
                    "text": f"By {name(transition, d.escalated_by)} on {long_date(when)}{meeting}",
                }
            )
        elif transition.to_state == DisagreementState.RESOLVED:
            when = d.resolved_on or timezone.localdate(transition.at)
            escalated = transition.from_state == DisagreementState.ESCALATED
            decided = "Decided at the meeting" if escalated else "Resolved"
            history.append(
                {
                    "step": "Resolved",
                    "text": f"{decided} by {name(transition, d.resolved_by)} on {long_date(when)}",
                }
            )
    return history


# The moves ---------------------------------------------------------------------------------------


def _move(
    request: AuthenticatedHttpRequest,
    record: Record,
    do: Callable[[], str],
    *,
    key: str = "",
    form: Any = None,
    field: str | None = None,
    problem_on_field: bool = False,
) -> HttpResponse:
    """Make one move posted from the record page (`do` returns what to tell the user), then go
    back to the record; or show the page back with the form (`key`) and what stopped it.

    A move the user may not make is refused outright (403). A missing reason is shown on the
    form's `field`; any other problem at the top of the page, or on `field` with
    `problem_on_field` (where the problem is about what was typed there).
    """
    if form is not None and not form.is_valid():
        return render_detail(request, record, bound={key: form})
    try:
        done = do()
    except NotAllowed:
        raise
    except ReasonRequired as problem:
        if form is None:
            raise
        form.add_error(field, str(problem))
    except WorkflowError as problem:
        if form is None or not problem_on_field:
            bound = {key: form} if form is not None else None
            return render_detail(request, record, bound=bound, problem=str(problem))
        form.add_error(field, str(problem))
    else:
        messages.success(request, done)
        return redirect("records:detail", pk=record.pk)
    return render_detail(request, record, bound={key: form})


@require_POST
def send(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    record = viewable_record(request.user, pk)

    def do() -> str:
        record.send_to_worker(by=request.user)
        worker = record.supervisee.name if record.supervisee else "the group's attendees"
        if record.is_joint():
            worker = "each supervisee"
        return f"Record sent to {worker} to agree"

    return _move(request, record, do)


@require_POST
def agree(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    record = viewable_record(request.user, pk)

    def do() -> str:
        record.agree(by=request.user)
        if record.state != State.AGREED:
            return (
                f"You agreed the record. It is agreed once every {agreeing_word(record)} has "
                "agreed it."
            )
        return "You agreed the record"

    return _move(request, record, do)


@require_POST
def return_to_supervisor(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    record = viewable_record(request.user, pk)
    form = ReturnForm(request.POST)

    def do() -> str:
        record.return_to_supervisor(by=request.user, reason=form.cleaned_data["reason"])
        supervisor = record.supervisor.name if record.supervisor else "the supervisor"
        return f"Record returned to {supervisor} to correct"

    return _move(request, record, do, key="return", form=form, field="reason")


# After the record ------------------------------------------------------------------------------


@require_POST
def add_addendum(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    record = viewable_record(request.user, pk)
    form = AddendumForm(request.POST, cases=record.cases.all())

    def do() -> str:
        data = form.cleaned_data
        record.add_addendum(by=request.user, text=data["text"], case=data["case"])
        return "Addendum added to the record"

    return _move(request, record, do, key="addendum", form=form, field="text")


@require_POST
def add_disagreement(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    record = viewable_record(request.user, pk)
    form = DisagreementForm(request.POST)

    def do() -> str:
        data = form.cleaned_data
        record.record_disagreement(
            by=request.user, what=data["what"], proposed_resolution=data["proposed_resolution"]
        )
        return "Disagreement recorded"

    return _move(request, record, do, key="disagreement", form=form, field="what")


def _on_disagreement(
    request: AuthenticatedHttpRequest,
    pk: int,
    number: int,
    step: str,
    form_class: type[Any],
    field: str,
    do: Callable[[Disagreement, dict[str, Any]], str],
) -> HttpResponse:
    """Escalating and resolving a disagreement: the form of one step, posted from the record."""
    record = viewable_record(request.user, pk)
    disagreement = get_object_or_404(Disagreement, pk=number, session_id=record.pk)
    key = f"{step}-{disagreement.pk}"
    form = form_class(request.POST, prefix=key)
    return _move(
        request,
        record,
        lambda: do(disagreement, form.cleaned_data),
        key=key,
        form=form,
        field=field,
        problem_on_field=True,
    )


@require_POST
def escalate_disagreement(request: AuthenticatedHttpRequest, pk: int, number: int) -> HttpResponse:
    def escalate(disagreement: Disagreement, data: dict[str, Any]) -> str:
        disagreement.escalate(by=request.user, meeting_date=data["meeting_date"])
        manager = disagreement.escalated_to.name if disagreement.escalated_to else ""
        return f"Disagreement escalated to a meeting with {manager}"

    return _on_disagreement(request, pk, number, "escalate", EscalateForm, "meeting_date", escalate)


@require_POST
def resolve_disagreement(request: AuthenticatedHttpRequest, pk: int, number: int) -> HttpResponse:
    def resolve(disagreement: Disagreement, data: dict[str, Any]) -> str:
        disagreement.resolve(by=request.user, outcome=data["outcome"])
        return "Outcome of the disagreement recorded"

    return _on_disagreement(request, pk, number, "resolve", ResolveForm, "outcome", resolve)


# Whether a booking took place (issue 8) ---------------------------------------------------------


@require_POST
def confirm_held(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    record = viewable_record(request.user, pk)

    def do() -> str:
        writing.confirm_held(record, by=Actor.from_request(request))
        return "Session confirmed as taken place"

    response = _move(request, record, do)
    if request.POST.get("from") == "my-work" and response.status_code == 302:
        return redirect("home")
    return response


def move_session(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Re-arrange a booking: a new date and time, with the reason kept."""
    record = viewable_record(request.user, pk)
    form = MoveSessionForm(
        request.POST or None, initial={"date": record.date, "start_time": record.start_time}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            writing.move_session(
                record,
                by=Actor.from_request(request),
                date=data["date"],
                start_time=data["start_time"],
                reason=data["reason"],
            )
        except NotAllowed:
            raise
        except ReasonRequired as problem:
            form.add_error("reason", str(problem))
        except WorkflowError as problem:
            form.add_error("date", str(problem))
        else:
            messages.success(request, f"Session moved to {long_date(data['date'])}")
            return redirect("records:detail", pk=record.pk)
    return _booking_page(request, record, form, "records/move.html")


def cancel_session(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Say a booking did not, or will not, take place: it never counts, and the reason is kept."""
    record = viewable_record(request.user, pk)
    form = CancelSessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            writing.cancel_session(
                record, by=Actor.from_request(request), reason=form.cleaned_data["reason"]
            )
        except NotAllowed:
            raise
        except WorkflowError as problem:
            form.add_error("reason", str(problem))
        else:
            messages.success(request, "Session cancelled")
            return redirect("records:detail", pk=record.pk)
    return _booking_page(request, record, form, "records/cancel.html")


def _booking_page(
    request: AuthenticatedHttpRequest, record: Record, form: Any, template: str
) -> HttpResponse:
    if record.role_of(staff_of(request.user)) != Role.SUPERVISOR:
        raise PermissionDenied("Only the supervisor can move or cancel this session.")
    return render(
        request,
        template,
        {
            "record": record,
            "form": form,
            "type_label": SESSION_TYPE_LABELS.get(record.type, record.type),
        },
    )


def booking_status(record: Record, user: Any, now: dt.datetime | None = None) -> dict[str, Any]:
    """What the record page says and offers about whether the session took place."""
    events = list(record.events.select_related("by"))
    kinds = {e.kind for e in events}
    booked = SessionEvent.Kind.BOOKED in kinds
    settled = next((e for e in events if e.kind in SessionEvent.SETTLED), None)
    supervisor = record.role_of(staff_of(user)) == Role.SUPERVISOR
    open_booking = booked and settled is None and supervisor
    due = starts_at(record) <= (now or timezone.now())
    return {
        "booking_events": [e for e in events if e.kind != SessionEvent.Kind.BOOKED],
        "booking_settled": settled,
        "booked_here": booked,
        "can_confirm_held": open_booking and due,
        "can_move_or_cancel": open_booking,
    }
