"""The one match-key index: every key under which a person can be found, kept in step with their records.

Person search, search before create and linkage's check of a single new record all look people up in
``MatchKey`` (person, key). Each source record contributes:

- name keys (``names.search_keys_for_names``): the sound of every recorded name and the full names a
  given name may stand for (``p:0RNL``, ``n:rebecca``) — what person search looks up;
- the keys of every registered key source: linkage registers its blocking keys (``gi+dob:k|2010-03-14``
  and the like, see ``linkage.match_keys``) from ``AppConfig.ready``, so the people app never imports it.

Keys are derived data, so ``rebuild_match_keys`` is always safe to run again. It runs when a source record
or one of its addresses is saved or deleted (``people.signals``), after merges and unmerges, at the end of
a synthetic world's bulk load (which writes ``keys_by_person`` with COPY), and from ``manage.py index_match_keys`` after any other bulk load.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from tessera.people.models import IdentityAddress, Location, MatchKey, SourceIdentity
from tessera.people.names import search_keys_for_names

# A record for matching (see ``matching_record``) -> the keys it can be found under.
KeySource = Callable[[Mapping[str, Any]], Iterable[str]]

BATCH = 2000
_key_sources: list[KeySource] = []

_IDENTITY_FIELDS = (
    "pk", "person_id", "given_name", "middle_names", "family_name", "other_names", "date_of_birth", "sex",
    "nhs_number", "pupil_number", "police_person_id", "la_person_id", "approximate_age", "received_at",
)  # fmt: skip


def register_key_source(source: KeySource) -> None:
    """Add keys to every record's entry in the index (called once, from an app's ``ready``)."""
    if source not in _key_sources:
        _key_sources.append(source)


def matching_record(
    unique_id: int | None,
    *,
    given_name: str = "",
    middle_names: str = "",
    family_name: str = "",
    other_names: Iterable[str] = (),
    date_of_birth: date | None = None,
    sex: str = "",
    address_line_1: str = "",
    town: str = "",
    postcode: str = "",
    nhs_number: str = "",
    pupil_number: str = "",
    police_person_id: str = "",
    la_person_id: str = "",
    approximate_age: int | None = None,
    received_at: datetime | None = None,
) -> dict[str, Any]:
    """One source record as matching sees it: plain fields, with its latest address and implied birth year."""
    return {
        "unique_id": unique_id,
        "given_name": given_name,
        "middle_names": middle_names,
        "family_name": family_name,
        "other_names": list(other_names or []),
        "date_of_birth": date_of_birth,
        "sex": sex,
        "address_line_1": address_line_1,
        "town": town,
        "postcode": postcode,
        "nhs_number": nhs_number,
        "pupil_number": pupil_number,
        "police_person_id": police_person_id,
        "la_person_id": la_person_id,
        "approximate_birth_year": (
            received_at.year - approximate_age if approximate_age is not None and received_at else None
        ),
    }


def identity_record(identity: SourceIdentity, address: IdentityAddress | None) -> dict[str, Any]:
    """``matching_record`` of a stored source record and the address it recorded last."""
    return identity_record_at(identity, address.location if address is not None else None)


def identity_record_at(identity: SourceIdentity, location: Location | None) -> dict[str, Any]:
    """``matching_record`` of a source record at a place as Tessera stores it: its line, town and postcode
    as the Location holds them, not as a file wrote them (a file's town may be spelt otherwise than the
    place it joins), so keys built now are the keys a later rebuild builds."""
    return matching_record(
        identity.pk,
        **{name: getattr(identity, name) for name in _IDENTITY_FIELDS[2:]},
        address_line_1=location.address_line_1 if location else "",
        town=location.town if location else "",
        postcode=location.postcode if location else "",
    )


def keys_for_record(record: Mapping[str, Any]) -> set[str]:
    """Every key one record can be found under: its name keys and each registered source's keys."""
    names = [
        record.get("given_name") or "",
        record.get("middle_names") or "",
        record.get("family_name") or "",
    ]
    keys = search_keys_for_names([*names, *(record.get("other_names") or [])])
    for source in _key_sources:
        keys.update(source(record))
    return keys


