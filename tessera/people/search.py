"""Person search: candidates from indexed keys, filtered to what the user may see, then explained.

The search never scans people. Each part of the query picks candidates through an index:

- names: ``MatchKey`` rows (the sound of each name and the full names it may shorten), grouped by
  person so every typed name must match one of the person's keys;
- a date of birth: source identities with that date, or with day and month exchanged, whose names are
  then compared letter by letter (so a misspelling the sound key misses is still found);
- identifiers on source records (NHS, police, pupil and local-authority numbers);
- registrations, phone numbers, handles and postcodes: the vehicle, phone, account or place, then the
  people linked to it or with an address there.

Candidates are then narrowed to ``visible_to(user)`` in one query, and each is explained by the pure
``matching.explain_match``. The number of queries is fixed whatever the number of results.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from tessera.access.policy import visible_to
from tessera.accounts.models import Actor
from tessera.people.identifiers import display_phone, normalise_postcode
from tessera.people.matching import RecordedIdentity, explain_match
from tessera.people.models import (
    IdentityAddress,
    Link,
    LinkKind,
    Location,
    MatchKey,
    OnlineAccount,
    Person,
    Phone,
    SourceIdentity,
    Vehicle,
)
from tessera.people.names import FULL_NAME, PHONETIC, token_keys
from tessera.people.search_query import SearchQuery, day_month_swapped, parse_search
from tessera.people.selectors import visible_people

SHOWN = 50
# Candidates looked at per path; a search that reaches the cap says so and asks for more detail.
NAME_CANDIDATES = 500
DATE_CANDIDATES = 2000
THING_LINKS = 1000


@dataclass(frozen=True)
class SearchResult:
    person: Person
    reasons: tuple[str, ...]
    score: float


@dataclass(frozen=True)
class SearchOutcome:
    query: SearchQuery
    results: list[SearchResult]
    # More people matched than were looked at: the user should add a date of birth or a fuller name.
    truncated: bool


@dataclass
class _Candidates:
    person_ids: set[int]
    entity_ids: set[int]
    reasons_by_person: dict[int, list[str]]
    reasons_by_entity: dict[int, list[str]]
    truncated: bool = False


def _by_identifiers(query: SearchQuery, found: _Candidates) -> None:
    condition = Q()
    if query.nhs_numbers:
        condition |= Q(nhs_number__in=query.nhs_numbers)
    if query.references:
        refs = query.references
        condition |= Q(police_person_id__in=refs) | Q(pupil_number__in=refs) | Q(la_person_id__in=refs)
    if not condition:
        return
    rows = SourceIdentity.objects.filter(condition).values_list(
        "person_id", "agency__name", "nhs_number", "police_person_id", "pupil_number", "la_person_id"
    )[:DATE_CANDIDATES]
    for person_id, agency, nhs, police, pupil, la in rows:
        found.person_ids.add(person_id)
        reasons = found.reasons_by_person[person_id]
        if nhs and nhs in query.nhs_numbers:
            reasons.append(f"NHS number {nhs[:3]} {nhs[3:6]} {nhs[6:]} ({agency})")
        for label, value in (
            ("Police person ID", police),
            ("Pupil number", pupil),
            ("Local authority ID", la),
        ):
            if value and value in query.references:
                reasons.append(f"{label} {value} ({agency})")


def _by_things(query: SearchQuery, found: _Candidates, user: Actor) -> None:
    """People linked to the vehicles, phones, accounts and places the search names, or living there.

    Only through links the user may see: police intelligence finds people only for those whose scope
    sees it, so a registration known only from intelligence finds no one for anyone else.
    """
    things: dict[int, str] = {}
    if query.registrations:
        for entity_id, registration in Vehicle.objects.filter(
            registration__in=query.registrations
        ).values_list("entity_id", "registration"):
            things[entity_id] = f"vehicle {registration[:-3]} {registration[-3:]}"
    if query.phones:
        for entity_id, number in Phone.objects.filter(number__in=query.phones).values_list(
            "entity_id", "number"
        ):
            things[entity_id] = f"phone {display_phone(number)}"
    if query.handles:
        for entity_id, platform, handle in OnlineAccount.objects.filter(handle__in=query.handles).values_list(
            "entity_id", "platform", "handle"
        ):
            things[entity_id] = f"{platform} account {handle}"
    if query.postcodes:
        postcodes = [normalise_postcode(p) for p in query.postcodes]
        for entity_id, name, postcode in Location.objects.filter(postcode__in=postcodes).values_list(
            "entity_id", "name", "postcode"
        )[:THING_LINKS]:
            things[entity_id] = f"{name}, {postcode}" if name else f"an address in {postcode}"
        addresses = IdentityAddress.objects.filter(location__postcode__in=postcodes).values_list(
            "identity__person_id", "location__address_line_1", "location__postcode", "identity__agency__name"
        )[:THING_LINKS]
        for person_id, line_1, postcode, agency in addresses:
            found.person_ids.add(person_id)
            found.reasons_by_person[person_id].append(f"Address {line_1}, {postcode} ({agency})")
    if not things:
        return
    ids = list(things)
    links = (
        visible_to(user, Link)
        .filter(Q(source_id__in=ids) | Q(target_id__in=ids))
        .values_list("source_id", "target_id", "kind")[: THING_LINKS + 1]
    )
    labels = dict(LinkKind.choices)
    for count, (source_id, target_id, kind) in enumerate(links):
        if count == THING_LINKS:
            found.truncated = True
            break
        thing, other = (source_id, target_id) if source_id in things else (target_id, source_id)
        found.entity_ids.add(other)
        found.reasons_by_entity[other].append(f"{labels.get(kind, kind)}: {things[thing]}")


def _rarity(keys: set[str]) -> tuple[int, int]:
    """Guess which typed name is rarest: family names seldom have full-name keys, and long sounds are rare."""
    sound = max((len(k) for k in keys if k.startswith(PHONETIC)), default=0)
    return (0 if any(k.startswith(FULL_NAME) for k in keys) else 1, sound)


def _by_names(query: SearchQuery, found: _Candidates, *, only_without_date_of_birth: bool = False) -> None:
    """Everyone with a key for every typed name (initials are checked later, when explaining).

    The rarest-looking name drives the lookup and each other name is checked with an index probe per
    candidate, so a common first name ("William") costs nothing when the surname is rare. With
    ``only_without_date_of_birth``, only people some source recorded without a date of birth: the
    date-of-birth lookup cannot find them, and everyone else with the name but another date is
    almost always someone else.
    """
    key_sets = sorted(
        (token_keys(token) for token in query.name_tokens if len(token) > 1), key=_rarity, reverse=True
    )
    if not key_sets:
        return
    driver, *others = key_sets
    matching = MatchKey.objects.filter(key__in=driver)
    if only_without_date_of_birth:
        undated = SourceIdentity.objects.filter(person_id=OuterRef("person_id"), date_of_birth__isnull=True)
        matching = matching.filter(Exists(undated))
    for keys in others:
        matching = matching.filter(
            Exists(MatchKey.objects.filter(person_id=OuterRef("person_id"), key__in=keys))
        )
    # Ids first, visibility after (in the final query): asking for both at once with a LIMIT tempts
    # PostgreSQL into walking every person in id order hoping to stop early.
    ids = list(matching.values_list("person_id", flat=True)[: NAME_CANDIDATES + 1])
    if len(ids) > NAME_CANDIDATES:
        found.truncated = True
        ids = ids[:NAME_CANDIDATES]
    found.person_ids.update(ids)


def _by_date_of_birth(query: SearchQuery, found: _Candidates) -> None:
    dates = set(query.dates_of_birth)
    dates |= {swapped for d in query.dates_of_birth if (swapped := day_month_swapped(d))}
    if not dates:
        return
    ids = list(
        SourceIdentity.objects.filter(date_of_birth__in=dates).values_list("person_id", flat=True)[
            : DATE_CANDIDATES + 1
        ]
    )
    if len(ids) > DATE_CANDIDATES:
        found.truncated = True
    found.person_ids.update(ids[:DATE_CANDIDATES])


def _recorded(person_ids: list[int]) -> dict[int, list[RecordedIdentity]]:
    recorded: dict[int, list[RecordedIdentity]] = defaultdict(list)
    rows = SourceIdentity.objects.filter(person_id__in=person_ids).values_list(
        "person_id", "given_name", "middle_names", "family_name", "other_names", "date_of_birth"
    )
    for person_id, given, middle, family, other, born in rows:
        recorded[person_id].append(RecordedIdentity(given, middle, family, tuple(other or ()), born))
    return recorded


def _explained(
    query: SearchQuery, visible: QuerySet[Person], found: _Candidates
) -> list[tuple[SearchResult, bool]]:
    """Each visible candidate that answers the search, with whether its date of birth matched."""
    if not (found.person_ids or found.entity_ids):
        return []
    people = list(
        visible.filter(Q(pk__in=found.person_ids) | Q(entity_id__in=found.entity_ids)).select_related(
            "district"
        )
    )
    recorded = _recorded([p.pk for p in people])
    explained = []
    for person in people:
        reasons = found.reasons_by_person.get(person.pk, []) + found.reasons_by_entity.get(
            person.entity_id, []
        )
        match = explain_match(query, recorded.get(person.pk, []), list(dict.fromkeys(reasons)))
        if match:
            explained.append((SearchResult(person, match.reasons, match.score), match.date_of_birth_matched))
    return explained


def search_people(user: Actor, text: str) -> SearchOutcome:
    """The people ``user`` may see who answer the search, best first, each with why they matched."""
    query = parse_search(text)
    if query.is_empty:
        return SearchOutcome(query, [], False)
    visible = visible_people(user).filter(merged_into__isnull=True).order_by()
    found = _Candidates(set(), set(), defaultdict(list), defaultdict(list))
    _by_identifiers(query, found)
    _by_things(query, found, user)
    dated_names = bool(query.dates_of_birth and query.name_tokens) and not query.has_identifiers
    if not query.has_identifiers:
        _by_date_of_birth(query, found)
        _by_names(query, found, only_without_date_of_birth=dated_names)
    explained = _explained(query, visible, found)
    if dated_names and not any(dob_matched for _, dob_matched in explained):
        # No one has that date of birth: it may have been mistyped, so show people with the name.
        found = _Candidates(set(), set(), defaultdict(list), defaultdict(list))
        _by_names(query, found)
        explained = _explained(query, visible, found)
    results = [result for result, _ in explained]
    results.sort(key=lambda r: (-r.score, r.person.family_name, r.person.given_name, r.person.pk))
    return SearchOutcome(query, results[:SHOWN], found.truncated or len(results) > SHOWN)
