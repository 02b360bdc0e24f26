"""GOV.UK date input for Django forms: three boxes (day, month, year), never one free-text box.

Use ``GovukDateField`` in forms; it brings ``GovukDateWidget`` and GOV.UK error messages::

    date_held = GovukDateField(label="When was the supervision held?")

The widget posts ``<name>_day``, ``<name>_month`` and ``<name>_year``. It hands the field one
string: ``""`` when all three are blank, ISO ``YYYY-MM-DD`` when the parts make a real date,
otherwise ``"day/month/year"`` exactly as typed, so the page can show back what the person
entered and say what is wrong with it. A plain ``forms.DateField(widget=GovukDateWidget())``
works too, but only ``GovukDateField`` gives the GOV.UK messages ("Date must be a real date").
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

PARTS = ("day", "month", "year")
LABELS = {"day": "Day", "month": "Month", "year": "Year"}
WIDTHS = {"day": 2, "month": 2, "year": 4}
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def split_date_value(value: Any) -> tuple[str, str, str]:
    """Day, month and year as the strings to show in the three boxes."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return (str(value.day), str(value.month), str(value.year))
    if isinstance(value, list | tuple):
        parts = [("" if v is None else str(v)).strip() for v in value][:3]
        parts += [""] * (3 - len(parts))
        return (parts[0], parts[1], parts[2])
    if not value:
        return ("", "", "")
    text = str(value).strip()
    if match := _ISO.match(text):
        year, month, day = match.groups()
        return (str(int(day)), str(int(month)), year)
    pieces = text.split("/")
    if len(pieces) == 3:
        return (pieces[0].strip(), pieces[1].strip(), pieces[2].strip())
    return ("", "", text)


def date_problem(parts: tuple[str, str, str]) -> tuple[str, list[str]] | None:
    """What is wrong with three non-blank-as-a-whole parts, and which boxes to highlight.

    Returns None for a real date, else (error code, parts to highlight). Codes: "incomplete"
    (some boxes blank), "year" (year not 4 numbers), "invalid" (not a real date).
    """
    day, month, year = parts
    missing = [name for name, text in zip(PARTS, parts, strict=True) if not text]
    if missing:
        return ("incomplete", missing)
    not_numbers = [
        name
        for name, text in zip(PARTS, parts, strict=True)
        if not (text.isascii() and text.isdigit())
    ]
    if not_numbers:
        return ("invalid", not_numbers)
    if len(year) != 4:
        return ("year", ["year"])
    try:
        dt.date(int(year), int(month), int(day))
    except (ValueError, OverflowError):  # OverflowError: a day or month too big for a C int
        return ("invalid", list(PARTS))
    return None


def _as_words(names: list[str]) -> str:
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


class GovukDateWidget(forms.MultiWidget):
    """The GOV.UK date input pattern: a fieldset holding Day, Month and Year boxes."""

    template_name = "govuk/widgets/date_input.html"
    use_fieldset = True

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        widgets: dict[str, forms.Widget | type[forms.Widget]] = {
            name: forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})
            for name in PARTS
        }
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[str]:
        return list(split_date_value(value))

    # One string for the field to read (an ISO date, or what was typed), not the list of parts a
    # MultiWidget usually gives.
    def value_from_datadict(  # type: ignore[override]
        self, data: Any, files: Any, name: str
    ) -> str:
        day_box, month_box, year_box = (
            str(data.get(f"{name}_{part}", "") or "").replace("/", "").strip() for part in PARTS
        )
        parts = (day_box, month_box, year_box)
        if not any(parts):
            return ""
        if date_problem(parts) is None:
            day, month, year = (int(p) for p in parts)
            return dt.date(year, month, day).isoformat()
        return "/".join(parts)

    def id_for_label(self, id_: str) -> str:
        # The error summary links to the first box.
        return f"{id_}_day" if id_ else ""

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        id_ = widget["attrs"].get("id") or f"id_{name}"
        error_parts = widget["attrs"].pop("data-error-parts", "")
        error_parts = set(error_parts.split()) if isinstance(error_parts, str) else set()
        widget["id"] = id_
        widget["parts"] = date_parts(name, id_, value, error_parts)
        return context


def date_parts(name: str, id_: str, value: Any, error_parts: set[str]) -> list[dict[str, Any]]:
    """What the template needs to draw each of the three boxes."""
    shown = split_date_value(value)
    return [
        {
            "part": part,
            "name": f"{name}_{part}",
            "id": f"{id_}_{part}",
            "label": LABELS[part],
            "value": text,
            "width": WIDTHS[part],
            "error": part in error_parts,
        }
        for part, text in zip(PARTS, shown, strict=True)
    ]


class GovukDateField(forms.DateField):
    """A date entered in the GOV.UK day / month / year boxes, with GOV.UK error messages.

    Override messages per form with ``error_messages={"required": "Enter the date of ..."}``;
    "incomplete" gets ``%(missing)s`` (for example "day and month").
    """

    widget = GovukDateWidget
    default_error_messages = {
        "required": "Enter a date",
        "incomplete": "Date must include a %(missing)s",
        "year": "Year must include 4 numbers",
        "invalid": "Date must be a real date",
    }

    def to_python(self, value: Any) -> dt.date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        parts = split_date_value(value)
        if not any(parts):
            return None
        problem = date_problem(parts)
        if problem is not None:
            code, highlight = problem
            params = {"missing": _as_words(highlight)} if code == "incomplete" else None
            raise ValidationError(self.error_messages[code], code=code, params=params)
        day, month, year = (int(p) for p in parts)
        return dt.date(year, month, day)
