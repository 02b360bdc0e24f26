"""A form's own copy of one of its choice fields, to set its choices or queryset for this page.

A form's `fields` are typed as plain `Field`s; these say which kind a field is (and fail loudly
if a form is changed so that it is not), so the choices a page offers are checked by mypy.
"""

from __future__ import annotations

from typing import Any

from django import forms


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"The form's {name} field is not a choice field")
    return field


def model_choice_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField[Any]:
    field = form.fields[name]
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError(f"The form's {name} field is not a choice of records")
    return field
