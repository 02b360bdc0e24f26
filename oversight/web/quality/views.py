"""Quality assurance screens: audits (sample, grade, respond, moderate), results per team and for
the organisation, drift signals, the framework passages the prompts cite, and the prompts
themselves as the manager writes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from oversight.access.chair_reviews import can_view_chair_report
from oversight.access.predicates import require
from oversight.access.quality import (
    audit_role,
    audit_to_view,
    auditable_teams,
    audits_anything,
    audits_of_my_records,
    drift_workers,
    results_teams,
    sample_to_view,
    sees_drift,
    team_results_to_view,
)
from oversight.access.records import writable_record
from oversight.audit.actor import Actor
from oversight.organisation.models import Team
from oversight.quality import auditing, framework, results
from oversight.quality.drift_from_database import drift_signals
from oversight.quality.models import AuditRole, AuditSample, AuditState, SampledRecord
from oversight.quality.rubric import RUBRIC
from oversight.quality.writing_prompts import posted_draft_prompts
from oversight.transitions import WorkflowError
from oversight.web.quality.forms import GradeForm, ModerateForm, RespondForm, SampleForm
from oversight.web.requests import AuthenticatedHttpRequest


def _today() -> dt.date:
    return timezone.localdate()


def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Audits of your records; for auditors, the teams to audit and the latest samples."""
    day = _today()
    teams = auditable_teams(request.user, day)
    samples = (
        AuditSample.objects.filter(team__in=teams).select_related("team").order_by("-drawn_at")[:20]
    )
    mine = list(
        audits_of_my_records(request.user, day).in_state(
            *[s for s in AuditState if s != AuditState.SAMPLED]
        )
    )
    return render(
        request,
        "quality/index.html",
        {
            "teams": teams,
            "samples": samples,
            "mine": mine,
            "results_teams": results_teams(request.user, day),
            "sees_drift": sees_drift(request.user, day),
            "sees_chair_report": can_view_chair_report(request.user, day),
        },
    )


@require_http_methods(["GET", "POST"])
def new_sample(request: AuthenticatedHttpRequest) -> HttpResponse:
    day = _today()
    teams = auditable_teams(request.user, day)
    if not teams:
        raise PermissionDenied(
            "Only quality assurance, or a head of service above a team's managers, can draw a "
            "sample of records to audit."
        )
    queryset = Team.objects.filter(pk__in=[t.pk for t in teams]).order_by("name")
    if request.method == "POST":
        form = SampleForm(request.POST, teams=queryset)
        if form.is_valid():
            data = form.cleaned_data
            try:
                sample = auditing.draw_sample(
                    Actor.from_request(request),
                    data["team"],
                    data["period_start"],
                    data["period_end"],
                    data["size"],
                    seed=data["seed"],
                    today=day,
                )
            except WorkflowError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"Sample drawn: {sample.records.count()} records")
                return redirect("quality:sample", pk=sample.pk)
    else:
        initial: dict[str, Any] = {"size": 5}
        if request.GET.get("team", "").isdigit():
            initial["team"] = int(request.GET["team"])
        form = SampleForm(initial=initial, teams=queryset)
    return render(request, "quality/new_sample.html", {"form": form})


