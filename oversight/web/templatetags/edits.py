"""Template tags for forms that edit stored content (oversight.web.conflicts)."""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.http import HttpRequest

from oversight.web.conflicts import OPENED_FIELD, opened_answers

register = template.Library()


@register.simple_tag
def opened_answers_of(
    form: forms.BaseForm | None, carried: str | None = None, request: HttpRequest | None = None
) -> str:
    """What the page's answers were when it was first opened: worked out from the stored answers
    the first time, then carried unchanged (`carried`, what was posted) through pages shown again
    after a post; after a refused save, the answers saved now, since saving again accepts them."""
    if not carried and request is not None and request.method == "POST":
        carried = request.POST.get(OPENED_FIELD)
    if carried:
        return str(carried)
    if form is None:
        return ""
    if form.is_bound:
        value: Any = form.data.get(OPENED_FIELD, "")
        return str(value)
    return opened_answers(form)
