"""Reads of imported files and quarantined rows, each starting from the user's scope."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from tessera.access.policy import get_visible_or_404, visible_to
from tessera.imports.models import ImportBatch, QuarantinedRow, RowStatus


def visible_batches(user: Any) -> QuerySet[ImportBatch]:
    return (
        visible_to(user, ImportBatch)
        .select_related("agency", "district", "uploaded_by", "job")
        .defer("content")
        .order_by("-created_at")
    )


def batch_for_page(user: Any, pk: int) -> ImportBatch:
    return get_visible_or_404(user, visible_batches(user), pk=pk)


def rows_of(batch: ImportBatch) -> QuerySet[QuarantinedRow]:
    return batch.quarantined_rows.select_related("identity", "resolved_by").order_by("row_number")


def row_for_page(user: Any, batch_pk: int, row_pk: int) -> QuarantinedRow:
    rows = QuarantinedRow.objects.select_related("batch__agency", "batch__district").defer("batch__content")
    return get_visible_or_404(user, rows, pk=row_pk, batch_id=batch_pk)


def waiting_count(user: Any) -> int:
    return visible_to(user, QuarantinedRow).filter(status=RowStatus.WAITING).count()
