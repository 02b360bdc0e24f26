"""Supervision agreements: prepared by the supervisor, confirmed by both people, then kept.

N 6 and Appendix 1, B 2.1 and Appendix A. A new line manager means a new agreement, with the
earlier ones kept on the file read-only (N 12.1); a review is a newly signed agreement (N 6.1).
Every change goes through the Agreement's own methods, which check who may do it and audit it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import F, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from oversight.access.agreements import (
    agreement_for_user,
    agreement_to_edit,
    can_confirm_agreement,
    can_edit_agreement,
    can_start_agreement,
    staff_for_agreements,
    staff_to_start_agreement_with,
)
from oversight.access.queries import visible_agreements
from oversight.access.staff import staff_of
from oversight.audit.trail import audit
from oversight.engine.engine import Obligation
from oversight.engine.explain import every
from oversight.engine.rules import AgreementReview, ProfessionalSupervision, SupervisionAgreement
from oversight.facts.live import council_name, council_policy, staff_obligations
from oversight.formatting import long_date
from oversight.organisation.models import Staff
from oversight.supervision.models import (
    AGREEMENT_TERMS,
    OPEN_AGREEMENT_STATES,
    Agreement,
    AgreementError,
    AgreementNotAllowed,
    AgreementState,
)
from oversight.versions import EditConflict, seen_version
from oversight.web.agreements.forms import AgreementForm, frequency_label
from oversight.web.conflicts import refuse
from oversight.web.paper import pdf_response, render_pdf
from oversight.web.requests import AuthenticatedHttpRequest

PAGE_SIZE = 50

# The buttons on the agreement form: both save the terms; the second also signs.
SAVE_DRAFT = "draft"
SAVE_AND_CONFIRM = "confirm"


def _newest_first(agreements: Any) -> Any:
    # Unsigned ones first: NULL sorts differently on SQLite and PostgreSQL, so say it outright.
    return agreements.order_by(F("signed_date").desc(nulls_first=True), "-pk")


# Pages -----------------------------------------------------------------------------------------


def agreement_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Agreements the user may see, with those waiting for their own confirmation first."""
    today = timezone.localdate()
    visible = visible_agreements(request.user, today).select_related("staff", "supervisor")
    me = staff_of(request.user)
    waiting: list[Agreement] = []
    supervisees: list[tuple[Staff, Obligation | None]] = []
    if me is not None:
        mine = visible.with_state(today).filter(
            Q(staff=me, supervisee_confirmed_at__isnull=True)
            | Q(supervisor=me, supervisor_confirmed_at__isnull=True),
            signed_date__isnull=True,
        )
        waiting = [a for a in mine if a.state in OPEN_AGREEMENT_STATES]
        people = list(me.supervisees_on(today).active_on(today).order_by("name"))
        due = _agreement_obligations(people, today)
        supervisees = [(person, due[person.staff_id][0]) for person in people]
    page = Paginator(
        visible.not_superseded_on(today).order_by(
            "staff__name", F("signed_date").desc(nulls_first=True), "-pk"
        ),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "agreements/list.html",
        {
            "me": me,
            "waiting": waiting,
            "supervisees": supervisees,
            "page": page,
            "today": today,
        },
    )


def staff_agreements(request: AuthenticatedHttpRequest, staff_pk: int) -> HttpResponse:
    """One person's agreements: the one in force, any being agreed, and the earlier ones."""
    today = timezone.localdate()
    staff = staff_for_agreements(request.user, staff_pk, today)
    agreements = list(
        _newest_first(Agreement.objects.of(staff).select_related("supervisor").with_state(today))
    )
    current = next((a for a in agreements if a.state == AgreementState.SIGNED), None)
    open_ = [a for a in agreements if a.state in OPEN_AGREEMENT_STATES]
    earlier = [a for a in agreements if a.state == AgreementState.SUPERSEDED]
    agreement_due, review = _agreement_obligations([staff], today)[staff.staff_id]
    with transaction.atomic():
        audit(
            request.user,
            "view",
            staff,
            request=request,
            detail={"page": "supervision agreements", "agreements": [a.pk for a in agreements]},
        )
    return render(
        request,
        "agreements/staff.html",
        {
            "staff": staff,
            "line_manager": staff.line_manager_on(today),
            "current": current,
            "current_frequency": frequency_label(current.frequency) if current else "",
            "open": open_,
            "earlier": earlier,
            "agreement_due": agreement_due,
            "review": review,
            "can_start": can_start_agreement(request.user, staff, today) and not open_,
            "today": today,
        },
    )


