"""Loading a standard return in the browser (Business Support): upload, preview what it would
change and settle its workers' names, then apply it through the one import path."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.views.decorators.http import require_POST

from oversight.access.returns import require_import_returns
from oversight.audit.actor import Actor
from oversight.import_export.reader import DataSetError
from oversight.returns.models import ReturnApplied, ReturnUpload
from oversight.returns.plan import ReturnNotReady
from oversight.returns.uploads import (
    AlreadyApplied,
    apply_upload,
    decide_worker,
    plan_upload,
    store_return,
)
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


def return_detail(request: AuthenticatedHttpRequest, pk: uuid.UUID) -> HttpResponse:
    upload = _upload(request, pk)
    applied = ReturnApplied.objects.filter(upload=upload).first()
    plan = plan_upload(upload) if applied is None else None
    Actor.from_request(request).audit("view", upload, detail={"file": upload.original_name})
    form = WorkerDecisionForm(names=plan.to_review) if plan is not None else None
    return render(
        request,
        "returns/detail.html",
        {"upload": upload, "plan": plan, "applied": applied, "worker_form": form},
    )


@require_POST
def decide_workers(request: AuthenticatedHttpRequest, pk: uuid.UUID) -> HttpResponse:
    upload = _upload(request, pk)
    if ReturnApplied.objects.filter(upload=upload).exists():
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
    upload = _upload(request, pk)
    try:
        apply_upload(upload, by=Actor.from_request(request))
    except AlreadyApplied:
        messages.info(request, "This return has already been applied")
    except (ReturnNotReady, DataSetError) as error:
        plan = plan_upload(upload)
        return render(
            request,
            "returns/detail.html",
            {
                "upload": upload,
                "plan": plan,
                "applied": None,
                "worker_form": WorkerDecisionForm(names=plan.to_review),
                "apply_problems": error.problems,
            },
            status=400,
        )
    return redirect("returns:detail", pk=upload.pk)
