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
import hashlib
import json
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


# The hidden field carrying what each answer was when the page was opened, as short digests: a
# refused save can then tell what the other person changed from what this person changed.
OPENED_FIELD = "opened"


def _digest(field: forms.Field, value: Any) -> str:
    return hashlib.sha256(str(field.prepare_value(value)).encode()).hexdigest()[:16]


def opened_answers(form: forms.BaseForm) -> str:
    """The digests of the answers an unbound form shows (what is saved), for OPENED_FIELD."""
    return json.dumps(
        {
            name: _digest(field, form[name].initial)
            for name, field in form.fields.items()
            if not field.disabled and not field.widget.is_hidden
        },
        separators=(",", ":"),
    )


def _opened(data: Any) -> dict[str, str] | None:
    """The digests a posted form carried, or None when it carried none that can be read."""
    try:
        found = json.loads(str(data.get(OPENED_FIELD, "")))
    except ValueError:
        return None
    if not isinstance(found, dict):
        return None
    return {str(k): str(v) for k, v in found.items()}


def differences(posted: forms.BaseForm, stored: forms.BaseForm) -> list[Difference]:
    """The fields of `posted` (bound to what this person typed) where `stored` (an unbound copy
    of the form showing what is saved now) holds another answer that someone saved after this
    page was opened. A field only this person changed is not listed: their answer is in the form.
    """
    opened = _opened(posted.data)
    found = []
    for name, field in posted.fields.items():
        if field.disabled or field.widget.is_hidden or name not in stored.fields:
            continue
        theirs = stored[name].initial
        if opened is not None and opened.get(name) == _digest(field, theirs):
            continue  # saved as it was when this page was opened
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
        "opened": opened_answers(stored),
    }
