"""Blocking keys per source record, so search before create finds candidates with one indexed lookup.

The keys are the model's prediction blocking rules written out as strings: a typed-in record gets the
same keys, and every stored record sharing one is a candidate, exactly as the batch model would pair it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction

from tessera.linkage.features import record_features
from tessera.linkage.models import MatchKey
from tessera.people.models import IdentityAddress, SourceIdentity

BATCH = 5000


def keys_for(features: Mapping[str, Any]) -> set[str]:
    """Mirror of ``model_spec.prediction_blocking_rules`` over one record's linkage features."""
    f = features
    keys = set()
    if f.get("nhs_number"):
        keys.add(f"nhs:{f['nhs_number']}")
    if f.get("pupil_number"):
        keys.add(f"upn:{f['pupil_number']}")
    if f.get("given_name") and f.get("dob"):
        keys.add(f"gi+dob:{f['given_name'][0]}|{f['dob']}")
    if f.get("family_sx") and f.get("dob"):
        keys.add(f"fsx+dob:{f['family_sx']}|{f['dob']}")
    if f.get("given_sx") and f.get("family_sx") and f.get("dob_year"):
        keys.add(f"gsx+fsx+y:{f['given_sx']}|{f['family_sx']}|{f['dob_year']}")
    if f.get("given_sx") and f.get("address_key"):
        keys.add(f"gsx+addr:{f['given_sx']}|{f['address_key']}"[:120])
    return keys


def identity_record(identity: SourceIdentity, address: IdentityAddress | None) -> dict[str, Any]:
    location = address.location if address is not None else None
    return {
        "unique_id": identity.pk,
        "given_name": identity.given_name,
        "family_name": identity.family_name,
        "other_names": identity.other_names or [],
        "date_of_birth": identity.date_of_birth,
        "sex": identity.sex,
        "address_line_1": location.address_line_1 if location else "",
        "postcode": location.postcode if location else "",
        "nhs_number": identity.nhs_number,
        "pupil_number": identity.pupil_number,
        "police_person_id": identity.police_person_id,
        "la_person_id": identity.la_person_id,
        "approximate_birth_year": (
            identity.received_at.year - identity.approximate_age
            if identity.approximate_age is not None
            else None
        ),
    }


def latest_addresses(identity_ids: Iterable[int]) -> dict[int, IdentityAddress]:
    """The most recent address each identity recorded (the one linkage compares)."""
    latest: dict[int, IdentityAddress] = {}
    rows = (
        IdentityAddress.objects.filter(identity_id__in=list(identity_ids))
        .select_related("location")
        .order_by("identity_id", "from_date", "pk")
    )
    for row in rows:
        latest[row.identity_id] = row
    return latest


@transaction.atomic
def refresh_keys(identity_ids: Iterable[int]) -> int:
    """Recompute the keys of these identities. Safe to repeat. Returns the number of keys written."""
    ids = sorted(set(identity_ids))
    written = 0
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        addresses = latest_addresses(chunk)
        rows = []
        for identity in SourceIdentity.objects.filter(pk__in=chunk):
            features = record_features(identity_record(identity, addresses.get(identity.pk)))
            rows += [MatchKey(identity_id=identity.pk, key=key) for key in keys_for(features)]
        MatchKey.objects.filter(identity_id__in=chunk).delete()
        MatchKey.objects.bulk_create(rows, batch_size=BATCH)
        written += len(rows)
    return written
