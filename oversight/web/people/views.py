"""Transfers (N 12.1) and leavers (N 11.2): a senior manager moves all of a supervisor's
people to a new supervisor in one step, and a manager records that someone is leaving. Both
show what will happen and change nothing until it is confirmed. Cover while a manager is away
(N 11.1), a line manager's twice-yearly review of a manager's supervision evidence (N 8.1), and
each case holder's caseload over the year against the council's threshold (B 1.3)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from oversight.access.cover import arrange_cover, end_cover
from oversight.access.evidence import manager_to_review, manages_someone
from oversight.access.files import can_view_file
from oversight.access.models import Delegation
from oversight.access.people import (
    can_reassign_supervisees,
    caseload_person,
    cover_candidates,
    cover_to_end,
    leaver_to_record,
    manager_to_cover,
    reassign_candidates,
    supervisor_to_reassign,
    team_for_user,
)
from oversight.audit.actor import Actor
from oversight.audit.trail import audit
from oversight.cases.caseload_history import caseload_of, caseloads_of
from oversight.facts.live import caseload_threshold, staff_obligations
from oversight.files.models import add_years, retention_years
from oversight.files.retention import children_held, record_leaver, still_supervising
from oversight.formatting import long_date
from oversight.organisation.models import Staff
from oversight.organisation.transfers import (
    check_transfer,
    handed_over_on,
    moved_on,
    reassign_supervisees,
    unfinished_records,
)
from oversight.quality.evidence import (
    SAMPLE_SIZE,
    draw_records,
    looked_back_from,
    record_evidence_review,
    supervised_with_agreements,
)
from oversight.quality.models import EvidenceReview
from oversight.quality.sampling import SEED_LIMIT, new_seed
from oversight.transitions import WorkflowError
from oversight.web.agreements.forms import frequency_label
from oversight.web.people.caseload_chart import caseload_chart
from oversight.web.people.forms import CoverForm, EvidenceReviewForm, LeaverForm, ReassignForm
from oversight.web.requests import AuthenticatedHttpRequest


def _today() -> dt.date:
    return timezone.localdate()


@require_http_methods(["GET", "POST"])
def reassign(request: AuthenticatedHttpRequest, staff_id: str) -> HttpResponse:
    day = _today()
    supervisor = supervisor_to_reassign(request.user, staff_id, day)
    candidates = (
        reassign_candidates(request.user, supervisor, day).select_related("team").order_by("name")
    )
    current = list(supervisor.supervisees_on(day).select_related("team").order_by("name"))
    if request.method == "POST":
        form = ReassignForm(request.POST, candidates=candidates)
    else:
        # "Change" on the check page comes back here with the answers, so nothing is lost.
        initial = {k: request.GET[k] for k in ("new_supervisor", "on") if request.GET.get(k)}
        form = ReassignForm(initial=initial, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        new_supervisor = form.cleaned_data["new_supervisor"]
        on = form.cleaned_data["on"]
        try:
            if request.POST.get("confirm") == "yes":
                reassign_supervisees(supervisor, new_supervisor, on, by=Actor.from_request(request))
                return redirect(
                    reverse("people:reassigned", args=[supervisor.staff_id])
                    + f"?to={new_supervisor.staff_id}&on={on.isoformat()}"
                )
            moving = check_transfer(supervisor, new_supervisor, on)
        except ValidationError as error:
            field = "on" if error.code in {"later_rows", "nobody"} else "new_supervisor"
            form.add_error(field, error.messages[0])
        else:
            return render(
                request,
                "people/reassign_check.html",
                {
                    "supervisor": supervisor,
                    "new_supervisor": new_supervisor,
                    "on": on,
                    "ends": on - dt.timedelta(days=1),
                    "moving": moving,
                    "unfinished": unfinished_records(supervisor, moving),
                    "change_url": reverse("people:reassign", args=[supervisor.staff_id])
                    + f"?new_supervisor={new_supervisor.staff_id}&on={on.isoformat()}",
                },
            )
    return render(
        request,
        "people/reassign.html",
        {"supervisor": supervisor, "form": form, "current": current},
    )


def reassigned(request: AuthenticatedHttpRequest, staff_id: str) -> HttpResponse:
    day = _today()
    supervisor = supervisor_to_reassign(request.user, staff_id, day)
    new_supervisor = Staff.objects.filter(staff_id=request.GET.get("to", "")).first()
    try:
        on = dt.date.fromisoformat(request.GET.get("on", ""))
    except ValueError:
        on = None
    rows = moved_on(supervisor, new_supervisor, on) if new_supervisor and on else []
    as_of = max(day, on) if on else day
    due = staff_obligations([row.staff for row in rows], as_of) if rows else {}
    people = [
        {
            "staff": row.staff,
            "agreement": next(
                (
                    o
                    for o in due.get(row.staff.staff_id, [])
                    if o.obligation == "supervision_agreement"
                ),
                None,
            ),
            "can_view_file": can_view_file(request.user, row.staff, day),
        }
        for row in rows
    ]
    return render(
        request,
        "people/reassigned.html",
        {
            "supervisor": supervisor,
            "new_supervisor": new_supervisor,
            "on": on,
            "people": people,
            "handed_over": handed_over_on(supervisor, new_supervisor, on)
            if rows and new_supervisor and on
            else [],
        },
    )


def _agreement_due(obligations: list[Any]) -> Any:
    # The engine makes an agreement with the new supervisor due (N 12.1): show that one.
    return next((o for o in obligations if o.obligation == "supervision_agreement"), None)


@require_http_methods(["GET", "POST"])
def leaver(request: AuthenticatedHttpRequest, staff_id: str) -> HttpResponse:
    day = _today()
    staff = leaver_to_record(request.user, staff_id, day)
    supervising = still_supervising(staff, staff.end_date or day)
    can_reassign = can_reassign_supervisees(request.user, staff, day)
    # "Change" on the check page comes back with the date given, so nothing is lost.
    initial = {"last_day": request.GET.get("last_day") or staff.end_date}
    form = LeaverForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        last_day = form.cleaned_data["last_day"]
        try:
            if request.POST.get("confirm") == "yes":
                record_leaver(staff, last_day, by=Actor.from_request(request))
                messages.success(
                    request,
                    f"{staff.name}\N{RIGHT SINGLE QUOTATION MARK}s last working day is recorded "
                    f"as {last_day:%-d %B %Y}. Their supervision file passes to HR the next day",
                )
                if held := children_held(staff, last_day):
                    names = ", ".join(a.case.display_name or a.case.case_id for a in held)
                    messages.warning(
                        request,
                        f"{staff.name} still holds {len(held)} "
                        f"{'child' if len(held) == 1 else 'children'} after their last day: "
                        f"{names}. Business support must reallocate each of them to another "
                        "worker",
                    )
                if can_view_file(request.user, staff, day):
                    return redirect("files:detail", staff_id=staff.staff_id)
                return redirect("files:list")
            if last_day < staff.start_date:
                raise ValidationError(
                    "Their last working day must be on or after the day they started, "
                    f"{staff.start_date:%-d %B %Y}"
                )
            supervising = still_supervising(staff, last_day)
            if supervising:
                raise ValidationError(
                    f"Move the people {staff.name} supervises to a new supervisor first"
                )
        except ValidationError as error:
            form.add_error("last_day", error.messages[0])
        else:
            return render(
                request,
                "people/leaver_check.html",
                {
                    "staff": staff,
                    "last_day": last_day,
                    "archived_on": last_day + dt.timedelta(days=1),
                    "kept_until": add_years(last_day, retention_years()),
                    "retention_years": retention_years(),
                    "children": children_held(staff, last_day),
                    "change_url": reverse("people:leaver", args=[staff.staff_id])
                    + f"?last_day={last_day.isoformat()}",
                },
            )
    return render(
        request,
        "people/leaver.html",
        {
            "staff": staff,
            "form": form,
            "supervising": supervising,
            "can_reassign": can_reassign,
            "retention_years": retention_years(),
        },
    )


@require_http_methods(["GET", "POST"])
def cover(request: AuthenticatedHttpRequest, staff_id: str) -> HttpResponse:
    """Name a deputy for a manager's dated absence (N 11.1), and list the cover running now and
    planned."""
    day = _today()
    manager = manager_to_cover(request.user, staff_id, day)
    candidates = cover_candidates(manager, day).select_related("team").order_by("name")
    form = CoverForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            arrange_cover(
                manager,
                data["deputy"],
                data["start_date"],
                data["end_date"],
                data["reason"],
                by=Actor.from_request(request),
            )
        except ValidationError as error:
            form.add_error(error.code or "start_date", error.messages[0])
        else:
            messages.success(
                request,
                f"{data['deputy'].name} covers for {manager.name} from "
                f"{long_date(data['start_date'])} to {long_date(data['end_date'])}",
            )
            return redirect("people:cover", staff_id=manager.staff_id)
    arrangements = (
        Delegation.objects.filter(from_manager=manager, end_date__gte=day)
        .select_related("deputy", "deputy__team")
        .order_by("start_date", "id")
    )
    return render(
        request,
        "people/cover.html",
        {
            "manager": manager,
            "form": form,
            "today": day,
            "arrangements": arrangements,
        },
    )


@require_POST
def cover_end(request: AuthenticatedHttpRequest, staff_id: str, pk: int) -> HttpResponse:
    """End cover early (or withdraw planned cover): the deputy has no access from today."""
    delegation = cover_to_end(request.user, staff_id, pk, _today())
    deputy = delegation.deputy
    try:
        end_cover(delegation, by=Actor.from_request(request))
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"{deputy.name} no longer covers from today")
    return redirect("people:cover", staff_id=staff_id)


def caseload(request: AuthenticatedHttpRequest, staff_id: str) -> HttpResponse:
    """A person's caseload over the last twelve months against the council's threshold (issue 16,
    B 1.3), for them, their managers and quality assurance."""
    today = timezone.localdate()
    person = caseload_person(request.user, staff_id, today)
    found = caseload_of(person, today)
    audit(
        request.user,
        "view",
        person,
        request=request,
        detail={"page": "caseload", "on": today.isoformat()},
    )
    return render(
        request,
        "people/caseload.html",
        {"person": person, "found": found, "chart": caseload_chart(found), "today": today},
    )


def team_caseloads(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The caseloads of a team's case holders side by side, against the council's threshold: the
    people the user may see on the team's page (its managers, quality assurance)."""
    today = timezone.localdate()
    the_team, members = team_for_user(request.user, pk, today)
    holders = [m for m in members if m.category == "case_holder"]
    found = caseloads_of(holders, today)
    audit(
        request.user,
        "view",
        the_team,
        request=request,
        detail={"page": "caseloads", "staff": [m.staff_id for m in holders]},
    )
    return render(
        request,
        "people/team_caseloads.html",
        {
            "team": the_team,
            "caseloads": found,
            "threshold": caseload_threshold(),
            "today": today,
            "over": sum(1 for c in found if c.over),
        },
    )


