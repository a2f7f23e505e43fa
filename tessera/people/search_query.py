"""Reading what someone typed into the one person-search box, as a pure function.

The box takes anything a practitioner has to hand: "Kaylee Thornly 14/3/2010", "yk62 abc",
"+44 7700 900123", "@jay_wolf99", "S60 1AA", "943 476 5919". ``parse_search`` pulls out dates of birth,
identifiers, registrations, phone numbers, handles and postcodes, and leaves the rest as name tokens.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from tessera.people.identifiers import (
    is_valid_nhs_number,
    normalise_handle,
    normalise_phone,
    normalise_postcode,
    normalise_registration,
)
from tessera.people.names import name_tokens

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}

_NUMERIC_DATE = re.compile(r"(?<![\d+])(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})(?!\d)")
_ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
_WORDY_DATE = re.compile(
    r"(?<!\w)(\d{1,2})(?:st|nd|rd|th)?\s+("
    + "|".join(sorted(_MONTHS, key=len, reverse=True))
    + r")\.?,?\s+(\d{4})(?!\d)",
    re.IGNORECASE,
)
_HANDLE = re.compile(r"(?<!\S)@([\w.]+)")
_POSTCODE = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{1,2}\d[A-Za-z\d]?)\s*(\d[A-Za-z]{2})(?![A-Za-z0-9])")
# Current (AB12 CDE), prefix (A123 BCD) and suffix (ABC 123D) registrations; dateless plates are too
# easily confused with other references to guess at.
_REGISTRATIONS = (
    re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{2}\d{2})\s*([A-Za-z]{3})(?![A-Za-z0-9])"),
    re.compile(r"(?<![A-Za-z0-9])([A-Za-z]\d{1,3})\s*([A-Za-z]{3})(?![A-Za-z0-9])"),
    re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{3})\s*(\d{1,3}[A-Za-z])(?![A-Za-z0-9])"),
)
# A run of digits with the separators people put in phone and NHS numbers, at least ten digits long.
_LONG_NUMBER = re.compile(r"(?<![\w])(\+?\(?\d[\d\s\-().]{8,}\d)(?![\w])")
_WORD = re.compile(r"\S+")
_HAS_DIGIT = re.compile(r"\d")
_HANDLE_LIKE = re.compile(r"^[\w.]*[_.\d][\w.]*$")

# Words people type around what they are looking for, which are not names.
_NOT_NAMES = frozenset(
    {"born", "dob", "aka", "nee", "reg", "tel", "phone", "mobile", "mob", "car", "vehicle", "postcode", "nhs"}
)


@dataclass(frozen=True)
class SearchQuery:
    text: str
    name_tokens: tuple[str, ...] = ()
    dates_of_birth: tuple[date, ...] = ()
    registrations: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    handles: tuple[str, ...] = ()
    postcodes: tuple[str, ...] = ()
    nhs_numbers: tuple[str, ...] = ()
    # Police person IDs, pupil numbers and local-authority IDs look alike: each is tried against all three.
    references: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (self.name_tokens or self.dates_of_birth or self.has_identifiers)

    @property
    def has_identifiers(self) -> bool:
        return bool(
            self.registrations
            or self.phones
            or self.handles
            or self.postcodes
            or self.nhs_numbers
            or self.references
        )

    def terms(self) -> dict[str, list[str]]:
        """What the search understood, for the access log and the results page."""
        found = {
            "names": list(self.name_tokens),
            "dates_of_birth": [d.isoformat() for d in self.dates_of_birth],
            "registrations": list(self.registrations),
            "phones": list(self.phones),
            "handles": list(self.handles),
            "postcodes": list(self.postcodes),
            "nhs_numbers": list(self.nhs_numbers),
            "references": list(self.references),
        }
        return {kind: values for kind, values in found.items() if values}


def _year(text: str) -> int:
    if len(text) == 4:
        return int(text)
    # Two-digit years in a date of birth: a child born "14/3/10" was born in 2010, an adult "3/7/85" in 1985.
    two = int(text)
    return 2000 + two if two <= date.today().year % 100 else 1900 + two  # noqa: DTZ011 - a calendar year


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


class _Reader:
    """Takes recognised pieces out of the text one kind at a time, leaving what is left for the next."""

    def __init__(self, text: str) -> None:
        self.rest = text

    def take(self, pattern: re.Pattern[str]) -> list[re.Match[str]]:
        matches = list(pattern.finditer(self.rest))
        if matches:
            self.rest = pattern.sub(" ", self.rest)
        return matches


def _unique(values: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v))


def parse_search(text: str) -> SearchQuery:
    text = " ".join((text or "").split())[:200]
    reader = _Reader(text)
    dates: list[date | None] = []
    for m in reader.take(_ISO_DATE):
        dates.append(_safe_date(int(m[1]), int(m[2]), int(m[3])))
    for m in reader.take(_NUMERIC_DATE):
        dates.append(_safe_date(_year(m[3]), int(m[2]), int(m[1])))
    for m in reader.take(_WORDY_DATE):
        dates.append(_safe_date(int(m[3]), _MONTHS[m[2].lower()], int(m[1])))
    handles = [normalise_handle(m[1]) for m in reader.take(_HANDLE)]
    postcodes = [normalise_postcode(m[1] + m[2]) for m in reader.take(_POSTCODE)]
    registrations: list[str] = []
    for pattern in _REGISTRATIONS:
        registrations += [normalise_registration(m[1] + m[2]) for m in reader.take(pattern)]
    phones: list[str] = []
    nhs_numbers: list[str] = []
    for m in reader.take(_LONG_NUMBER):
        digits = re.sub(r"\D", "", m[1])
        if len(digits) == 10 and is_valid_nhs_number(digits):
            nhs_numbers.append(digits)
            if not digits.startswith("7"):
                continue
        phone = normalise_phone(m[1])
        if len(re.sub(r"\D", "", phone)) >= 10:
            phones.append(phone)
    names: list[str] = []
    references: list[str] = []
    for word_match in _WORD.finditer(reader.rest):
        word = word_match.group().strip(",;:()")
        if not word:
            continue
        if word.isdigit() and len(word) <= 4:
            # A bare year or house number narrows nothing on its own; it is not an identifier.
            continue
        if _HAS_DIGIT.search(word) or "_" in word:
            references.append(re.sub(r"[^A-Za-z0-9\-]", "", word).upper())
            if _HANDLE_LIKE.match(word):
                handles.append(normalise_handle(word))
            continue
        names += [token for token in name_tokens(word) if token not in _NOT_NAMES]
    return SearchQuery(
        text=text,
        name_tokens=_unique(names),
        dates_of_birth=tuple(dict.fromkeys(d for d in dates if d is not None)),
        registrations=_unique(registrations),
        phones=_unique(phones),
        handles=_unique(handles),
        postcodes=_unique(postcodes),
        nhs_numbers=_unique(nhs_numbers),
        references=_unique(references),
    )


def day_month_swapped(value: date) -> date | None:
    """The date with day and month exchanged (3 December for 12 March), when that is a different real date."""
    if value.day > 12 or value.day == value.month:
        return None
    return _safe_date(value.year, value.day, value.month)
