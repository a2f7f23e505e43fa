"""The headline name, date of birth and sex of a person, from what their sources say (pure).

A person's page and search results show one name; the sources may disagree. Each field takes the value
most sources agree on; a tie goes to the agency most likely to hold the legal record (health and
schools register legal names and dates of birth; police and charities often hold what a child said).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

T = TypeVar("T", bound=Hashable)

AGENCY_PRIORITY = {
    "health": 0,
    "education": 1,
    "childrens_social_care": 2,
    "police": 3,
    "charity": 4,
    "partner_business": 5,
}


@dataclass(frozen=True)
class SourceSays:
    agency_kind: str
    given_name: str
    family_name: str
    date_of_birth: date | None
    sex: str


@dataclass(frozen=True)
class PersonSummary:
    given_name: str
    family_name: str
    date_of_birth: date | None
    sex: str


def _agreed(sources: Sequence[SourceSays], value_of: Callable[[SourceSays], T | None], empty: T) -> T:
    ordered = sorted(sources, key=lambda s: AGENCY_PRIORITY.get(s.agency_kind, 9))
    values = [value_of(s) for s in ordered]
    present = [v for v in values if v not in (None, "", "unknown")]
    if not present:
        return empty
    counts = Counter(present)
    best = max(counts.values())
    return next(v for v in present if counts[v] == best)


def summarise(sources: Sequence[SourceSays]) -> PersonSummary:
    return PersonSummary(
        given_name=_agreed(sources, lambda s: s.given_name, ""),
        family_name=_agreed(sources, lambda s: s.family_name, ""),
        date_of_birth=_agreed(sources, lambda s: s.date_of_birth, None),
        sex=_agreed(sources, lambda s: s.sex, "unknown"),
    )
