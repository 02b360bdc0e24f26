"""Forms for management oversight, group reflective supervision, practice observations and a
conference chair's dedicated supervision.

Every form takes `complete`: saving with the main button checks that the record says what the
policy asks for; "Save as draft" checks only what must be right to store anything (a real date,
people the writer may choose), so a half-written record is never lost.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from oversight.cases.models import Case
from oversight.organisation.models import Staff
from oversight.records.models import ChairReview, ObservationSetting
from oversight.web.widgets import GovukDateField


def _text(label: str, hint: str = "") -> forms.CharField:
    return forms.CharField(label=label, help_text=hint, required=False, widget=forms.Textarea)


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Staff) -> str:  # type: ignore[override]
        return obj.name


class StaffChoicesField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Staff) -> str:  # type: ignore[override]
        return obj.name


class CompletableForm(forms.Form):
    """A form whose `REQUIRED_TO_COMPLETE` fields are required only when saving in full."""

    REQUIRED_TO_COMPLETE: dict[str, str] = {}

    def __init__(self, *args: Any, complete: bool = False, **kwargs: Any) -> None:
        self.complete = complete
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.complete:
            for name, message in self.REQUIRED_TO_COMPLETE.items():
                if name not in self.errors and not cleaned.get(name):
                    self.add_error(name, message)
        return cleaned


def session_date_field(label: str, what: str) -> GovukDateField:
    return GovukDateField(
        label=label,
        help_text=f"For example, {timezone.localdate():%-d %-m %Y}",
        error_messages={
            "required": f"Enter the date of the {what}",
            "incomplete": f"Date of the {what} must include a %(missing)s",
            "invalid": f"Date of the {what} must be a real date",
        },
    )


def not_in_future(day: dt.date | None, what: str) -> dt.date | None:
    if day is not None and day > timezone.localdate():
        raise forms.ValidationError(f"Date of the {what} must be today or in the past")
    return day


# Decisions and actions, shared by every kind ---------------------------------------------------


class ActionForm(forms.Form):
    """One decision and action row; a row left completely blank is ignored."""

    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    decision = _text("Decision and why", "Purposeful: why are we doing this?")
    action = _text("Action", "Planned and focused: who will do what.")
    desired_outcome = _text("Desired outcome", "The difference it should make for the child.")
    due_date = GovukDateField(
        label="Due by",
        required=False,
        help_text="For example, 27 3 2026. Leave blank if there is no timescale.",
        error_messages={
            "incomplete": "Due date must include a %(missing)s",
            "invalid": "Due date must be a real date",
        },
    )
    owner = StaffChoiceField(
        label="Who is responsible",
        queryset=Staff.objects.none(),
        required=False,
        empty_label="Choose a person",
    )
    remove = forms.BooleanField(label="Remove this action", required=False)

    WRITTEN = ("decision", "action", "desired_outcome", "due_date", "owner")

    def __init__(self, *args: Any, owners: QuerySet[Staff], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners

    @property
    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not data.get("id") and not any(data.get(name) for name in self.WRITTEN)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.is_blank or cleaned.get("remove"):
            return cleaned
        if not (cleaned.get("action") or "").strip() and "action" not in self.errors:
            self.add_error("action", "Enter the action, or leave the whole row blank")
        if not cleaned.get("owner") and "owner" not in self.errors:
            self.add_error("owner", "Choose who is responsible for the action")
        return cleaned


class BaseActionFormSet(forms.BaseFormSet):
    def rows(self) -> list[dict[str, Any]]:
        """Rows to keep, change or remove: blank new rows are dropped."""
        return [f.cleaned_data for f in self.forms if not f.is_blank]


ActionFormSet = forms.formset_factory(ActionForm, formset=BaseActionFormSet, extra=0)
BLANK_ACTION_ROWS = 1


def action_formset(
    data: Any, *, owners: QuerySet[Staff], existing: list[dict[str, Any]], add_row: bool = False
) -> BaseActionFormSet:
    """The actions part of a page: existing rows plus one blank one; "Add another action"
    posts the page back with one more blank row and everything typed kept."""
    if data is None:
        initial = existing + [{} for _ in range(BLANK_ACTION_ROWS)]
        return ActionFormSet(prefix="actions", initial=initial, form_kwargs={"owners": owners})
    if add_row:
        data = data.copy()
        key = "actions-TOTAL_FORMS"
        data[key] = str(int(data.get(key) or 0) + 1)
    return ActionFormSet(data, prefix="actions", form_kwargs={"owners": owners})


# Management oversight / ad hoc case discussion ----------------------------------------------


class OversightForm(CompletableForm):
    type = forms.ChoiceField(
        label="What kind of discussion was it?",
        widget=forms.RadioSelect,
        choices=[
            ("management_oversight", "Management oversight: a decision about the child's plan"),
            ("case_discussion", "Ad hoc case discussion with the worker"),
        ],
        error_messages={"required": "Select what kind of discussion it was"},
    )
    date = session_date_field("Date of the discussion", "discussion")
    worker = StaffChoiceField(
        label="Worker",
        help_text="The worker whose case it is. They will be asked to agree the record.",
        queryset=Staff.objects.none(),
        empty_label="Choose a worker",
        error_messages={
            "required": "Choose the worker",
            "invalid_choice": "Choose a worker you supervise",
        },
    )
    discussion = _text(
        "What prompted it and what was discussed",
        "For example a change of circumstances or a new incident.",
    )
    decision = _text("Decision")
    rationale = _text(
        "Why (rationale)",
        "The evidence and reasoning, clear enough to defend the decision later.",
    )

    REQUIRED_TO_COMPLETE = {
        "decision": "Enter the decision",
        "rationale": "Enter why the decision was made",
    }

    def __init__(self, *args: Any, workers: QuerySet[Staff], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = workers

    def clean_date(self) -> dt.date | None:
        return not_in_future(self.cleaned_data.get("date"), "discussion")


# Group reflective supervision ---------------------------------------------------------------


class GroupForm(CompletableForm):
    date = session_date_field("Date of the group supervision", "group supervision")
    facilitator = StaffChoiceField(
        label="Who facilitated?",
        queryset=Staff.objects.none(),
        empty_label="Choose a person",
        error_messages={"required": "Choose who facilitated the group"},
    )
    attendees = StaffChoicesField(
        label="Who attended?",
        help_text="Select everyone who took part. Each of them can agree the record.",
        queryset=Staff.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    presented_by = StaffChoiceField(
        label="Who presented the case?",
        queryset=Staff.objects.none(),
        empty_label="Choose a person",
        required=False,
    )
    cases = forms.CharField(
        label="Children presented",
        help_text="Enter each child's ID, separated by commas. For example, C00123, C00124.",
        required=False,
    )
    presentation = _text(
        "The case or issue presented",
        "What was brought and what help was wanted. Use the child's ID, not their name.",
    )
    hypotheses = _text("Hypotheses", "The hypotheses and alternative explanations explored.")
    learning = _text("Learning", "What the presenter and the group take from it.")

    REQUIRED_TO_COMPLETE = {
        "attendees": "Select who attended the group",
        "presentation": "Enter the case or issue presented",
        "learning": "Enter what the group learned",
    }

    def __init__(
        self, *args: Any, team_staff: QuerySet[Staff], visible: QuerySet[Case], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.visible = visible
        for name in ("facilitator", "attendees", "presented_by"):
            self.fields[name].queryset = team_staff

    def clean_date(self) -> dt.date | None:
        return not_in_future(self.cleaned_data.get("date"), "group supervision")

    def clean_cases(self) -> list[Case]:
        wanted = [part.strip() for part in self.cleaned_data.get("cases", "").split(",")]
        found: dict[str, Case | None] = {}
        for case_id in dict.fromkeys(w for w in wanted if w):
            # Matched without regard to capitals, as people type IDs.
            found[case_id] = self.visible.filter(case_id__iexact=case_id).first()
        if missing := [case_id for case_id, case in found.items() if case is None]:
            raise forms.ValidationError(
                f"No child you can see has the ID {', '.join(missing)}. Check the IDs, separated "
                "by commas"
            )
        return [case for case in found.values() if case is not None]


# Practice observation ---------------------------------------------------------------------


class ObservationForm(CompletableForm):
    date = session_date_field("Date of the observation", "observation")
    setting = forms.ChoiceField(
        label="Where was the practice observed?",
        widget=forms.RadioSelect,
        choices=ObservationSetting.choices,
        required=False,
    )
    setting_detail = forms.CharField(
        label="Describe the setting",
        help_text="Needed if you chose Other. For example, a strategy meeting at the school.",
        required=False,
        max_length=200,
        error_messages={"max_length": "Description of the setting must be 200 characters or fewer"},
    )
    strengths = _text("Strengths", "What the worker did well, with examples.")
    areas_for_development = _text(
        "Areas for development", "What to work on, and the support or learning that would help."
    )
    worker_reflection = _text(
        "The worker's reflection",
        "The worker's own view of the observed work. They can also add it when they read the "
        "record.",
    )

    REQUIRED_TO_COMPLETE = {
        "setting": "Select where the practice was observed",
        "strengths": "Enter the strengths observed",
        "areas_for_development": "Enter the areas for development",
    }

    def clean_date(self) -> dt.date | None:
        return not_in_future(self.cleaned_data.get("date"), "observation")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if (
            cleaned.get("setting") == ObservationSetting.OTHER
            and not cleaned.get("setting_detail", "").strip()
        ):
            self.add_error("setting_detail", "Describe the setting, as you chose Other")
        return cleaned


# Conference chair supervision ---------------------------------------------------------------


class CaseChoicesField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Case) -> str:  # type: ignore[override]
        return str(obj)


class ChairForm(CompletableForm):
    date = session_date_field("Date of the supervision", "supervision")
    cases = CaseChoicesField(
        label="Which children were reviewed?",
        help_text="Children with a child protection plan. Those approaching 8 months of their "
        "plan are listed first.",
        queryset=Case.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": "Select children who have a child protection plan"},
    )

    REQUIRED_TO_COMPLETE = {"cases": "Select at least one child reviewed"}

    def __init__(self, *args: Any, cases: QuerySet[Case], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cases"].queryset = cases

    def clean_date(self) -> dt.date | None:
        return not_in_future(self.cleaned_data.get("date"), "supervision")


class ChairReviewForm(CompletableForm):
    """The eight questions of B 4, for one child."""

    REQUIRED_TO_COMPLETE = {
        "plan_effective": "Answer question 1: is the child protection plan effective?"
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ChairReview.QUESTIONS:
            label = ChairReview._meta.get_field(name).verbose_name
            self.fields[name] = forms.CharField(
                label=label[0].upper() + label[1:], required=False, widget=forms.Textarea
            )
