"""Rebuild search-before-create keys for every source record (after a bulk load, or a model spec change)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from tessera.linkage.match_keys import BATCH, refresh_keys
from tessera.people.models import SourceIdentity


class Command(BaseCommand):
    help = "Recompute the linkage blocking keys that search before create looks up."

    def handle(self, *args: Any, **options: Any) -> None:
        ids = list(SourceIdentity.objects.order_by("pk").values_list("pk", flat=True))
        written = 0
        for start in range(0, len(ids), BATCH):
            written += refresh_keys(ids[start : start + BATCH])
        self.stdout.write(f"{written} keys for {len(ids)} source records")
