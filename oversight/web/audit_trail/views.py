"""Audit trail pages: the search for managers and quality assurance, and everyone's own access
history (who has looked at their records, agreements and file).

Looking at the trail is itself recorded: a search, each page of results, each export, and each
look at an access history is an entry of its own.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.paginator import Page, Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from oversight.access.audit_trail import searchable_events
from oversight.access.queries import access_for
from oversight.access.staff import staff_of
from oversight.audit.models import AuditEvent
from oversight.audit.trail import audit, write_csv
from oversight.web.audit_trail.forms import ACTION_LABELS, TrailSearchForm
from oversight.web.audit_trail.queries import access_history
from oversight.web.requests import AuthenticatedHttpRequest

PER_PAGE = 50

# What a person would call the thing; other types fall back to their model's name.
TYPE_LABELS = {
    "organisation.staff": "Supervision file",
    "supervision.session": "Supervision record",
    "records.record": "Supervision record",
    "supervision.agreement": "Supervision agreement",
    "auth.user": "Account",
    "audit.search": "Audit trail",
    "audit.access_history": "Access history",
    "search": "Search",
    "data_set": "Data set",
}


def _type_label(object_type: str) -> str:
    if not object_type:
        return ""
    if object_type in TYPE_LABELS:
        return TYPE_LABELS[object_type]
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return object_type
    return str(model._meta.verbose_name).capitalize()


def _rows(page: Page[AuditEvent]) -> list[dict[str, Any]]:
    return [
        {
            "event": event,
            "at": timezone.localtime(event.at),
            "who": _who(event),
            "action": ACTION_LABELS.get(event.action, event.action.replace("_", " ").capitalize()),
            "type": _type_label(event.object_type),
        }
        for event in page.object_list
    ]


def _who(event: AuditEvent) -> str:
    staff = staff_of(event.actor) if event.actor_id else None
    if staff is not None:
        return f"{staff.name} ({event.actor_label})"
    return event.actor_label


def _page(request: AuthenticatedHttpRequest, events: Any) -> Page[AuditEvent]:
    paginator = Paginator(events.select_related("actor__staff").order_by("-pk"), PER_PAGE)
    return paginator.get_page(request.GET.get("page"))


def _query_without_page(request: AuthenticatedHttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def search(request: AuthenticatedHttpRequest) -> HttpResponse:
    events = searchable_events(request.user)
    searched = bool(request.GET)
    form = TrailSearchForm(request.GET if searched else None)
    page = None
    if searched and form.is_valid():
        page = _page(request, form.filter(events))
        audit(
            request.user,
            "view",
            request=request,
            object_type="audit.search",
            object_label="Audit trail search",
            detail={"filters": form.described(), "page": page.number},
        )
    return render(
        request,
        "audit_trail/search.html",
        {
            "form": form,
            "page": page,
            "rows": _rows(page) if page else [],
            "query": _query_without_page(request),
            "is_qa": access_for(request.user).is_qa,
        },
    )


def export(request: AuthenticatedHttpRequest) -> HttpResponse:
    found = searchable_events(request.user)
    form = TrailSearchForm(request.GET)
    if not form.is_valid():
        return search(request)
    events = form.filter(found).order_by("pk")
    stamp = timezone.localtime().strftime("%Y-%m-%d-%H%M")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-trail-{stamp}.csv"'
    count = write_csv(events.iterator(chunk_size=2000), response)
    audit(
        request.user,
        "export",
        request=request,
        object_type="audit.search",
        object_label="Audit trail export (CSV)",
        detail={"filters": form.described(), "rows": count},
    )
    return response


def mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A person's own access history: who else has looked at or downloaded their things."""
    staff = staff_of(request.user)
    page = None
    if staff is not None:
        page = _page(request, access_history(staff, request.user))
        audit(
            request.user,
            "view",
            request=request,
            object_type="audit.access_history",
            object_id=staff.pk,
            object_label=f"Access history of {staff.name}",
            detail={"page": page.number},
        )
    return render(
        request,
        "audit_trail/mine.html",
        {"staff": staff, "page": page, "rows": _rows(page) if page else [], "query": ""},
    )
