"""GOV.UK Design System markup for Django forms.

    {% load govuk %}
    <form method="post" novalidate>
      {% csrf_token %}
      {% include "govuk/error_summary.html" %}
      {% govuk_field form.name %}
      {% govuk_field form.notes label_class="govuk-label--m" rows=8 %}
      {% govuk_field form.held_on legend_class="govuk-fieldset__legend--m" %}
      <button type="submit" class="govuk-button" data-module="govuk-button">Save</button>
    </form>

``govuk_field`` options (all optional):
    label            label or legend text instead of the field's label
    label_class      e.g. "govuk-label--l" (inputs) — also used for the legend if legend_class
                     is not given, mapped to "govuk-fieldset__legend--l"
    legend_class     e.g. "govuk-fieldset__legend--m" (radios, checkboxes, dates)
    is_page_heading  wrap the label / legend in the page's <h1>
    hint             hint text instead of the field's help_text
    classes          extra classes on the input, e.g. "govuk-input--width-10"
    inline           radios side by side (two short options only)
    small            small radios / checkboxes
    rows             textarea rows (default 5)
    error            one message to show instead of the field's own errors
    autofocus        keep a widget's autofocus (stripped by default: it disorientates
                     screen reader users)

Markup follows govuk-frontend's fixtures (dist/govuk/components/*/fixtures.json).
"""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.core.exceptions import NON_FIELD_ERRORS, ImproperlyConfigured
from django.forms.boundfield import BoundField
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from oversight.web.widgets import GovukDateWidget, date_parts, date_problem, split_date_value

register = template.Library()


def _kind(bound_field: BoundField) -> str:
    widget = bound_field.field.widget
    if isinstance(widget, GovukDateWidget):
        return "date"
    if isinstance(bound_field.field, forms.DateField) and not widget.is_hidden:
        raise ImproperlyConfigured(
            f"{bound_field.name}: dates must use the GOV.UK date input. Use "
            "oversight.web.widgets.GovukDateField (or widget=GovukDateWidget())."
        )
    if widget.is_hidden:
        return "hidden"
    if isinstance(widget, forms.CheckboxSelectMultiple):  # a RadioSelect subclass: test first
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):  # includes SelectMultiple
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.PasswordInput):
        return "password"
    if isinstance(widget, forms.FileInput):
        return "file"
    return "input"


def _merge_classes(*parts: str | None) -> str:
    seen: list[str] = []
    for part in parts:
        for name in (part or "").split():
            if name not in seen:
                seen.append(name)
    return " ".join(seen)


def field_id(bound_field: BoundField) -> str:
    """The id the error summary links to: the input itself, or the first box / option."""
    kind = _kind(bound_field)
    auto_id = bound_field.auto_id or f"id_{bound_field.html_name}"
    if kind == "date":
        return f"{auto_id}_day"
    if kind in {"radios", "checkboxes"}:
        for option in bound_field.subwidgets:
            return str(option.data["attrs"].get("id") or auto_id)
    return str(bound_field.id_for_label or auto_id)


@register.simple_tag
def govuk_error_list(form: forms.BaseForm) -> list[dict[str, str]]:
    """The error summary's items: [{"text", "href"}], form-wide errors first (no link)."""
    items: list[dict[str, str]] = [{"text": str(e), "href": ""} for e in form.non_field_errors()]
    for bound_field in form:
        if bound_field.errors:
            target = field_id(bound_field)
            items.extend({"text": str(e), "href": f"#{target}"} for e in bound_field.errors)
    for name in form.errors:
        if name != NON_FIELD_ERRORS and name not in form.fields:
            items.extend({"text": str(e), "href": ""} for e in form.errors[name])
    return items


