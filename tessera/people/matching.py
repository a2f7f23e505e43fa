"""Why a person matches a search, and how well: pure functions over what the sources recorded.

Every result must say why it was found, in words a practitioner can check against the record: "'Thornly'
sounds like 'Thornley'", "'Jay' is a short form of James", "Date of birth recorded with day and month
the other way round". The score only orders results; the reasons are what the user reads.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum

from tessera.people.name_variants import shared_full_name
from tessera.people.names import name_tokens, phonetic_key, spelling_similarity
from tessera.people.place_words import is_place_word
from tessera.people.search_query import SearchQuery, day_month_swapped

# Tokens spelt at least this alike (Jaro-Winkler) count as a misspelling of each other.
SPELLING_THRESHOLD = 0.88


class NameMatchKind(Enum):
    EXACT = 1.0
    SHORT_FORM = 0.9
    SOUND = 0.8
    SPELLING = 0.75
    INITIAL = 0.4


@dataclass(frozen=True)
class RecordedIdentity:
    """The parts of one source record that search compares, as plain data."""

    given_name: str
    middle_names: str
    family_name: str
    other_names: Sequence[str]
    date_of_birth: date | None

    def tokens(self) -> list[tuple[str, str]]:
        """(token, the recorded name it came from), so reasons can quote the record."""
        names = [self.given_name, self.middle_names, self.family_name, *self.other_names]
        return [(token, name) for name in names for token in name_tokens(name)]


@dataclass(frozen=True)
class NameMatch:
    typed: str
    recorded: str
    kind: NameMatchKind
    full_name: str = ""

    @property
    def reason(self) -> str:
        if self.kind is NameMatchKind.EXACT:
            return f"Name ‘{self.recorded}’"
        if self.kind is NameMatchKind.SHORT_FORM:
            return f"‘{self.typed.title()}’ and ‘{self.recorded}’ are both forms of {self.full_name.title()}"
        if self.kind is NameMatchKind.SOUND:
            return f"‘{self.typed.title()}’ sounds like ‘{self.recorded}’"
        if self.kind is NameMatchKind.SPELLING:
            return f"‘{self.typed.title()}’ is spelt like ‘{self.recorded}’"
        return f"Initial {self.typed.upper()} fits ‘{self.recorded}’"


def match_token(typed: str, recorded_token: str, recorded_name: str) -> NameMatch | None:
    """How one typed name token matches one recorded token, trying the strongest kind of match first."""
    if typed == recorded_token:
        return NameMatch(typed, recorded_name, NameMatchKind.EXACT)
    if len(typed) == 1:
        if recorded_token.startswith(typed):
            return NameMatch(typed, recorded_name, NameMatchKind.INITIAL)
        return None
    full = shared_full_name(typed, recorded_token)
    if full:
        return NameMatch(typed, recorded_name, NameMatchKind.SHORT_FORM, full)
    if phonetic_key(typed) == phonetic_key(recorded_token):
        return NameMatch(typed, recorded_name, NameMatchKind.SOUND)
    if min(len(typed), len(recorded_token)) >= 3 and (
        spelling_similarity(typed, recorded_token) >= SPELLING_THRESHOLD
    ):
        return NameMatch(typed, recorded_name, NameMatchKind.SPELLING)
    return None


def best_name_matches(typed_tokens: Sequence[str], identities: Iterable[RecordedIdentity]) -> list[NameMatch]:
    """The best match for each typed token across every name any source recorded (unmatched tokens omitted)."""
    recorded = list(dict.fromkeys(t for identity in identities for t in identity.tokens()))
    matches = []
    for typed in typed_tokens:
        best: NameMatch | None = None
        for token, name in recorded:
            found = match_token(typed, token, name)
            if found and (best is None or found.kind.value > best.kind.value):
                best = found
                if found.kind is NameMatchKind.EXACT:
                    break
        if best:
            matches.append(best)
    return matches


class DateMatch(Enum):
    EXACT = 1.0
    SWAPPED = 0.6


def date_of_birth_match(
    typed: Sequence[date], identities: Iterable[RecordedIdentity]
) -> tuple[DateMatch, date] | None:
    """Whether a typed date of birth agrees with any source, exactly or with day and month exchanged."""
    recorded = [identity.date_of_birth for identity in identities if identity.date_of_birth]
    best: tuple[DateMatch, date] | None = None
    for wanted in typed:
        for value in recorded:
            if value == wanted:
                return DateMatch.EXACT, value
            if day_month_swapped(wanted) == value:
                best = (DateMatch.SWAPPED, value)
    return best


@dataclass(frozen=True)
class PersonMatch:
    score: float
    reasons: tuple[str, ...]
    date_of_birth_matched: bool = False


def _long_date(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def explain_match(
    query: SearchQuery, identities: Sequence[RecordedIdentity], identifier_reasons: Sequence[str] = ()
) -> PersonMatch | None:
    """Whether a person found by a candidate lookup really answers the search, with the reasons why.

    A person found by an identifier (registration, phone, NHS number...) always answers it. Otherwise,
    with a date of birth that agrees, one matching name is enough (surnames change); without one, every
    typed name must match something a source recorded.
    """
    reasons: list[str] = list(identifier_reasons)
    score = 3.0 * len(identifier_reasons)
    typed = list(query.name_tokens)
    # A word that names a kind of place or street ("hotel", "walk") finds only someone recorded under
    # exactly that name, never a surname that sounds or is spelt like it.
    names = [
        match
        for match in (best_name_matches(typed, identities) if typed else [])
        if match.kind is NameMatchKind.EXACT or not is_place_word(match.typed)
    ]
    dob = date_of_birth_match(query.dates_of_birth, identities) if query.dates_of_birth else None
    if typed:
        score += 2.0 * sum(match.kind.value for match in names) / len(typed)
        reasons += [match.reason for match in names]
    if dob:
        kind, recorded = dob
        score += kind.value
        if kind is DateMatch.EXACT:
            reasons.append(f"Date of birth {_long_date(recorded)}")
        else:
            reasons.append(
                f"Date of birth recorded with day and month the other way round ({_long_date(recorded)})"
            )
    if identifier_reasons:
        return PersonMatch(score, tuple(reasons), dob is not None)
    if query.dates_of_birth and not dob:
        # A date typed but not matched: only a full name match keeps the person in the results.
        if not typed or len(names) < len(typed):
            return None
        reasons.append("Date of birth does not match any record")
        score -= 0.5
        return PersonMatch(score, tuple(reasons))
    if typed and not (len(names) == len(typed) or (dob and names)):
        return None
    if not typed and not dob:
        return None
    return PersonMatch(score, tuple(reasons), dob is not None)
