from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import authenticate, password_validation
from django.http import HttpRequest

from tessera.accounts.models import User
from tessera.ui.forms import TesseraForm


class SignInForm(TesseraForm):
    username = forms.CharField(
        label="Username",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label="Password", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        self.request = request
        self.user: User | None = None
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        username, password = data.get("username"), data.get("password")
        if username and password:
            user = authenticate(self.request, username=username, password=password)
            if user is None:
                # One message for wrong username and wrong password, so neither can be probed.
                raise forms.ValidationError("Enter a correct username and password", code="invalid_login")
            if not user.is_active:
                raise forms.ValidationError("This account is disabled. Contact your system administrator.")
            self.user = user
        return data


class CodeForm(TesseraForm):
    code = forms.CharField(
        label="Security code",
        help_text="The 6-digit code from the authenticator app on your phone",
        max_length=6,
        min_length=6,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "class": "govuk-input--width-5",
                "spellcheck": "false",
            }
        ),
        error_messages={
            "min_length": "Security code must be 6 digits",
            "max_length": "Security code must be 6 digits",
        },
    )
    required_messages = {"code": "Enter the security code"}

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"].replace(" ", "")
        if not code.isdigit():
            raise forms.ValidationError("Security code must be 6 digits, numbers only")
        return code


# What a new password must be, shown under the field.
CHOOSING_HELP = "At least 12 characters. Avoid common passwords and your name."


def _password_field(label: str, autocomplete: str, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        strip=False,
        help_text=help_text,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
    )


class _NewPasswordForm(TesseraForm):
    """A new password typed twice and checked against the password rules for this user."""

    mismatch_message = "Passwords do not match"

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_new_password(self) -> str:
        value: str = self.cleaned_data["new_password"]
        password_validation.validate_password(value, self.user)
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("new_password")
            and data.get("confirm_password")
            and data["new_password"] != data["confirm_password"]
        ):
            self.add_error("confirm_password", self.mismatch_message)
        return data


class ChangePasswordForm(_NewPasswordForm):
    current_password = _password_field("Current password", "current-password")
    new_password = _password_field("New password", "new-password", CHOOSING_HELP)
    confirm_password = _password_field("Confirm new password", "new-password")
    required_messages = {"confirm_password": "Enter the new password again"}
    mismatch_message = "New passwords do not match"

    def clean_current_password(self) -> str:
        value: str = self.cleaned_data["current_password"]
        if not self.user.check_password(value):
            raise forms.ValidationError("Current password is not correct")
        return value


class SetPasswordForm(_NewPasswordForm):
    new_password = _password_field("Password", "new-password", CHOOSING_HELP)
    confirm_password = _password_field("Confirm password", "new-password")
    required_messages = {"new_password": "Enter a password", "confirm_password": "Enter the password again"}


class AccessDecisionForm(TesseraForm):
    decision = forms.ChoiceField(
        label="Do you approve this access?",
        choices=[("approve", "Approve: the roles and teams take effect now"), ("decline", "Decline")],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="Note",
        help_text="For example: confirmed with their team leader that they join the CSE team on Monday.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
    required_messages = {"decision": "Select whether you approve this access", "note": "Enter a note"}
