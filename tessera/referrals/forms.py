"""Concern forms (staff and partner reporters) and the triage decision form."""

from __future__ import annotations

import re
from datetime import datetime, time
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.utils import timezone

from tessera.accounts.models import User
from tessera.cases.models import SubjectKind
from tessera.core.models import District
from tessera.people.models import Person
from tessera.referrals.models import Decision, HappeningNow, Urgency
from tessera.referrals.selectors import PossibleMatch, match_label
from tessera.referrals.subject_forms import SubjectRowsMixin
from tessera.referrals.warning_signs import WarningSign
from tessera.ui.forms import GovukDateField, SubmitOnceMixin, TesseraForm, VersionedFormMixin

NEW_CHILD = "new"
_TIME = re.compile(r"^([01]?\d|2[0-3])[:.]?([0-5]\d)$")


def seen_at(day: Any, typed_time: str) -> datetime:
    """The moment something was seen, in London time; midday when the reporter gave no time."""
    parsed = _TIME.match(typed_time.strip()) if typed_time else None
    moment = time(int(parsed.group(1)), int(parsed.group(2))) if parsed else time(12, 0)
    return timezone.make_aware(datetime.combine(day, moment))


class WhenSeenMixin(forms.Form):
    seen_on = GovukDateField(label="When was it seen", past_only=True, help_text="For example, 27 3 2026")
    seen_time = forms.CharField(
        label="Time (optional)",
        required=False,
        max_length=5,
        help_text="24-hour clock, for example 21:30",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "inputmode": "numeric"}),
    )

    def clean_seen_time(self) -> str:
        value: str = self.cleaned_data.get("seen_time", "").strip()
        if value and not _TIME.match(value):
            raise ValidationError("Time must be a real time on the 24-hour clock, like 21:30")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day = data.get("seen_on")
        typed_time = data.get("seen_time")
        if day and typed_time and day == timezone.localdate() and seen_at(day, typed_time) > timezone.now():
            self.add_error("seen_time", "Time must be now or in the past")
        return data


def _happening_now() -> forms.ChoiceField:
    return forms.ChoiceField(
        label="Is it happening now?",
        choices=HappeningNow.choices,
        widget=forms.RadioSelect,
        help_text="If a child is in danger now, call 999 as well",
    )


class ConcernRowsMixin(SubjectRowsMixin):
    """Looking for a child or adding a row is not sending the concern: no errors while the reporter does
    either, and everything typed comes back."""

    searching = False

    def full_clean(self) -> None:
        if self.searching:
            self._errors = ErrorDict()
            self.cleaned_data = {}
            return
        super().full_clean()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["subjects"] = self.clean_subject_rows()
        return data


