"""Normalising and validating identifiers, as pure functions.

Each agency writes the same identifier its own way ("ab12 cde", "AB12CDE"; "07700 900123",
"+447700900123"). Tessera stores one normal form so the same car, phone or place matches across agencies.
"""

from __future__ import annotations

import re

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


def normalise_phone(raw: str) -> str:
    """UK numbers to E.164 ('07700 900123' -> '+447700900123'); other international numbers keep their code."""
    text = (raw or "").strip()
    digits = _NON_DIGIT.sub("", text)
    if not digits:
        return ""
    if text.startswith("+"):
        international: str | None = digits
    elif digits.startswith("00"):
        international = digits[2:]
    else:
        international = _uk_with_country_code(digits)
    if international is None:
        return digits
    # "+44 (0)7700 900123": the bracketed trunk zero is not dialled from abroad.
    if international.startswith("440") and len(international) == 13:
        international = "44" + international[3:]
    return "+" + international


def _uk_with_country_code(digits: str) -> str | None:
    """A UK number typed without '+' or '00', with its country code; None when it is not recognisably UK."""
    if digits.startswith("44") and len(digits) in (12, 13):
        return digits
    if digits.startswith("0") and len(digits) == 11:
        return "44" + digits[1:]
    if len(digits) == 10 and digits.startswith("7"):
        return "44" + digits
    return None


def normalise_handle(raw: str) -> str:
    """Online handles compare without a leading '@' and without case."""
    return (raw or "").strip().lstrip("@").casefold()
