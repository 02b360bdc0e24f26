"""Loading a standard return in the browser (Business Support): upload, preview what it would
change and settle its workers' names, then apply it through the one import path, in the
background: the page shows how far it has got (htmx asks for the progress every 2 seconds; without
JavaScript, a link refreshes the page)."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRefresh

from oversight.access.returns import require_import_returns
from oversight.audit.actor import Actor
from oversight.returns.applying import (
    STAGES,
    AlreadyApplied,
    AlreadyQueued,
    failed_problems,
    is_stale,
    queue_apply,
)
from oversight.returns.models import ApplyState, ReturnApplied, ReturnUpload
from oversight.returns.uploads import decide_worker, plan_upload, store_return
from oversight.web.requests import AuthenticatedHttpRequest
from oversight.web.returns.forms import ReturnUploadForm, WorkerDecisionForm

RECENT = 20


def return_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_import_returns(request.user)
    if request.method == "POST":
        form = ReturnUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = store_return(
                form.cleaned_data["workbook"],
                changed_on=form.cleaned_data["changed_on"],
                by=Actor.from_request(request),
            )
            return redirect("returns:detail", pk=upload.pk)
    else:
        form = ReturnUploadForm()
    uploads = ReturnUpload.objects.select_related("uploaded_by", "applied")[:RECENT]
    return render(request, "returns/list.html", {"form": form, "uploads": uploads})


def _upload(request: AuthenticatedHttpRequest, pk: uuid.UUID) -> ReturnUpload:
    require_import_returns(request.user)
    return get_object_or_404(ReturnUpload, pk=pk)


def _in_progress(upload: ReturnUpload) -> bool:
    return upload.state in (ApplyState.QUEUED, ApplyState.APPLYING) and not is_stale(upload)


def _progress_context(upload: ReturnUpload) -> dict[str, Any]:
    return {"upload": upload, "stage": STAGES.get(upload.stage, "")}


def return_detail(request: AuthenticatedHttpRequest, pk: uuid.UUID) -> HttpResponse:
    upload = _upload(request, pk)
    applied = ReturnApplied.objects.filter(upload=upload).first()
    Actor.from_request(request).audit("view", upload, detail={"file": upload.original_name})
    if applied is not None or _in_progress(upload):
        return render(
            request,
            "returns/detail.html",
            {**_progress_context(upload), "applied": applied, "in_progress": applied is None},
        )
    plan = plan_upload(upload)
    return render(
        request,
        "returns/detail.html",
        {
            "upload": upload,
            "plan": plan,
            "worker_form": WorkerDecisionForm(names=plan.to_review),
            "apply_problems": failed_problems(upload) if upload.state == ApplyState.FAILED else [],
            "stopped": is_stale(upload),
        },
    )


@require_GET
def progress(request: AuthenticatedHttpRequest, pk: uuid.UUID) -> HttpResponse:
    """How far applying has got, for htmx to put in the page every 2 seconds. Once it has
    finished, the whole page is loaded again to show the outcome. Counts only: not audited."""
    upload = _upload(request, pk)
    if not request.htmx:
        return redirect("returns:detail", pk=upload.pk)
    if not _in_progress(upload):
        return HttpResponseClientRefresh()
    return render(request, "returns/_progress.html", _progress_context(upload))


@require_POST
def decide_workers(request: AuthenticatedHttpRequest, pk: uuid.UUID) -> HttpResponse:
    upload = _upload(request, pk)
    if ReturnApplied.objects.filter(upload=upload).exists() or _in_progress(upload):
        return redirect("returns:detail", pk=upload.pk)
    plan = plan_upload(upload)
    form = WorkerDecisionForm(request.POST, names=plan.to_review)
    if form.is_valid():
        chosen = form.decisions()
        for name, staff_id in chosen:
            decide_worker(upload, name, staff_id, by=Actor.from_request(request))
        if chosen:
            messages.success(
                request, f"Saved your choice{pluralize(len(chosen))} of worker: check the changes"
            )
    return redirect("returns:detail", pk=upload.pk)


@require_POST
def apply(request: AuthenticatedHttpRequest, pk: uuid.UUID) -> HttpResponse:
    """Queue the return for the background worker, once its preview has nothing to settle."""
    upload = _upload(request, pk)
    if ReturnApplied.objects.filter(upload=upload).exists():
        messages.info(request, "This return has already been applied")
        return redirect("returns:detail", pk=upload.pk)
    if _in_progress(upload):
        messages.info(request, "This return is already being applied")
        return redirect("returns:detail", pk=upload.pk)
    plan = plan_upload(upload)
    if not plan.can_apply:
        return render(
            request,
            "returns/detail.html",
            {
                "upload": upload,
                "plan": plan,
                "worker_form": WorkerDecisionForm(names=plan.to_review),
                "apply_problems": plan.blocking_problems(),
            },
            status=400,
        )
    try:
        queue_apply(upload, by=Actor.from_request(request))
    except AlreadyApplied:
        messages.info(request, "This return has already been applied")
    except AlreadyQueued:
        messages.info(request, "This return is already being applied")
    return redirect("returns:detail", pk=upload.pk)
