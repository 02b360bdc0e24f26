"""Supervision files (N 11): the list, one person's file in four sections, uploading, and
downloading through a permission check; HR's retention list and confirmed destruction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from oversight.access.appraisals import can_record_appraisal
from oversight.access.evidence import can_review_evidence, manages_someone
from oversight.access.files import (
    can_destroy_files,
    can_view_file,
    document_for_user,
    file_owner_for_user,
    file_to_upload_to,
    require_destroy_files,
    upload_only_files,
    upload_sections,
)
from oversight.access.people import (
    can_arrange_cover,
    can_reassign_supervisees,
    can_record_leaver,
)
from oversight.access.queries import access_for, visible_agreements, visible_files
from oversight.appraisals.models import Appraisal
from oversight.audit.actor import Actor
from oversight.audit.trail import audit
from oversight.files.due import file_due_items
from oversight.files.models import SECTIONS, Document, SupervisionFile, add_years, retention_years
from oversight.files.retention import destroy_file, files_past_retention
from oversight.files.uploads import download_name, open_document, store_document
from oversight.organisation.models import Staff
from oversight.web.files.forms import UploadForm
from oversight.web.requests import AuthenticatedHttpRequest

LIST_LIMIT = 200


def _today() -> dt.date:
    return timezone.localdate()


def _search(people: Any, query: str) -> Any:
    if query:
        people = people.filter(Q(name__icontains=query) | Q(staff_id__iexact=query))
    return people


def file_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    day = _today()
    access = access_for(request.user, day)
    query = request.GET.get("q", "").strip()[:100]
    files = _search(visible_files(request.user, day).select_related("team"), query).order_by("name")
    open_rows = [
        {"staff": person, "can_upload": bool(upload_sections(request.user, person, day))}
        for person in files[: LIST_LIMIT + 1]
    ]
    # Business Support add to files they cannot read (N 11.1, N 11.3 sections 1 and 4).
    upload_only = list(
        _search(upload_only_files(request.user, day), query)
        .select_related("team")
        .order_by("name")[: LIST_LIMIT + 1]
    )
    return render(
        request,
        "files/list.html",
        {
            "query": query,
            "open_rows": open_rows[:LIST_LIMIT],
            "upload_only": upload_only[:LIST_LIMIT],
            "too_many": len(open_rows) > LIST_LIMIT or len(upload_only) > LIST_LIMIT,
            "limit": LIST_LIMIT,
            "is_business_support": access.is_business_support,
            "can_destroy": can_destroy_files(request.user, day),
            "own": access.staff,
            "day": day,
        },
    )


def _agreement_rows(agreements: Any, line_manager: Staff | None) -> list[dict[str, Any]]:
    """Each agreement with its standing: the latest signed with the current supervisor is in
    force; earlier ones with them were reviewed since; others are a previous supervisor's, kept
    for audit (N 12.1)."""
    rows = []
    in_force_found = False
    for agreement in agreements:
        with_current = line_manager is not None and agreement.supervisor_id == line_manager.pk
        if agreement.signed_date is None:
            standing = "Being agreed"
        elif with_current and not in_force_found:
            standing = "In force"
            in_force_found = True
        elif with_current:
            standing = "Replaced by a later agreement"
        else:
            standing = "Previous supervisor, kept for audit"
        url = reverse("agreements:detail", args=[agreement.pk])
        rows.append({"agreement": agreement, "url": url, "standing": standing})
    return rows


def file_detail(request: AuthenticatedHttpRequest, staff_id: str) -> HttpResponse:
    day = _today()
    staff = file_owner_for_user(request.user, staff_id, day)
    supervision_file = SupervisionFile.objects.filter(staff=staff).first()
    documents = list(
        Document.objects.filter(file=supervision_file).select_related("uploaded_by")
        if supervision_file is not None
        else []
    )
    line_manager = staff.line_manager_on(day)
    agreements = _agreement_rows(
        visible_agreements(request.user, day)
        .filter(staff=staff)
        .select_related("supervisor")
        .order_by("-signed_date", "-pk"),
        line_manager,
    )
    sections = [
        {
            "number": number,
            "title": title,
            "documents": [d for d in documents if d.section == number],
        }
        for number, title in SECTIONS.items()
    ]
    retention_ends = add_years(staff.end_date, retention_years()) if staff.end_date else None
    if supervision_file is not None:
        audit(request.user, "view", supervision_file, request=request)
    else:
        audit(
            request.user,
            "view",
            staff,
            request=request,
            object_label=f"Supervision file of {staff.name} (nothing uploaded yet)",
        )
    return render(
        request,
        "files/detail.html",
        {
            "staff": staff,
            "supervision_file": supervision_file,
            "line_manager": line_manager,
            "sections": sections,
            "agreements": agreements,
            # Section 3 (N 11.3): the appraisals and probation reviews recorded in Oversight.
            "appraisals": list(
                Appraisal.objects.of_staff(staff).latest_first().select_related("appraiser")
            ),
            "can_record_appraisal": can_record_appraisal(request.user, staff, day),
            "due_items": file_due_items([staff], day).get(staff.staff_id, []),
            "can_upload": bool(upload_sections(request.user, staff, day)),
            "can_record_leaver": can_record_leaver(request.user, staff, day),
            "can_arrange_cover": can_arrange_cover(request.user, staff, day),
            "can_reassign": can_reassign_supervisees(request.user, staff, day)
            and staff.supervisees_on(day).exists(),
            "can_review_evidence": can_review_evidence(request.user, staff, day)
            and manages_someone(staff, day),
            "retention_ends": retention_ends,
            "retention_years": retention_years(),
            "day": day,
        },
    )


@require_http_methods(["GET", "POST"])
def upload(request: AuthenticatedHttpRequest, staff_id: str) -> HttpResponse:
    day = _today()
    staff, sections = file_to_upload_to(request.user, staff_id, day)
    can_read = can_view_file(request.user, staff, day)
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES, sections=sections)
        if form.is_valid():
            try:
                document = store_document(
                    staff,
                    form.cleaned_data["document"],
                    kind=form.cleaned_data["kind"],
                    title=form.cleaned_data["title"],
                    expiry_date=form.cleaned_data["expiry_date"],
                    by=Actor.from_request(request),
                )
            except ValidationError as error:
                form.add_error("document", error.messages[0])
            else:
                messages.success(
                    request,
                    f"{document.title} added to section {document.section} of "
                    f"{staff.name}\N{RIGHT SINGLE QUOTATION MARK}s supervision file",
                )
                if can_read:
                    return redirect("files:detail", staff_id=staff.staff_id)
                return redirect("files:list")
    else:
        form = UploadForm(sections=sections)
    return render(
        request,
        "files/upload.html",
        {"staff": staff, "form": form, "can_read": can_read, "sections": sections},
    )


def download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    day = _today()
    document = document_for_user(request.user, pk, day)
    try:
        stream = open_document(document)
    except FileNotFoundError as error:
        raise Http404("This document's file is missing. Tell your system administrator.") from error
    audit(request.user, "download", document, request=request, detail=document.audit_detail())
    response = FileResponse(
        stream,
        as_attachment=True,
        filename=download_name(document),
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    # Should a browser ever render it anyway, it may run nothing and reach nothing.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def retention_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    day = _today()
    require_destroy_files(request.user, day)
    past = files_past_retention(day)
    counts = dict(
        SupervisionFile.objects.filter(pk__in=[f.pk for f in past])
        .annotate(n=Count("documents"))
        .values_list("pk", "n")
    )
    return render(
        request,
        "files/retention.html",
        {
            "rows": [{"file": f, "documents": counts.get(f.pk, 0)} for f in past],
            "retention_years": retention_years(),
            "day": day,
        },
    )


@require_http_methods(["GET", "POST"])
def destroy(request: AuthenticatedHttpRequest, staff_id: str) -> HttpResponse:
    day = _today()
    require_destroy_files(request.user, day)
    supervision_file = next(
        (f for f in files_past_retention(day) if f.staff.staff_id == staff_id), None
    )
    if supervision_file is None:
        raise Http404("This file is not past its retention period.")
    if request.method == "POST":
        count = destroy_file(supervision_file, by=Actor.from_request(request), on=day)
        messages.success(
            request,
            f"The supervision file of {supervision_file.staff.name} is destroyed "
            f"({count} document{'' if count == 1 else 's'} deleted)",
        )
        return redirect("files:retention")
    documents = list(Document.objects.filter(file=supervision_file).order_by("section", "pk"))
    audit(
        request.user,
        "view",
        supervision_file,
        request=request,
        detail={"page": "confirm destruction", "documents": len(documents)},
    )
    return render(
        request,
        "files/destroy.html",
        {"supervision_file": supervision_file, "documents": documents, "day": day},
    )
