"""Writing the other kinds of record: management oversight (and ad hoc case discussions), group
reflective supervision, practice observations and a conference chair's dedicated supervision.

Each page writes the record's contents only. Sending, agreeing and returning happen on the record's
own page (`records:detail`), which these pages return to after saving.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.forms.utils import ErrorDict, ErrorList
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from oversight.access.predicates import can_view_record, require
from oversight.access.queries import visible_cases
from oversight.access.staff import staff_of
from oversight.audit.trail import audit
from oversight.cases.models import Allocation, Case
from oversight.facts.live import council_policy
from oversight.formatting import NOTHING_DUE, urgency
from oversight.organisation.models import Staff, Team
from oversight.records.models import ChairReview, GroupRecord, PracticeObservation, Record
from oversight.records.workflow import EDITABLE_STATES, Role, State, WorkflowError
from oversight.supervision.models import Session
from oversight.web.other_records import access, policy, writing
from oversight.web.other_records.forms import (
    BaseActionFormSet,
    ChairForm,
    ChairReviewForm,
    GroupForm,
    ObservationForm,
    OversightForm,
    action_formset,
)
from oversight.web.templatetags.govuk import govuk_error_list

OVERSIGHT_TYPES = ("management_oversight", "case_discussion")


# Shared steps ------------------------------------------------------------------------------------


def record_url(session: Session) -> str:
    """The record's own page, where it is sent, agreed and corrected; this area's plain view
    until that page exists."""
    try:
        return reverse("records:detail", args=[session.pk])
    except NoReverseMatch:
        return reverse("other_records:view", args=[session.pk])


def _intent(request: HttpRequest) -> tuple[bool, bool]:
    """(adding an action row, saving in full). Only the main button checks the record is
    complete; "Save as draft" and "Add another action" keep whatever was typed."""
    return "add_action" in request.POST, "save" in request.POST


def _existing_actions(session: Session | None) -> list[dict[str, Any]]:
    if session is None:
        return []
    return [
        {
            "id": a.pk,
            "decision": a.decision,
            "action": a.action,
            "desired_outcome": a.desired_outcome,
            "due_date": a.due_date,
            "owner": a.owner_id,
        }
        for a in session.actions.order_by("id")  # type: ignore[attr-defined]
    ]


def _unchecked(*forms_: Any) -> None:
    """Show what was typed without judging it: the page was posted back to add a row or choose
    children, not to save, so nothing is wrong yet."""
    for form in forms_:
        if isinstance(form, BaseActionFormSet):
            form._errors, form._non_form_errors = [], ErrorList()
            _unchecked(*form.forms)
        else:
            form._errors, form.cleaned_data = ErrorDict(), {}


def _errors(form: Any, *others: Any) -> list[dict[str, str]]:
    """Every problem on the page, for the one error summary."""
    found = list(govuk_error_list(form)) if form.is_bound else []
    for other in others:
        if isinstance(other, BaseActionFormSet):
            found.extend({"text": str(e), "href": ""} for e in other.non_form_errors())
            for row in other.forms:
                found.extend(govuk_error_list(row))
        elif other.is_bound:
            found.extend(govuk_error_list(other))
    if found and not form.errors:
        # base.html prefixes the title with "Error:" when `form` has errors; make sure it does.
        form.add_error(None, "")
    return found


def _saved(request: HttpRequest, session: Session, created: bool) -> HttpResponse:
    what = session.get_type_display()
    messages.success(
        request,
        f"{what} record {'created' if created else 'saved'}. It is a draft until you send it to "
        "be agreed.",
    )
    return redirect(record_url(session))


def _save(
    request: HttpRequest, form: Any, save: Callable[[], Session], created: bool
) -> HttpResponse | None:
    """Run the save; a record sent or agreed meanwhile refuses it, and the page says why."""
    try:
        session = save()
    except WorkflowError as error:
        form.add_error(None, str(error))
        return None
    return _saved(request, session, created)


def _back(session: Session | None) -> str:
    return record_url(session) if session is not None else reverse("home")


def _audit_view(request: HttpRequest, session: Session) -> None:
    audit(
        request.user,  # type: ignore[arg-type]
        "view",
        session,
        request=request,
        object_type=writing.SESSION_TYPE,
    )


def _param(request: HttpRequest, name: str) -> str:
    value = request.GET.get(name, "").strip()
    if not value:
        raise Http404(f"Say which record this is for: add ?{name}= to the address.")
    return value


def _people(*querysets: Any) -> Any:
    q = Q(pk__in=[])
    for qs in querysets:
        q |= Q(pk__in=qs.values("pk"))
    return Staff.objects.filter(q).order_by("name")


# Management oversight / ad hoc case discussion -----------------------------------------------


@require_http_methods(["GET", "POST"])
def oversight_new(request: HttpRequest) -> HttpResponse:
    case = get_object_or_404(Case, case_id=_param(request, "case"))
    return _oversight_page(request, case=case, session=None)


def _oversight_page(request: HttpRequest, *, case: Case, session: Session | None) -> HttpResponse:
    today = timezone.localdate()
    author = access.author(request.user, today)
    access.require_oversight(request.user, case, None, today)
    workers = access.supervised_by(request.user, today)
    allocated = Allocation.objects.active_on(today).filter(case=case, worker__in=workers).first()
    owners = _people(workers, Staff.objects.filter(pk=author.pk))
    kwargs: dict[str, Any] = {"workers": workers.order_by("name")}

    if request.method == "POST":
        adding, complete = _intent(request)
        form = OversightForm(request.POST, complete=complete, **kwargs)
        actions = action_formset(request.POST, owners=owners, existing=[], add_row=adding)
        if adding:
            _unchecked(form, actions)
        elif form.is_valid() & actions.is_valid():
            response = _save(
                request,
                form,
                lambda: writing.save_oversight(
                    request,
                    session=session,
                    author=author,
                    case=case,
                    data=form.cleaned_data,
                    actions=actions.rows(),
                ),
                session is None,
            )
            if response is not None:
                return response
    else:
        if session is None:
            initial = {
                "type": "management_oversight",
                "date": today,
                "worker": allocated.worker_id if allocated else None,
            }
        else:
            note = session.oversight_notes.filter(case=case).first()  # type: ignore[attr-defined]
            initial = {
                "type": session.type,
                "date": session.date,
                "worker": session.supervisee_id,
                "discussion": note.discussion if note else "",
                "decision": note.decision if note else "",
                "rationale": note.rationale if note else "",
            }
            _audit_view(request, session)
        form = OversightForm(initial=initial, **kwargs)
        actions = action_formset(None, owners=owners, existing=_existing_actions(session))

    saved_type = session.type if session else None
    deadlines = [policy.recording_deadline(t) for t in OVERSIGHT_TYPES]
    return render(
        request,
        "other_records/oversight_form.html",
        {
            "back_url": _back(session),
            "case": case,
            "session": session,
            "allocated": allocated,
            "form": form,
            "actions": actions,
            "error_list": _errors(form, actions),
            "deadlines": [d for d in deadlines if d is not None],
            "no_deadline": [t for t, d in zip(OVERSIGHT_TYPES, deadlines, strict=True) if not d],
            "due": policy.recording_deadline(saved_type, session.date) if session else None,
        },
    )


# Group reflective supervision ----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def group_new(request: HttpRequest) -> HttpResponse:
    team_pk = _param(request, "team")
    if not team_pk.isdigit():
        raise Http404("No such team.")
    team = get_object_or_404(Team, pk=int(team_pk))
    return _group_page(request, team=team, session=None)


def _group_page(request: HttpRequest, *, team: Team, session: Session | None) -> HttpResponse:
    today = timezone.localdate()
    author = access.author(request.user, today)
    access.require_group(request.user, team, today)
    members = Staff.objects.filter(team=team).active_on(today).exclude(pk=author.pk)
    if session is not None:
        # People who attended then and have since moved team stay on the record.
        members = _people(members, Staff.objects.filter(group_records_attended__session=session))
    people = _people(members, Staff.objects.filter(pk=author.pk))
    kwargs: dict[str, Any] = {"team_staff": people, "visible": visible_cases(request.user, today)}

    if request.method == "POST":
        adding, complete = _intent(request)
        form = GroupForm(request.POST, complete=complete, **kwargs)
        form.fields["attendees"].queryset = members.order_by("name")
        actions = action_formset(request.POST, owners=people, existing=[], add_row=adding)
        if adding:
            _unchecked(form, actions)
        elif form.is_valid() & actions.is_valid():
            response = _save(
                request,
                form,
                lambda: writing.save_group(
                    request,
                    session=session,
                    author=author,
                    team=team,
                    data=form.cleaned_data,
                    actions=actions.rows(),
                ),
                session is None,
            )
            if response is not None:
                return response
    else:
        initial: dict[str, Any] = {"date": today, "facilitator": author.pk}
        if session is not None:
            group = GroupRecord.objects.filter(session=session).first()
            initial = {"date": session.date, "facilitator": author.pk}
            if group is not None:
                initial |= {
                    "facilitator": group.facilitator_id or author.pk,
                    "attendees": list(group.attendees.values_list("pk", flat=True)),
                    "presented_by": group.presented_by_id,
                    "presentation": group.presentation,
                    "hypotheses": group.hypotheses,
                    "learning": group.learning,
                }
            initial["cases"] = ", ".join(
                session.cases.order_by("case_id").values_list("case_id", flat=True)
            )
            _audit_view(request, session)
        form = GroupForm(initial=initial, **kwargs)
        form.fields["attendees"].queryset = members.order_by("name")
        actions = action_formset(None, owners=people, existing=_existing_actions(session))

    return render(
        request,
        "other_records/group_form.html",
        {
            "back_url": _back(session),
            "team": team,
            "session": session,
            "form": form,
            "actions": actions,
            "error_list": _errors(form, actions),
            "policy_name": council_policy().name,
        },
    )


# Practice observation --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def observation_new(request: HttpRequest) -> HttpResponse:
    worker = get_object_or_404(Staff, staff_id=_param(request, "staff"))
    return _observation_page(request, worker=worker, session=None)


def _observation_page(
    request: HttpRequest, *, worker: Staff, session: Session | None
) -> HttpResponse:
    today = timezone.localdate()
    author = access.author(request.user, today)
    access.require_supervises(
        request.user, worker, today, "you cannot record an observation of their practice"
    )
    owners = _people(Staff.objects.filter(pk__in=[worker.pk, author.pk]))

    if request.method == "POST":
        adding, complete = _intent(request)
        form = ObservationForm(request.POST, complete=complete)
        actions = action_formset(request.POST, owners=owners, existing=[], add_row=adding)
        if adding:
            _unchecked(form, actions)
        elif form.is_valid() & actions.is_valid():
            response = _save(
                request,
                form,
                lambda: writing.save_observation(
                    request,
                    session=session,
                    author=author,
                    worker=worker,
                    data=form.cleaned_data,
                    actions=actions.rows(),
                ),
                session is None,
            )
            if response is not None:
                return response
    else:
        initial: dict[str, Any] = {"date": today}
        if session is not None:
            initial = {"date": session.date}
            found = PracticeObservation.objects.filter(session=session).first()
            if found is not None:
                initial |= {
                    name: getattr(found, name)
                    for name in (
                        "setting",
                        "setting_detail",
                        "strengths",
                        "areas_for_development",
                        "worker_reflection",
                    )
                }
            _audit_view(request, session)
        form = ObservationForm(initial=initial)
        actions = action_formset(None, owners=owners, existing=_existing_actions(session))

    return render(
        request,
        "other_records/observation_form.html",
        {
            "back_url": _back(session),
            "worker": worker,
            "session": session,
            "form": form,
            "actions": actions,
            "error_list": _errors(form, actions),
            "observations": policy.observations_of(worker, today),
        },
    )


# Conference chair supervision ----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def chair_new(request: HttpRequest) -> HttpResponse:
    chair = get_object_or_404(Staff, staff_id=_param(request, "staff"))
    return _chair_page(request, chair=chair, session=None)


def _chair_cases(today: dt.date, session: Session | None) -> list[tuple[Case, Any]]:
    """Children to offer, with the engine's chair review obligation: those whose review is not
    yet held, most urgent first, then any already on this record."""
    offered = policy.child_protection_cases(today)
    if session is not None:
        offered = Case.objects.filter(
            Q(pk__in=offered.values("pk")) | Q(pk__in=session.cases.values("pk"))
        )
    due = policy.chair_reviews_due(offered, today)
    on_record = set(session.cases.values_list("pk", flat=True)) if session else set()
    rows = []
    for case in offered.order_by("case_id"):
        obligation = due.get(case.case_id)
        # With the policy's rule, only reviews not yet held are offered.
        held = obligation is None or obligation.status in {"met", "met_late"}
        if due and held and case.pk not in on_record:
            continue
        rows.append((case, obligation))
    rows.sort(key=lambda row: urgency(row[1]) if row[1] is not None else (NOTHING_DUE, dt.date.max))
    return rows


def _chair_rows(
    rows: list[tuple[Case, Any]], chosen: set[int], plan_starts: dict[int, dt.date]
) -> dict[str, list[dict[str, Any]]]:
    """The checkboxes: reviews falling due (and children already chosen) in view, the rest of
    the children with a plan folded away, so a large council's list stays usable."""
    items = [
        {
            "index": index,
            "case": case,
            "obligation": obligation,
            "plan_start": plan_starts.get(case.pk),
            "checked": case.pk in chosen,
            "approaching": policy.approaching(obligation),
        }
        for index, (case, obligation) in enumerate(rows)
    ]
    near = [i for i in items if i["approaching"] or i["checked"]]
    if not near:
        return {"near_rows": items, "other_rows": []}
    return {"near_rows": near, "other_rows": [i for i in items if i not in near]}


