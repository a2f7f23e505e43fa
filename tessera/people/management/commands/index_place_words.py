"""Rebuild the place-word index after a bulk load that bypassed it (it is derived data: always safe)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from tessera.people.models import Location
from tessera.people.place_index import BATCH, rebuild_place_words


class Command(BaseCommand):
    help = "Rebuild the words every place is found under (its kind, name and street)."

    def handle(self, *args: Any, **options: Any) -> None:
        ids = list(Location.objects.order_by("pk").values_list("pk", flat=True))
        words = 0
        for start in range(0, len(ids), BATCH):
            words += rebuild_place_words(ids[start : start + BATCH])
        self.stdout.write(f"Indexed {len(ids)} places under {words} words.")
