"""Writing generated rows to the database in bulk: COPY on PostgreSQL, executemany on SQLite.

Rows bypass the ORM (and so its signals) on purpose: at a million people the ORM would take hours.
The match-key index the signals would have kept is written for each slice by ``generate_world``.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from django.db import connection

from tessera.synth.tables import JSON_COLUMNS, TABLES, Rows


def ids_in_use() -> dict[str, int]:
    """The highest id in each table the world writes to, so new rows continue after them."""
    highest = {}
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")  # noqa: S608 - table names are constants
            highest[table] = int(cursor.fetchone()[0])
    return highest


def _json_columns(table: str) -> list[int]:
    return [i for i, column in enumerate(TABLES[table]) if (table, column) in JSON_COLUMNS]


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


def write_rows(rows: Rows) -> None:
    """Write one slice of the world inside the caller's transaction."""
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        for table, columns in TABLES.items():
            batch = rows.by_table[table]
            if not batch:
                continue
            json_at = _json_columns(table)
            if postgres:
                names = ", ".join(columns)
                raw = cursor.cursor  # psycopg's own cursor, for COPY
                with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in batch:
                        if json_at:
                            row = tuple(json.dumps(v) if i in json_at else v for i, v in enumerate(row))
                        copy.write_row(row)
            else:
                placeholders = ", ".join(["%s"] * len(columns))
                sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"  # noqa: S608 - constants
                cursor.executemany(
                    sql,
                    [
                        tuple(json.dumps(v) if i in json_at else _sqlite_value(v) for i, v in enumerate(row))
                        for row in batch
                    ],
                )


def finish_load() -> None:
    """Move PostgreSQL's id sequences past the written ids, and refresh the planner's statistics."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), GREATEST((SELECT MAX(id) FROM {table}), 1))"  # noqa: S608
            )
        for table in TABLES:
            cursor.execute(f"ANALYZE {table}")


def tidy_after_load() -> None:
    """VACUUM the tables just loaded so PostgreSQL can answer from indexes alone (index-only scans).

    VACUUM cannot run inside a transaction; when the load itself ran inside one (a test), autovacuum
    does it later instead.
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"VACUUM (ANALYZE) {table}")
