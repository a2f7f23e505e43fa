"""The background import: rows taken in chunks, each chunk and its resume point committed together.

If the worker dies, the chunk it was in rolls back whole and the job's checkpoint still names the first
row of that chunk, so the next worker starts there and nothing is taken twice. (Taking a row is also
idempotent on its own: the partner's record ID is unique per system.)
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from tessera.imports.models import BatchStatus, ImportBatch
from tessera.imports.parsing import FileProblemError, read_rows
from tessera.imports.services import JOB_KIND, apply_chunk, finish_batch, refuse_batch, validate_file
from tessera.jobs.queue import JobContext, job_handler

CHUNK_ROWS = 100


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
    ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.RUNNING, total_rows=len(rows))
    outcomes = validate_file(rows, batch)
    start = int(ctx.checkpoint.get("next_row", 0))
    ctx.progress(start, len(rows), message="Checking and importing rows")
    for first in range(start, len(rows), CHUNK_ROWS):
        last = min(first + CHUNK_ROWS, len(rows))
        with transaction.atomic():
            apply_chunk(batch, rows[first:last], outcomes[first:last])
            ctx.progress(last, len(rows), checkpoint={"next_row": last})
    finish_batch(batch, len(rows))
    batch.refresh_from_db()
    return {
        "created": batch.created_count,
        "updated": batch.updated_count,
        "unchanged": batch.unchanged_count,
        "quarantined": batch.quarantined_count,
    }
