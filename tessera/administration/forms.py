from __future__ import annotations

from typing import Any

from django import forms

from tessera.accounts.models import User
from tessera.accounts.roles import Role, combination_problem
from tessera.core.models import Agency, District, Team
from tessera.ui.forms import TesseraForm, VersionedFormMixin


class UserDetailsForm(TesseraForm):
    first_name = forms.CharField(label="First name", max_length=150)
    last_name = forms.CharField(label="Last name", max_length=150)
    email = forms.EmailField(
        label="Email address",
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.org"},
    )
    job_title = forms.CharField(label="Job title", max_length=150, required=False)
    agency = forms.ModelChoiceField(
        label="Agency", queryset=Agency.objects.filter(is_active=True), empty_label="Choose an agency"
    )
    roles = forms.MultipleChoiceField(
        label="Roles", choices=Role.choices, widget=forms.CheckboxSelectMultiple
    )
    teams = forms.ModelMultipleChoiceField(
        label="Teams",
        queryset=Team.objects.filter(is_active=True).select_related("agency", "district"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="A team in a district gives access to that district's records; a force-wide team covers all districts.",
    )
    is_active = forms.BooleanField(label="Account is active (the person can sign in)", required=False)
    required_messages = {"roles": "Select at least one role", "agency": "Select the person's agency"}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        agency: Agency | None = data.get("agency")
        roles = set(data.get("roles") or [])
        if agency is not None and roles:
            problem = combination_problem(roles, agency.kind)
            if problem:
                self.add_error("roles", problem)
        teams = data.get("teams") or []
        if agency is not None:
            foreign = [team.name for team in teams if team.agency_id != agency.pk]
            if foreign:
                self.add_error(
                    "teams",
                    f"Teams must belong to the person's agency ({agency}): remove {', '.join(foreign)}",
                )
        return data


class NewUserForm(UserDetailsForm):
    username = forms.RegexField(
        label="Username",
        regex=r"^[a-z0-9.\-]+$",
        max_length=150,
        help_text="Lower-case letters, numbers, dots and dashes",
        error_messages={"invalid": "Username can only contain lower-case letters, numbers, dots and dashes"},
    )
    password = forms.CharField(
        label="First password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 12 characters. Give it to the person securely; they set up their authenticator app when they first sign in.",
    )
    field_order = [
        "username",
        "password",
        "first_name",
        "last_name",
        "email",
        "job_title",
        "agency",
        "roles",
        "teams",
        "is_active",
    ]

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"]
        if User.objects.filter(username=username).exists():
            raise forms.ValidationError("A user with that username already exists")
        return username


class EditUserForm(VersionedFormMixin, UserDetailsForm):
    pass


class DistrictForm(TesseraForm):
    name = forms.CharField(label="District name", max_length=100)
    code = forms.SlugField(
        label="Short code", max_length=40, help_text="Lower case, used in addresses, e.g. wakefield"
    )
    local_authority = forms.CharField(label="Local authority", max_length=150)

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"]
        if District.objects.filter(code=code).exists():
            raise forms.ValidationError("A district with that code already exists")
        return code

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"]
        if District.objects.filter(name__iexact=name).exists():
            raise forms.ValidationError("A district with that name already exists")
        return name
