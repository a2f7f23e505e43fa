"""Keeping the place-word index (``PlaceWord``) in step with places, and searching it.

Rebuilt for a place whenever it is saved (``people.signals``), for a synthetic world's places as they are
written, and by ``manage.py index_place_words`` after any other bulk load.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet

from tessera.people.models import Location, LocationKind, PlaceWord
from tessera.people.place_words import place_words

BATCH = 2000
_KIND_LABELS = dict(LocationKind.choices)


def words_for(kind: str, name: str, address_line_1: str) -> set[str]:
    return place_words(_KIND_LABELS.get(kind, ""), name, address_line_1)


@transaction.atomic
def rebuild_place_words(location_ids: Iterable[int]) -> int:
    ids = list(location_ids)
    PlaceWord.objects.filter(location_id__in=ids).delete()
    rows = [
        PlaceWord(location_id=pk, word=word)
        for pk, kind, name, line_1 in Location.objects.filter(pk__in=ids).values_list(
            "pk", "kind", "name", "address_line_1"
        )
        for word in sorted(words_for(kind, name, line_1))
    ]
    PlaceWord.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def places_with_words(words: Sequence[str]) -> QuerySet[PlaceWord, int]:
    """Ids of places indexed under every one of ``words``: the longest word drives the look-up (long
    words are rare), each other is an index probe per candidate."""
    driver, *others = sorted(words, key=len, reverse=True)
    matching = PlaceWord.objects.filter(word=driver)
    for word in others:
        matching = matching.filter(
            Exists(PlaceWord.objects.filter(location_id=OuterRef("location_id"), word=word))
        )
    return matching.values_list("location_id", flat=True)
