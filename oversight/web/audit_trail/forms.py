"""The audit trail search: who, about what, which action, between which dates."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import Q

from oversight.audit.models import AuditEventQuerySet
from oversight.web.widgets import GovukDateField

ACTION_LABELS = {
    "view": "Viewed",
    "download": "Downloaded",
    "export": "Exported",
    "create": "Created",
    "change": "Changed",
    "transition": "Moved on in the workflow",
    "delete": "Deleted",
    "sign_in": "Signed in",
    "sign_in_failed": "Failed to sign in",
    "sign_out": "Signed out",
    "second_factor_passed": "Entered a security code",
    "second_factor_failed": "Entered a wrong security code",
    "second_factor_added": "Turned on two-step verification",
    "second_factor_removed": "Turned off two-step verification",
}


def _date_errors(which: str) -> dict[str, str]:
    # Two dates on one page: each message names its date, as GOV.UK asks.
    return {
        "invalid": f"The {which} date must be a real date",
        "incomplete": f"The {which} date must include a %(missing)s",
        "year": f"The {which} year must include 4 numbers",
    }


class TrailSearchForm(forms.Form):
    person = forms.CharField(
        label="Who did it",
        required=False,
        max_length=150,
        help_text="Part of their name or username",
    )
    about = forms.CharField(
        label="What it was about",
        required=False,
        max_length=255,
        help_text="Part of its name (for example a person's name), or its ID",
    )
    action = forms.ChoiceField(
        label="Action",
        required=False,
        choices=[("", "Any action"), *ACTION_LABELS.items()],
    )
    date_from = GovukDateField(
        label="From",
        required=False,
        help_text="For example, 27 3 2025",
        error_messages=_date_errors("From"),
    )
    date_to = GovukDateField(
        label="To",
        required=False,
        help_text="For example, 31 3 2025",
        error_messages=_date_errors("To"),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The To date must be the same as or after the From date")
        return cleaned

    def filter(self, events: AuditEventQuerySet) -> AuditEventQuerySet:
        """The events that match; call after is_valid()."""
        data = self.cleaned_data
        if person := data.get("person", "").strip():
            events = events.filter(
                Q(actor_label__icontains=person) | Q(actor__staff__name__icontains=person)
            )
        if about := data.get("about", "").strip():
            events = events.filter(Q(object_label__icontains=about) | Q(object_id=about))
        if action := data.get("action"):
            events = events.of_action(action)
        start: dt.date | None = data.get("date_from")
        end: dt.date | None = data.get("date_to")
        return events.between(start, end)

    def described(self) -> dict[str, str]:
        """The filters as given, for the audit entry of the search itself."""
        return {
            name: str(value) for name, value in self.cleaned_data.items() if value not in (None, "")
        }
