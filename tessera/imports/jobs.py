"""The background import: rows taken in short chunks, each chunk and its resume point committed together.

If the worker dies, the chunk it was in rolls back whole and the job's checkpoint still names the first
row of that chunk, so the next worker starts there and nothing is taken twice. (Taking a row is also
idempotent on its own: the partner's record ID is unique per system.)

Chunks are kept short in time as well as rows: a write transaction holds SQLite's single write lock, and
every page view also writes (its access-log row), so a long chunk would make every user wait. Between
chunks on SQLite the worker steps back briefly, so writers queued on the lock get their turn.

Whatever goes wrong, the batch ends: refused (the file cannot be read, nothing taken) or failed (a fault
that is not the file's, with the rows taken so far kept), never left "waiting to start".
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.db import connection, transaction

from tessera.imports.models import BatchStatus, ImportBatch
from tessera.imports.parsing import FileProblemError, RawRow, read_rows
from tessera.imports.services import (
    JOB_KIND,
    UNREADABLE,
    apply_chunk,
    fail_batch,
    finish_batch,
    refuse_batch,
    validate_file,
)
from tessera.imports.validation import Outcome
from tessera.jobs.queue import JobContext, LostClaimError, job_handler

logger = logging.getLogger(__name__)

CHUNK_ROWS = 100
# A chunk commits once it has taken this long, even if it has fewer rows.
CHUNK_SECONDS = 0.25
# On SQLite, the pause after each commit: longer than the longest sleep of SQLite's busy handler (100 ms),
# so a page view waiting for the write lock is sure to get it before the next chunk.
SQLITE_PAUSE_SECONDS = 0.12


@job_handler(JOB_KIND)
def import_file(ctx: JobContext) -> dict[str, Any]:
    batch = ImportBatch.objects.select_related("agency", "district", "uploaded_by").get(
        pk=ctx.job.params["batch_id"]
    )
    try:
        rows = read_rows(bytes(batch.content), batch.file_format, batch.profile)
    except FileProblemError as problem:
        refuse_batch(batch, str(problem))
        return {"refused": str(problem)}
    except Exception:
        logger.exception("Import batch %s: the file could not be read", batch.pk)
        refuse_batch(batch, UNREADABLE)
        return {"refused": "unreadable"}
    try:
        return _take_rows(ctx, batch, rows)
    except LostClaimError:
        raise
    except Exception:
        logger.exception("Import batch %s failed", batch.pk)
        fail_batch(
            batch,
            "The import stopped because of a fault in Tessera, not in the file. The rows listed here were "
            "taken before it stopped; send the same file again to import the rest.",
        )
        raise


def _take_rows(ctx: JobContext, batch: ImportBatch, rows: list[RawRow]) -> dict[str, Any]:
    ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.RUNNING, total_rows=len(rows))
    outcomes = validate_file(rows, batch)
    start = int(ctx.checkpoint.get("next_row", 0))
    ctx.progress(start, len(rows), message="Checking and importing rows")
    while start < len(rows):
        start = _take_chunk(ctx, batch, rows, outcomes, start)
        if connection.vendor == "sqlite":
            time.sleep(SQLITE_PAUSE_SECONDS)
    finish_batch(batch, len(rows))
    batch.refresh_from_db()
    return {
        "created": batch.created_count,
        "updated": batch.updated_count,
        "unchanged": batch.unchanged_count,
        "quarantined": batch.quarantined_count,
        "already_quarantined": batch.already_quarantined_count,
    }


def _take_chunk(
    ctx: JobContext, batch: ImportBatch, rows: list[RawRow], outcomes: list[Outcome], first: int
) -> int:
    """Take rows from ``first`` until CHUNK_ROWS or CHUNK_SECONDS, in one transaction with the checkpoint.
    Returns the first row of the next chunk."""
    last = min(first + CHUNK_ROWS, len(rows))
    with transaction.atomic():
        taken = apply_chunk(
            batch, rows[first:last], outcomes[first:last], deadline=time.monotonic() + CHUNK_SECONDS
        )
        ctx.progress(first + taken, len(rows), checkpoint={"next_row": first + taken})
    return first + taken
