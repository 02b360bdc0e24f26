"""Forms for moving supervisees, recording leavers and reviewing a manager's evidence."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from oversight.appraisals.models import AppraisalKind, AppraisalOutcome
from oversight.appraisals.recording import LONGEST_SUMMARY, NEEDS_PLAN, PlannedObjective
from oversight.formatting import long_date
from oversight.organisation.models import Staff
from oversight.quality.evidence import LONGEST_COMMENTS
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


class CoverForm(forms.Form):
    """Who covers for a manager, from when to when, and why. The dates are checked against today
    and each other by `oversight.access.cover.check_cover`, so the page and the operation agree."""

    deputy = SupervisorChoiceField(
        label="Who will cover?",
        help_text="A manager in the same service, or who reports to the same line manager.",
        queryset=None,
        to_field_name="staff_id",
        empty_label="Choose who will cover",
        error_messages={
            "required": "Select who will cover",
            "invalid_choice": "Select who will cover from the list",
        },
    )
    start_date = GovukDateField(
        label="When does cover start?",
        help_text="For example, 1 4 2025",
        error_messages={"required": "Enter the date cover starts"},
    )
    end_date = GovukDateField(
        label="What is the last day of cover?",
        help_text="The deputy has no access from the day after. At most 6 months from the start.",
        error_messages={"required": "Enter the last day of cover"},
    )
    reason = forms.CharField(
        label="Why is cover needed?",
        help_text="For example, annual leave. Do not give details of anyone's health.",
        max_length=200,
        error_messages={
            "required": "Enter why cover is needed, for example annual leave",
            "max_length": "Why cover is needed must be 200 characters or fewer",
        },
    )

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "deputy").queryset = candidates

    def clean_start_date(self) -> dt.date:
        return within_reach(self.cleaned_data["start_date"], "The date cover starts")

    def clean_end_date(self) -> dt.date:
        return within_reach(self.cleaned_data["end_date"], "The last day of cover")


class EvidenceReviewForm(forms.Form):
    """What the line manager found in a manager's agreements and sampled records (N 8.1). The
    sample's seed travels in a hidden input and is checked by the domain operation."""

    comments = forms.CharField(
        label="What did you find?",
        help_text=(
            "For example: does everyone they supervise have an agreement, are records written on "
            "time, do they show reflection, the child's voice and actions with owners and dates?"
        ),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=LONGEST_COMMENTS,
        error_messages={
            "required": "Enter what you found in the agreements and the records",
            "max_length": f"Keep your comments to {LONGEST_COMMENTS} characters",
        },
    )


# The Personal Development Plan's rows on the appraisal form: enough for a year's plan, without
# JavaScript to add more (a later appraisal or probation review adds to it).
PLAN_ROWS = 4


class AppraisalForm(forms.Form):
    """An appraisal or probation review and its Personal Development Plan (N 4x4x4, N 11.3, B 5).
    The rules (the outcome fits the kind, an annual appraisal has a plan) are checked by the
    domain operation, `appraisals.recording.record_appraisal`."""

    kind = forms.ChoiceField(
        label="What are you recording?",
        choices=AppraisalKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select an annual appraisal or a probation review"},
    )
    held_on = GovukDateField(
        label="Date of the appraisal",
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date of the appraisal"},
    )
    summary = forms.CharField(
        label="Summary",
        help_text=(
            "What the year's supervision shows: the work done well, the learning and whether it "
            "happened, the actions achieved and what to develop next."
        ),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=LONGEST_SUMMARY,
        error_messages={
            "required": "Enter a summary of the appraisal",
            "max_length": f"Keep the summary to {LONGEST_SUMMARY} characters",
        },
    )
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=AppraisalOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the outcome"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n in range(1, PLAN_ROWS + 1):
            self.fields[f"objective_{n}"] = forms.CharField(
                label=f"Objective {n}",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                max_length=2000,
            )
            self.fields[f"support_{n}"] = forms.CharField(
                label=f"Learning and support for objective {n}",
                required=False,
                max_length=2000,
                help_text="For example a course, shadowing or a period of acting up.",
            )
            self.fields[f"by_when_{n}"] = GovukDateField(
                label=f"Objective {n} by when", required=False
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # Said beside the first objective, so the error summary leads there; the domain operation
        # refuses an annual appraisal without a plan whatever the form says.
        if cleaned.get("kind") == AppraisalKind.ANNUAL and not self.plan():
            self.add_error("objective_1", NEEDS_PLAN)
        return cleaned

    def plan_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "number": n,
                "objective": self[f"objective_{n}"],
                "support": self[f"support_{n}"],
                "by_when": self[f"by_when_{n}"],
            }
            for n in range(1, PLAN_ROWS + 1)
        ]

    def plan(self) -> list[PlannedObjective]:
        data = self.cleaned_data
        return [
            PlannedObjective(
                data[f"objective_{n}"], data.get(f"support_{n}") or "", data.get(f"by_when_{n}")
            )
            for n in range(1, PLAN_ROWS + 1)
            if (data.get(f"objective_{n}") or "").strip()
        ]