def _chair_page(request: HttpRequest, *, chair: Staff, session: Session | None) -> HttpResponse:
    today = timezone.localdate()
    author = access.author(request.user, today)
    access.require_supervises(
        request.user, chair, today, "you cannot record their dedicated supervision"
    )
    rows = _chair_cases(today, session)
    offered = Case.objects.filter(pk__in=[case.pk for case, _ in rows])
    owners = _people(Staff.objects.filter(pk__in=[chair.pk, author.pk]))

    def review_forms(
        chosen: list[Case], data: Any = None, complete: bool = False
    ) -> list[tuple[Case, ChairReviewForm]]:
        found = []
        for case in chosen:
            prefix = f"review-{case.pk}"
            if data is not None:
                found.append((case, ChairReviewForm(data, prefix=prefix, complete=complete)))
                continue
            review = ChairReview.objects.filter(session=session, case=case).first()
            initial = {q: getattr(review, q) for q in ChairReview.QUESTIONS} if review else {}
            found.append((case, ChairReviewForm(initial=initial, prefix=prefix)))
        return found

    if request.method == "POST":
        adding, complete = _intent(request)
        choosing = "choose" in request.POST
        form = ChairForm(request.POST, complete=complete, cases=offered)
        actions = action_formset(request.POST, owners=owners, existing=[], add_row=adding)
        picked = {int(p) for p in request.POST.getlist("cases") if p.isdigit()}
        chosen = [case for case, _ in rows if case.pk in picked]
        reviews = review_forms(chosen, request.POST, complete)
        if adding or choosing:
            _unchecked(form, actions, *(review for _, review in reviews))
        else:
            valid = form.is_valid() & actions.is_valid()
            valid &= all([review.is_valid() for _, review in reviews])
            if valid:
                response = _save(
                    request,
                    form,
                    lambda: writing.save_chair(
                        request,
                        session=session,
                        author=author,
                        chair=chair,
                        day=form.cleaned_data["date"],
                        reviews={case: review.cleaned_data for case, review in reviews},
                        actions=actions.rows(),
                    ),
                    session is None,
                )
                if response is not None:
                    return response
    else:
        chosen = list(session.cases.order_by("case_id")) if session else []
        initial = {"date": session.date if session else today, "cases": [c.pk for c in chosen]}
        form = ChairForm(initial=initial, cases=offered)
        actions = action_formset(None, owners=owners, existing=_existing_actions(session))
        reviews = review_forms(chosen)
        if session is not None:
            _audit_view(request, session)

    chosen_pks = {case.pk for case, _ in reviews}
    return render(
        request,
        "other_records/chair_form.html",
        {
            "back_url": _back(session),
            "chair": chair,
            "session": session,
            "form": form,
            **_chair_rows(rows, chosen_pks, policy.plan_starts(offered, today)),
            "reviews": reviews,
            "actions": actions,
            "error_list": _errors(form, actions, *(review for _, review in reviews)),
            "has_rule": bool(policy.chair_rules()),
        },
    )