def _seed(text: str | None) -> int | None:
    return (
        int(text)
        if text is not None and text.isascii() and text.isdigit() and len(text) < 10
        else None
    )


@require_http_methods(["GET", "POST"])
def evidence(request: AuthenticatedHttpRequest, staff_id: str) -> HttpResponse:
    """A manager's supervision evidence for their line manager (N 8.1): the agreements with the
    people they supervise and a random sample of their records of the last six months, the form
    that records the review, and the reviews before. `?seed=N` redraws a sample."""
    day = _today()
    manager = manager_to_review(request.user, staff_id, day)
    actor = Actor.from_request(request)
    form = EvidenceReviewForm(request.POST or None)
    seed = _seed(request.POST.get("seed") if request.method == "POST" else request.GET.get("seed"))
    if request.method == "POST" and form.is_valid():
        try:
            record_evidence_review(
                actor,
                manager,
                seed=-1 if seed is None else seed,
                comments=form.cleaned_data["comments"],
                today=day,
            )
        except WorkflowError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Recorded that you reviewed {manager.name}'s evidence")
            return redirect(reverse("people:evidence", args=[manager.staff_id]) + "#reviews")
    if seed is None or seed >= SEED_LIMIT:
        seed = new_seed()
    records = draw_records(request.user, manager, day, seed)
    supervised = [
        {
            "staff": row.staff,
            "agreement": row.agreement,
            "frequency": frequency_label(row.agreement.frequency if row.agreement else ""),
        }
        for row in supervised_with_agreements(manager, day)
    ]
    reviews = list(
        EvidenceReview.objects.of_manager(manager)
        .select_related("reviewer")
        .prefetch_related("records", "agreements__staff")
    )
    actor.audit(
        "view",
        manager,
        detail={
            "page": "supervision evidence",
            "seed": seed,
            "records": [record.session_id for record in records],
        },
    )
    return render(
        request,
        "people/evidence.html",
        {
            "manager": manager,
            "form": form,
            "seed": seed,
            "records": records,
            "sample_size": SAMPLE_SIZE,
            "since": looked_back_from(day),
            "today": day,
            "supervised": supervised,
            "manages_someone": manages_someone(manager, day),
            "reviews": reviews,
        },
    )
