"""The forms of the intelligence pages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms

from tessera.core.models import District
from tessera.intelligence.exploitation import BASIS
from tessera.intelligence.grading import grade_problem
from tessera.intelligence.models import SubjectRole
from tessera.people.models import Ethnicity, HandlingCode, IntelligenceAssessment, Sex, SourceEvaluation
from tessera.ui.forms import GovukDateField, TesseraForm, VersionedFormMixin


class GradeFields(TesseraForm):
    source_evaluation = forms.ChoiceField(
        label="Source evaluation", choices=SourceEvaluation.choices, widget=forms.RadioSelect
    )
    intelligence_assessment = forms.ChoiceField(
        label="Intelligence assessment", choices=IntelligenceAssessment.choices, widget=forms.RadioSelect
    )
    handling_code = forms.ChoiceField(
        label="Handling code", choices=HandlingCode.choices, widget=forms.RadioSelect
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        parts = [
            data.get(name, "") for name in ("source_evaluation", "intelligence_assessment", "handling_code")
        ]
        if all(parts) and (problem := grade_problem(*parts)):
            self.add_error(None, problem)
        return data


class GradeForm(VersionedFormMixin, GradeFields):
    """An analyst's evaluation of a report."""


def _districts() -> forms.ModelChoiceField[District]:
    return forms.ModelChoiceField(
        label="District",
        queryset=District.objects.filter(is_active=True).order_by("name"),
        empty_label="Choose the district",
    )


class NewReportForm(GradeFields):
    text = forms.CharField(
        label="What was seen, heard or said",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=10000,
        help_text="Names, vehicle registrations and phone numbers you write are offered as subjects next.",
    )
    occurred_on = GovukDateField(label="When it happened", required=False, past_only=True)
    occurred_time = forms.TimeField(
        label="Time (optional)",
        required=False,
        input_formats=["%H:%M"],
        help_text="24-hour clock, for example 23:15.",
        widget=forms.TimeInput(format="%H:%M", attrs={"class": "govuk-input--width-5"}),
    )
    district = forms.ModelChoiceField(
        label="District it is about",
        queryset=District.objects.filter(is_active=True).order_by("name"),
        empty_label="Choose the district",
    )
    required_messages = {"text": "Enter what was seen, heard or said"}


ROLE_CHOICES = SubjectRole.choices


class SubjectForm(TesseraForm):
    """Confirm one name, registration or number found in the text as a subject."""

    kind = forms.ChoiceField(
        label="Kind",
        choices=[
            ("name", "Name"),
            ("nickname", "Nickname"),
            ("registration", "Registration"),
            ("phone", "Phone"),
        ],
        widget=forms.HiddenInput,
    )
    value = forms.CharField(label="As written", max_length=100, widget=forms.HiddenInput)
    record = forms.CharField(label="Which record", max_length=20, required=False)
    role = forms.ChoiceField(label="Role in the report", choices=ROLE_CHOICES)


