"""Rebuild the match-key index for every person (after a bulk load that bypassed the application)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from tessera.people.match_index import rebuild_match_keys
from tessera.people.models import Person


class Command(BaseCommand):
    help = "Recompute the keys person search, search before create and linkage's checks look people up by."

    def handle(self, *args: Any, **options: Any) -> None:
        ids = Person.objects.order_by("pk").values_list("pk", flat=True)
        written = rebuild_match_keys(ids)
        self.stdout.write(f"{written} keys for {len(ids)} people")
