"""Forms for moving supervisees and recording leavers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from oversight.formatting import long_date
from oversight.organisation.models import Staff
from oversight.web.form_fields import model_choice_field
from oversight.web.widgets import GovukDateField

# A change of supervisor or a last working day is recorded close to when it happens: notice
# periods are weeks, not years. Bounding the date keeps every date worked out from it (the day
# before, the retention period after) a real date.
YEARS_BACK = 10
DAYS_AHEAD = 366


def within_reach(day: dt.date, what: str) -> dt.date:
    """`day`, if it lies between YEARS_BACK years ago and a year from today; else a form error
    that says `what` must lie between which dates."""
    today = timezone.localdate()
    earliest = today.replace(year=today.year - YEARS_BACK, day=1)
    latest = today + dt.timedelta(days=DAYS_AHEAD)
    if day > latest:
        raise ValidationError(
            f"{what} must be within a year from today, on or before {long_date(latest)}",
            code="too_late",
        )
    if day < earliest:
        raise ValidationError(
            f"{what} must be in the last {YEARS_BACK} years, on or after {long_date(earliest)}",
            code="too_early",
        )
    return day


class SupervisorChoiceField(forms.ModelChoiceField):
    """A member of staff, named with their team, chosen by their staff ID."""

    def label_from_instance(self, obj: Staff) -> str:
        return f"{obj.name} ({obj.team})" if obj.team_id else obj.name


class ReassignForm(forms.Form):
    new_supervisor = SupervisorChoiceField(
        label="Who will supervise them?",
        queryset=None,
        to_field_name="staff_id",
        empty_label="Choose a new supervisor",
        error_messages={
            "required": "Select who will supervise them",
            "invalid_choice": "Select who will supervise them",
        },
    )
    on = GovukDateField(
        label="When does the new supervisor take over?",
        help_text=(
            "Supervision with the current supervisor ends the day before. For example, 1 4 2025"
        ),
        error_messages={"required": "Enter the date the new supervisor takes over"},
    )

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "new_supervisor").queryset = candidates

    def clean_on(self) -> dt.date:
        return within_reach(self.cleaned_data["on"], "The date the new supervisor takes over")


class LeaverForm(forms.Form):
    last_day = GovukDateField(
        label="What is their last working day?",
        help_text="For example, 31 3 2025",
        error_messages={"required": "Enter their last working day"},
    )

    def clean_last_day(self) -> dt.date:
        return within_reach(self.cleaned_data["last_day"], "Their last working day")