# Changing a record, and reading it -------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The Edit link of every record this area writes: the right form for the session's type."""
    session = get_object_or_404(Session.objects.select_related("supervisee", "team"), pk=pk)
    if session.type not in PAGES:
        raise Http404("This kind of record is not written here.")
    access.require_editable(request.user, session)
    return PAGES[session.type](request, session)


def _edit_oversight(request: HttpRequest, session: Session) -> HttpResponse:
    note = session.oversight_notes.select_related("case").first()  # type: ignore[attr-defined]
    case = note.case if note else session.cases.order_by("case_id").first()
    if case is None:
        raise Http404("This record is not about a child, so it cannot be edited here.")
    return _oversight_page(request, case=case, session=session)


def _edit_group(request: HttpRequest, session: Session) -> HttpResponse:
    if session.team is None:
        raise Http404("This group record names no team, so it cannot be edited here.")
    return _group_page(request, team=session.team, session=session)


def _edit_observation(request: HttpRequest, session: Session) -> HttpResponse:
    if session.supervisee is None:
        raise Http404("This observation names no worker, so it cannot be edited here.")
    return _observation_page(request, worker=session.supervisee, session=session)


def _edit_chair(request: HttpRequest, session: Session) -> HttpResponse:
    if session.supervisee is None:
        raise Http404("This record names no conference chair, so it cannot be edited here.")
    return _chair_page(request, chair=session.supervisee, session=session)


