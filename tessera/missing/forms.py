"""Forms for missing episodes. Services enforce the rules; forms collect and explain."""

from __future__ import annotations

import re
from datetime import datetime, time
from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from tessera.missing.models import Grade, ReportedBy
from tessera.people.models import Location, LocationKind, Person
from tessera.ui.forms import GovukDateField, TesseraForm, VersionedFormMixin

if TYPE_CHECKING:
    _ModelChoiceField = forms.ModelChoiceField[Any]
else:
    _ModelChoiceField = forms.ModelChoiceField

_TIME = re.compile(r"^([01]?\d|2[0-3])[:.]?([0-5]\d)$")
DISCLOSURE_FIELDS = ("disclosure_1", "disclosure_2", "disclosure_3")


def _text(label: str, *, rows: int = 3, required: bool = True, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label, required=required, help_text=help_text, widget=forms.Textarea(attrs={"rows": rows})
    )


def _line(
    label: str, *, required: bool = True, help_text: str = "", max_length: int = 200
) -> forms.CharField:
    return forms.CharField(label=label, required=required, help_text=help_text, max_length=max_length)


def _time(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=5,
        help_text="24-hour clock, for example 21:30",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "inputmode": "numeric"}),
    )


class MomentsMixin(forms.Form):
    """Each moment is a day (``<name>_on``) and a time (``<name>_time``), joined into ``<name>_at``."""

    moments: tuple[str, ...] = ()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in self.moments:
            day, typed = data.get(f"{name}_on"), (data.get(f"{name}_time") or "").strip()
            parsed = _TIME.match(typed)
            if typed and not parsed:
                self.add_error(f"{name}_time", "Time must be a real time on the 24-hour clock, like 21:30")
                continue
            if day is None or parsed is None:
                continue
            moment = timezone.make_aware(
                datetime.combine(day, time(int(parsed.group(1)), int(parsed.group(2))))
            )
            if moment > timezone.now():
                self.add_error(f"{name}_time", "Time must be now or in the past")
                continue
            data[f"{name}_at"] = moment
        return data


