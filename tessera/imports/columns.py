"""Which of a file's columns hold which of Tessera's facts, as pure functions.

A profile names the columns its system usually sends; a real file can differ (a spreadsheet headed "DOB"
where the profile expects "Date of birth", an extra "Phone" column). Nothing in a file is left out
unseen: every column is either one the profile knows, one the importer chose a field for, or one the
importer chose not to import. Until every column is one of those, the import does not start.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from tessera.imports.parsing import RawRow
from tessera.imports.profiles import FIELD_LABELS, MappingProfile

# The stored choice for a column the importer looked at and decided not to import.
IGNORED = "ignored"
# Where the CSV reader puts cells past the last heading, and where a JSON record that is not an object is
# kept: neither is a column a field could be taken from.
EXTRA_CELLS = "(extra cells)"
NOT_A_RECORD = "(record)"

# Headings partners use for a fact under another name: offered first when such a column is not the
# profile's, never taken without the importer choosing it.
_SAME_FACT = {
    "date_of_birth": ("dob", "birth date", "birthdate", "date of birth"),
    "given_name": ("first name", "forename", "given name", "firstname"),
    "family_name": ("last name", "surname", "family name", "lastname"),
    "postcode": ("post code", "postcode"),
    "nhs_number": ("nhs no", "nhs number", "nhs"),
    "sex": ("gender", "sex"),
    "phone": ("phone", "telephone", "tel", "mobile", "mobile number", "phone number", "telephone number"),
}
_SEPARATORS = re.compile(r"[\s_\-]+")


def _folded(heading: str) -> str:
    """'D.O.B.', 'dob' and ' DOB ' alike; 'date_of_birth' as 'date of birth'."""
    return _SEPARATORS.sub(" ", heading.casefold().replace(".", "")).strip()


def file_columns(rows: Iterable[RawRow]) -> list[str]:
    """Every column any record in the file has, in the order they first appear."""
    seen: dict[str, None] = {}
    for row in rows:
        for key in row.values:
            if key != NOT_A_RECORD:
                seen.setdefault(key, None)
    return list(seen)


def fields_of_profile_column(column: str, profile: MappingProfile) -> list[str]:
    """The Tessera fields the profile fills from ``column`` (a police URN is record ID and person ID)."""
    return [name for name, profile_column in profile.columns.items() if profile_column == column]


def unknown_columns(columns: Iterable[str], profile: MappingProfile) -> list[str]:
    """The file's columns the profile does not know: each needs the importer's choice."""
    known = set(profile.columns.values())
    return [column for column in columns if column not in known]


def choosable_fields(columns: Iterable[str], profile: MappingProfile) -> list[str]:
    """Fields a column of this file may be chosen for: those no column the profile knows already fills."""
    present = set(columns)
    filled = {name for name, column in profile.columns.items() if column in present}
    # A system without ethnicity codes has no way to read an ethnicity: offering it would drop the column.
    unreadable = {"source_record_id"} | (set() if profile.ethnicity_codes else {"ethnicity"})
    return [name for name in FIELD_LABELS if name not in filled and name not in unreadable]


def suggested_field(column: str, choosable: Iterable[str], profile: MappingProfile) -> str:
    """The field a column's heading names ("DOB", "date of birth"), if one is free to choose, else ""."""
    folded = _folded(column)
    free = list(choosable)
    for name in free:
        own = profile.columns.get(name, "")
        if own and _folded(own) == folded:
            return name
    for name in free:
        if folded in _SAME_FACT.get(name, ()) or folded == _folded(FIELD_LABELS[name]):
            return name
    return ""


@dataclass(frozen=True)
class ColumnProblem:
    column: str
    message: str


def check_choices(
    columns: list[str], profile: MappingProfile, choices: Mapping[str, str]
) -> list[ColumnProblem]:
    """Every reason the file's columns are not all accounted for: a column with no choice, a field
    chosen for two columns, a choice that is not a field this file may fill."""
    problems: list[ColumnProblem] = []
    choosable = set(choosable_fields(columns, profile))
    chosen_for: dict[str, str] = {}
    for column in unknown_columns(columns, profile):
        choice = choices.get(column, "")
        if not choice:
            problems.append(
                ColumnProblem(column, f"Choose what column '{column}' holds, or choose not to import it")
            )
        elif choice == IGNORED:
            continue
        elif column == EXTRA_CELLS:
            problems.append(
                ColumnProblem(
                    column, "Cells past the last heading have no heading, so they cannot be imported"
                )
            )
        elif choice not in choosable:
            problems.append(ColumnProblem(column, f"Column '{column}' cannot be imported as '{choice}'"))
        elif choice in chosen_for:
            problems.append(
                ColumnProblem(
                    column,
                    f"{FIELD_LABELS[choice]} is chosen for both '{chosen_for[choice]}' and '{column}': "
                    "choose one of them",
                )
            )
        else:
            chosen_for[choice] = column
    return problems


def with_choices(profile: MappingProfile, choices: Mapping[str, str]) -> MappingProfile:
    """The profile as this file is read: each chosen column fills its field in place of the profile's."""
    if not choices:
        return profile
    columns = dict(profile.columns)
    for column, choice in choices.items():
        if choice and choice != IGNORED:
            columns[choice] = column
    return dataclasses.replace(profile, columns=columns)


@dataclass(frozen=True)
class ColumnLine:
    """One column of the file, as the import page lists it."""

    column: str
    fields: tuple[str, ...]
    # "profile": the profile's column; "chosen": the importer chose its field; "ignored"; "unresolved".
    how: str

    @property
    def holds(self) -> str:
        return "; ".join(FIELD_LABELS[name] for name in self.fields)


def column_lines(columns: list[str], profile: MappingProfile, choices: Mapping[str, str]) -> list[ColumnLine]:
    lines = []
    unknown = set(unknown_columns(columns, profile))
    for column in columns:
        if column not in unknown:
            lines.append(ColumnLine(column, tuple(fields_of_profile_column(column, profile)), "profile"))
            continue
        choice = choices.get(column, "")
        if choice == IGNORED:
            lines.append(ColumnLine(column, (), "ignored"))
        elif choice in FIELD_LABELS:
            lines.append(ColumnLine(column, (choice,), "chosen"))
        else:
            lines.append(ColumnLine(column, (), "unresolved"))
    return lines


def fields_not_in_file(columns: list[str], profile: MappingProfile, choices: Mapping[str, str]) -> list[str]:
    """Facts the profile expects that no column of this file will fill: nothing is stored for them."""
    present = set(columns)
    mapped = with_choices(profile, choices)
    return [name for name, column in mapped.columns.items() if column not in present]