class ReleaseForm(TesseraForm):
    """Release a sanitised version of a report to partners in a district, or refuse to."""

    decision = forms.ChoiceField(
        label="Decision",
        choices=[("release", "Release a sanitised version"), ("refuse", "Refuse to release it")],
        widget=forms.RadioSelect,
    )
    district = forms.ModelChoiceField(
        label="Partners in which district",
        queryset=District.objects.filter(is_active=True).order_by("name"),
        empty_label="Choose the district",
    )
    sanitised_text = forms.CharField(
        label="Sanitised version",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10000,
        required=False,
        help_text="What partners will read: nothing that could identify the source or how it was obtained.",
    )
    handling_conditions = forms.CharField(
        label="Handling conditions",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        help_text="What partners may and may not do with it, e.g. not to be shared with the family.",
    )
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="Why it is released (the purpose it serves) or why it is refused. Recorded either way.",
    )
    naming = forms.MultipleChoiceField(
        label="People and things the release names",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Partners who read the release may see these records from then on.",
    )
    required_messages = {
        "reason": "Enter the reason for the decision",
        "decision": "Select release or refuse",
    }

    def __init__(self, *args: Any, subjects: Sequence[tuple[str, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.MultipleChoiceField, self.fields["naming"]).choices = list(subjects)


class PackageForm(TesseraForm):
    title = forms.CharField(label="Title", max_length=200)
    summary = forms.CharField(
        label="Summary for the case team", widget=forms.Textarea(attrs={"rows": 6}), max_length=10000
    )
    district = forms.ModelChoiceField(
        label="District of the case team",
        queryset=District.objects.filter(is_active=True).order_by("name"),
        empty_label="Choose the district",
    )
    case_reference = forms.CharField(
        label="Case reference (optional)",
        max_length=20,
        required=False,
        help_text="For example CSE-2026-0001",
    )
    reports = forms.MultipleChoiceField(label="Reports", widget=forms.CheckboxSelectMultiple)
    required_messages = {"reports": "Select at least one report"}

    def __init__(self, *args: Any, reports: Sequence[tuple[str, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.MultipleChoiceField, self.fields["reports"]).choices = list(reports)


class PackageReleaseForm(TesseraForm):
    """The partner version of a package: its summary and conditions; per report fields are added."""

    sanitised_summary = forms.CharField(
        label="Sanitised summary", widget=forms.Textarea(attrs={"rows": 5}), max_length=10000
    )
    handling_conditions = forms.CharField(
        label="Handling conditions", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False
    )
    reason = forms.CharField(
        label="Reason for the release", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    required_messages = {
        "sanitised_summary": "Enter the sanitised summary partners will read",
        "reason": "Enter the reason for the release",
    }

    report_ids: tuple[int, ...] = ()

    def report_fields(self) -> list[tuple[int, forms.BoundField, forms.BoundField]]:
        return [(pk, self[f"text_{pk}"], self[f"withheld_{pk}"]) for pk in self.report_ids]


def package_release_form(reports: list[Any]) -> type[PackageReleaseForm]:
    """The release form for these reports: a sanitised version, or why it is withheld, for each. Declared
    as fields of a class (not added after), so each gets the form kit's limits and messages."""
    fields: dict[str, Any] = {"report_ids": tuple(r.pk for r in reports)}
    for report in reports:
        fields[f"text_{report.pk}"] = forms.CharField(
            label=f"{report.reference}: sanitised version",
            widget=forms.Textarea(attrs={"rows": 4}),
            max_length=10000,
            required=False,
        )
        fields[f"withheld_{report.pk}"] = forms.CharField(
            label=f"{report.reference}: or why it is withheld",
            widget=forms.Textarea(attrs={"rows": 2}),
            max_length=2000,
            required=False,
        )
    return type("PackageReleaseFormForReports", (PackageReleaseForm,), fields)


FLAG_CHOICES = [
    ("", "Not flagged as exploitation"),
    ("cse", "Child sexual exploitation"),
    ("cce", "Child criminal exploitation"),
]


class CrimeForm(TesseraForm):
    """A crime against a child: what, when, where, and whether (and on what basis) it is exploitation."""

    offence = forms.CharField(label="Offence", max_length=200, help_text="As recorded, e.g. rape of a child")
    committed_on = GovukDateField(label="When it was committed", past_only=True)
    committed_time = forms.TimeField(
        label="Time (optional)",
        required=False,
        input_formats=["%H:%M"],
        help_text="24-hour clock, for example 23:15. Leave empty if not known.",
        widget=forms.TimeInput(format="%H:%M", attrs={"class": "govuk-input--width-5"}),
    )
    place = forms.ChoiceField(
        label="Where",
        required=False,
        help_text="Places linked to the child or named in the same intelligence reports.",
    )
    exploitation_flag = forms.ChoiceField(
        label="Exploitation flag", choices=FLAG_CHOICES, widget=forms.RadioSelect, required=False
    )
    flag_basis = forms.MultipleChoiceField(
        label="Basis against the national definition",
        choices=list(BASIS.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=(
            "Child sexual exploitation: the victim under 18, an imbalance of power, sexual activity, and an "
            "exchange or advantage. Child criminal exploitation: under 18, an imbalance of power, criminal "
            "activity, and an exchange, advantage or violence."
        ),
    )
    required_messages = {"offence": "Enter the offence", "committed_on": "Enter the date it was committed"}

    def __init__(self, *args: Any, places: Sequence[tuple[str, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["place"]).choices = [("", "Not given"), *places]


class CrimeChangeForm(VersionedFormMixin, CrimeForm):
    """Correcting a crime, from the version the page was opened at."""


class SuspectForm(VersionedFormMixin, TesseraForm):
    """A suspect of a crime, with what is known of them; each "not known" needs its reason."""

    person = forms.ChoiceField(label="Suspect", help_text="People linked to the child or named with them.")
    age = forms.IntegerField(label="Age", required=False, min_value=0, max_value=130)
    age_not_known_reason = forms.CharField(label="If age is not known, why", max_length=200, required=False)
    sex = forms.ChoiceField(label="Sex", choices=Sex.choices, initial=Sex.UNKNOWN)
    sex_not_known_reason = forms.CharField(label="If sex is not known, why", max_length=200, required=False)
    ethnicity = forms.ChoiceField(label="Ethnicity", choices=Ethnicity.choices, initial=Ethnicity.NOT_STATED)
    ethnicity_not_known_reason = forms.CharField(
        label="If ethnicity is not known, why",
        max_length=200,
        required=False,
        help_text="For example: declined to say at interview; not seen; not asked at arrest.",
    )
    nationality = forms.CharField(label="Nationality", max_length=60, required=False)
    nationality_not_known_reason = forms.CharField(
        label="If nationality is not known, why", max_length=200, required=False
    )
    required_messages = {"person": "Select the suspect"}

    def __init__(self, *args: Any, people: Sequence[tuple[str, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["person"]).choices = [("", "Choose the suspect"), *people]


class WithdrawForm(TesseraForm):
    """Withdraw a release: partners stop reading it at once; it stays on record with the reason."""

    reason = forms.CharField(
        label="Why it is withdrawn",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="Recorded with the release. Partners in the district lose sight of it at once.",
    )
    required_messages = {"reason": "Enter why the release is withdrawn"}
