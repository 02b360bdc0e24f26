"""Forms for booking, writing and moving one-to-one and case supervision records.

Labels, hints and messages follow GOV.UK wording. Dates use the GOV.UK date input. No form here
saves anything itself: the views save inside one transaction, so a page with an error anywhere
writes nothing and shows back everything typed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.forms import BaseModelFormSet, modelformset_factory
from django.utils import timezone

from oversight.cases.models import Case
from oversight.organisation.models import Staff
from oversight.records.models import (
    Action,
    ActionStatus,
    CaseNote,
    Compliance,
    LearningActivity,
    ProfessionalRecord,
)
from oversight.web.widgets import GovukDateField

KIND_CHOICES = (
    ("individual", "One-to-one supervision"),
    ("case_discussion", "Case discussion only"),
)
KIND_HINTS = {
    "individual": "Professional supervision and the supervisee's cases.",
    "case_discussion": "Only children's cases, for example an allocation or a decision.",
}


class TimeOfDayField(forms.TimeField):
    """A time typed as 14:30 or 2:30pm, with a GOV.UK message naming the format."""

    widget = forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"})
    input_formats = ["%H:%M", "%H.%M", "%I:%M%p", "%I:%M %p", "%I%p", "%I %p", "%H%M"]
    default_error_messages = {
        "invalid": "Enter a real time, like 09:30 or 14:15",
    }

    def to_python(self, value: Any) -> dt.time | None:
        if isinstance(value, str):
            value = value.strip().lower().replace("am", "AM").replace("pm", "PM")
        return super().to_python(value)


class BookSessionForm(forms.Form):
    kind = forms.ChoiceField(
        label="What kind of supervision is it?",
        choices=KIND_CHOICES,
        widget=forms.RadioSelect,
        initial="individual",
        error_messages={"required": "Select what kind of supervision it is"},
    )
    date = GovukDateField(
        label="Date",
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date of the session"},
    )
    start_time = TimeOfDayField(
        label="Start time",
        help_text="For example, 09:30 or 14:15",
        error_messages={"required": "Enter the start time, like 09:30 or 14:15"},
    )
    duration_minutes = forms.IntegerField(
        label="Length in minutes",
        help_text="For example, 90",
        min_value=5,
        max_value=480,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the length of the session in minutes, like 90",
            "invalid": "Length must be a whole number of minutes, like 90",
            "min_value": "Length must be 5 minutes or more",
            "max_value": "Length must be 480 minutes (8 hours) or less",
        },
    )
    location = forms.CharField(
        label="Place",
        help_text="For example, meeting room 2, or online",
        max_length=200,
        error_messages={
            "required": "Enter where the session will take place",
            "max_length": "Place must be 200 characters or fewer",
        },
    )


class AgendaItemForm(forms.Form):
    text = forms.CharField(
        label="What do you want to discuss?",
        widget=forms.Textarea,
        error_messages={"required": "Enter what you want to discuss"},
    )


class ProfessionalForm(forms.ModelForm):
    """The checklist topics of N Appendix 8, and when the next one-to-one will be."""

    next_session_date = GovukDateField(
        label="Date of the next one-to-one", help_text="For example, 24 4 2026", required=False
    )
    next_session_time = TimeOfDayField(
        label="Time of the next one-to-one",
        help_text="For example, 09:30 or 14:15",
        required=False,
    )

    class Meta:
        model = ProfessionalRecord
        fields = ProfessionalRecord.TOPICS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        when = self.instance.next_session_at
        if when is not None and not self.is_bound:
            local = timezone.localtime(when)
            self.initial["next_session_date"] = local.date()
            self.initial["next_session_time"] = local.time()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        time_without_date = data.get("next_session_time") and not data.get("next_session_date")
        if time_without_date and "next_session_date" not in self.errors:
            self.add_error("next_session_date", "Enter the date of the next one-to-one")
        return data

    def next_session_at(self) -> dt.datetime | None:
        day = self.cleaned_data.get("next_session_date")
        if day is None:
            return None
        time = self.cleaned_data.get("next_session_time") or dt.time(9, 0)
        return timezone.make_aware(dt.datetime.combine(day, time))


class ActionForm(forms.ModelForm):
    """One row of the decisions and actions table."""

    due_date = GovukDateField(label="Timescale", help_text="Due by. For example, 17 3 2026")
    owner = forms.ModelChoiceField(
        label="Who will do it",
        queryset=Staff.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Select who will do it"},
    )

    class Meta:
        model = Action
        fields = ["decision", "action", "desired_outcome", "due_date", "owner"]
        labels = {"decision": "Decision and why", "desired_outcome": "Desired outcome"}
        widgets = {
            "decision": forms.Textarea,
            "action": forms.Textarea,
            "desired_outcome": forms.Textarea,
        }
        error_messages = {"action": {"required": "Enter the action: who will do what"}}

    def __init__(self, *args: Any, people: list[Staff] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["due_date"].required = False
        self.fields["owner"].queryset = Staff.objects.filter(pk__in=[p.pk for p in people or []])
        self.fields["owner"].label_from_instance = lambda staff: staff.name


class ProfessionalActionForm(ActionForm):
    """The summary table of N Appendix 8: discussion, action, timescale."""

    class Meta(ActionForm.Meta):
        fields = ["decision", "action", "due_date", "owner"]
        labels = {"decision": "Discussion"}
        help_texts = {"decision": "", "action": "Who will do what."}


class ActionFormSet(BaseModelFormSet):
    deletion_widget = forms.CheckboxInput

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "Remove this row"


def action_formset(
    professional: bool,
) -> type[BaseModelFormSet]:
    form = ProfessionalActionForm if professional else ActionForm
    return modelformset_factory(Action, form=form, formset=ActionFormSet, extra=1, can_delete=True)


class LearningActivityForm(forms.ModelForm):
    class Meta:
        model = LearningActivity
        fields = ["activity", "intended_outcome", "how_it_helped"]
        labels = {
            "activity": "What activity was undertaken",
            "intended_outcome": "Intended outcome",
            "how_it_helped": "How it has helped you or the service",
        }
        widgets = {
            "activity": forms.Textarea,
            "intended_outcome": forms.Textarea,
            "how_it_helped": forms.Textarea,
        }
        error_messages = {"activity": {"required": "Enter what activity was undertaken"}}


LearningFormSet = modelformset_factory(
    LearningActivity, form=LearningActivityForm, formset=ActionFormSet, extra=1, can_delete=True
)


def _compliance_field(label: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label, choices=Compliance.choices, required=False, widget=forms.RadioSelect
    )


class CaseNoteForm(forms.ModelForm):
    """The reflective discussion (PPF) and the non-negotiables of N Appendices 3 to 5."""

    family_details_complete = _compliance_field("Family details complete")
    childs_views_evident = _compliance_field("Child's views evident on file")
    seen_alone = _compliance_field("Child seen alone")
    timescales_met = _compliance_field("Assessment and visit timescales met")
    plans_up_to_date = _compliance_field("Plans, reviews, core groups and PEPs up to date")
    reports_shared = _compliance_field("Reports shared with the family")

    REFLECTION = ("purpose", "plan", "focus", "analysis", "identity")

    class Meta:
        model = CaseNote
        fields = CaseNote.WRITTEN_FIELDS
        labels = {
            "purpose": "Purpose",
            "plan": "Plan: progress and outcomes",
            "focus": "Focus: the child's story",
            "analysis": "Analysis: current hypothesis and alternative explanations",
            "identity": "Identity and difference",
            "family_details_comment": "Comment",
            "childs_views_comment": "Comment",
            "seen_alone_comment": "Comment",
            "timescales_comment": "Comment",
            "plans_comment": "Comment",
            "reports_shared_comment": "Comment",
        }
        widgets = {name: forms.Textarea for name in CaseNote.WRITTEN_FIELDS}

    def non_negotiables(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[answer], self[comment]) for answer, comment in CaseNote.NON_NEGOTIABLES]


REVIEW_CHOICES = (
    (ActionStatus.ACHIEVED.value, "Achieved"),
    (ActionStatus.NOT_ACHIEVED.value, "Not achieved"),
    (ActionStatus.OPEN.value, "Not reviewed yet"),
)


class ReviewActionForm(forms.Form):
    """Whether an action from the previous supervision was achieved (B 3.3, N Appendix 4)."""

    status = forms.ChoiceField(
        label="Was it achieved?", choices=REVIEW_CHOICES, widget=forms.RadioSelect
    )
    comment = forms.CharField(label="Comment", required=False, widget=forms.Textarea)


class ChooseCasesForm(forms.Form):
    cases = forms.MultipleChoiceField(
        label="Which children did you discuss?",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, caseload: list[Case], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cases"].choices = [(str(c.pk), str(c)) for c in caseload]


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label="Why are you returning the record?",
        help_text="Say what needs to change, so your supervisor can correct it.",
        widget=forms.Textarea,
        error_messages={"required": "Enter why you are returning the record"},
    )


class AddendumForm(forms.Form):
    text = forms.CharField(
        label="Addendum",
        help_text="The correction or addition. The agreed record stays as it was.",
        widget=forms.Textarea,
        error_messages={"required": "Enter the correction or addition"},
    )
    case = forms.ModelChoiceField(
        label="Which child is it about?",
        help_text="Choose a child so the addendum also shows in their chronology.",
        queryset=Case.objects.none(),
        required=False,
        empty_label="Not about one child",
    )

    def __init__(self, *args: Any, cases: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if cases is not None:
            self.fields["case"].queryset = cases


class DisagreementForm(forms.Form):
    what = forms.CharField(
        label="What is the disagreement about?",
        widget=forms.Textarea,
        error_messages={"required": "Enter what the disagreement is about"},
    )
    proposed_resolution = forms.CharField(
        label="What will be done to resolve it",
        help_text="Or why it needs a three-way meeting with the supervisor's line manager.",
        widget=forms.Textarea,
        required=False,
    )


class EscalateForm(forms.Form):
    meeting_date = GovukDateField(
        label="Date of the three-way meeting",
        help_text="With the supervisor's line manager. For example, 27 3 2026",
        error_messages={"required": "Enter the date of the three-way meeting"},
    )


class ResolveForm(forms.Form):
    outcome = forms.CharField(
        label="Outcome and next steps",
        widget=forms.Textarea,
        error_messages={"required": "Enter the outcome and the next steps"},
    )
