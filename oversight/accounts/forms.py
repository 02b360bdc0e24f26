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
        # isascii: "²" is a digit to isdigit() but not a number int() reads.
        if not (code.isascii() and code.isdigit() and len(code) == 6):
            raise forms.ValidationError("Security code must be 6 numbers")
        return code


class SignInCodeForm(SecurityCodeForm):
    """The sign-in code page takes the app's code or one of the person's recovery codes."""

    code = forms.CharField(
        label="Security code",
        help_text=(
            "The 6-digit code your authenticator app shows now, or one of your recovery codes."
        ),
        error_messages={"required": "Enter the security code or a recovery code"},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "spellcheck": "false", "autocapitalize": "none"}
        ),
    )

    def clean_code(self) -> str:
        from oversight.accounts import recovery

        typed = self.cleaned_data["code"]
        code = "".join(typed.split())
        if code.isascii() and code.isdigit() and len(code) == 6:
            return code
        if recovery.looks_like_one(typed):
            return recovery.normalise(typed)
        raise forms.ValidationError(
            "Security code must be 6 numbers, or a recovery code like abcde-23456"
        )
