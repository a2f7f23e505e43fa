"""The rows the world generator writes, table by table, as plain tuples in column order.

Rows are tuples (not model instances) because the 1M-person world is about twenty million rows: the
loader streams them into PostgreSQL with COPY, or into SQLite with executemany, and the Parquet writer
reads the same tuples. Ids are assigned by the generator from ``IdBlocks`` so foreign keys are known
before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

TABLES: dict[str, tuple[str, ...]] = {
    "people_poleentity": ("id", "kind"),
    "people_location": (
        "id", "entity_id", "kind", "name", "address_line_1", "address_line_2", "town", "postcode",
        "district_id", "created_at", "updated_at",
    ),
    "people_vehicle": ("id", "entity_id", "registration", "make", "model", "colour", "created_at", "updated_at"),
    "people_phone": ("id", "entity_id", "number", "created_at", "updated_at"),
    "people_onlineaccount": ("id", "entity_id", "platform", "handle", "created_at", "updated_at"),
    "people_person": (
        "id", "entity_id", "given_name", "family_name", "date_of_birth", "sex", "district_id",
        "merged_into_id", "version", "created_at", "updated_at",
    ),
    "people_sourceidentity": (
        "id", "person_id", "agency_id", "source_system", "source_record_id", "received_at", "district_id",
        "given_name", "middle_names", "family_name", "other_names", "date_of_birth", "approximate_age",
        "sex", "ethnicity", "disability", "police_person_id", "nhs_number", "pupil_number", "la_person_id",
        "identifiers_failing_check", "created_at", "updated_at",
    ),
    "people_identityaddress": ("id", "identity_id", "location_id", "from_date", "to_date"),
    "people_link": (
        "id", "source_id", "target_id", "kind", "started_on", "ended_on", "agency_id", "source_system",
        "source_record_id", "recorded_by_id", "from_intelligence", "source_evaluation",
        "intelligence_assessment", "handling_code", "legacy_grade", "created_at", "updated_at",
    ),
    "people_matchkey": ("id", "person_id", "key"),
    "people_placeword": ("id", "location_id", "word"),
    "synth_groundtruthperson": (
        "id", "role", "given_name", "family_name", "date_of_birth", "sex", "ethnicity", "district_code",
        "exploitation_status", "exploitation_started_on", "network", "person_id",
    ),
    "synth_groundtruthrecord": (
        "id", "true_person_id", "agency_code", "source_system", "source_record_id", "identity_id", "errors",
    ),
}  # fmt: skip

# Columns holding JSON, which COPY and executemany need as text.
JSON_COLUMNS = {
    ("people_sourceidentity", "other_names"),
    ("people_sourceidentity", "identifiers_failing_check"),
}


class IdBlocks:
    """Hands out ids per table, starting after what the database already holds."""

    def __init__(self, start_after: dict[str, int] | None = None) -> None:
        self._next = {table: (start_after or {}).get(table, 0) + 1 for table in TABLES}

    def take(self, table: str) -> int:
        value = self._next[table]
        self._next[table] = value + 1
        return value

    def last(self, table: str) -> int:
        return self._next[table] - 1


@dataclass
class Rows:
    """Rows generated for one slice of the world, by table."""

    by_table: dict[str, list[tuple[Any, ...]]] = field(default_factory=lambda: {t: [] for t in TABLES})

    def add(self, table: str, row: tuple[Any, ...]) -> None:
        self.by_table[table].append(row)

    def count(self, table: str) -> int:
        return len(self.by_table[table])


@dataclass(frozen=True)
class Reference:
    """Database ids of the reference data the world refers to, and the time rows are stamped with."""

    district_ids: dict[str, int]
    agency_ids: dict[str, int]
    now: datetime
