"""Forms for moving supervisees and recording leavers."""

from __future__ import annotations

from typing import Any

from django import forms

from oversight.web.widgets import GovukDateField


class ReassignForm(forms.Form):
    new_supervisor = forms.ModelChoiceField(
        label="Who will supervise them?",
        queryset=None,
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
        field = self.fields["new_supervisor"]
        field.queryset = candidates  # type: ignore[attr-defined]
        field.label_from_instance = lambda s: (  # type: ignore[attr-defined]
            f"{s.name} ({s.team})" if s.team_id else s.name
        )
        field.to_field_name = "staff_id"  # type: ignore[attr-defined]


class LeaverForm(forms.Form):
    last_day = GovukDateField(
        label="What is their last working day?",
        help_text="For example, 31 3 2025",
        error_messages={"required": "Enter their last working day"},
    )