PAGES: dict[str, Callable[[HttpRequest, Session], HttpResponse]] = {
    "management_oversight": _edit_oversight,
    "case_discussion": _edit_oversight,
    "group": _edit_group,
    "practice_observation": _edit_observation,
    "conference_chair": _edit_chair,
}


def view(request: HttpRequest, pk: int) -> HttpResponse:
    """A plain read-only page of the record, for when the record's own page is not there."""
    session = get_object_or_404(
        Session.objects.select_related("supervisor", "supervisee", "team"),
        pk=pk,
        type__in=list(PAGES),
    )
    require(can_view_record(request.user, session), "You cannot see this record.")
    record = Record.of(session)
    role = record.role_of(staff_of(request.user))
    # A draft is its author's until sent; a returned one is between author and worker.
    show_content = (
        role == Role.SUPERVISOR
        or record.state not in EDITABLE_STATES
        or (record.state == State.RETURNED and role == Role.SUPERVISEE)
    )
    _audit_view(request, session)
    return render(
        request,
        "other_records/view.html",
        {
            "session": session,
            "record": record,
            "can_edit": record.can_edit(request.user),
            "state": State(record.state).label,
            "show_content": show_content,
            # An ad hoc case discussion written here holds oversight notes, shown the same way.
            "content_template": "records/content/"
            + ("management_oversight" if session.type in OVERSIGHT_TYPES else session.type)
            + ".html",
        },
    )
