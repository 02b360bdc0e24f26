"""Forms for booking, writing and moving supervision records of every type.

Labels, hints and messages follow GOV.UK wording. Dates use the GOV.UK date input. No form here
saves anything itself: the views save inside one transaction, so a page with an error anywhere
writes nothing and shows back everything typed.

The forms of the record types written on one page (oversight, group, observation, chair) take
`complete`: saving with the main button checks that the record says what the policy asks for;
"Save as draft" checks only what must be right to store anything (a real date, people the writer
may choose), so a half-written record is never lost.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.forms import BaseModelFormSet, modelformset_factory
from django.utils import timezone

from oversight.cases.models import Case
from oversight.model_fields import own_field
from oversight.organisation.models import Staff
from oversight.records.kss import statement_choices
from oversight.records.models import (
    Action,
    ActionStatus,
    Capacity,
    CaseNote,
    ChairReview,
    Compliance,
    LearningActivity,
    ObservationSetting,
    ProfessionalRecord,
)
from oversight.web.form_fields import choice_field, model_choice_field
from oversight.web.templatetags.govuk import govuk_error_list
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
    """A time typed as 14:30 or 2:30pm, with a GOV.UK message naming the format.

    A stored time is shown as 14:30, the way people type it: a plain text input would show
    Python's 14:30:00. The seconds are still accepted back, from a page saved before that.
    """

    widget = forms.TimeInput(format="%H:%M", attrs={"autocomplete": "off", "spellcheck": "false"})
    input_formats = [
        "%H:%M",
        "%H:%M:%S",
        "%H.%M",
        "%I:%M%p",
        "%I:%M %p",
        "%I%p",
        "%I %p",
        "%H%M",
    ]
    default_error_messages = {
        "invalid": "Enter a real time, like 09:30 or 14:15",
    }

    def to_python(self, value: Any) -> dt.time | None:
        if isinstance(value, str):
            value = value.strip().lower().replace("am", "AM").replace("pm", "PM")
        return super().to_python(value)


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Staff) -> str:
        return obj.name


class StaffChoicesField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Staff) -> str:
        return obj.name


def joint_supervisees_field(first: str = "") -> StaffChoicesField:
    """Who else is supervised in a case discussion, jointly working with the family (B 3.1.10);
    the choices are set by the form, from oversight.access.records.joint_supervisee_choices."""
    return StaffChoicesField(
        label="Is anyone else working with the family supervised with them?",
        help_text=f"{first}Select each worker jointly working with the family. The discussion "
        "counts as case supervision of every child discussed, whoever holds them, and each "
        "worker agrees the record for themselves.",
        queryset=Staff.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": "Choose people you supervise from the list"},
    )


class JointSupervisionForm(forms.Form):
    joint = joint_supervisees_field()

    def __init__(self, *args: Any, joint_choices: QuerySet[Staff], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["joint"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = joint_choices


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
    repeat = forms.ChoiceField(
        label="Book the year ahead?",
        choices=[("once", "No, just this session"), ("year", "Yes, the next 12 months")],
        widget=forms.RadioSelect,
        initial="once",
        required=False,  # a form without the question books one session, as it always has
    )
    # Joint supervision (B 3, 3.1.10): others working with the same family, supervised together.
    joint = joint_supervisees_field("For a case discussion only. ")

    def __init__(self, *args: Any, joint_choices: QuerySet[Staff], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["joint"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = joint_choices

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("joint") and cleaned.get("kind") != "case_discussion":
            self.add_error(
                "joint",
                "Only a case discussion can be held jointly. Choose case discussion, or clear "
                "the other workers",
            )
        return cleaned


class AgendaItemForm(forms.Form):
    text = forms.CharField(
        label="What do you want to discuss?",
        widget=forms.Textarea,
        error_messages={"required": "Enter what you want to discuss"},
    )


def kss_field(label: str, hint: str) -> forms.MultipleChoiceField:
    """Tags from the Knowledge and Skills Statements (oversight/records/kss.py); the choices are
    set for the supervisee by the form."""
    return forms.MultipleChoiceField(
        label=label,
        help_text=hint,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose statements from the list"},
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
    within_capacity = forms.ChoiceField(
        label="Is the caseload within the supervisee's competence and capacity?",
        choices=Capacity.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    kss = kss_field(
        "Knowledge and skills statements discussed",
        "Tick each statement the discussion covered.",
    )

    # Laid out in sections of their own on the page, not in the list of topics.
    SECTIONED = ("workload", "within_capacity", "kss", "next_session_date", "next_session_time")

    class Meta:
        model = ProfessionalRecord
        fields = (*ProfessionalRecord.TOPICS, "within_capacity", "kss")

    def __init__(self, *args: Any, supervisee: Staff | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "kss").choices = statement_choices(supervisee)
        when = self.instance.next_session_at
        if when is not None and not self.is_bound:
            local = timezone.localtime(when)
            self.initial["next_session_date"] = local.date()
            self.initial["next_session_time"] = local.time()

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
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


# Rows a page takes of one kind (actions, learning activities). Far more than any record needs;
# without a limit a post claiming a million rows would have the page build and draw a thousand.
MAX_ROWS = 100
TOO_MANY_ROWS = "A record can hold at most %(num)d rows here: remove some rows and save again"


class RemovableFormSet(BaseModelFormSet):
    """Rows saved with the page; an existing row can be ticked to remove it."""

    deletion_widget = forms.CheckboxInput
    default_error_messages = {"too_many_forms": TOO_MANY_ROWS}

    def add_fields(self, form: forms.ModelForm[Any], index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "Remove this row"


class LearningActivityForm(forms.ModelForm):
    kss = kss_field(
        "Knowledge and skills statements it developed",
        "Tick each statement the activity helped with.",
    )

    class Meta:
        model = LearningActivity
        fields = ["activity", "intended_outcome", "how_it_helped", "kss"]
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

    def __init__(self, *args: Any, supervisee: Staff | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "kss").choices = statement_choices(supervisee)


LearningFormSet = modelformset_factory(
    LearningActivity,
    form=LearningActivityForm,
    formset=RemovableFormSet,
    extra=1,
    can_delete=True,
    max_num=MAX_ROWS,
    validate_max=True,
    absolute_max=MAX_ROWS,
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
        choice_field(self, "cases").choices = [(str(c.pk), str(c)) for c in caseload]


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
            model_choice_field(self, "case").queryset = cases


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


def _text(label: str, hint: str = "") -> forms.CharField:
    return forms.CharField(label=label, help_text=hint, required=False, widget=forms.Textarea)


class CompletableForm(forms.Form):
    """A form whose `REQUIRED_TO_COMPLETE` fields are required only when saving in full."""

    REQUIRED_TO_COMPLETE: dict[str, str] = {}
    DATE_OF = ""  # what the form's `date` is the date of, for its message

    def __init__(self, *args: Any, complete: bool = False, **kwargs: Any) -> None:
        self.complete = complete
        super().__init__(*args, **kwargs)

    def clean_date(self) -> dt.date | None:
        return not_in_future(self.cleaned_data.get("date"), self.DATE_OF)

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


# Decisions and actions, one form for every kind of record -----------------------------------------


class ActionForm(forms.Form):
    """One decision and action row; a row with nothing written is ignored (the person responsible
    may be chosen already: the one-to-one pages offer the supervisee)."""

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

    WRITTEN = ("decision", "action", "desired_outcome", "due_date")

    def __init__(
        self, *args: Any, owners: QuerySet[Staff], with_outcome: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "owner").queryset = owners
        if not with_outcome:
            # The summary table of N Appendix 8: discussion, action, timescale.
            del self.fields["desired_outcome"]
            self.fields["decision"].label = "Discussion"
            self.fields["decision"].help_text = ""
            self.fields["action"].help_text = "Who will do what."

    @property
    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not data.get("id") and not any(data.get(name) for name in self.WRITTEN)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.is_blank or cleaned.get("remove"):
            return cleaned
        if not (cleaned.get("action") or "").strip() and "action" not in self.errors:
            self.add_error("action", "Enter the action: who will do what, or leave the row blank")
        if not cleaned.get("owner") and "owner" not in self.errors:
            self.add_error("owner", "Choose who is responsible for the action")
        return cleaned


class BaseActionFormSet(forms.BaseFormSet):
    default_error_messages = {"too_many_forms": TOO_MANY_ROWS}

    def rows(self) -> list[dict[str, Any]]:
        """Rows to keep, change or remove: blank new rows are dropped."""
        return [f.cleaned_data for f in self.forms if not f.is_blank]


ActionFormSet = forms.formset_factory(
    ActionForm,
    formset=BaseActionFormSet,
    extra=0,
    max_num=MAX_ROWS,
    validate_max=True,
    absolute_max=MAX_ROWS,
)


def _action_formset(data: Any = None, **kwargs: Any) -> BaseActionFormSet:
    formset = ActionFormSet(data, prefix="actions", **kwargs)
    # formset_factory made ActionFormSet from BaseActionFormSet; its stub promises only a
    # BaseFormSet.
    assert isinstance(formset, BaseActionFormSet)
    return formset


def action_formset(
    data: Any,
    *,
    owners: QuerySet[Staff],
    existing: list[dict[str, Any]],
    new_row: dict[str, Any] | None = None,
    with_outcome: bool = True,
) -> BaseActionFormSet:
    """The actions part of a page: the existing rows plus one blank one (`new_row` pre-fills it),
    or the rows posted."""
    form_kwargs = {"owners": owners, "with_outcome": with_outcome}
    if data is None:
        initial = [*existing, dict(new_row or {})]
        return _action_formset(initial=initial, form_kwargs=form_kwargs)
    return _action_formset(data, form_kwargs=form_kwargs)


def action_rows(actions: Iterable[Action]) -> list[dict[str, Any]]:
    """Existing actions as the formset's initial rows."""
    return [
        {
            "id": a.pk,
            "decision": a.decision,
            "action": a.action,
            "desired_outcome": a.desired_outcome,
            "due_date": a.due_date,
            "owner": a.owner_id,
        }
        for a in actions
    ]