@require_http_methods(["GET", "POST"])
def new_agreement(request: AuthenticatedHttpRequest, staff_pk: int) -> HttpResponse:
    today = timezone.localdate()
    staff = staff_to_start_agreement_with(request.user, staff_pk, today)
    supervisor = request.user.staff
    draft = Agreement.objects.of(staff).unsigned().filter(supervisor=supervisor).first()
    if draft is not None:
        messages.info(request, "An agreement is already being agreed: continue it here.")
        return redirect("agreements:edit", pk=draft.pk)
    current = _newest_first(
        Agreement.objects.of(staff).signed().filter(supervisor=supervisor)
    ).first()
    # A review (N 6.1) starts from the terms in force: people change what needs changing.
    initial = current.terms() if current is not None else {}
    form = AgreementForm(request.POST or None, initial=initial, policy_hint=_policy_hint(staff))
    if request.method == "POST" and form.is_valid():

        def start(terms: dict[str, str]) -> Agreement:
            return Agreement.start(staff, supervisor, by=request.user, on=today, **terms)

        saved = _save_terms(request, form, start)
        if saved is not None:
            return saved
    return _form_page(request, form, staff, supervisor, agreement=None, reviewing=current)


@require_http_methods(["GET", "POST"])
def edit_agreement(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    today = timezone.localdate()
    agreement = agreement_to_edit(request.user, pk, today)
    hint = _policy_hint(agreement.staff)
    form = AgreementForm(request.POST or None, initial=agreement.terms(), policy_hint=hint)
    if request.method == "GET":
        # The edit page shows the whole agreement, as its own page does: a look to record.
        with transaction.atomic():
            audit(request.user, "view", agreement, request=request, detail={"page": "edit"})
    # The terms are saved only from the version the page was opened at (oversight.versions).
    seen = seen_version(request.POST or None)
    saving: dict[str, Any] = {"version": agreement.version if seen is None else seen}
    if request.method == "POST" and form.is_valid():

        def update(terms: dict[str, str]) -> Agreement:
            agreement.update_terms(by=request.user, on=today, seen_version=seen, **terms)
            return agreement

        try:
            saved = _save_terms(request, form, update)
        except EditConflict as conflict:
            agreement.refresh_from_db()
            stored = AgreementForm(initial=agreement.terms(), policy_hint=hint)
            saving = refuse(conflict, form, stored, "agreement")
        else:
            if saved is not None:
                return saved
    return _form_page(
        request,
        form,
        agreement.staff,
        agreement.supervisor,
        agreement=agreement,
        confirmed_by=_confirmations(agreement),
        **saving,
    )


def _form_page(
    request: AuthenticatedHttpRequest,
    form: AgreementForm,
    staff: Staff,
    supervisor: Staff,
    **context: Any,
) -> HttpResponse:
    """The agreement form, new or being changed; a 400 while it shows errors."""
    return render(
        request,
        "agreements/form.html",
        {"form": form, "staff": staff, "supervisor": supervisor, **context},
        status=400 if form.errors else 200,
    )


def _save_terms(
    request: AuthenticatedHttpRequest,
    form: AgreementForm,
    write: Callable[[dict[str, str]], Agreement],
) -> HttpResponse | None:
    """Write the form's terms with `write`, and confirm them too if the button says so: the
    agreement's page when saved, None when the form now says why not. A refusal by the access
    rules is not the form's to explain: it stays a 403."""
    action = request.POST.get("action", SAVE_DRAFT)
    try:
        with transaction.atomic():
            agreement = write(form.terms())
            if action == SAVE_AND_CONFIRM:
                agreement.confirm(by=request.user)
    except ValidationError as error:
        form.add_error(None, error)
    except AgreementNotAllowed:
        raise
    except AgreementError as error:
        form.add_error(None, str(error))
    else:
        _saved_message(request, agreement, confirmed=action == SAVE_AND_CONFIRM)
        return redirect("agreements:detail", pk=agreement.pk)
    return None


def agreement_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    today = timezone.localdate()
    agreement = agreement_for_user(request.user, pk, today)
    with transaction.atomic():
        audit(request.user, "view", agreement, request=request)
    return _render_detail(request, agreement, today)


def agreement_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The agreement on paper: whoever may read its page, audited as a look at it."""
    today = timezone.localdate()
    agreement = agreement_for_user(request.user, pk, today)
    state = agreement.state_on(today)
    me = staff_of(request.user)
    title = f"Supervision agreement: {agreement.supervisor.name} and {agreement.staff.name}"
    context = {
        "agreement": agreement,
        "state": state,
        "title": title,
        "council": council_name(),
        "marking": "" if agreement.signed_date else "DRAFT",
        "terms": _terms_for_display(agreement),
        "confirmations": _confirmations(agreement),
        "history": [
            {
                "at": move.at,
                "who": _name_of(move.by),
                "from": AgreementState(move.from_state).label,
                "to": AgreementState(move.to_state).label,
            }
            for move in agreement.transitions.select_related("by").order_by("id")
        ],
        "superseded_why": _superseded_why(agreement, today) if state == "superseded" else "",
        "produced_by": me.name if me else request.user.get_username(),
        "produced_at": timezone.localtime(),
    }
    pdf = render_pdf("agreements/paper.html", context, request)
    with transaction.atomic():
        audit(request.user, "download", agreement, request=request, detail={"format": "pdf"})
    return pdf_response(pdf, title)


def _name_of(user: Any) -> str:
    if user is None:
        return "Not recorded"
    staff = staff_of(user)
    return staff.name if staff is not None else str(user.get_username())


@require_POST
def confirm_agreement(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    today = timezone.localdate()
    agreement = agreement_for_user(request.user, pk, today)
    try:
        state = agreement.confirm(by=request.user)
    except ValidationError as error:
        missing = [str(m) for m in error.messages]
        if agreement.role_of(request.user) == "supervisor":
            lead = "Complete the agreement before confirming it"
        else:
            lead = f"{agreement.supervisor.name} needs to complete the agreement first"
        return _render_detail(
            request, agreement, today, errors=[f"{lead}: {m.lower()}" for m in missing]
        )
    except AgreementNotAllowed:
        raise
    except AgreementError as error:
        return _render_detail(request, agreement, today, errors=[str(error)])
    if state == AgreementState.SIGNED:
        messages.success(
            request,
            f"You have confirmed the agreement. It is signed and in force from "
            f"{long_date(agreement.signed_date)}.",
        )
    else:
        other = agreement.staff if agreement.role_of(request.user) == "supervisor" else None
        who = other.name if other else agreement.supervisor.name
        messages.success(
            request, f"You have confirmed the agreement. It is now waiting for {who} to confirm."
        )
    return redirect("agreements:detail", pk=agreement.pk)


# Helpers ---------------------------------------------------------------------------------------


def _render_detail(
    request: AuthenticatedHttpRequest,
    agreement: Agreement,
    today: dt.date,
    errors: list[str] | None = None,
) -> HttpResponse:
    state = agreement.state_on(today)
    return render(
        request,
        "agreements/detail.html",
        {
            "agreement": agreement,
            "state": state,
            "terms": _terms_for_display(agreement),
            "confirmations": _confirmations(agreement),
            "can_confirm": can_confirm_agreement(request.user, agreement, today),
            "can_edit": can_edit_agreement(request.user, agreement, today),
            "role": agreement.role_of(request.user),
            "other": _other_party(agreement, request.user),
            "error_list": [{"text": e, "href": ""} for e in errors or []],
            "superseded_why": _superseded_why(agreement, today) if state == "superseded" else "",
        },
        status=400 if errors else 200,
    )


# How each term is named on the agreement itself (N Appendix 1, B Appendix A).
TERM_NAMES = {
    "frequency": "Frequency of meetings",
    "session_length": "Length of sessions",
    "location": "Location",
    "recording": "Responsibility for recording",
    "confidentiality": "Extent of confidentiality",
    "agenda_setting": "Responsibility for setting the agenda",
    "mediating_difficulties": "Process for mediating any difficulties",
    "other_issues": "Any other issues",
}


def _terms_for_display(agreement: Agreement) -> list[tuple[str, str]]:
    rows = []
    for name in AGREEMENT_TERMS:
        value = getattr(agreement, name)
        if name == "frequency":
            value = frequency_label(value)
        rows.append((TERM_NAMES[name], value))
    return rows


def _confirmations(agreement: Agreement) -> list[dict[str, Any]]:
    return [
        {
            "role": "Supervisor",
            "person": agreement.supervisor,
            "at": agreement.supervisor_confirmed_at,
        },
        {"role": "Supervisee", "person": agreement.staff, "at": agreement.supervisee_confirmed_at},
    ]


def _other_party(agreement: Agreement, user: Any) -> dict[str, Any] | None:
    """For a person about to confirm: the other person and when they confirmed, if they have."""
    role = agreement.role_of(user)
    if role is None:
        return None
    return next(c for c in _confirmations(agreement) if c["role"].lower() != role)


def _superseded_why(agreement: Agreement, today: dt.date) -> str:
    manager = agreement.staff.line_manager_on(today)
    if manager is None or manager.pk != agreement.supervisor_id:
        return (
            f"{agreement.supervisor.name} is no longer {agreement.staff.name}'s line manager, "
            "so this agreement is kept on the file as a record and a new one is made with the "
            "current line manager."
        )
    return "A later agreement has been signed, so this one is kept on the file as a record."


def _saved_message(
    request: AuthenticatedHttpRequest, agreement: Agreement, *, confirmed: bool
) -> None:
    if confirmed:
        text = (
            f"You have confirmed the agreement. It is now waiting for {agreement.staff.name} "
            "to confirm."
        )
    elif agreement.state == AgreementState.DRAFT:
        text = "Draft saved. Nobody has confirmed it yet."
    else:
        # Saved without a change to the terms, so a confirmation already given still stands.
        text = f"Draft saved. It is {agreement.state.label.lower()}."
    messages.success(request, text)


def _agreement_obligations(
    people: list[Staff], today: dt.date
) -> dict[str, tuple[Obligation | None, Obligation | None]]:
    """Each person's supervision_agreement and agreement_review rows from the engine, by staff
    ID, where the council's policy has them (Bedford has no review; Newham every 6 months)."""
    kinds: dict[str, int] = {}
    for rule in council_policy().obligations:
        if isinstance(rule, SupervisionAgreement):
            kinds[rule.name] = 0
        elif isinstance(rule, AgreementReview):
            kinds[rule.name] = 1
    found: dict[str, tuple[Obligation | None, Obligation | None]] = {}
    for staff_id, obligations in staff_obligations(people, today).items():
        pair: list[Obligation | None] = [None, None]
        for obligation in obligations:
            kind = kinds.get(obligation.obligation)
            if kind is not None and pair[kind] is None:
                pair[kind] = obligation
        found[staff_id] = (pair[0], pair[1])
    return found


def _policy_hint(staff: Staff) -> str:
    """What "As the policy says" means for this person, from the council's own policy."""
    policy = council_policy()
    rule = next((r for r in policy.obligations if isinstance(r, ProfessionalSupervision)), None)
    sourced = rule.periods.get(staff.category) if rule is not None else None
    if rule is None or sourced is None:
        return (
            "“As the policy says” leaves the frequency to the council's policy, which sets no "
            "regular one-to-one supervision for this role."
        )
    text = (
        f"“As the policy says” means {every(sourced.period)} for this role "
        f"({policy.rule(sourced.source)})"
    )
    if rule.newly_qualified and staff.asye_start:
        text += ", more often while newly qualified"
    if rule.agreed_frequency:
        text += ". A more frequent choice here replaces it; a less frequent one changes nothing."
    else:
        text += ". The council's policy does not change with the agreed frequency."
    return text
