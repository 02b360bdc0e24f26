"""The security code form, used when signing in and when setting up or removing a device."""

from __future__ import annotations

from django import forms


class SecurityCodeForm(forms.Form):
    code = forms.CharField(
        label="Security code",
        help_text="The 6-digit code your authenticator app shows now.",
        error_messages={"required": "Enter the security code"},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
            }
        ),
    )

    def clean_code(self) -> str:
        # People copy codes with the space some apps show in the middle.
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError("Security code must be 6 numbers")
        return code