def error_summary(*forms_and_sets: Any) -> list[dict[str, str]]:
    """Every problem on a page of several forms and formsets, for its one error summary."""
    items: list[dict[str, str]] = []
    for thing in forms_and_sets:
        if isinstance(thing, forms.BaseFormSet):
            if thing.is_bound:
                items.extend({"text": str(e), "href": ""} for e in thing.non_form_errors())
            items.extend(error_summary(*thing.forms))
        elif thing.is_bound and thing.errors:
            items.extend(govuk_error_list(thing))
    return items


def posted(form: forms.Form) -> dict[str, Any]:
    """What was typed into a bound form, as initial data for an unbound copy of it: a page posted
    back to add a row or choose children shows everything typed without judging any of it."""
    return {name: form[name].data for name in form.fields}


def unjudged(formset: BaseActionFormSet, add_row: bool = False) -> BaseActionFormSet:
    """The posted rows, unbound so nothing is judged, and one more blank row if `add_row`
    ("Add another action")."""
    initial = [posted(row) for row in formset.forms] + ([{}] if add_row else [])
    return _action_formset(initial=initial, form_kwargs=formset.form_kwargs)


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
        model_choice_field(self, "worker").queryset = workers

    DATE_OF = "discussion"


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
        help_text="Select everyone who took part. Each of them is asked to agree the record.",
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
        self,
        *args: Any,
        team_staff: QuerySet[Staff],
        members: QuerySet[Staff],
        visible: QuerySet[Case],
        **kwargs: Any,
    ) -> None:
        """`team_staff` may facilitate or present; `members` (the writer aside) attended."""
        super().__init__(*args, **kwargs)
        self.visible = visible
        for name in ("facilitator", "presented_by"):
            model_choice_field(self, name).queryset = team_staff
        model_choice_field(self, "attendees").queryset = members

    DATE_OF = "group supervision"

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

    DATE_OF = "observation"

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
    def label_from_instance(self, obj: Case) -> str:
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
        model_choice_field(self, "cases").queryset = cases

    DATE_OF = "supervision"


class ChairReviewForm(CompletableForm):
    """The eight questions of B 4, for one child."""

    REQUIRED_TO_COMPLETE = {
        "plan_effective": "Answer question 1: is the child protection plan effective?"
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ChairReview.QUESTIONS:
            label = own_field(ChairReview, name).verbose_name
            self.fields[name] = forms.CharField(
                label=label[0].upper() + label[1:], required=False, widget=forms.Textarea
            )


class MoveSessionForm(forms.Form):
    """Re-arranging a booking (N 5.1): the new date and time, and why."""

    date = GovukDateField(
        label="New date",
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the new date of the session"},
    )
    start_time = TimeOfDayField(
        label="New start time",
        help_text="For example, 09:30 or 14:15",
        error_messages={"required": "Enter the new start time, like 09:30 or 14:15"},
    )
    reason = forms.CharField(
        label="Why is the session being moved?",
        widget=forms.Textarea,
        error_messages={"required": "Enter why the session is being moved"},
    )


class CancelSessionForm(forms.Form):
    reason = forms.CharField(
        label="Why did the session not take place?",
        help_text="For example, the worker was off sick. Re-arrange it as soon as you can.",
        widget=forms.Textarea,
        error_messages={"required": "Enter why the session was cancelled"},
    )
