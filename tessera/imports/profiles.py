"""Mapping profiles: how each partner system's export maps onto what Tessera holds about a person.

A profile is plain data. It names the source system, the kind of agency that runs it, which column holds
which fact, how that system writes dates and codes, and which identifier is the system's own. Adding a
partner system means adding a profile here, not code elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field

FIELD_LABELS: dict[str, str] = {
    "source_record_id": "Record ID",
    "given_name": "First name",
    "middle_names": "Middle names",
    "family_name": "Last name",
    "other_names": "Other names",
    "date_of_birth": "Date of birth",
    "sex": "Sex",
    "ethnicity": "Ethnicity",
    "address_line_1": "Address line 1",
    "address_line_2": "Address line 2",
    "town": "Town or city",
    "postcode": "Postcode",
    "nhs_number": "NHS number",
    "police_person_id": "Police person ID",
    "pupil_number": "Unique pupil number",
    "la_person_id": "Local authority person ID",
    # Stored where phones live in POLE: one Phone per number, linked to the person ("uses phone").
    "phone": "Phone number",
}

_SEX_MFU = {"M": "male", "F": "female", "U": "unknown", "X": "other", "I": "other", "N": "unknown"}
_SEX_WORDS = {
    "MALE": "male",
    "FEMALE": "female",
    "UNKNOWN": "unknown",
    "NOT KNOWN": "unknown",
    "NOT STATED": "unknown",
    "OTHER": "other",
    "INDETERMINATE": "other",
}
# NHS Data Dictionary person stated gender codes.
_SEX_NHS = {"1": "male", "2": "female", "9": "unknown", "0": "unknown", "X": "other"}

# The 18+1 self-defined ethnicity codes police systems use, mapped to the ONS 2021 groups.
_ETHNICITY_POLICE = {
    "W1": "white_british",
    "W2": "white_irish",
    "W3": "white_gypsy",
    "W4": "white_roma",
    "W9": "white_other",
    "M1": "mixed_wbc",
    "M2": "mixed_wba",
    "M3": "mixed_wa",
    "M9": "mixed_other",
    "A1": "asian_indian",
    "A2": "asian_pakistani",
    "A3": "asian_bangladeshi",
    "A4": "asian_chinese",
    "A9": "asian_other",
    "B1": "black_caribbean",
    "B2": "black_african",
    "B9": "black_other",
    "O1": "arab",
    "O9": "other",
    "NS": "not_stated",
}
# NHS Data Dictionary ethnic category codes (used by health and, with the same letters, by schools' census).
_ETHNICITY_NHS = {
    "A": "white_british",
    "B": "white_irish",
    "C": "white_other",
    "D": "mixed_wbc",
    "E": "mixed_wba",
    "F": "mixed_wa",
    "G": "mixed_other",
    "H": "asian_indian",
    "J": "asian_pakistani",
    "K": "asian_bangladeshi",
    "L": "asian_other",
    "M": "black_caribbean",
    "N": "black_african",
    "P": "black_other",
    "R": "asian_chinese",
    "S": "other",
    "Z": "not_stated",
    "99": "not_stated",
}


@dataclass(frozen=True)
class MappingProfile:
    code: str
    label: str
    agency_kind: str
    source_system: str
    # Tessera field -> the column (CSV header or JSON key) that holds it in this system's export.
    columns: dict[str, str]
    date_formats: tuple[str, ...]
    sex_codes: dict[str, str]
    ethnicity_codes: dict[str, str] = field(default_factory=dict)
    # Separator between several other names in one cell.
    other_names_separator: str = ";"
    # For JSON exports: the key under which the list of records sits ("" for a top-level list).
    json_records_key: str = ""

    @property
    def date_format_hint(self) -> str:
        return " or ".join(
            fmt.replace("%d", "DD").replace("%m", "MM").replace("%Y", "YYYY") for fmt in self.date_formats
        )

    def column_for(self, tessera_field: str) -> str:
        return self.columns.get(tessera_field, "")

    def identifiers_from_record_id(self) -> list[str]:
        """Identifier fields this system fills from its own record ID (the police URN is both)."""
        id_column = self.columns.get("source_record_id")
        return [
            name
            for name in ("police_person_id", "la_person_id", "pupil_number", "nhs_number")
            if self.columns.get(name) == id_column
        ]

    def describe(self, tessera_field: str) -> str:
        """'Date of birth (column DOB)': how a problem names the field, in both vocabularies."""
        column = self.column_for(tessera_field)
        label = FIELD_LABELS[tessera_field]
        return f"{label} (column {column})" if column else label


PROFILES: dict[str, MappingProfile] = {
    profile.code: profile
    for profile in (
        MappingProfile(
            code="police_rms",
            label="Police records management system (Niche RMS export)",
            agency_kind="police",
            source_system="Niche RMS",
            columns={
                "source_record_id": "PersonURN",
                "given_name": "Forename1",
                "middle_names": "Forename2",
                "family_name": "Surname",
                "other_names": "AKA",
                "date_of_birth": "DOB",
                "sex": "Sex",
                "ethnicity": "SDE",
                "address_line_1": "AddressLine1",
                "address_line_2": "AddressLine2",
                "town": "Town",
                "postcode": "Postcode",
                "police_person_id": "PersonURN",
            },
            date_formats=("%d/%m/%Y",),
            sex_codes=_SEX_MFU,
            ethnicity_codes=_ETHNICITY_POLICE,
        ),
        MappingProfile(
            code="csc_lcs",
            label="Children's social care case management (Liquidlogic LCS export)",
            agency_kind="childrens_social_care",
            source_system="Liquidlogic LCS",
            columns={
                "source_record_id": "person_id",
                "given_name": "forename",
                "family_name": "surname",
                "other_names": "known_as",
                "date_of_birth": "date_of_birth",
                "sex": "gender",
                "ethnicity": "ethnicity_code",
                "address_line_1": "address_1",
                "address_line_2": "address_2",
                "town": "town",
                "postcode": "postcode",
                "nhs_number": "nhs_number",
                "la_person_id": "person_id",
            },
            date_formats=("%Y-%m-%d", "%d/%m/%Y"),
            sex_codes={**_SEX_MFU, **_SEX_WORDS},
            ethnicity_codes=_ETHNICITY_NHS,
        ),
        MappingProfile(
            code="health_systmone",
            label="Community health record (SystmOne export, JSON)",
            agency_kind="health",
            source_system="SystmOne",
            columns={
                "source_record_id": "patientId",
                "given_name": "givenName",
                "family_name": "familyName",
                "date_of_birth": "birthDate",
                "sex": "genderCode",
                "ethnicity": "ethnicCategory",
                "address_line_1": "addressLine1",
                "town": "addressCity",
                "postcode": "addressPostcode",
                "nhs_number": "nhsNumber",
            },
            date_formats=("%Y-%m-%d",),
            sex_codes={**_SEX_NHS, **_SEX_WORDS},
            ethnicity_codes=_ETHNICITY_NHS,
            json_records_key="patients",
        ),
        MappingProfile(
            code="education_sims",
            label="School management information system (SIMS pupil export)",
            agency_kind="education",
            source_system="SIMS",
            columns={
                "source_record_id": "UPN",
                "given_name": "Legal Forename",
                "family_name": "Legal Surname",
                "other_names": "Preferred Forename",
                "date_of_birth": "Date of Birth",
                "sex": "Gender",
                "ethnicity": "Ethnicity",
                "address_line_1": "Address",
                "town": "Town",
                "postcode": "Post Code",
                "pupil_number": "UPN",
            },
            date_formats=("%d/%m/%Y",),
            sex_codes={**_SEX_MFU, **_SEX_WORDS},
            ethnicity_codes=_ETHNICITY_NHS,
        ),
        MappingProfile(
            code="charity_cases",
            label="Charity case records (spreadsheet export)",
            agency_kind="charity",
            source_system="Charity case records",
            columns={
                "source_record_id": "Case reference",
                "given_name": "First name",
                "family_name": "Last name",
                "other_names": "Also known as",
                "date_of_birth": "Date of birth",
                "sex": "Gender",
                "address_line_1": "Address",
                "town": "Town",
                "postcode": "Postcode",
            },
            date_formats=("%d/%m/%Y", "%Y-%m-%d"),
            sex_codes={**_SEX_MFU, **_SEX_WORDS},
        ),
    )
}


def profile_choices() -> list[tuple[str, str]]:
    return [(p.code, p.label) for p in PROFILES.values()]