class StaffConcernForm(SubmitOnceMixin, WhenSeenMixin, ConcernRowsMixin, TesseraForm):
    """A concern from staff. The child's details are checked against people the reporter can see first."""

    subject_kind = forms.ChoiceField(
        label="Who or what is the concern about", choices=SubjectKind.choices, widget=forms.RadioSelect
    )
    given_name = forms.CharField(label="Child's first name", max_length=100, required=False)
    family_name = forms.CharField(label="Child's last name", max_length=100, required=False)
    date_of_birth = GovukDateField(
        label="Child's date of birth (if known)",
        required=False,
        past_only=True,
        help_text="For example, 14 3 2010",
    )
    child_description = forms.CharField(
        label="Anything else that identifies the child (optional)",
        max_length=300,
        required=False,
        help_text="Approximate age, nickname, what they were wearing",
    )
    match = forms.ChoiceField(label="Is it one of these children?", required=False, widget=forms.RadioSelect)
    place_description = forms.CharField(
        label="Which place",
        max_length=300,
        required=False,
        help_text="Name and address, for example a hotel or park",
    )
    peer_group_description = forms.CharField(
        label="Which peer group", max_length=300, required=False, help_text="Who is in it and where they meet"
    )
    district = forms.ModelChoiceField(
        label="District", queryset=District.objects.filter(is_active=True), empty_label="Choose a district"
    )
    warning_signs = forms.MultipleChoiceField(
        label="Warning signs you noticed",
        choices=WarningSign.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Select all that apply",
    )
    what_was_seen = forms.CharField(
        label="What did you see or hear", widget=forms.Textarea(attrs={"rows": 4})
    )
    where = forms.CharField(label="Where (optional)", max_length=300, required=False)
    happening_now = _happening_now()
    required_messages = {
        "happening_now": "Select whether it is happening now",
        "subject_kind": "Select whether the concern is about a child, a place or a peer group",
        "what_was_seen": "Enter what you saw or heard",
        "district": "Select the district where it happened",
    }
    field_order = [
        "happening_now",
        "subject_kind",
        "given_name",
        "family_name",
        "date_of_birth",
        "child_description",
        "match",
        "place_description",
        "peer_group_description",
        "district",
        "warning_signs",
        "what_was_seen",
        "where",
        "seen_on",
        "seen_time",
    ]

    def __init__(
        self, *args: Any, matches: list[PossibleMatch] | None = None, searching: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.matches = matches or []
        self.searching = searching or bool(self.data.get("add"))
        choices = [(str(match.person.pk), match_label(match)) for match in self.matches]
        cast(forms.ChoiceField, self.fields["match"]).choices = [
            *choices,
            (NEW_CHILD, "None of these: a child not yet known to Tessera"),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("subject_kind")
        if kind == SubjectKind.CHILD:
            if not (data.get("given_name") or data.get("family_name") or data.get("child_description")):
                self.add_error("given_name", "Enter the child's name, or describe them if you do not know it")
            match = data.get("match")
            if (self.matches and not match) or (
                match and match != NEW_CHILD and match not in {str(m.person.pk) for m in self.matches}
            ):
                self.add_error("match", "Select the child from the records found, or 'None of these'")
        elif kind == SubjectKind.PLACE and not data.get("place_description"):
            self.add_error("place_description", "Enter the name and address of the place")
        elif kind == SubjectKind.PEER_GROUP and not data.get("peer_group_description"):
            self.add_error("peer_group_description", "Describe the peer group")
        return data

    def chosen_person(self) -> Person | None:
        match = self.cleaned_data.get("match")
        return next((m.person for m in self.matches if str(m.person.pk) == match), None)


class PartnerConcernForm(SubmitOnceMixin, WhenSeenMixin, ConcernRowsMixin, TesseraForm):
    """The short form for hotel, taxi and takeaway staff: what they saw, who, in what, where and when."""

    happening_now = _happening_now()
    who = forms.CharField(
        label="Who was involved, in your own words",
        max_length=300,
        required=False,
        error_messages={
            "max_length": "Who was involved must be 300 characters or fewer: put more in what you saw"
        },
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Describe the young people and any adults with them: ages, names if you heard them, "
        "clothes. You can give each person's details below too",
    )
    warning_signs = forms.MultipleChoiceField(
        label="What made you worried",
        choices=[
            (WarningSign.HOTELS_TAXIS_TAKEAWAYS, "A young person with adults who did not seem to be family"),
            (WarningSign.DRUGS_ALCOHOL, "Alcohol or drugs"),
            (WarningSign.UNEXPLAINED_GIFTS, "Cash, phones or gifts changing hands"),
            (WarningSign.MISSING_OVERNIGHT, "A young person out late or overnight"),
            (WarningSign.CARS_WITH_ADULTS, "A young person getting into a car with adults"),
        ],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Select all that apply",
    )
    what_was_seen = forms.CharField(
        label="What did you see or hear", widget=forms.Textarea(attrs={"rows": 4})
    )
    where = forms.CharField(
        label="Where", max_length=300, help_text="For example, the hotel name and room number"
    )
    required_messages = {
        "happening_now": "Select whether it is happening now",
        "what_was_seen": "Enter what you saw or heard",
        "where": "Enter where it happened",
    }
    field_order = ["happening_now", "who", "warning_signs", "what_was_seen", "where", "seen_on", "seen_time"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.searching = bool(self.data.get("add"))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("who") and not self.typed_people() and "who" not in self.errors:
            self.add_error(
                "who", "Describe who was involved, or give a young person's or adult's details below"
            )
        return data


class AdditionForm(SubmitOnceMixin, ConcernRowsMixin, TesseraForm):
    """More about a concern already sent: its reference, what else was seen, more people and things."""

    reference = forms.CharField(
        label="Reference number of the concern",
        max_length=20,
        help_text="The number you were given when you sent it, for example R-2026-ABC234",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "spellcheck": "false"}),
    )
    what_was_seen = forms.CharField(
        label="What else did you see or hear (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    required_messages = {"reference": "Enter the reference number of the concern"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.searching = bool(self.data.get("add"))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("what_was_seen") and not data.get("subjects") and not self.errors:
            self.add_error(
                "what_was_seen", "Enter what else you saw or heard, or give a person's or thing's details"
            )
        return data


class GradeForm(VersionedFormMixin, TesseraForm):
    urgency = forms.ChoiceField(
        label="How urgent is it?",
        choices=Urgency.choices,
        widget=forms.RadioSelect,
        help_text="Immediate: decide within the hour. Same day: by the end of today. "
        "Next working day: by the end of the next working day",
    )
    required_messages = {"urgency": "Select how urgent the concern is"}


class DecisionForm(VersionedFormMixin, TesseraForm):
    decision = forms.ChoiceField(label="Decision", choices=Decision.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label="Why", widget=forms.Textarea(attrs={"rows": 4}))
    late_reason = forms.CharField(
        label="Why the decision is late (if it is)",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="Needed when the decision is made after the day it was due",
    )
    lead_professional = forms.ModelChoiceField(
        label="Lead professional (if a case opens)",
        queryset=User.objects.none(),
        required=False,
        empty_label="Choose the lead professional",
        help_text="Needed for child in need and strategy discussion decisions, unless the child already has an open case",
    )
    case_about = forms.ChoiceField(
        label="What is the work about?",
        choices=SubjectKind.choices,
        widget=forms.RadioSelect,
        help_text="A case about a child is titled with the child's name and lets the child be risk-assessed",
    )
    case_child = forms.ChoiceField(label="Which child (if about a child)", required=False)
    case_place = forms.ChoiceField(label="Which place (if about a place)", required=False)
    peer_group = forms.CharField(
        label="Name of the peer group (if about a peer group)",
        max_length=300,
        required=False,
        help_text="For example, girls meeting at Millstone Walk",
    )
    field_order = [
        "case_about",
        "case_child",
        "case_place",
        "peer_group",
        "decision",
        "reason",
        "late_reason",
        "lead_professional",
    ]
    required_messages = {
        "decision": "Select a decision",
        "reason": "Say why you made this decision",
        "case_about": "Select whether the work is about a child, a place or a peer group",
    }

    def __init__(
        self,
        *args: Any,
        lead_choices: Any = None,
        children: list[tuple[str, str]] | None = None,
        places: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if lead_choices is not None:
            cast("forms.ModelChoiceField[Any]", self.fields["lead_professional"]).queryset = lead_choices
        cast(forms.ChoiceField, self.fields["case_child"]).choices = [
            ("", "Choose the child" if children else "No child recorded from this concern yet"),
            *(children or []),
        ]
        cast(forms.ChoiceField, self.fields["case_place"]).choices = [
            ("", "Choose the place" if places else "No place recorded from this concern yet"),
            *(places or []),
        ]
        self.fields["lead_professional"].label_from_instance = lambda u: f"{u} ({u.agency})"  # type: ignore[attr-defined]
