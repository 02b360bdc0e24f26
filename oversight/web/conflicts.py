"""The page a person sees when their save was refused because someone saved the same thing after
they opened it (oversight.versions.EditConflict): their own answers stay in the form, the error
summary says who saved and when, and what the other person saved is listed beside it, field by
field, wherever it differs from what this person typed. The version the page now carries is the
one just saved, so saving again is a deliberate choice made having seen the other changes.

Every form that edits stored content renders `records/includes/edit_conflict.html` and the hidden
version field (`version` in its context) the same way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms

from oversight.formatting import long_date, long_time
from oversight.versions import EditConflict
from oversight.web.templatetags.govuk import field_id


@dataclass(frozen=True)
class Difference:
    """One field where the stored answer differs from what this person typed."""

    label: str
    href: str
    theirs: str


def differences(posted: forms.BaseForm, stored: forms.BaseForm) -> list[Difference]:
    """The fields of `posted` (bound to what this person typed) whose answer differs from the
    answer in `stored` (an unbound copy of the form showing what is saved now)."""
    found = []
    for name, field in posted.fields.items():
        if field.disabled or field.widget.is_hidden or name not in stored.fields:
            continue
        theirs = stored[name].initial
        if field.has_changed(theirs, posted[name].data):
            bound = posted[name]
            found.append(Difference(str(bound.label), f"#{field_id(bound)}", shown(field, theirs)))
    return found


def shown(field: forms.Field, value: Any) -> str:
    """A stored answer as the person would recognise it on the form."""
    if value is None or value == "" or value == [] or value == ():
        return "(left blank)"
    if isinstance(field, forms.ModelChoiceField) and field.queryset is not None:
        keys = list(value) if isinstance(value, list | tuple) else [value]
        chosen = field.queryset.filter(pk__in=[getattr(k, "pk", k) for k in keys])
        return ", ".join(str(field.label_from_instance(o)) for o in chosen) or str(value)
    choices = getattr(field, "choices", None) or getattr(field.widget, "choices", None)
    if choices:
        labels = {str(key): str(label) for key, label in choices}
        if isinstance(value, list | tuple):
            return ", ".join(labels.get(str(v), str(v)) for v in value)
        return labels.get(str(value), str(value))
    if isinstance(value, dt.datetime):
        return long_time(value)
    if isinstance(value, dt.date):
        return long_date(value)
    if isinstance(value, dt.time):
        return f"{value:%H:%M}"
    return str(value)


def refuse(
    conflict: EditConflict, posted: forms.BaseForm, stored: forms.BaseForm, thing: str = "record"
) -> dict[str, Any]:
    """Put the conflict on `posted` (its error summary names it) and return the page's context:
    the differences to show and the version to carry from now on."""
    posted.add_error(None, conflict.message(thing))
    return {
        "conflict": {"who": conflict.who(), "differences": differences(posted, stored)},
        "version": conflict.version,
    }