def latest_addresses(identity_ids: Iterable[int]) -> dict[int, IdentityAddress]:
    """The most recent address each identity recorded (the one matching compares)."""
    latest: dict[int, IdentityAddress] = {}
    rows = (
        IdentityAddress.objects.filter(identity_id__in=list(identity_ids))
        .select_related("location")
        .order_by("identity_id", "from_date", "pk")
    )
    for row in rows:
        latest[row.identity_id] = row
    return latest


@dataclass(frozen=True)
class StoredRecord:
    """One stored source record as matching reads it: whose it is, when it came, and its fields."""

    pk: int
    person_id: int
    received_at: datetime | None
    record: dict[str, Any]  # ``matching_record``


def stored_records(person_ids: Iterable[int]) -> list[StoredRecord]:
    """Every source record of these persons with its latest address, read as plain rows (two queries), in
    record order."""
    ids = list(person_ids)
    address: dict[int, tuple[str, str, str]] = {}
    for identity_id, line_1, town, postcode in (
        IdentityAddress.objects.filter(identity__person_id__in=ids)
        .order_by("identity_id", "from_date", "pk")
        .values_list("identity_id", "location__address_line_1", "location__town", "location__postcode")
    ):
        address[identity_id] = (line_1, town, postcode)
    records = []
    rows = SourceIdentity.objects.filter(person_id__in=ids).order_by("pk").values_list(*_IDENTITY_FIELDS)
    for row in rows:
        pk, person_id, *fields = row
        line_1, town, postcode = address.get(pk, ("", "", ""))
        values = dict(zip(_IDENTITY_FIELDS[2:], fields, strict=True))
        record = matching_record(pk, **values, address_line_1=line_1, town=town, postcode=postcode)
        records.append(StoredRecord(pk, person_id, values["received_at"], record))
    return records


def _records_of(person_ids: list[int]) -> list[tuple[int, dict[str, Any]]]:
    """(person, record) for every source record of these persons, read as plain rows."""
    return [(stored.person_id, stored.record) for stored in stored_records(person_ids)]


def keys_by_person(person_ids: list[int]) -> dict[int, set[str]]:
    """Every key of each of these persons, computed from their source records as stored now."""
    keys: dict[int, set[str]] = defaultdict(set)
    for person_id, record in _records_of(person_ids):
        keys[person_id] |= keys_for_record(record)
    return keys


def index_new_people(records: Iterable[tuple[int, Mapping[str, Any]]]) -> int:
    """Write the keys of people just created, each known by the one record given (``matching_record``).

    The bulk and single-row import paths create a person, its record and its address with the save
    signals' rebuilds held back (``signals.keys_kept_by_caller``), then call this once: each record's keys
    are computed once, and nothing is deleted, since a new person has no keys yet. Returns rows written.
    """
    new = [
        MatchKey(person_id=person_id, key=key)
        for person_id, record in records
        for key in keys_for_record(record)
    ]
    MatchKey.objects.bulk_create(new, batch_size=BATCH)
    return len(new)


def rebuild_match_keys(person_ids: Iterable[int]) -> int:
    """Replace these persons' keys with keys computed from their source records. Returns rows written."""
    ids = sorted(set(person_ids))
    written = 0
    with transaction.atomic():
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            MatchKey.objects.filter(person_id__in=chunk).delete()
            new = [
                MatchKey(person_id=pid, key=key)
                for pid, found in keys_by_person(chunk).items()
                for key in found
            ]
            MatchKey.objects.bulk_create(new, batch_size=BATCH)
            written += len(new)
    return written


def people_sharing_keys(keys: Iterable[str]) -> QuerySet[MatchKey, int]:
    """Ids of the persons found under any of these keys, each once, in id order (to be paged)."""
    return (
        MatchKey.objects.filter(key__in=list(keys))
        .values_list("person_id", flat=True)
        .distinct()
        .order_by("person_id")
    )
