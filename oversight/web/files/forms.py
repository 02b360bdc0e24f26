"""Forms for the supervision file pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from oversight.files.models import KINDS
from oversight.files.uploads import (
    ALLOWED_DESCRIPTION,
    check_upload,
    describe_size,
    max_upload_bytes,
)
from oversight.web.form_fields import choice_field
from oversight.web.widgets import GovukDateField


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label="What kind of document is it?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select what kind of document it is",
            "invalid_choice": "Select what kind of document it is",
        },
    )
    document = forms.FileField(
        label="Upload a file",
        required=False,
        error_messages={
            "empty": "The selected file is empty",
            "invalid": "Select a file",
            "missing": "Select a file",
            "max_length": "The selected file's name must be 255 characters or fewer",
        },
    )

    title = forms.CharField(
        label="Title (optional)",
        required=False,
        max_length=200,
        help_text=(
            "For example, DBS certificate 2025. If you leave it blank, the file's name is used."
        ),
        error_messages={"max_length": "Title must be 200 characters or fewer"},
    )
    expiry_date = GovukDateField(
        label="Expiry date (optional)",
        required=False,
        help_text=(
            "For registration, DBS checks and car insurance, so the file shows when a renewal is "
            "due. For example, 27 3 2026"
        ),
    )

    def __init__(self, *args: Any, sections: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "kind").choices = [
            (kind, label) for kind, (label, section) in KINDS.items() if section in sections
        ]
        self.fields[
            "document"
        ].help_text = (
            f"It must be {ALLOWED_DESCRIPTION}, smaller than {describe_size(max_upload_bytes())}."
        )
        self.fields["document"].widget.attrs["accept"] = ".pdf,.docx,.png,.jpg,.jpeg"

    def clean_document(self) -> Any:
        uploaded = self.cleaned_data.get("document")
        try:
            check_upload(uploaded)
        except ValidationError as error:
            raise ValidationError(error.messages[0]) from error
        return uploaded

    def full_clean(self) -> None:
        super().full_clean()
        if self.is_bound and self.errors and "document" not in self.errors:
            # Browsers never send a file back, so say so rather than let it vanish unexplained.
            field = self.fields["document"]
            field.help_text = (
                "Select the file again: it is kept only once the whole form is correct. "
                f"{field.help_text}"
            )
            self["document"].help_text = field.help_text
