"""Forms for case work. Services enforce the rules; forms collect and explain."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.db.models import QuerySet

from tessera.accounts.models import User
from tessera.accounts.roles import EXCLUSIVE_ROLES
from tessera.cases.models import (
    ActionStatus,
    Engagement,
    ExploitationFlag,
    Investigation,
    Outcome,
    SupportKind,
)
from tessera.core.models import Agency, AgencyKind
from tessera.ui.forms import GovukDateField, SubmitOnceMixin, TesseraForm, VersionedFormMixin

YES_NO = [("yes", "Yes"), ("no", "No")]


def _person_label(user: User) -> str:
    return f"{user} ({user.agency})" if user.agency else str(user)


if TYPE_CHECKING:
    # Generic in Django's type stubs only; at run time these classes cannot be subscripted.
    _ModelChoiceField = forms.ModelChoiceField[Any]
    _ModelMultipleChoiceField = forms.ModelMultipleChoiceField[Any]
else:
    _ModelChoiceField = forms.ModelChoiceField
    _ModelMultipleChoiceField = forms.ModelMultipleChoiceField


class PeopleChoiceField(_ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _person_label(obj)


class PeopleMultipleChoiceField(_ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _person_label(obj)


def staff_who_can_join() -> QuerySet[User]:
    """Active staff from any agency except partner businesses, and not in a no-case-data role."""
    return (
        User.objects.filter(is_active=True)
        .exclude(agency__kind=AgencyKind.PARTNER_BUSINESS)
        .exclude(role_grants__role__in=list(EXCLUSIVE_ROLES))
        .select_related("agency")
        .order_by("last_name", "first_name")
    )


def working_agencies() -> QuerySet[Agency]:
    return Agency.objects.filter(is_active=True).exclude(kind=AgencyKind.PARTNER_BUSINESS).order_by("name")


class CaseDetailsForm(VersionedFormMixin, TesseraForm):
    lead_professional = PeopleChoiceField(
        label="Lead professional", queryset=User.objects.none(), empty_label="Choose from the case team"
    )
    exploitation_flag = forms.ChoiceField(
        label="Exploitation flag",
        choices=[("", "Not recorded yet"), *ExploitationFlag.choices],
        required=False,
        help_text="Record the basis for the flag in the case notes; keep sexual and criminal exploitation apart",
    )

    def __init__(self, *args: Any, team: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Any]", self.fields["lead_professional"]).queryset = team


class AddMemberForm(TesseraForm):
    member = PeopleChoiceField(label="Who", queryset=User.objects.none(), empty_label="Choose a person")
    role_on_case = forms.CharField(
        label="Their role on the case",
        max_length=100,
        help_text="For example, school designated safeguarding lead",
    )
    required_messages = {
        "member": "Select who to add to the case team",
        "role_on_case": "Enter their role on the case",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Any]", self.fields["member"]).queryset = staff_who_can_join()


OTHER_ATTENDEE_ROWS = 3


class StrategyDiscussionForm(TesseraForm):
    held_on = GovukDateField(label="Date of the discussion", past_only=True)
    members = PeopleMultipleChoiceField(
        label="Case team members who took part",
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    information_shared = forms.CharField(
        label="Information shared",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What each agency knows",
    )
    section_47 = forms.ChoiceField(
        label="Start a section 47 enquiry?", choices=YES_NO, widget=forms.RadioSelect
    )
    investigation = forms.ChoiceField(
        label="Who investigates (if a section 47 enquiry starts)",
        choices=Investigation.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    immediate_safety_actions = forms.CharField(
        label="Immediate safety actions (optional)", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    missing_agency_reason = forms.CharField(
        label="If police, social care or health did not take part, why",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    required_messages = {
        "information_shared": "Enter the information shared",
        "section_47": "Select whether a section 47 enquiry starts",
    }

    def __init__(self, *args: Any, team: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Any]", self.fields["members"]).queryset = team
        agencies = working_agencies()
        for row in range(1, OTHER_ATTENDEE_ROWS + 1):
            self.fields[f"other_name_{row}"] = forms.CharField(
                label=f"Other attendee {row}: name (optional)", max_length=150, required=False
            )
            self.fields[f"other_agency_{row}"] = forms.ModelChoiceField(
                label=f"Other attendee {row}: agency",
                queryset=agencies,
                required=False,
                empty_label="Choose an agency",
            )
        self.order_fields(
            ["held_on", "members"]
            + [
                f"other_{part}_{row}"
                for row in range(1, OTHER_ATTENDEE_ROWS + 1)
                for part in ("name", "agency")
            ]
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for row in range(1, OTHER_ATTENDEE_ROWS + 1):
            name, agency = data.get(f"other_name_{row}"), data.get(f"other_agency_{row}")
            if name and not agency:
                self.add_error(f"other_agency_{row}", f"Select the agency of {name}")
            if agency and not name:
                self.add_error(f"other_name_{row}", f"Enter the name of the person from {agency}")
        return data

    def others(self) -> list[tuple[str, Agency]]:
        rows = []
        for row in range(1, OTHER_ATTENDEE_ROWS + 1):
            name, agency = (
                self.cleaned_data.get(f"other_name_{row}"),
                self.cleaned_data.get(f"other_agency_{row}"),
            )
            if name and agency:
                rows.append((name, agency))
        return rows


class ActionForm(SubmitOnceMixin, TesseraForm):
    description = forms.CharField(label="What needs doing", max_length=300)
    owner = PeopleChoiceField(
        label="Owner", queryset=User.objects.none(), empty_label="Choose from the case team"
    )
    due_in_working_days = forms.IntegerField(
        label="Due in how many working days",
        min_value=0,
        max_value=250,
        help_text="0 for today. Weekends and bank holidays are not counted",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
        error_messages={
            "invalid": "Due in how many working days must be a number, like 5",
            "min_value": "Due in how many working days must be 0 (today) or more",
            "max_value": "Due in how many working days must be 250 or fewer",
        },
    )
    required_messages = {"description": "Enter what needs doing", "owner": "Select who owns the action"}

    def __init__(self, *args: Any, team: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Any]", self.fields["owner"]).queryset = team


class ActionUpdateForm(VersionedFormMixin, TesseraForm):
    status = forms.ChoiceField(label="Status", choices=ActionStatus.choices, widget=forms.RadioSelect)
    late_reason = forms.CharField(
        label="Why it was late (if it was)", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class SupportForm(SubmitOnceMixin, TesseraForm):
    kind = forms.ChoiceField(label="Who gave it", choices=SupportKind.choices, widget=forms.RadioSelect)
    agency = forms.ModelChoiceField(
        label="Agency", queryset=Agency.objects.none(), empty_label="Choose an agency"
    )
    worker_name = forms.CharField(label="Worker's name", max_length=150)
    description = forms.CharField(label="What the child received", widget=forms.Textarea(attrs={"rows": 4}))
    frequency = forms.CharField(
        label="How often", max_length=100, help_text="For example, weekly one-to-one sessions"
    )
    started_on = GovukDateField(label="Started", past_only=True)
    engagement = forms.ChoiceField(
        label="The child's engagement", choices=Engagement.choices, widget=forms.RadioSelect
    )
    child_words = forms.CharField(
        label="In the child's own words (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="What the child said about the support, as they said it",
    )
    required_messages = {
        "kind": "Select who gave the support",
        "description": "Enter what the child received",
        "frequency": "Enter how often",
        "engagement": "Select how the child engaged",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Any]", self.fields["agency"]).queryset = working_agencies()


class ConferenceForm(TesseraForm):
    which = forms.ChoiceField(
        label="Which conference",
        choices=[("yes", "Initial child protection conference"), ("no", "Review conference")],
        widget=forms.RadioSelect,
    )
    held_on = GovukDateField(label="Date of the conference", past_only=True)
    plan_continues = forms.ChoiceField(
        label="Does the child have (or keep) a child protection plan?",
        choices=YES_NO,
        widget=forms.RadioSelect,
    )
    late_reason = forms.CharField(
        label="Why it was late (if it was)", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    notes = forms.CharField(
        label="Decisions (optional)", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    required_messages = {
        "which": "Select which conference",
        "plan_continues": "Select whether there is a plan",
    }


class AssessmentForm(VersionedFormMixin, TesseraForm):
    completed_on = GovukDateField(label="Date completed", past_only=True)
    late_reason = forms.CharField(
        label="Why it was late (if it was)", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class InvestigationForm(VersionedFormMixin, TesseraForm):
    pass


class CloseCaseForm(VersionedFormMixin, TesseraForm):
    outcome = forms.ChoiceField(
        label="Outcome for the child", choices=Outcome.choices, widget=forms.RadioSelect
    )
    outcome_detail = forms.CharField(
        label="What changed for the child", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    no_support_reason = forms.CharField(
        label="If no support is recorded, why",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="A case cannot close without a record of the support the child received, or the reason there was none",
    )
    required_messages = {"outcome": "Select the outcome for the child"}
