"""The search page: one box, and what it finds among the children, people and records the user may
see (`queries.py`). A search that ran is on the audit trail with what it showed, as a child's page
or the open actions are: the results name children and people."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from oversight.audit.trail import audit
from oversight.facts.write_ups import late_write_ups
from oversight.web.records.views import list_row
from oversight.web.requests import AuthenticatedHttpRequest
from oversight.web.search import queries

MAX_LENGTH = 100


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search for a child, a person or a record",
        max_length=MAX_LENGTH,
        help_text="A child's ID or name, a person's name or staff ID, or a record's ID",
        error_messages={
            "required": "Enter a child's ID or name, a person's name or staff ID, or a record's ID",
            "max_length": f"Search for {MAX_LENGTH} characters or fewer",
        },
    )

    def clean_q(self) -> str:
        text = " ".join(str(self.cleaned_data["q"]).split())
        if len(text) < queries.MIN_LENGTH and not text.isdigit():
            raise forms.ValidationError(
                f"Enter at least {queries.MIN_LENGTH} characters of a name or ID"
            )
        return text


def search(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    searched = "q" in request.GET
    form = SearchForm(request.GET if searched else None)
    context: dict[str, Any] = {"form": form, "results": None, "today": today}
    if searched and form.is_valid():
        text = form.cleaned_data["q"]
        results = queries.search(request.user, text, today)
        late = late_write_ups(results.records.items, today)
        context.update(
            results=results,
            text=text,
            record_rows=[list_row(r, late.get(r.pk)) for r in results.records.items],
        )
        audit(
            request.user,
            "view",
            request=request,
            object_type="search",
            object_label=f"Search for \N{LEFT SINGLE QUOTATION MARK}{text}"
            "\N{RIGHT SINGLE QUOTATION MARK}",
            detail={
                "query": text,
                "found": results.count,
                "children": [case.case_id for case in results.children.items],
                "people": [person.staff.staff_id for person in results.people.items],
                "records": [record.pk for record in results.records.items],
            },
        )
    return render(request, "search/search.html", context)
