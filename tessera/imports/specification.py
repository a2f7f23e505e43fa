"""Each profile's column specification: what a partner's export must look like, column by column.

Written from the profile and the checks validation makes, so the document a partner is sent cannot
drift from what the import does.
"""

from __future__ import annotations

import csv
import io

from tessera.imports.profiles import FIELD_LABELS, MappingProfile
from tessera.imports.validation import DEFAULT_MAX_LENGTH, MAX_LENGTHS

HEADINGS = ("Column", "Holds", "Required", "Format", "Longest value")

_FORMATS = {
    "postcode": "A full UK postcode, such as S60 1AA",
    "nhs_number": "10 digits with a valid check digit (spaces allowed); one that fails is kept but not matched on",
    "pupil_number": "A letter then 12 characters (11 numbers and a check); one that fails is kept but not matched on",
    "phone": "A UK or international phone number, such as 07700 900123 or +44 7700 900123",
    "given_name": "Letters, spaces, hyphens and apostrophes",
    "middle_names": "Letters, spaces, hyphens and apostrophes",
    "family_name": "Letters, spaces, hyphens and apostrophes",
}


def _required(name: str) -> str:
    if name == "source_record_id":
        return "Yes: unique in the file"
    if name in {"given_name", "family_name"}:
        return "First name or last name"
    return "No"


def _format(name: str, profile: MappingProfile) -> str:
    if name == "date_of_birth":
        return f"A real date written as {profile.date_format_hint}, not in the future, not before 1900"
    if name == "sex":
        return "One of " + ", ".join(sorted(profile.sex_codes))
    if name == "ethnicity" and profile.ethnicity_codes:
        return "One of " + ", ".join(sorted(profile.ethnicity_codes))
    if name == "other_names":
        return f"Names separated by '{profile.other_names_separator}'"
    return _FORMATS.get(name, "Text")


def _longest(name: str) -> str:
    if name in {"date_of_birth", "sex", "ethnicity"}:
        return ""
    return f"{MAX_LENGTHS.get(name, DEFAULT_MAX_LENGTH)} characters"


def specification_rows(profile: MappingProfile) -> list[tuple[str, str, str, str, str]]:
    """One row per column the profile reads, in the order Tessera lists its fields."""
    rows = []
    by_column: dict[str, list[str]] = {}
    for name in FIELD_LABELS:
        column = profile.columns.get(name)
        if column:
            by_column.setdefault(column, []).append(name)
    for column, names in by_column.items():
        first = names[0]
        rows.append(
            (
                column,
                "; ".join(FIELD_LABELS[n] for n in names),
                _required(first),
                _format(first, profile),
                _longest(first),
            )
        )
    return rows


def specification_csv(profile: MappingProfile) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADINGS)
    writer.writerows(specification_rows(profile))
    return out.getvalue()


def specification_file_name(profile: MappingProfile) -> str:
    return f"tessera-columns-{profile.code}.csv"
