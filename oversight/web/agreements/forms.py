"""The terms of a supervision agreement (N Appendix 1, B Appendix A), as one GOV.UK form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from oversight.engine.periods import PeriodTooLong, parse_period
from oversight.model_fields import own_field
from oversight.supervision.models import AGREEMENT_TERMS, Agreement, validate_frequency

# The frequencies people choose in practice. The engine lets a more frequent agreed frequency win
# and ignores a less frequent one, so there is no point offering, say, every 3 months.
FREQUENCY_CHOICES = [
    ("", "As the policy says"),
    ("7d", "Every week (7d)"),
    ("14d", "Every 2 weeks (14d)"),
    ("21d", "Every 3 weeks (21d)"),
    ("28d", "Every 4 weeks (28d)"),
    ("1m", "Every month (1m)"),
    ("6w", "Every 6 weeks (6w)"),
    ("56d", "Every 8 weeks (56d)"),
]


def frequency_label(value: str) -> str:
    """How an agreed frequency reads on a page: "Every 2 weeks (14d)", "As the policy says"."""
    for choice, label in FREQUENCY_CHOICES:
        if choice == value:
            return label
    try:
        words = parse_period(value).describe()
    except ValueError:
        return value
    return f"Every {words[2:] if words.startswith('1 ') else words} ({value})"


def _max_length(name: str) -> int | None:
    return own_field(Agreement, name).max_length


def _text(label: str, hint: str, *, textarea: bool = True, name: str = "") -> forms.CharField:
    limit = _max_length(name) if name else None
    return forms.CharField(
        label=label,
        help_text=hint,
        required=False,
        max_length=limit,
        widget=forms.Textarea if textarea else forms.TextInput,
        error_messages={
            "max_length": f"{label.rstrip('?')} must be {limit} characters or fewer",
        },
    )


class AgreementForm(forms.Form):
    """Every field is optional: a draft can be saved at any point. What confirming needs is
    checked by `Agreement.confirm`, which names each missing term."""

    frequency = forms.CharField(
        label="How often will supervision happen?",
        required=False,
        widget=forms.Select(choices=FREQUENCY_CHOICES),
    )
    session_length = _text(
        "How long will each session last?",
        "For example, 90 minutes.",
        textarea=False,
        name="session_length",
    )
    location = _text(
        "Where will supervision take place?",
        "For example, meeting room 2, or online.",
        textarea=False,
        name="location",
    )
    recording = _text(
        "Who is responsible for recording supervision?",
        "Who writes the record, where it is kept, and how you both sign it.",
    )
    confidentiality = _text(
        "What is the extent of confidentiality?",
        "What stays between you, and what has to be shared and with whom, for example "
        "concerns about a child's safety.",
    )
    agenda_setting = _text(
        "How will the agenda be set?",
        "Who adds items and when, for example both of you, 2 days before each session.",
    )
    mediating_difficulties = _text(
        "How will difficulties be resolved?",
        "What happens if you disagree, for example a meeting with the supervisor's line manager.",
    )
    other_issues = _text(
        "Any other issues to record (optional)",
        "For example, arrangements for unplanned or group supervision, or for reviewing this "
        "agreement.",
    )

    field_order = list(AGREEMENT_TERMS)

    def __init__(self, *args: Any, policy_hint: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["frequency"]
        field.help_text = policy_hint
        # An imported or earlier agreement can hold a frequency that is not in the list (3w);
        # offer it too, so opening and saving the form never changes it without anyone asking,
        # and a value that is not a frequency at all stays on show beside its error message.
        current = str(self["frequency"].value() or "")
        choices = list(FREQUENCY_CHOICES)
        if current and current not in dict(choices):
            try:
                label = frequency_label(validate_frequency(current))
            except ValidationError:
                label = f"{current} (not a frequency)"
            choices.append((current, label))
        field.widget.choices = choices

    def clean_frequency(self) -> str:
        typed = str(self.cleaned_data.get("frequency") or "").strip()
        try:
            parse_period(typed)
        except PeriodTooLong as error:
            # Say what is really wrong: it is a period, just not one anybody could mean.
            raise ValidationError(
                f"{error}. Choose a frequency from the list, or leave it empty to follow the "
                "policy",
                code="too_long",
            ) from None
        except ValueError:
            pass
        return validate_frequency(typed)

    def terms(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name, "") for name in AGREEMENT_TERMS}
