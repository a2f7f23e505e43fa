"""The linkage view of a record: names tidied, sound-alike keys, one address key, dates as text.

The batch path (``prepare``) and the interactive path (search before create) both use these functions,
so the model sees a typed-in record exactly as it saw the records it was trained on. The batch path calls
them once per distinct name, not once per record, so a million records cost a few thousand calls.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from tessera.people.identifiers import is_valid_nhs_number, normalise_nhs_number
from tessera.people.name_variants import forms_of

_NOT_LETTER = re.compile(r"[^a-z]")
_NUMBER = re.compile(r"[0-9]+")
_SOUNDEX_CODES = str.maketrans("aeiouyhwbfpvcgjkqsxzdtlmnr", "00000000111122222222334556")
_REPEATS = re.compile(r"([1-6])\1+")

# What each count of ``bad_values`` means, in the users' words.
BAD_VALUES = {
    "date_of_birth_not_a_date": "Dates of birth that are not dates (used as not recorded)",
    "date_of_birth_partial": "Dates of birth with only a year, or a year and month (compared by year)",
    "nhs_number_fails_check": "NHS numbers that fail their check digit (not used for matching)",
    "postcode_not_uk": "Postcodes not in UK form (compared as given; no UK sector)",
    "sex_not_understood": "Sex recorded as something other than male, female, other or unknown",
}
LINKAGE_COLUMNS: tuple[str, ...] = (
    "unique_id",
    "given_name",
    "family_name",
    "given_forms",
    "other_names",
    "given_sx",
    "family_sx",
    "dob",
    "dob_year",
    "sex",
    "street",
    "house_number",
    "locality",
    "address_key",
    "postcode",
    "postcode_sector",
    "nhs_number",
    "pupil_number",
    "police_person_id",
    "la_person_id",
    "approx_birth_year",
)


def normalise_name(text: str | None) -> str:
    """'Kay-Leigh O'Brien ' -> 'kayleighobrien': case, accents, spaces and punctuation do not tell people apart."""
    if not text:
        return ""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return _NOT_LETTER.sub("", folded)


def soundex(name: str) -> str:
    """A Soundex-style key: first letter and three digits for the consonant sounds that follow.

    Vowels, H, W and Y all separate repeated codes (a little simpler than American Soundex).
    """
    letters = normalise_name(name)
    if not letters:
        return ""
    codes = letters.translate(_SOUNDEX_CODES)
    codes = _REPEATS.sub(r"\1", codes)
    digits = codes[1:].replace("0", "")
    return (letters[0] + digits + "000")[:4]


def compact_postcode(postcode: str | None) -> str:
    return re.sub(r"[^A-Z0-9]", "", (postcode or "").upper())


def address_line(line_1: str | None) -> str:
    return re.sub(r"[^a-z0-9]", "", (line_1 or "").lower())


def street(line_1: str | None) -> str:
    """The first line's letters alone: the street name, with no house number to differ by a slip."""
    return re.sub(r"[^a-z]", "", (line_1 or "").lower())


def house_number(line_1: str | None) -> str:
    """The first number in the first line ('12a High Street' -> '12'): a slip in it leaves the street."""
    found = _NUMBER.search(line_1 or "")
    return found.group(0) if found else ""


def address_key(line_1: str | None, postcode: str | None) -> str:
    """One address as one value: the first line's letters and digits, then the postcode.

    The address is compared once, as a whole. Comparing postcode, street and town separately would
    count one shared address three times, which is how siblings and other household members get merged.
    """
    compact, line = compact_postcode(postcode), address_line(line_1)
    if not compact and not line:
        return ""
    return f"{line}|{compact}"


_UK_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$")
_DIGITS_POSTCODE = re.compile(r"^[0-9]{4,6}$")


def postcode_sector(postcode: str | None) -> str:
    """The neighbourhood a postcode is in, compact: 'S60 1AA' -> 'S601' (outward code and first inward
    digit); an all-digit postcode ('2612', '75011') loses its last digit. Other shapes have none."""
    compact = compact_postcode(postcode)
    if _UK_POSTCODE.match(compact):
        return compact[:-2]
    if _DIGITS_POSTCODE.match(compact):
        return compact[:-1]
    return ""


EARLIEST_YEAR = 1880
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PARTIAL = re.compile(r"^(\d{4})(-\d{2})?$")
_DATE_FORMATS = ((_ISO, "%Y-%m-%d"), (re.compile(r"^\d{8}$"), "%Y%m%d"),
                 (re.compile(r"^\d{1,2}/\d{1,2}/\d{4}$"), "%d/%m/%Y"))  # fmt: skip


