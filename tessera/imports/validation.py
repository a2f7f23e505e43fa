"""Validating one partner record, as pure functions: a clean record, or every reason it cannot be taken.

Each check names the field in the user's words and in the partner's column name, and says what was
wrong with what was sent, so whoever corrects the row knows exactly what to change.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from tessera.imports.profiles import MappingProfile
from tessera.people.identifiers import (
    is_valid_nhs_number,
    normalise_nhs_number,
    normalise_phone,
    normalise_postcode,
)
from tessera.ui.text import name_problem

MAX_LENGTHS = {
    "source_record_id": 100,
    "given_name": 100,
    "middle_names": 150,
    "family_name": 100,
    "address_line_1": 150,
    "address_line_2": 150,
    "town": 100,
    "police_person_id": 30,
    "la_person_id": 30,
    "other_names": 300,
    "phone": 30,
}
# Any other field: longer than this is not a value a partner system holds (a 300 KB cell, say).
DEFAULT_MAX_LENGTH = 100
_FULL_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}$")
_UPN = re.compile(r"^[A-Z][0-9]{11}[0-9A-Z]$")
_NAME_BAD_CHARS = re.compile(r"[0-9@#$%^*_=+<>{}\[\]|\\/]")
EARLIEST_BIRTH = datetime.date(1900, 1, 1)


@dataclass(frozen=True)
class Problem:
    field: str  # a Tessera field name, or "" for the record as a whole
    message: str


@dataclass
class CleanRecord:
    """What Tessera stores from one valid partner record."""

    source_record_id: str
    given_name: str = ""
    middle_names: str = ""
    family_name: str = ""
    other_names: list[str] = field(default_factory=list)
    date_of_birth: datetime.date | None = None
    sex: str = "unknown"
    ethnicity: str = "not_stated"
    address_line_1: str = ""
    address_line_2: str = ""
    town: str = ""
    postcode: str = ""
    nhs_number: str = ""
    police_person_id: str = ""
    pupil_number: str = ""
    la_person_id: str = ""
    # In E.164; not a field of the identity: it becomes a Phone the person is linked to ("uses phone").
    phone: str = ""
    # Identifiers that fail their check, as given (see SourceIdentity.identifiers_failing_check).
    identifiers_failing_check: dict[str, str] = field(default_factory=dict)

    @property
    def has_address(self) -> bool:
        return bool(self.address_line_1 or self.postcode)

    def identity_fields(self) -> dict[str, Any]:
        """The values that go onto the SourceIdentity row (the address is stored separately)."""
        return {
            "given_name": self.given_name,
            "middle_names": self.middle_names,
            "family_name": self.family_name,
            "other_names": self.other_names,
            "date_of_birth": self.date_of_birth,
            "sex": self.sex,
            "ethnicity": self.ethnicity,
            "nhs_number": self.nhs_number,
            "police_person_id": self.police_person_id,
            "pupil_number": self.pupil_number,
            "la_person_id": self.la_person_id,
            "identifiers_failing_check": self.identifiers_failing_check,
        }

    def address_fields(self) -> dict[str, str]:
        return {
            "address_line_1": self.address_line_1,
            "address_line_2": self.address_line_2,
            "town": self.town,
            "postcode": self.postcode,
        }


@dataclass(frozen=True)
class Outcome:
    record: CleanRecord | None
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return self.record is not None and not self.problems


STRUCTURED = "\x00structured"  # what map_row gives for a JSON list or object where a value should be


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return STRUCTURED
    return " ".join(str(value).split())


def map_row(values: dict[str, Any], profile: MappingProfile) -> dict[str, str]:
    """The partner's columns renamed to Tessera's fields, every value as tidied text."""
    return {tessera: _text(values.get(column)) for tessera, column in profile.columns.items()}


def _value_problem(name: str, value: str, label: str) -> str | None:
    """A value no partner system could mean: a list or object, far too long, or holding characters that
    are not text (NUL, text-direction controls, zero-width spaces)."""
    if value == STRUCTURED:
        return f"{label} is a list or object in the file, not a single value"
    limit = MAX_LENGTHS.get(name, DEFAULT_MAX_LENGTH)
    if len(value) > limit:
        return f"{label} must be {limit} characters or fewer (the file has {len(value):,})"
    character = name_problem(value)
    if character:
        return f"{label} contains {character}, which cannot be part of a value"
    return None


def check_name(value: str, label: str) -> str | None:
    if _NAME_BAD_CHARS.search(value):
        return f"{label} '{value}' contains numbers or symbols that are not part of a name"
    return None


def parse_date_of_birth(
    value: str, formats: tuple[str, ...], label: str, hint: str, today: datetime.date
) -> tuple[datetime.date | None, str | None]:
    if not value:
        return None, None
    for fmt in formats:
        try:
            parsed = datetime.datetime.strptime(value, fmt).date()  # noqa: DTZ007 - a date, no time zone
        except ValueError:
            continue
        if parsed > today:
            return None, f"{label} '{value}' is in the future"
        if parsed < EARLIEST_BIRTH:
            return None, f"{label} '{value}' is before 1900"
        return parsed, None
    impossible = _why_not_a_date(value, formats)
    if impossible:
        return None, f"{label} '{value}' is not a real date: {impossible}"
    return None, f"{label} '{value}' is not a real date written as {hint}"


_DATE_PARTS = {"%d": r"(?P<d>\d{1,2})", "%m": r"(?P<m>\d{1,2})", "%Y": r"(?P<Y>\d{4})"}


def _why_not_a_date(value: str, formats: tuple[str, ...]) -> str:
    """For a value written in the right shape but naming no day ('31/02/2010'), what is wrong with it."""
    for fmt in formats:
        pattern = re.escape(fmt)
        for part, group in _DATE_PARTS.items():
            pattern = pattern.replace(re.escape(part), group)
        match = re.fullmatch(pattern, value)
        if match is None:
            continue
        day, month, year = int(match["d"]), int(match["m"]), int(match["Y"])
        if not 1 <= month <= 12:
            return f"there is no month {month}"
        if year < 1:
            return "there is no year 0"
        days = calendar.monthrange(year, month)[1]
        if not 1 <= day <= days:
            return f"{calendar.month_name[month]} {year} has {days} days"
    return ""


def check_nhs_number(value: str, label: str) -> tuple[str, str | None]:
    digits = normalise_nhs_number(value)
    if not value:
        return "", None
    if len(digits) != 10:
        return "", f"{label} '{value}' must be 10 digits"
    if not is_valid_nhs_number(digits):
        return "", f"{label} '{value}' is not a valid NHS number (its check digit is wrong)"
    return digits, None


def check_postcode(value: str, label: str) -> tuple[str, str | None]:
    if not value:
        return "", None
    normal = normalise_postcode(value)
    if not _FULL_POSTCODE.match(normal):
        return "", f"{label} '{value}' is not a full UK postcode"
    return normal, None


def check_pupil_number(value: str, label: str) -> tuple[str, str | None]:
    if not value:
        return "", None
    normal = value.replace(" ", "").upper()
    if not _UPN.match(normal):
        return "", f"{label} '{value}' must be a letter followed by 12 characters (11 numbers and a check)"
    return normal, None


def check_phone(value: str, label: str) -> tuple[str, str | None]:
    if not value:
        return "", None
    normal = normalise_phone(value)
    if not normal:
        return "", f"{label} '{value}' is not a phone number (write it like 07700 900123 or +44 7700 900123)"
    return normal, None


def check_code(value: str, codes: dict[str, str], label: str, default: str) -> tuple[str, str | None]:
    if not value:
        return default, None
    key = value.strip().upper()
    if key in codes:
        return codes[key], None
    if value in codes.values():  # already in Tessera's vocabulary (e.g. a corrected row)
        return value, None
    accepted = ", ".join(sorted(codes))
    return default, f"{label} '{value}' is not a code this system uses ({accepted})"


def validate(
    values: dict[str, Any], profile: MappingProfile, *, today: datetime.date, seen_ids: dict[str, int]
) -> Outcome:
    """Check one record from a partner file. ``seen_ids`` maps record IDs already taken to their row."""
    if "(record)" in values:
        return Outcome(None, (Problem("", "The record is not a set of named fields"),))
    mapped = map_row(values, profile)
    return validate_mapped(mapped, profile, today=today, seen_ids=seen_ids)


def validate_mapped(
    mapped: dict[str, str], profile: MappingProfile, *, today: datetime.date, seen_ids: dict[str, int]
) -> Outcome:
    """Check a record already in Tessera's field names (from a file, or typed into the correction form)."""
    problems: list[Problem] = []
    mapped = dict(mapped)
    for name in profile.identifiers_from_record_id():
        mapped[name] = mapped.get("source_record_id", "")

    def describe(name: str) -> str:
        return profile.describe(name)

    record_id = mapped.get("source_record_id", "")
    if not record_id:
        problems.append(Problem("source_record_id", f"{describe('source_record_id')} is empty"))
    elif record_id in seen_ids:
        problems.append(
            Problem(
                "source_record_id",
                f"{describe('source_record_id')} '{record_id}' was already used by row {seen_ids[record_id]}",
            )
        )
    for name, value in list(mapped.items()):
        problem = _value_problem(name, value, describe(name))
        if problem:
            problems.append(Problem(name, problem))
            mapped[name] = ""  # checked no further: one clear reason per field

    given, family = mapped.get("given_name", ""), mapped.get("family_name", "")
    named_fields_refused = any(p.field in {"given_name", "family_name"} for p in problems)
    if not given and not family and not named_fields_refused:
        problems.append(
            Problem("family_name", "The record has no name: both first name and last name are empty")
        )
    for name in ("given_name", "middle_names", "family_name"):
        if (message := check_name(mapped.get(name, ""), describe(name))) is not None:
            problems.append(Problem(name, message))

    dob, message = parse_date_of_birth(
        mapped.get("date_of_birth", ""),
        profile.date_formats,
        describe("date_of_birth"),
        profile.date_format_hint,
        today,
    )
    if message:
        problems.append(Problem("date_of_birth", message))
    sex, message = check_code(mapped.get("sex", ""), profile.sex_codes, describe("sex"), "unknown")
    if message:
        problems.append(Problem("sex", message))
    ethnicity = "not_stated"
    if profile.ethnicity_codes:
        ethnicity, message = check_code(
            mapped.get("ethnicity", ""), profile.ethnicity_codes, describe("ethnicity"), "not_stated"
        )
        if message:
            problems.append(Problem("ethnicity", message))
    # An identifier that fails its check does not cost the row: it is kept as given, marked, and not
    # matched on; the name, date of birth and address still link the record.
    failing: dict[str, str] = {}
    nhs, message = check_nhs_number(mapped.get("nhs_number", ""), describe("nhs_number"))
    if message:
        failing["nhs_number"] = mapped["nhs_number"]
    postcode, message = check_postcode(mapped.get("postcode", ""), describe("postcode"))
    if message:
        problems.append(Problem("postcode", message))
    upn, message = check_pupil_number(mapped.get("pupil_number", ""), describe("pupil_number"))
    if message:
        failing["pupil_number"] = mapped["pupil_number"]

    phone, message = check_phone(mapped.get("phone", ""), describe("phone"))
    if message:
        problems.append(Problem("phone", message))

    if problems:
        return Outcome(None, tuple(problems))
    other = mapped.get("other_names", "")
    record = CleanRecord(
        source_record_id=record_id,
        given_name=given,
        middle_names=mapped.get("middle_names", ""),
        family_name=family,
        other_names=[n.strip() for n in other.split(profile.other_names_separator) if n.strip()],
        date_of_birth=dob,
        sex=sex,
        ethnicity=ethnicity,
        address_line_1=mapped.get("address_line_1", ""),
        address_line_2=mapped.get("address_line_2", ""),
        town=mapped.get("town", ""),
        postcode=postcode,
        nhs_number=nhs,
        police_person_id=mapped.get("police_person_id", ""),
        pupil_number=upn,
        la_person_id=mapped.get("la_person_id", ""),
        phone=phone,
        identifiers_failing_check=failing,
    )
    return Outcome(record, ())
