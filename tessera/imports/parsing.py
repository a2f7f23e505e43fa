"""Reading partner files (CSV and JSON) into rows of text, as pure functions.

A file that cannot be read at all is refused whole with a ``FileProblemError`` saying why; a file that can be
read yields one dict per record, every value as the text the partner sent (validation decides the rest).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass
from typing import Any

from tessera.imports.profiles import MappingProfile

MAX_FILE_BYTES = 20 * 1024 * 1024


class FileProblemError(ValueError):
    """The file as a whole cannot be imported; the message tells the user why, in their words."""


@dataclass(frozen=True)
class RawRow:
    number: int  # 1-based position of the record in the file (CSV: the data row after the header)
    values: dict[str, Any]


def content_hash(content: bytes) -> str:
    """The file's fingerprint: the same bytes sent twice are recognised and not imported again."""
    return hashlib.sha256(content).hexdigest()


def _decode(content: bytes) -> str:
    # Partner spreadsheets arrive as UTF-8 (often with a byte-order mark) or Windows-1252.
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


def file_format(filename: str) -> str:
    lower = filename.lower()
    if lower.endswith(".csv"):
        return "csv"
    if lower.endswith(".json"):
        return "json"
    raise FileProblemError("The file must be a CSV or JSON file")


def read_rows(content: bytes, fmt: str, profile: MappingProfile) -> list[RawRow]:
    if not content.strip():
        raise FileProblemError("The file is empty")
    if len(content) > MAX_FILE_BYTES:
        raise FileProblemError("The file must be smaller than 20 MB")
    rows = _read_csv(content) if fmt == "csv" else _read_json(content, profile)
    if not rows:
        raise FileProblemError("The file has no records in it")
    _check_columns(rows, profile)
    return rows


def _read_csv(content: bytes) -> list[RawRow]:
    reader = csv.DictReader(io.StringIO(_decode(content), newline=""))
    if not reader.fieldnames:
        raise FileProblemError("The file has no header row")
    rows = []
    for number, record in enumerate(reader, start=1):
        # Cells past the header land under the key None; keep them so nothing the partner sent is lost.
        extra = record.pop(None, None)
        values: dict[str, Any] = {str(k).strip(): v for k, v in record.items()}
        if extra:
            values["(extra cells)"] = extra
        rows.append(RawRow(number, values))
    return rows


def _read_json(content: bytes, profile: MappingProfile) -> list[RawRow]:
    try:
        data = json.loads(_decode(content))
    except json.JSONDecodeError as error:
        raise FileProblemError(f"The file is not valid JSON (line {error.lineno}: {error.msg})") from None
    if isinstance(data, dict):
        key = profile.json_records_key
        if not key or key not in data:
            raise FileProblemError(f"The JSON file has no list of records under '{key or 'records'}'")
        data = data[key]
    if not isinstance(data, list):
        raise FileProblemError("The JSON file must hold a list of records")
    rows = []
    for number, record in enumerate(data, start=1):
        # A record that is not an object is kept (as text) so validation can quarantine it with a reason.
        values = record if isinstance(record, dict) else {"(record)": json.dumps(record)[:500]}
        rows.append(RawRow(number, values))
    return rows


def _check_columns(rows: list[RawRow], profile: MappingProfile) -> None:
    """A file with none of the profile's key columns is the wrong kind of file: refuse it whole."""
    seen: set[str] = set()
    for row in rows[:50]:
        seen.update(row.values)
    id_column = profile.column_for("source_record_id")
    if id_column not in seen:
        raise FileProblemError(
            f"The file has no '{id_column}' column, so it does not look like a {profile.source_system} export"
        )