class ProfileForm(TesseraForm):
    kept_by = _line("Who keeps this profile", help_text="The carer's name, and the home's name if a home")
    carer_kind = forms.ChoiceField(
        label="Kind of carer", choices=ReportedBy.choices, widget=forms.RadioSelect
    )
    childrens_home = _ModelChoiceField(
        label="Children's home (optional)",
        queryset=Location.objects.none(),
        required=False,
        empty_label="Not a children's home",
    )
    description = _text("Description", help_text="Height, build, hair, marks, how they speak")
    photo_reference = _line(
        "Photo reference (optional)", required=False, help_text="Where the current photo is kept"
    )
    associates = _text("Friends and associates (optional)", required=False)
    places = _text("Places they may go (optional)", required=False)
    phones = _text("Phone numbers (optional)", required=False, rows=2)
    accounts = _text("Social media and online accounts (optional)", required=False, rows=2)
    missing_history = _text("Missing history before Tessera (optional)", required=False)

    def __init__(self, *args: Any, homes: QuerySet[Location], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["childrens_home"].queryset = homes  # type: ignore[attr-defined]


class ProfileChangeForm(VersionedFormMixin, ProfileForm):
    pass


class GradeFieldsMixin(forms.Form):
    grade = forms.ChoiceField(label="Police risk grade", choices=Grade.choices, widget=forms.RadioSelect)
    grade_reason = _text("Why this grade")
    supervisor_decision = _text(
        "Supervisor's decision (only for 'no apparent risk')",
        required=False,
        help_text=(
            "A child with an exploitation flag or a current risk assessment at moderate or above can only be "
            "graded 'no apparent risk' by a supervisor, who writes down why"
        ),
    )


class ReportForm(GradeFieldsMixin, MomentsMixin, TesseraForm):
    moments = ("last_seen",)
    reported_by_kind = forms.ChoiceField(
        label="Who reported", choices=ReportedBy.choices, widget=forms.RadioSelect
    )
    reported_by_name = _line("Name of who reported")
    last_seen_on = GovukDateField(label="Date last seen", past_only=True, help_text="For example, 27 3 2026")
    last_seen_time = _time("Time last seen")
    last_seen_where = _line("Where last seen", max_length=300)
    last_seen_with = _line("Who with (optional)", required=False, max_length=300)
    circumstances = _text("Circumstances", help_text="What happened before they went, anything said or taken")
    clothing = _text("Clothing (optional)", required=False, rows=2)
    phones = _text("Phones (optional)", required=False, rows=2)

    field_order = [
        "reported_by_kind",
        "reported_by_name",
        "last_seen_on",
        "last_seen_time",
        "last_seen_where",
        "last_seen_with",
        "circumstances",
        "clothing",
        "phones",
        "grade",
        "grade_reason",
        "supervisor_decision",
    ]


class RegradeForm(VersionedFormMixin, GradeFieldsMixin, TesseraForm):
    pass


OTHER_PLACE = "other"


class FoundForm(VersionedFormMixin, MomentsMixin, TesseraForm):
    moments = ("found",)
    found_on = GovukDateField(
        label="Date found or returned", past_only=True, help_text="For example, 27 3 2026"
    )
    found_time = _time("Time found or returned")
    place = forms.ChoiceField(label="Where found", widget=forms.RadioSelect)
    place_name = _line("Name of the place (optional)", required=False, max_length=150)
    place_address = _line(
        "Address of the place", required=False, max_length=150, help_text="With the postcode if known"
    )
    place_kind = forms.ChoiceField(
        label="Kind of place", choices=LocationKind.choices, initial=LocationKind.OTHER
    )
    found_with = _ModelChoiceField(
        label="Found with a person already known (optional)",
        queryset=Person.objects.none(),
        required=False,
        empty_label="Nobody listed here",
    )
    found_with_description = _line(
        "Who they were with (optional)",
        required=False,
        max_length=300,
        help_text="As described, if not listed",
    )
    vehicle = forms.CharField(
        label="Vehicle registration (optional)",
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )
    account = _text("How they were found and what they said")

    def __init__(
        self, *args: Any, places: list[tuple[str, str]], people: QuerySet[Person], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["place"].choices = [*places, (OTHER_PLACE, "Somewhere not listed: describe it below")]  # type: ignore[attr-defined]
        self.fields["found_with"].queryset = people  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("place") == OTHER_PLACE and not (data.get("place_name") or data.get("place_address")):
            self.add_error("place_address", "Enter the name or the address of where the child was found")
        return data


class SafeAndWellForm(VersionedFormMixin, MomentsMixin, TesseraForm):
    moments = ("checked",)
    checked_on = GovukDateField(label="Date of the check", past_only=True, help_text="For example, 27 3 2026")
    checked_time = _time("Time of the check")
    officer = _line("Officer who checked")
    notes = _text("What the check found")


class InterviewForm(MomentsMixin, TesseraForm):
    moments = ("held",)
    held_on = GovukDateField(label="Date held", past_only=True, help_text="For example, 27 3 2026")
    held_time = _time("Time held")
    interviewer = _line("Who held it", help_text="Independent of the police and of the child's carers")
    where_they_went = _text("Where the child says they went, and who with (optional)", required=False)
    child_account = _text("In the child's own words", rows=5)
    disclosure_1 = _text(
        "First disclosure (optional)",
        required=False,
        help_text="Each disclosure becomes an action for the child's case team",
    )
    disclosure_2 = _text("Second disclosure (optional)", required=False)
    disclosure_3 = _text("Third disclosure (optional)", required=False)
    late_reason = _text("Why it was not held within 72 hours (if it was not)", required=False, rows=2)

    def disclosures(self) -> tuple[str, ...]:
        return tuple(self.cleaned_data.get(name, "") for name in DISCLOSURE_FIELDS)


class CloseMonitoringForm(VersionedFormMixin, TesseraForm):
    reason = _text("Why monitoring can end")
