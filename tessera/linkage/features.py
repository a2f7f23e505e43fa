"""The linkage view of a record: names tidied, sound-alike keys, one address key, dates as text.

The batch path (``prepare``) and the interactive path (search before create) both use these functions,
so the model sees a typed-in record exactly as it saw the records it was trained on. The batch path calls
them once per distinct name, not once per record, so a million records cost a few thousand calls.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import date
from typing import Any

from tessera.people.name_variants import forms_of

_NOT_LETTER = re.compile(r"[^a-z]")
_SOUNDEX_CODES = str.maketrans("aeiouyhwbfpvcgjkqsxzdtlmnr", "00000000111122222222334556")
_REPEATS = re.compile(r"([1-6])\1+")

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


def address_key(line_1: str | None, postcode: str | None) -> str:
    """One address as one value: the first line's letters and digits, then the postcode.

    The address is compared once, as a whole. Comparing postcode, street and town separately would
    count one shared address three times, which is how siblings and other household members get merged.
    """
    compact_postcode = re.sub(r"[^A-Z0-9]", "", (postcode or "").upper())
    if not compact_postcode:
        return ""
    first_line = re.sub(r"[^a-z0-9]", "", (line_1 or "").lower())
    return f"{first_line}|{compact_postcode}"


def postcode_sector(postcode: str | None) -> str:
    """'S60 1AA' -> 'S601' (outward code and first inward digit; compact so both twins agree)."""
    compact = re.sub(r"[^A-Z0-9]", "", (postcode or "").upper())
    return compact[:-2] if len(compact) >= 5 else ""


def given_forms(given: str | None) -> list[str]:
    """The first name and every full name it may stand for, from the people app's one table of variants.

    Two records whose forms overlap ("Becky" and "Rebecca", "Becky" and "Bex") may be the same first
    name; "Alexander" and "Alexandra" do not overlap, though both are "Alex".
    """
    return sorted(forms_of(normalise_name(given)))


def record_features(record: Mapping[str, Any]) -> dict[str, Any]:
    """The linkage row for one record given as SourceIdentity-like fields (the interactive twin of PREPARE_SQL)."""
    dob = record.get("date_of_birth")
    dob_text = dob.isoformat() if isinstance(dob, date) else (dob or "")
    given = normalise_name(record.get("given_name"))
    family = normalise_name(record.get("family_name"))
    others = [normalise_name(n) for n in (record.get("other_names") or []) if normalise_name(n)]
    postcode = re.sub(r"[^A-Z0-9]", "", (record.get("postcode") or "").upper())
    sex = record.get("sex") or ""

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
        "dob": blank_to_none(dob_text),
        "dob_year": blank_to_none(dob_text[:4]),
        "sex": None if sex in ("", "unknown") else sex,
        "address_key": blank_to_none(address_key(record.get("address_line_1"), record.get("postcode"))),
        "postcode": blank_to_none(postcode),
        "postcode_sector": blank_to_none(postcode_sector(postcode)),
        "nhs_number": blank_to_none(record.get("nhs_number") or ""),
        "pupil_number": blank_to_none(record.get("pupil_number") or ""),
        "police_person_id": blank_to_none(record.get("police_person_id") or ""),
        "la_person_id": blank_to_none(record.get("la_person_id") or ""),
        "approx_birth_year": record.get("approximate_birth_year"),
    }
