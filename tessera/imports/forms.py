"""Forms for sending a partner file and correcting a quarantined row."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from tessera.core.models import Agency, AgencyKind, District
from tessera.imports.columns import (
    EXTRA_CELLS,
    IGNORED,
    check_choices,
    choosable_fields,
    suggested_field,
    unknown_columns,
)
from tessera.imports.models import ImportBatch
from tessera.imports.parsing import MAX_FILE_BYTES, FileProblemError, file_format
from tessera.imports.profiles import FIELD_LABELS, PROFILES, MappingProfile, profile_choices
from tessera.imports.validation import CleanRecord, map_row, validate_mapped
from tessera.people.models import Ethnicity, Sex
from tessera.ui.forms import GovukDateField, TesseraForm


class UploadForm(TesseraForm):
    profile = forms.ChoiceField(
        label="Which system is the file from?", choices=profile_choices(), widget=forms.RadioSelect
    )
    agency = forms.ModelChoiceField(
        label="Agency that sent it", queryset=Agency.objects.none(), empty_label="Choose an agency"
    )
    district = forms.ModelChoiceField(
        label="District",
        queryset=District.objects.none(),
        empty_label="Choose a district",
        help_text="Everyone in the file is treated as known in this district: those who work there can see them.",
    )
    file = forms.FileField(label="File", help_text="A CSV or JSON export, smaller than 20 MB.")

    required_messages = {
        "profile": "Select which system the file is from",
        "file": "Select a file to import",
    }

    def __init__(self, *args: Any, districts: QuerySet[District], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds = {p.agency_kind for p in PROFILES.values()}
        agency_field = cast("forms.ModelChoiceField[Any]", self.fields["agency"])
        district_field = cast("forms.ModelChoiceField[Any]", self.fields["district"])
        agency_field.queryset = Agency.objects.filter(kind__in=kinds, is_active=True).order_by("name")
        district_field.queryset = districts

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        try:
            self.file_format = file_format(upload.name)
        except FileProblemError as problem:
            raise forms.ValidationError(str(problem)) from None
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError("The file must be smaller than 20 MB")
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        profile_code, agency = data.get("profile"), data.get("agency")
        if profile_code and agency is not None:
            profile = PROFILES[profile_code]
            if agency.kind != profile.agency_kind:
                self.add_error(
                    "agency",
                    f"{profile.source_system} files come from {_kind_label(profile.agency_kind)}: "
                    f"choose an agency of that kind",
                )
        return data


def _kind_label(kind: str) -> str:

    return str(AgencyKind(kind).label).lower()


def _date_parts(text: str, profile: MappingProfile) -> list[str] | None:
    """'31/02/2010' -> ['31', '02', '2010'] in day, month, year order, even when it is not a real date."""
    for fmt in profile.date_formats:
        separator = "/" if "/" in fmt else "-"
        parts = text.split(separator)
        if len(parts) != 3:
            continue
        order = [p.strip("%") for p in fmt.split(separator)]
        by_part = dict(zip(order, parts, strict=True))
        return [by_part.get("d", ""), by_part.get("m", ""), by_part.get("Y", "")]
    return None


class CorrectionForm(TesseraForm):
    """A quarantined row in Tessera's terms, checked by the same rules as the file import."""

    source_record_id = forms.CharField(label=FIELD_LABELS["source_record_id"], max_length=100)
    given_name = forms.CharField(label=FIELD_LABELS["given_name"], max_length=100, required=False)
    middle_names = forms.CharField(label=FIELD_LABELS["middle_names"], max_length=150, required=False)
    family_name = forms.CharField(label=FIELD_LABELS["family_name"], max_length=100, required=False)
    other_names = forms.CharField(
        label=FIELD_LABELS["other_names"],
        required=False,
        help_text="Aliases or nicknames, separated by semicolons",
    )
    date_of_birth = GovukDateField(label=FIELD_LABELS["date_of_birth"], required=False)
    sex = forms.ChoiceField(label=FIELD_LABELS["sex"], choices=Sex.choices)
    ethnicity = forms.ChoiceField(label=FIELD_LABELS["ethnicity"], choices=Ethnicity.choices)
    address_line_1 = forms.CharField(label=FIELD_LABELS["address_line_1"], max_length=150, required=False)
    address_line_2 = forms.CharField(label=FIELD_LABELS["address_line_2"], max_length=150, required=False)
    town = forms.CharField(label=FIELD_LABELS["town"], max_length=100, required=False)
    postcode = forms.CharField(label=FIELD_LABELS["postcode"], max_length=10, required=False)
    nhs_number = forms.CharField(label=FIELD_LABELS["nhs_number"], max_length=12, required=False)
    police_person_id = forms.CharField(label=FIELD_LABELS["police_person_id"], max_length=30, required=False)
    pupil_number = forms.CharField(label=FIELD_LABELS["pupil_number"], max_length=15, required=False)
    la_person_id = forms.CharField(label=FIELD_LABELS["la_person_id"], max_length=30, required=False)
    phone = forms.CharField(label=FIELD_LABELS["phone"], max_length=30, required=False)

    required_messages = {"source_record_id": "Enter the record ID from the partner system"}

    def __init__(self, *args: Any, profile: MappingProfile, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.profile = profile
        self.record: CleanRecord | None = None
        # Only the facts this system sends are offered for correction.
        for name in list(self.fields):
            if name not in profile.columns or name in profile.identifiers_from_record_id():
                del self.fields[name]
            else:
                column = profile.column_for(name)
                hint = f"Column {column} in the file."
                if self.fields[name].help_text:
                    hint = f"{self.fields[name].help_text}. {hint}"
                self.fields[name].help_text = hint

    @classmethod
    def initial_from_raw(cls, raw: dict[str, Any], profile: MappingProfile) -> dict[str, Any]:
        mapped = map_row(raw, profile)
        initial: dict[str, Any] = dict(mapped)
        initial["date_of_birth"] = _date_parts(mapped.get("date_of_birth", ""), profile)
        for name, codes, default in (
            ("sex", profile.sex_codes, Sex.UNKNOWN),
            ("ethnicity", profile.ethnicity_codes, Ethnicity.NOT_STATED),
        ):
            value = mapped.get(name, "").upper()
            initial[name] = codes.get(value, default)
        return initial

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        mapped = {name: str(value or "") for name, value in data.items() if name != "date_of_birth"}
        dob = data.get("date_of_birth")
        mapped["date_of_birth"] = (
            dob.strftime(self.profile.date_formats[0]) if isinstance(dob, datetime.date) else ""
        )
        outcome = validate_mapped(mapped, self.profile, today=timezone.localdate(), seen_ids={})
        for problem in outcome.problems:
            self.add_error(problem.field if problem.field in self.fields else None, problem.message)
        self.record = outcome.record
        return data


class SetAsideForm(TesseraForm):
    note = forms.CharField(
        label="Why will this row not be imported?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: a test record, or the same child as row 12.",
    )
    required_messages = {"note": "Enter why this row will not be imported"}


class ColumnsForm(TesseraForm):
    """What each column the profile does not know holds: a field, or not imported. Every one must be
    answered; the checks are those ``services.begin_import`` makes, so the page and the service agree."""

    def __init__(self, *args: Any, batch: ImportBatch, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.columns = list(batch.file_columns)
        self.profile = batch.base_profile
        choosable = choosable_fields(self.columns, self.profile)
        self.field_for_column: dict[str, str] = {}
        for index, column in enumerate(unknown_columns(self.columns, self.profile)):
            name = f"column_{index}"
            self.field_for_column[column] = name
            offered = [] if column == EXTRA_CELLS else [(f, FIELD_LABELS[f]) for f in choosable]
            suggestion = "" if column == EXTRA_CELLS else suggested_field(column, choosable, self.profile)
            if column == EXTRA_CELLS:
                hint = "Cells past the last heading of the file: they have no heading to import them by."
            elif suggestion:
                hint = f"Its heading suggests {FIELD_LABELS[suggestion].lower()}: check before starting."
            else:
                hint = f"Not a column {self.profile.source_system} files usually have."
            self.fields[name] = forms.ChoiceField(
                label=f"Column ‘{column}’",
                choices=[("", "Choose what it holds"), *offered, (IGNORED, "Do not import this column")],
                required=False,
                initial=batch.column_choices.get(column) or suggestion,
                help_text=hint,
            )

    @property
    def choices(self) -> dict[str, str]:
        data = getattr(self, "cleaned_data", {})
        return {column: data.get(name, "") for column, name in self.field_for_column.items()}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for problem in check_choices(self.columns, self.profile, self.choices):
            self.add_error(self.field_for_column[problem.column], problem.message)
        return data
