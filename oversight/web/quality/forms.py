"""Forms for drawing a sample, grading a record on the rubric, answering and moderating."""

from __future__ import annotations

from typing import Any

from django import forms

from oversight.organisation.models import Team
from oversight.quality.auditing import LARGEST_SAMPLE, Graded
from oversight.quality.rubric import GOOD_OR_BETTER, RUBRIC, Grade
from oversight.quality.sampling import SEED_LIMIT
from oversight.web.widgets import GovukDateField


class SampleForm(forms.Form):
    team: forms.ModelChoiceField[Team] = forms.ModelChoiceField(
        label="Team",
        queryset=None,
        empty_label="Choose a team",
        error_messages={
            "required": "Select the team to audit",
            "invalid_choice": "Select the team to audit",
        },
    )
    period_start = GovukDateField(
        label="Records from",
        help_text="For example, 1 4 2025",
        error_messages={"required": "Enter the first day of the period"},
    )
    period_end = GovukDateField(
        label="Records to",
        help_text="For example, 30 6 2025",
        error_messages={"required": "Enter the last day of the period"},
    )
    size = forms.IntegerField(
        label="How many records",
        min_value=1,
        max_value=LARGEST_SAMPLE,
        initial=5,
        error_messages={
            "required": "Enter how many records to draw",
            "invalid": "Enter how many records to draw as a number, like 5",
            "min_value": "Draw at least 1 record",
            "max_value": f"Draw at most {LARGEST_SAMPLE} records",
        },
    )
    seed = forms.IntegerField(
        label="Seed (optional)",
        required=False,
        min_value=0,
        max_value=SEED_LIMIT - 1,
        help_text="Leave blank for a new random draw. To draw an earlier sample again, enter its "
        "seed with the same team and period.",
        error_messages={
            "invalid": "Enter the seed as a whole number, like 482913",
            "min_value": "Enter a seed of 0 or more",
            "max_value": f"Enter a seed below {SEED_LIMIT:,}",
        },
    )

    def __init__(self, *args: Any, teams: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["team"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = teams

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", "The end of the period must be on or after its start")
        return cleaned


GRADE_CHOICES = [(str(value), f"{value} {label}") for value, label in Grade.choices]


class _Grades(forms.Form):
    """A grade and a comment for each criterion of the rubric."""

    grades_required = True

    def __init__(self, *args: Any, initial_grades: dict[str, Any] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        initial_grades = initial_grades or {}
        for criterion in RUBRIC:
            self.fields[f"grade_{criterion.key}"] = forms.ChoiceField(
                label=criterion.title,
                choices=GRADE_CHOICES,
                widget=forms.RadioSelect,
                required=self.grades_required,
                help_text=criterion.good,
                initial=str(initial_grades[criterion.key].grade)
                if criterion.key in initial_grades
                else None,
                error_messages={"required": f"Select a grade for {criterion.title.lower()}"},
            )
            self.fields[f"comment_{criterion.key}"] = forms.CharField(
                label=f"Comment on {criterion.title.lower()}",
                required=False,
                widget=forms.Textarea,
            )

    def criteria(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"grade_{c.key}"], self[f"comment_{c.key}"]) for c in RUBRIC]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for criterion in RUBRIC:
            grade = cleaned.get(f"grade_{criterion.key}")
            comment = (cleaned.get(f"comment_{criterion.key}") or "").strip()
            if grade and int(grade) < GOOD_OR_BETTER and not comment:
                self.add_error(
                    f"comment_{criterion.key}",
                    f"Say what would make {criterion.title.lower()} good, for a grade below good",
                )
        return cleaned

    def graded(self) -> dict[str, Graded]:
        return {
            c.key: Graded(
                int(self.cleaned_data[f"grade_{c.key}"]), self.cleaned_data[f"comment_{c.key}"]
            )
            for c in RUBRIC
            if self.cleaned_data.get(f"grade_{c.key}")
        }


class GradeForm(_Grades):
    summary = forms.CharField(
        label="Overall comment",
        required=False,
        widget=forms.Textarea,
        help_text="What the record does well and the one thing that would most improve it.",
    )


class ModerateForm(_Grades):
    comment = forms.CharField(
        label="Moderation comment",
        widget=forms.Textarea,
        help_text="Why you agree with the grades, or why you changed them.",
        error_messages={"required": "Say why you agree with the grades or why you changed them"},
    )


class RespondForm(forms.Form):
    response = forms.CharField(
        label="Your response",
        widget=forms.Textarea,
        help_text="What you take from the audit, anything you see differently, and what you will "
        "do.",
        error_messages={"required": "Write your response to the audit"},
    )
