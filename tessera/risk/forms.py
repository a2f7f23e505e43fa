from __future__ import annotations

from typing import Any, cast

from django import forms

from tessera.core.models import Agency
from tessera.risk.instrument import (
    GROUP_LABELS,
    LEVEL_ORDER,
    Bands,
    Group,
    InstrumentDefinition,
    Level,
    level_label,
)
from tessera.ui.forms import GovukDateField, TesseraForm, VersionedFormMixin

YES_NO = [("yes", "Yes"), ("no", "No")]


class StartAssessmentForm(TesseraForm):
    assessed_on = GovukDateField(
        label="Date of the assessment",
        past_only=True,
        help_text="Observations count as current if seen in the 6 months before this date. For example, 27 3 2026",
    )
    learning_disability = forms.ChoiceField(
        label="Does the child have a learning disability?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        help_text="A child with a learning disability and any indicator present is never rated Not at risk",
    )
    in_care = forms.ChoiceField(
        label="Is the child in care (looked after by the local authority)?",
        choices=[("yes", "Yes"), ("no", "No"), ("", "Not known")],
        widget=forms.RadioSelect,
        required=False,
        help_text="Used only in aggregate, to check the instrument treats children in care fairly",
    )
    required_messages = {
        "assessed_on": "Enter the date of the assessment",
        "learning_disability": "Select yes if the child has a learning disability",
    }


def indicator_choices(definition: InstrumentDefinition) -> list[Any]:
    choices: list[Any] = [("", "Choose an indicator")]
    for group in Group:
        choices.append(
            (
                GROUP_LABELS[group],
                [
                    (i.code, f"{i.label} (shows harm is happening)" if i.shows_harm else i.label)
                    for i in definition.in_group(group)
                ],
            )
        )
    return choices


class ObservationForm(TesseraForm):
    indicator = forms.ChoiceField(label="Indicator")
    observed_on = GovukDateField(
        label="Date seen", past_only=True, help_text="When this was seen or happened, for example 14 2 2026"
    )
    evidence = forms.CharField(
        label="Evidence",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text="What was seen or reported, and by whom. Keep professional instinct for the gut feeling box.",
    )
    source_agency = forms.ModelChoiceField(
        label="Agency the information came from",
        queryset=Agency.objects.filter(is_active=True).exclude(kind="partner_business"),
        empty_label="Choose an agency",
    )
    required_messages = {
        "indicator": "Select the indicator you observed",
        "observed_on": "Enter the date the indicator was seen",
        "evidence": "Enter the evidence for this indicator",
        "source_agency": "Select the agency the information came from",
    }

    def __init__(self, *args: Any, definition: InstrumentDefinition, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["indicator"]).choices = indicator_choices(definition)


class WithdrawObservationForm(TesseraForm):
    reason = forms.CharField(label="Why are you removing this observation?", max_length=1000)
    required_messages = {"reason": "Enter why this observation is being removed"}


class CompleteAssessmentForm(VersionedFormMixin, TesseraForm):
    final_level = forms.ChoiceField(
        label="Final level",
        widget=forms.RadioSelect,
        help_text="The level the professionals judge right. It may differ from the computed level.",
    )
    override_reason = forms.CharField(
        label="Why does the final level differ from the computed level?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text="Needed whenever the final level is higher or lower than the computed level",
    )
    gut_feeling = forms.CharField(
        label="Gut feeling (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text="Professional instinct, recorded apart from the evidence. It does not change the computed level.",
    )
    required_messages = {"final_level": "Select the final level"}

    def __init__(self, *args: Any, computed: Level, harm_evident: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.computed = computed
        cast(forms.ChoiceField, self.fields["final_level"]).choices = [
            (level.value, level_label(level, harm_evident) + (" (computed)" if level == computed else ""))
            for level in LEVEL_ORDER
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        final = data.get("final_level")
        if final and Level(final) != self.computed and not (data.get("override_reason") or "").strip():
            self.add_error(
                "override_reason",
                f"Enter why the final level ({level_label(final)}) differs from the computed level "
                f"({level_label(self.computed)})",
            )
        return data


class SignOffForm(VersionedFormMixin, TesseraForm):
    note = forms.CharField(
        label="Sign-off note (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )


class DraftVersionForm(TesseraForm):
    """A new version: the same indicators with new points, new bands and a reason for the change."""

    title = forms.CharField(label="Title of this version", max_length=150)
    change_summary = forms.CharField(
        label="What changes and why",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text="The second manager reads this before approving",
    )
    mild = forms.IntegerField(label="Lowest score for Mild risk", min_value=1)
    moderate = forms.IntegerField(label="Lowest score for Moderate risk", min_value=1)
    significant = forms.IntegerField(label="Lowest score for Significant risk", min_value=1)
    required_messages = {"change_summary": "Enter what changes and why"}

    def __init__(self, *args: Any, base: InstrumentDefinition, **kwargs: Any) -> None:
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("mild", base.bands.mild)
        initial.setdefault("moderate", base.bands.moderate)
        initial.setdefault("significant", base.bands.significant)
        super().__init__(*args, **kwargs)
        self.base = base
        self.indicator_rows: list[tuple[str, Any, Any]] = []
        for indicator in base.indicators:
            current, older = f"{indicator.code}__current", f"{indicator.code}__older"
            for name, when in ((current, "in the last 6 months"), (older, "6 to 12 months ago")):
                label = f"{indicator.label}: points {when}"
                self.fields[name] = forms.IntegerField(
                    label=label,
                    min_value=0,
                    max_value=50,
                    widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
                    error_messages={"required": f"Enter the points for {indicator.label} {when}"},
                )
            self.initial.setdefault(current, indicator.current)
            self.initial.setdefault(older, indicator.older)
        for indicator in base.indicators:
            self.indicator_rows.append(
                (indicator.label, self[f"{indicator.code}__current"], self[f"{indicator.code}__older"])
            )

    def definition(self) -> InstrumentDefinition:
        data = self.cleaned_data
        weights = {
            i.code: (data[f"{i.code}__current"], data[f"{i.code}__older"]) for i in self.base.indicators
        }
        return self.base.with_weights(
            weights, Bands(data["mild"], data["moderate"], data["significant"]), data["title"]
        )


class DecideVersionForm(TesseraForm):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[("approve", "Approve: put this version in force"), ("withdraw", "Withdraw this draft")],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="Reason for your decision", widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    required_messages = {
        "decision": "Select approve or withdraw",
        "note": "Enter the reason for your decision",
    }
