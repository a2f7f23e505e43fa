"""The synthetic world: people, places and things across the four districts, with ground truth apart.

Two entry points with a stable interface:

- ``generate_world(people, seed)`` writes the world into the database in bulk (COPY on PostgreSQL) and,
  given ``parquet_dir``, the same world as Parquet at the same time.
- ``write_world_parquet(directory, people, seed)`` writes only the Parquet files (no database rows).

The same ``people``, ``seed`` and ``now`` always give the same world. Everything is invented.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from tessera.core.models import Agency, District
from tessera.core.reference_data import DEFAULT_DISTRICTS, default_agencies
from tessera.people.match_index import keys_by_person
from tessera.synth.loader import finish_load, ids_in_use, tidy_after_load, write_rows
from tessera.synth.parquet import ParquetWorld
from tessera.synth.population import generate_rows
from tessera.synth.tables import IdBlocks, Reference, Rows

_STATUS = 8  # column of exploitation_status in synth_groundtruthperson
_DISTRICT = 7


@dataclass
class WorldSummary:
    people: int = 0
    persons: int = 0
    identities: int = 0
    locations: int = 0
    vehicles: int = 0
    phones: int = 0
    online_accounts: int = 0
    links: int = 0
    match_keys: int = 0
    exploited_children: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def add(self, rows: Rows) -> None:
        self.people += rows.count("synth_groundtruthperson")
        self.persons += rows.count("people_person")
        self.identities += rows.count("people_sourceidentity")
        self.locations += rows.count("people_location")
        self.vehicles += rows.count("people_vehicle")
        self.phones += rows.count("people_phone")
        self.online_accounts += rows.count("people_onlineaccount")
        self.links += rows.count("people_link")
        self.match_keys += rows.count("people_matchkey")
        exploited = Counter(
            row[_DISTRICT] for row in rows.by_table["synth_groundtruthperson"] if row[_STATUS] == "exploited"
        )
        for district, count in exploited.items():
            self.exploited_children[district] = self.exploited_children.get(district, 0) + count


def _database_reference(now: datetime) -> Reference:
    return Reference(
        district_ids=dict(District.objects.values_list("code", "pk")),
        agency_ids=dict(Agency.objects.values_list("code", "pk")),
        now=now,
    )


def _parquet(directory: Path | str, ref: Reference) -> ParquetWorld:
    return ParquetWorld(
        Path(directory),
        {pk: code for code, pk in ref.district_ids.items()},
        {pk: code for code, pk in ref.agency_ids.items()},
    )


def _match_keys(rows: Rows, ids: IdBlocks) -> Rows:
    """The match-key index rows of the persons in one written slice, from their records as stored."""
    index = Rows()
    person_ids = [row[0] for row in rows.by_table["people_person"]]
    for person_id, keys in keys_by_person(person_ids).items():
        for key in sorted(keys):
            index.add("people_matchkey", (ids.take("people_matchkey"), person_id, key))
    return index


def generate_world(
    people: int = 2000,
    seed: int = 2013,
    *,
    parquet_dir: Path | str | None = None,
    now: datetime | None = None,
) -> WorldSummary:
    """Write a world of ``people`` invented people into the database (reference data must be seeded)."""
    started = time.monotonic()
    ref = _database_reference(now or timezone.now())
    summary = WorldSummary()
    parquet = _parquet(parquet_dir, ref) if parquet_dir else None
    try:
        with transaction.atomic():
            ids = IdBlocks(ids_in_use())
            for rows in generate_rows(people, seed, ref, ids):
                write_rows(rows)
                if parquet:
                    parquet.add(rows)
                summary.add(rows)
                index = _match_keys(rows, ids)
                write_rows(index)
                summary.add(index)
            finish_load()
    finally:
        if parquet:
            parquet.close()
    tidy_after_load()
    summary.seconds = time.monotonic() - started
    return summary


def write_world_parquet(
    directory: Path | str, people: int = 2000, seed: int = 2013, *, now: datetime | None = None
) -> WorldSummary:
    """Write the world as Parquet only: source records and ground truth, no database needed."""
    started = time.monotonic()
    ref = Reference(
        district_ids={d.code: n for n, d in enumerate(DEFAULT_DISTRICTS, start=1)},
        agency_ids={a.code: n for n, a in enumerate(default_agencies(), start=1)},
        now=now or timezone.now(),
    )
    summary = WorldSummary()
    parquet = _parquet(directory, ref)
    try:
        for rows in generate_rows(people, seed, ref, IdBlocks()):
            parquet.add(rows)
            summary.add(rows)
    finally:
        parquet.close()
    summary.seconds = time.monotonic() - started
    return summary
