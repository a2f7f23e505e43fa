"""Keeping each person's search keys in step with their source identities.

Keys are derived data: ``rebuild_search_keys`` recomputes them from the identities, so it is always safe
to run again. Saving or deleting a ``SourceIdentity`` rebuilds its person's keys (see ``people.signals``);
merges and unmerges rebuild both persons; bulk loaders write keys themselves with ``keys_for_identity``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.db import transaction

from tessera.people.models import PersonSearchKey, SourceIdentity
from tessera.people.names import search_keys_for_names

BATCH = 2000


def keys_for_identity(given: str, middle: str, family: str, other_names: Sequence[str]) -> set[str]:
    return search_keys_for_names([given, middle, family, *other_names])


def rebuild_search_keys(person_ids: Iterable[int]) -> int:
    """Replace the search keys of these persons with keys computed from their identities. Returns rows written."""
    ids = sorted(set(person_ids))
    written = 0
    with transaction.atomic():
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            keys: dict[int, set[str]] = defaultdict(set)
            rows = SourceIdentity.objects.filter(person_id__in=chunk).values_list(
                "person_id", "given_name", "middle_names", "family_name", "other_names"
            )
            for person_id, given, middle, family, other in rows:
                keys[person_id] |= keys_for_identity(given, middle, family, other or [])
            PersonSearchKey.objects.filter(person_id__in=chunk).delete()
            new = [PersonSearchKey(person_id=pid, key=key) for pid, found in keys.items() for key in found]
            PersonSearchKey.objects.bulk_create(new, batch_size=BATCH)
            written += len(new)
    return written
