"""Forms for loading a standard return."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from oversight.organisation.models import Staff
from oversight.returns.uploads import check_return
from oversight.returns.workers import LEAVE_UNALLOCATED, WorkerName
from oversight.web.widgets import GovukDateField

UNALLOCATED_CHOICE = "-"


class SeveralFilesInput(forms.FileInput):
    allow_multiple_selected = True


class SeveralFilesField(forms.FileField):
    """One file, or several selected together (the SSDA903's CSV files): a list either way."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(widget=SeveralFilesInput(attrs={"multiple": True}), **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        files = data if isinstance(data, list | tuple) else [data]
        return [super(SeveralFilesField, self).clean(f, initial) for f in files if f]


class ReturnUploadForm(forms.Form):
    workbook = SeveralFilesField(
        label="Upload the return",
        help_text="The Ofsted Annex A workbook (.xlsx) with lists 6 to 9: children in need, "
        "child protection, children in care and care leavers; the SSDA903 return's CSV files "
        "(header.csv, episodes.csv and sw_episodes.csv: select them together, or upload them "
        "in a zip); or the Children in Need census or the social work workforce census (.xml).",
        required=False,
        error_messages={"empty": "The selected file is empty", "invalid": "Select a file"},
    )
    changed_on = GovukDateField(
        label="Date of the return",
        help_text="The day the return was produced. A child whose worker has changed is "
        "allocated to the new worker from this date. For example, 31 3 2025",
        error_messages={"required": "Enter the date of the return"},
    )

    def clean_workbook(self) -> Any:
        uploaded = self.cleaned_data.get("workbook")
        try:
            check_return(uploaded)
        except ValidationError as error:
            raise ValidationError(error.messages[0]) from None
        return uploaded


class WorkerDecisionForm(forms.Form):
    """One choice for each name the matching could not settle."""

    def __init__(self, *args: Any, names: list[WorkerName], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.names = names
        everyone = [
            (s.staff_id, f"{s.name} ({s.staff_id}{', ' + s.team.name if s.team else ''})")
            for s in Staff.objects.select_related("team").order_by("name", "staff_id")
        ]
        for index, name in enumerate(names):
            # Those who have the name come first, then everyone else.
            candidates = {s.staff_id for s in name.candidates}
            first = [c for c in everyone if c[0] in candidates]
            rest = [c for c in everyone if c not in first]
            initial = (
                UNALLOCATED_CHOICE if name.decided == LEAVE_UNALLOCATED else name.decided or ""
            )
            self.fields[f"worker_{index}"] = forms.ChoiceField(
                label=f"Who is {name.name}?",
                help_text=f"{name.why}. Named in {name.where()}"
                + (f", team {', '.join(sorted(name.teams))}" if name.teams else "")
                + ".",
                choices=[
                    ("", "Choose a member of staff"),
                    *first,
                    *rest,
                    (UNALLOCATED_CHOICE, "Nobody: leave these children unallocated"),
                ],
                initial=initial,
                required=False,
            )

    def decisions(self) -> list[tuple[str, str]]:
        chosen = []
        for index, name in enumerate(self.names):
            value = self.cleaned_data.get(f"worker_{index}") or ""
            if value:
                chosen.append(
                    (name.name, LEAVE_UNALLOCATED if value == UNALLOCATED_CHOICE else value)
                )
        return chosen
