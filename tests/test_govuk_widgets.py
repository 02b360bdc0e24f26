"""GovukDateField / GovukDateWidget and {% govuk_field %}, without a browser."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.template import engines
from hypothesis import given, settings
from hypothesis import strategies as st

from oversight.web.widgets import GovukDateField


class DateForm(forms.Form):
    held_on = GovukDateField(label="Date held")


def parts(day: str, month: str, year: str) -> dict[str, str]:
    return {"held_on_day": day, "held_on_month": month, "held_on_year": year}


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (parts("", "", ""), "Enter a date"),
        (parts("", "3", "2025"), "Date must include a day"),
        (parts("", "", "2025"), "Date must include a day and month"),
        (parts("1", "3", ""), "Date must include a year"),
        (parts("31", "2", "2025"), "Date must be a real date"),
        (parts("1", "13", "2025"), "Date must be a real date"),
        (parts("x", "3", "2025"), "Date must be a real date"),
        (parts("1", "3", "25"), "Year must include 4 numbers"),
        (parts("9" * 30, "3", "2025"), "Date must be a real date"),
        (parts("1", "9" * 30, "2025"), "Date must be a real date"),
        (parts("9" * 5000, "9" * 5000, "2025"), "Date must be a real date"),
        (parts("1", "3", "9" * 30), "Year must include 4 numbers"),
        (parts("1", "3", "0000"), "Date must be a real date"),
        (parts("\N{SUPERSCRIPT TWO}", "3", "2025"), "Date must be a real date"),
        (parts("\N{ARABIC-INDIC DIGIT SEVEN}", "3", "2025"), "Date must be a real date"),
    ],
)
def test_date_errors(data, error):
    form = DateForm(data=data)
    assert not form.is_valid()
    assert form.errors["held_on"] == [error]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (parts("27", "3", "2025"), dt.date(2025, 3, 27)),
        (parts("07", "03", "2025"), dt.date(2025, 3, 7)),
        (parts(" 29 ", "2", "2024"), dt.date(2024, 2, 29)),
    ],
)
def test_real_dates(data, expected):
    form = DateForm(data=data)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["held_on"] == expected


def render(template: str, **context) -> str:
    return engines["django"].from_string("{% load govuk %}" + template).render(context)


def test_date_field_renders_three_boxes_with_what_was_typed():
    html = render("{% govuk_field form.held_on %}", form=DateForm(data=parts("31", "2", "2025")))
    assert 'role="group"' in html
    assert '<legend class="govuk-fieldset__legend">' in html
    for box, value in (("day", "31"), ("month", "2"), ("year", "2025")):
        assert f'id="id_held_on_{box}" name="held_on_{box}"' in html
        assert f'value="{value}"' in html
    assert html.count("govuk-input--error") == 3
    assert '<span class="govuk-visually-hidden">Error:</span> Date must be a real date' in html


def test_initial_date_is_split_into_boxes():
    html = render(
        "{% govuk_field form.held_on %}", form=DateForm(initial={"held_on": dt.date(2025, 3, 7)})
    )
    assert 'value="7"' in html
    assert 'value="3"' in html
    assert 'value="2025"' in html
    assert "govuk-input--error" not in html


def test_single_text_date_input_is_refused():
    class Plain(forms.Form):
        when = forms.DateField()

    with pytest.raises(ImproperlyConfigured, match="GovukDateField"):
        render("{% govuk_field form.when %}", form=Plain())


def test_text_input_with_hint_and_error():
    class NameForm(forms.Form):
        name = forms.CharField(help_text="Your full name")

    html = render(
        "{% govuk_field form.name classes='govuk-input--width-20' %}", form=NameForm(data={})
    )
    assert 'class="govuk-form-group govuk-form-group--error"' in html
    assert '<label class="govuk-label" for="id_name">Name</label>' in html
    assert '<div id="id_name-hint" class="govuk-hint">Your full name</div>' in html
    assert 'class="govuk-input govuk-input--width-20 govuk-input--error"' in html
    assert 'aria-describedby="id_name-hint id_name-error"' in html


def test_error_summary_links_to_fields():
    class F(forms.Form):
        name = forms.CharField()
        kind = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)

    html = render('{% include "govuk/error_summary.html" %}', form=F(data={}))
    assert 'role="alert"' in html
    assert '<a href="#id_name">' in html
    assert '<a href="#id_kind_0">' in html
    assert render('{% include "govuk/error_summary.html" %}', form=F()).strip() == ""


# Anything a person (or a script) can type into the boxes: digits of any length, other numerals,
# signs, spaces, slashes and the rest of Unicode.
typed_part = st.one_of(
    st.text(max_size=12),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.text(alphabet="0123456789", min_size=0, max_size=60),
    st.sampled_from(["", "0", "00", "31", "29", "02", "2024", "9999", "0001", " 1 ", "1/2"]),
)


@settings(max_examples=300, deadline=None)
@given(day=typed_part, month=typed_part, year=typed_part)
def test_any_typed_date_gives_a_date_or_a_form_error_never_an_exception(day, month, year):
    form = DateForm(data=parts(day, month, year))

    if form.is_valid():
        assert isinstance(form.cleaned_data["held_on"], dt.date)
    else:
        assert form.errors["held_on"][0] in {
            "Enter a date",
            "Date must include a day",
            "Date must include a month",
            "Date must include a year",
            "Date must include a day and month",
            "Date must include a day and year",
            "Date must include a month and year",
            "Year must include 4 numbers",
            "Date must be a real date",
        }
    form.as_div()  # the page showing it back draws too
