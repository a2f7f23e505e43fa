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


class ChangePasswordForm(TesseraForm):
    current_password = forms.CharField(
        label="Current password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password = forms.CharField(
        label="New password",
        strip=False,
        help_text="At least 12 characters. Avoid common passwords and your name.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    confirm_password = forms.CharField(
        label="Confirm new password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    required_messages = {"confirm_password": "Enter the new password again"}

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_current_password(self) -> str:
        value: str = self.cleaned_data["current_password"]
        if not self.user.check_password(value):
            raise forms.ValidationError("Current password is not correct")
        return value

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
            self.add_error("confirm_password", "New passwords do not match")
        return data