def date_of_birth(value: Any, today: date | None = None) -> tuple[str | None, str | None]:
    """A date of birth as given -> (the date 'YYYY-MM-DD', its year), either None when not known.

    ISO, 'YYYYMMDD' and UK 'DD/MM/YYYY' text are read; a year alone or a year and month is a partial
    date (year only). Anything else ('1957-01-63', 'unknown', a date in the future or before 1880) is
    not a date: kept as given in the source, used here as missing.
    """
    today = today or date.today()  # noqa: DTZ011 - a date of birth has no time zone
    if isinstance(value, datetime):
        value = value.date()
    parsed: date | None = value if isinstance(value, date) else None
    if parsed is None:
        text = str(value or "").strip()
        for pattern, fmt in _DATE_FORMATS:
            if pattern.match(text):
                try:
                    parsed = datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a date, no time zone
                except ValueError:
                    parsed = None
                break
        if parsed is None:
            partial = _PARTIAL.match(text)
            if partial and EARLIEST_YEAR <= int(partial.group(1)) <= today.year:
                return None, partial.group(1)
            return None, None
    if parsed.year < EARLIEST_YEAR or parsed > today:
        return None, None
    iso = parsed.isoformat()
    return iso, iso[:4]


_SEX = {"male": "male", "m": "male", "female": "female", "f": "female", "other": "other"}


def sex(value: Any) -> str | None:
    """'male', 'female' or 'other' from the usual ways of writing them; anything else is not recorded."""
    return _SEX.get(str(value or "").strip().lower())


def valid_nhs_number(value: Any) -> str:
    """The NHS number's ten digits if it passes its check digit, else '' (not used for matching)."""
    digits = normalise_nhs_number(str(value or ""))
    return digits if is_valid_nhs_number(digits) else ""


def keyed_identifier(value: Any) -> str:
    return re.sub(r"\s", "", str(value or "")).upper()


def given_forms(given: str | None) -> list[str]:
    """The first name and every full name it may stand for, from the people app's one table of variants.

    Two records whose forms overlap ("Becky" and "Rebecca", "Becky" and "Bex") may be the same first
    name; "Alexander" and "Alexandra" do not overlap, though both are "Alex".
    """
    return sorted(forms_of(normalise_name(given)))


def record_features(record: Mapping[str, Any]) -> dict[str, Any]:
    """The linkage row for one record given as SourceIdentity-like fields (the interactive twin of
    ``engine.prepare``)."""
    dob, year = date_of_birth(record.get("date_of_birth"))
    given = normalise_name(record.get("given_name"))
    family = normalise_name(record.get("family_name"))
    others = [normalise_name(n) for n in (record.get("other_names") or []) if normalise_name(n)]
    postcode = compact_postcode(record.get("postcode"))
    approximate = record.get("approximate_birth_year")

    def blank_to_none(value: str) -> str | None:
        return value or None

    return {
        "unique_id": record.get("unique_id"),
        "given_name": blank_to_none(given),
        "family_name": blank_to_none(family),
        "given_forms": given_forms(given) or None,
        "other_names": others or None,
        "given_sx": blank_to_none(soundex(given)),
        "family_sx": blank_to_none(soundex(family)),
        "dob": dob,
        "dob_year": year,
        "sex": sex(record.get("sex")),
        "street": blank_to_none(street(record.get("address_line_1"))),
        "house_number": blank_to_none(house_number(record.get("address_line_1"))),
        # The town, suburb or locality, letters only, as names are: 'Leslie Vale' -> 'leslievale'.
        "locality": blank_to_none(normalise_name(record.get("town"))),
        "address_key": blank_to_none(address_key(record.get("address_line_1"), record.get("postcode"))),
        "postcode": blank_to_none(postcode),
        "postcode_sector": blank_to_none(postcode_sector(postcode)),
        "nhs_number": blank_to_none(valid_nhs_number(record.get("nhs_number"))),
        "pupil_number": blank_to_none(keyed_identifier(record.get("pupil_number"))),
        "police_person_id": blank_to_none(keyed_identifier(record.get("police_person_id"))),
        "la_person_id": blank_to_none(keyed_identifier(record.get("la_person_id"))),
        "approx_birth_year": int(approximate) if approximate is not None else None,
    }
