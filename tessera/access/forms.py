from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.db.models import Q, QuerySet

from tessera.access.models import ReviewOutcome
from tessera.access.scope import Scope
from tessera.accounts.models import User
from tessera.accounts.roles import CASEWORK_ROLES
from tessera.ui.forms import TesseraForm


class EmergencyAccessForm(TesseraForm):
    path = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Why do you need this record now?",
        help_text="Say which child or incident this is about and why it cannot wait. A supervisor will review this.",
        widget=forms.Textarea(attrs={"rows": 4}),
        min_length=20,
        max_length=2000,
        error_messages={
            "min_length": "Give more detail about why you need this record (at least 20 characters)"
        },
    )
    confirm = forms.BooleanField(
        label="I understand my access is recorded and will be reviewed by a supervisor",
    )
    required_messages = {
        "reason": "Enter why you need this record now",
        "confirm": "Confirm that you understand your access will be reviewed",
    }


class ReviewForm(TesseraForm):
    outcome = forms.ChoiceField(
        label="Was this emergency access justified?", choices=ReviewOutcome.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(label="Review note", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    required_messages = {"outcome": "Select whether the access was justified", "note": "Enter a review note"}


def people_who_may_be_named(scope: Scope, already: set[int]) -> QuerySet[User]:
    """Staff who work on named children in the supervisor's districts (or force-wide), not yet named."""
    teams = Q(memberships__team__district__isnull=True)
    if scope.district_ids:
        teams |= Q(memberships__team__district_id__in=scope.district_ids)
    return (
        User.objects.filter(teams, is_active=True, role_grants__role__in=sorted(CASEWORK_ROLES))
        .exclude(pk__in=already | {scope.user_id})
        .select_related("agency")
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


if TYPE_CHECKING:
    # Generic in Django's type stubs only; at run time it cannot be subscripted.
    _UserChoices = forms.ModelMultipleChoiceField[User]
else:
    _UserChoices = forms.ModelMultipleChoiceField


class NamedUserChoice(_UserChoices):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.get_full_name() or obj.username} ({obj.agency})"


class RestrictForm(TesseraForm):
    named_users = NamedUserChoice(
        label="Who else may see this record?",
        help_text="You are named automatically. Everyone else, the district team included, will get "
        "'not found', and emergency access will not open it.",
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    reason = forms.CharField(
        label="Why is this record restricted?",
        help_text="For example: the child is a relative of a member of staff. This is recorded.",
        widget=forms.Textarea(attrs={"rows": 3}),
        min_length=10,
        max_length=2000,
        error_messages={"min_length": "Give more detail about why (at least 10 characters)"},
    )
    required_messages = {"reason": "Enter why this record is restricted"}

    def __init__(self, *args: object, scope: Scope, already: set[int], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["named_users"].queryset = people_who_may_be_named(scope, already)  # type: ignore[attr-defined]


class LiftRestrictionForm(TesseraForm):
    lift_reason = forms.CharField(
        label="Why is the restriction no longer needed?",
        help_text="The record will be seen again by everyone whose work gives them access. This is recorded.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
    required_messages = {"lift_reason": "Enter why the restriction is lifted"}
