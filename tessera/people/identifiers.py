"""Normalising and validating identifiers, as pure functions.

Each agency writes the same identifier its own way ("ab12 cde", "AB12CDE"; "07700 900123",
"+447700900123", "0044 7700 900123"). Tessera stores one normal form so the same car, phone or place matches across agencies.
"""

from __future__ import annotations

import re

import phonenumbers

# Numbers written without a country code are read as dialled from here.
DEFAULT_PHONE_REGION = "GB"
_POSSIBLE = phonenumbers.ValidationResult.IS_POSSIBLE
_NON_ALNUM = re.compile(r"[^A-Z0-9]")
_NON_DIGIT = re.compile(r"\D")


def normalise_nhs_number(raw: str) -> str:
    return _NON_DIGIT.sub("", raw or "")


def nhs_number_check_digit(first_nine: str) -> int | None:
    """The modulus 11 check digit for nine digits, or None when no valid check digit exists (remainder 10)."""
    total = sum(int(digit) * weight for digit, weight in zip(first_nine, range(10, 1, -1), strict=True))
    check = 11 - (total % 11)
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def is_valid_nhs_number(raw: str) -> bool:
    digits = normalise_nhs_number(raw)
    if len(digits) != 10 or len(set(digits)) == 1:
        return False
    return nhs_number_check_digit(digits[:9]) == int(digits[9])


_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")


def normalise_postcode(raw: str) -> str:
    """'s11 8aa' -> 'S11 8AA'. Text that is not a full UK postcode is returned upper-cased and unspaced."""
    compact = _NON_ALNUM.sub("", (raw or "").upper())
    match = _POSTCODE.match(compact)
    if match:
        return f"{match.group(1)} {match.group(2)}"
    return compact


def postcode_sector(postcode: str) -> str:
    """'S11 8AA' -> 'S11 8' (the outward code and the first digit of the inward code)."""
    normal = normalise_postcode(postcode)
    return normal[:-2] if " " in normal else ""


def normalise_registration(raw: str) -> str:
    """Vehicle registrations compare without spaces, dashes or case: 'yk 62-abc' -> 'YK62ABC'."""
    return _NON_ALNUM.sub("", (raw or "").upper())


def spaced_registration(registration: str) -> str:
    """A current-style registration as it is written on the plate: 'YK62ABC' -> 'YK62 ABC'."""
    if len(registration) == 7 and registration[:2].isalpha() and registration[2:4].isdigit():
        return f"{registration[:4]} {registration[4:]}"
    return registration


def _parsed_phone(raw: str, region: str) -> phonenumbers.PhoneNumber | None:
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_possible_number_with_reason(number) == _POSSIBLE else None


def normalise_phone(raw: str, region: str = DEFAULT_PHONE_REGION) -> str:
    """Any phone number in E.164, read by ``phonenumbers`` with the UK as the region a number is dialled from.

    "07700 900123", "+44 7700 900123", "0044 7700 900123" and "+44 (0)7700 900123" are all
    "+447700900123"; "+40 721 234 567", "0040 721 234 567" and "+40 (0)721 234 567" are all
    "+40721234567". Digits too long for a UK number that make a real number once read as international
    ("40721234567") are taken as that number written without its "+". Text that is no possible phone
    number keeps its digits (and a leading "+"), so nothing typed is lost.
    """
    text = (raw or "").strip()
    digits = _NON_DIGIT.sub("", text)
    if not digits:
        return ""
    number = _parsed_phone(text, region)
    if number is None and not text.startswith("+"):
        abroad = _parsed_phone("+" + digits, region)
        number = abroad if abroad is not None and phonenumbers.is_valid_number(abroad) else None
    if number is None:
        return ("+" if text.startswith("+") else "") + digits
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(number: str, region: str = DEFAULT_PHONE_REGION) -> str:
    """A stored number as people write it: '07700 900123' at home, '+40 721 234 567' from abroad."""
    parsed = _parsed_phone(number, region)
    if parsed is None:
        return number
    home = parsed.country_code == phonenumbers.country_code_for_region(region)
    style = phonenumbers.PhoneNumberFormat.NATIONAL if home else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(parsed, style)


def normalise_handle(raw: str) -> str:
    """Online handles compare without a leading '@' and without case."""
    return (raw or "").strip().lstrip("@").casefold()