def sample(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    drawn = sample_to_view(request.user, pk, _today())
    records = list(
        drawn.records.with_state().select_related("session__supervisor", "session__supervisee")
    )
    check = None
    if "check" in request.GET:
        again = auditing.redraw(drawn)
        check = {"again": again, "same": again == auditing.drawn_session_ids(drawn)}
    Actor.from_request(request).audit("view", drawn, detail={"page": "sample"})
    return render(
        request, "quality/sample.html", {"sample": drawn, "records": records, "check": check}
    )


def _rows(sampled: SampledRecord) -> list[dict[str, Any]]:
    first = sampled.first_grades()
    standing = sampled.grades()
    return [
        {
            "criterion": criterion,
            "first": first.get(criterion.key),
            "standing": standing.get(criterion.key),
            "moderated": criterion.key in standing
            and criterion.key in first
            and standing[criterion.key].pk != first[criterion.key].pk,
        }
        for criterion in RUBRIC
    ]


@require_http_methods(["GET", "POST"])
def audit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One sampled record: the grades, the supervisor's response and the moderation, and the form
    for whoever's turn it is."""
    day = _today()
    sampled = audit_to_view(request.user, pk, day)
    role = audit_role(request.user, sampled, day)
    state = sampled.state
    actor = Actor.from_request(request)
    form: Any = None
    if state == AuditState.SAMPLED and role == AuditRole.AUDITOR:
        form = GradeForm(request.POST or None)
    elif state == AuditState.GRADED and role == AuditRole.SUPERVISOR:
        form = RespondForm(request.POST or None)
    elif state in {AuditState.GRADED, AuditState.RESPONDED} and role == AuditRole.MODERATOR:
        form = ModerateForm(request.POST or None, initial_grades=sampled.first_grades())
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("There is nothing for you to do on this audit now.")
        if form.is_valid():
            try:
                if isinstance(form, GradeForm):
                    auditing.grade(
                        actor,
                        sampled,
                        form.graded(),
                        summary=form.cleaned_data["summary"],
                        today=day,
                    )
                    done = "Audit saved: the supervisor can now read it and respond"
                elif isinstance(form, RespondForm):
                    auditing.respond(actor, sampled, form.cleaned_data["response"], today=day)
                    done = "Response saved"
                else:
                    auditing.moderate(
                        actor,
                        sampled,
                        form.graded(),
                        comment=form.cleaned_data["comment"],
                        today=day,
                    )
                    done = "Moderation saved"
            except WorkflowError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, done)
                return redirect("quality:audit", pk=sampled.pk)
    actor.audit("view", sampled, detail={"page": "audit"})
    sampled = audit_to_view(request.user, pk, day)
    return render(
        request,
        "quality/audit.html",
        {
            "sampled": sampled,
            "record": sampled.session,
            "rows": _rows(sampled),
            "graded": sampled.move("grade"),
            "response": sampled.move("respond"),
            "moderation": sampled.move("moderate"),
            "form": form,
            "role": role,
            "can_audit": audits_anything(request.user, day),
        },
    )


def team_results(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    day = _today()
    team = team_results_to_view(request.user, pk, day)
    grades = results.standing_grades([team.pk])
    samples = list(AuditSample.objects.filter(team=team).order_by("-period_end", "-drawn_at"))
    audits = list(
        SampledRecord.objects.with_state()
        .filter(sample__team=team)
        .select_related("session__supervisor", "session__supervisee", "sample")
        .order_by("-sample__period_end", "sample", "position")
    )
    Actor.from_request(request).audit("view", team, detail={"page": "quality results"})
    return render(
        request,
        "quality/team_results.html",
        {
            "team": team,
            "overall": results.roll_up(team.name, grades),
            "quarters": results.by_quarter(grades),
            "samples": samples,
            "audits": audits,
            "can_draw": team in auditable_teams(request.user, day),
        },
    )


def organisation_results(request: AuthenticatedHttpRequest) -> HttpResponse:
    day = _today()
    teams = results_teams(request.user, day)
    if not teams:
        raise PermissionDenied("Only quality assurance and managers see audit results.")
    grades = results.standing_grades([t.pk for t in teams])
    Actor.from_request(request).audit(
        "view", None, object_type="quality.results", detail={"teams": len(teams)}
    )
    by_team = {r.label: r for r in results.by_team(grades)}
    return render(
        request,
        "quality/results.html",
        {
            "overall": results.roll_up("All teams", grades),
            "quarters": results.by_quarter(grades),
            "teams": [(team, by_team.get(team.name)) for team in teams],
            "rubric": RUBRIC,
        },
    )


def drift(request: AuthenticatedHttpRequest) -> HttpResponse:
    day = _today()
    require(sees_drift(request.user, day), "Drift signals are for managers and quality assurance.")
    team = None
    if request.GET.get("team", "").isdigit():
        team = Team.objects.filter(pk=int(request.GET["team"])).first()
    workers = list(drift_workers(request.user, day, team).select_related("team"))
    by_id = {w.staff_id: w for w in workers}
    found = drift_signals(workers, day)
    groups: dict[str, list[Any]] = {}
    for signal in found:
        groups.setdefault(signal.title, []).append(
            {"signal": signal, "worker": by_id.get(signal.worker)}
        )
    Actor.from_request(request).audit(
        "view", team, object_type="quality.drift", detail={"signals": len(found)}
    )
    teams = Team.objects.filter(pk__in={w.team_id for w in workers if w.team_id}).order_by("name")
    return render(
        request,
        "quality/drift.html",
        {"groups": sorted(groups.items()), "team": team, "teams": teams, "count": len(found)},
    )


def framework_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request, "quality/framework.html", {"passages": framework.PASSAGES, "rubric": RUBRIC}
    )


@require_POST
def prompts(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The prompts for what is typed on a record's page so far (htmx posts the form here)."""
    record = writable_record(request.user, pk)
    found = posted_draft_prompts(record, request.POST)
    return render(request, "quality/_prompts.html", {"prompts": found, "live": True})