@register.simple_tag
def govuk_field(bound_field: BoundField, **options: Any) -> SafeString:
    """Render one bound field as a GOV.UK form group."""
    if not isinstance(bound_field, BoundField):
        raise TypeError(f"govuk_field needs a bound field (form.name), not {bound_field!r}")
    kind = _kind(bound_field)
    widget = bound_field.field.widget
    auto_id = bound_field.auto_id or f"id_{bound_field.html_name}"

    if kind == "hidden":
        return SafeString(str(bound_field))

    errors = [options["error"]] if options.get("error") else [str(e) for e in bound_field.errors]
    hint = options.get("hint")
    if hint is None:
        hint = bound_field.help_text or ""
    label = options.get("label") or bound_field.label
    hint_id = f"{auto_id}-hint" if hint else ""
    error_id = f"{auto_id}-error" if errors else ""
    described_by = " ".join(x for x in (hint_id, error_id) if x)

    label_class = options.get("label_class", "")
    legend_class = options.get("legend_class")
    if legend_class is None and label_class:
        legend_class = label_class.replace("govuk-label--", "govuk-fieldset__legend--")

    context: dict[str, Any] = {
        "field": bound_field,
        "kind": kind,
        "id": auto_id,
        "label": label,
        "label_class": label_class,
        "legend_class": legend_class or "",
        "is_page_heading": bool(options.get("is_page_heading")),
        "hint": hint,
        "hint_id": hint_id,
        "errors": errors,
        "error_id": error_id,
        "described_by": described_by,
        "inline": bool(options.get("inline")),
        "small": bool(options.get("small")),
    }

    if kind in {"input", "password", "textarea", "select", "file"}:
        base = {
            "input": "govuk-input",
            "password": "govuk-input govuk-password-input__input govuk-js-password-input-input",
            "textarea": "govuk-textarea",
            "select": "govuk-select",
            "file": "govuk-file-upload",
        }[kind]
        error_class = {
            "input": "govuk-input--error",
            "password": "govuk-input--error",
            "textarea": "govuk-textarea--error",
            "select": "govuk-select--error",
            "file": "govuk-file-upload--error",
        }[kind]
        attrs: dict[str, Any] = {
            "class": _merge_classes(
                base,
                widget.attrs.get("class"),
                options.get("classes"),
                error_class if errors else "",
            ),
            "aria-describedby": described_by or False,
        }
        if not options.get("autofocus"):
            attrs["autofocus"] = False
        if kind == "textarea":
            attrs["rows"] = options.get("rows", 5)
            attrs["cols"] = False
        if kind == "password":
            attrs.update({"spellcheck": "false", "autocapitalize": "none"})
            attrs.setdefault("autocomplete", widget.attrs.get("autocomplete", "current-password"))
        context["widget_html"] = bound_field.as_widget(attrs=attrs)

    elif kind in {"radios", "checkboxes", "checkbox"}:
        context["items"] = _choice_items(bound_field, kind, options)

    elif kind == "date":
        shown = split_date_value(bound_field.value())
        highlight: set[str] = set()
        if errors:
            problem = date_problem(shown) if any(shown) else ("required", ["day", "month", "year"])
            highlight = set(problem[1]) if problem else {"day", "month", "year"}
        context["parts"] = date_parts(bound_field.html_name, auto_id, shown, highlight)
        context["classes"] = options.get("classes", "")

    return SafeString(render_to_string("govuk/field.html", context))


def _choice_items(
    bound_field: BoundField, kind: str, options: dict[str, Any]
) -> list[dict[str, Any]]:
    auto_id = bound_field.auto_id or f"id_{bound_field.html_name}"
    if kind == "checkbox":
        value = bound_field.value()
        return [
            {
                "id": auto_id,
                "name": bound_field.html_name,
                "value": "on",
                "label": options.get("label") or bound_field.label,
                "checked": bool(value) and value not in {"false", "False", "0", "off"},
            }
        ]
    items = []
    for option in bound_field.subwidgets:
        data = option.data
        items.append(
            {
                "id": data["attrs"].get("id") or f"{auto_id}_{data['index']}",
                "name": data["name"],
                "value": "" if data["value"] is None else str(data["value"]),
                "label": data["label"],
                "checked": bool(data["selected"]),
            }
        )
    return items
