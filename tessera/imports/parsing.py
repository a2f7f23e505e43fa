"""Reading partner files (CSV and JSON) into rows of text, as pure functions.

A file that cannot be read at all is refused whole with a ``FileProblemError`` saying why; a file that can be
read yields one dict per record, every value as the text the partner sent (validation decides the rest).
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
from dataclasses import dataclass
from typing import Any

from tessera.imports.profiles import MappingProfile

MAX_FILE_BYTES = 20 * 1024 * 1024
# The csv module refuses a cell over 128 KB with an error that ended the whole import; read any cell the
# file can hold, and let validation quarantine the row whose cell is too long to be a real value.
csv.field_size_limit(MAX_FILE_BYTES)


class FileProblemError(ValueError):
    """The file as a whole cannot be imported; the message tells the user why, in their words."""


@dataclass(frozen=True)
class RawRow:
    number: int  # 1-based position of the record in the file (CSV: the data row after the header)
    values: dict[str, Any]


def content_hash(content: bytes) -> str:
    """The file's fingerprint: the same bytes sent twice are recognised and not imported again."""
    return hashlib.sha256(content).hexdigest()


def row_fingerprint(values: dict[str, Any]) -> str:
    """A row's fingerprint, whatever file it came in: the same values give the same fingerprint."""
    canonical = json.dumps(values, sort_keys=True, ensure_ascii=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


KEPT_CELL_CHARACTERS = 10_000


def storable_values(values: dict[str, Any]) -> dict[str, Any]:
    """A row's values as they can be kept with it in quarantine: PostgreSQL stores no NUL character, so a
    NUL is shown as the symbol for it, and a cell too long to be a real value is cut, saying so (the whole
    file is kept with its batch)."""

    def storable(value: Any) -> Any:
        if isinstance(value, dict):
            return {storable(k): storable(v) for k, v in value.items()}
        if isinstance(value, list):
            return [storable(v) for v in value]
        if not isinstance(value, str):
            return value
        text = value.replace("\x00", "\u2400")
        if len(text) > KEPT_CELL_CHARACTERS:
            return f"{text[:KEPT_CELL_CHARACTERS]}… (cut: {len(text):,} characters in the file)"
        return text

    return {storable(k): storable(v) for k, v in values.items()}


_UTF16_MARKS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def _decode(content: bytes) -> str:
    """Partner spreadsheets arrive as UTF-8 (often with a byte-order mark), Windows-1252, or UTF-16 with a
    byte-order mark (Excel's "Unicode text")."""
    if content.startswith(_UTF16_MARKS):
        try:
            return content.decode("utf-16")
        except UnicodeDecodeError:
            raise FileProblemError(
                "The file starts like UTF-16 text but cannot be read as UTF-16. Save it as CSV UTF-8 and "
                "send it again"
            ) from None
    if content.count(b"\x00") > len(content) // 4:
        # Every other byte zero: UTF-16 without its byte-order mark, which cannot be told from Latin text.
        raise FileProblemError(
            "The file looks like UTF-16 text without a byte-order mark, which Tessera cannot read reliably. "
            "Save it as CSV UTF-8 and send it again"
        )
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
    _check_headings(rows)
    _check_columns(rows, profile)
    return rows


def _check_headings(rows: list[RawRow]) -> None:
    """Refuse a file with a NUL character in a column heading (a JSON key): a heading is what the import
    page lists and what the importer's choice for the column is kept under, and PostgreSQL can store no
    NUL, so such a column could be neither shown nor kept. The file is refused whole, naming the heading
    (with the NUL shown as its symbol), before anything in it is taken. A NUL in a cell is the cell's
    problem: validation quarantines the row, saying so."""
    for row in rows:
        for key in row.values:
            if "\x00" in key:
                shown = key.replace("\x00", "\u2400")[:60]
                raise FileProblemError(
                    f"The column heading '{shown}' (record {row.number}) contains a NUL character (shown as "
                    "\u2400), which a heading cannot hold. Correct the heading in the export and send the "
                    "file again"
                )


def _read_csv(content: bytes) -> list[RawRow]:
    text = _decode(content)
    _check_quotes_are_closed(text)
    reader = csv.DictReader(io.StringIO(text, newline=""))
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


def _check_quotes_are_closed(text: str) -> None:
    """Refuse a file with a quote that is never closed: read leniently, everything after it would become
    one cell of one row, and the rows after it would silently go missing."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        for _ in reader:
            pass
    except csv.Error as error:
        if "unexpected end of data" in str(error):
            raise FileProblemError(
                f"A quote mark opened on line {_line_of_last_row_start(text)} of the file is never closed, so "
                "the rest of the file would be read as one cell. Correct the quote and send the file again"
            ) from None
        # Other strict complaints (a stray quote inside a cell) are read leniently, as spreadsheets write them.


def _line_of_last_row_start(text: str) -> int:
    """The line on which the unclosed quoted cell's row starts: read leniently, it is the last row."""
    reader = csv.reader(io.StringIO(text, newline=""))
    start = last_start = 1
    for _ in reader:
        last_start, start = start, reader.line_num + 1
    return last_start


def _read_json(content: bytes, profile: MappingProfile) -> list[RawRow]:
    try:
        # Numbers are kept as the text the partner sent: a 5,001-digit number is a bad value for validation
        # to quarantine, not a reason for Python's int() to end the import.
        data = json.loads(_decode(content), parse_int=str, parse_float=str, parse_constant=str)
    except json.JSONDecodeError as error:
        raise FileProblemError(f"The file is not valid JSON (line {error.lineno}: {error.msg})") from None
    except RecursionError:
        raise FileProblemError(
            "The JSON file nests lists or objects too deeply to be a partner export. Check the export and "
            "send it again"
        ) from None
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
        if isinstance(record, dict):
            values = {str(key): _shallow(value) for key, value in record.items()}
        else:
            values = {"(record)": json.dumps(_shallow(record))[:500]}
        rows.append(RawRow(number, values))
    return rows


MAX_KEPT_DEPTH = 8


def _depth(value: Any) -> int:
    """How deeply lists and objects nest in ``value``, counted without recursion."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, level + 1)
            stack.extend((child, level + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def _shallow(value: Any) -> Any:
    """A value kept as sent unless it nests deeper than any partner record would; then a note of that,
    so that storing, fingerprinting or printing it can never exhaust Python's recursion limit."""
    depth = _depth(value)
    if depth > MAX_KEPT_DEPTH:
        return {"(nested too deeply to keep)": f"{depth} levels"}
    return value


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
