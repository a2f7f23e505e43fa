"""Reads of imported files and quarantined rows, each starting from the user's scope."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from tessera.access.policy import get_visible_or_404, label_of, visible_to
from tessera.access.reads import log_opened
from tessera.accounts.models import Actor
from tessera.imports.models import ImportBatch, QuarantinedRow, RowStatus


def visible_batches(user: Actor) -> QuerySet[ImportBatch]:
    return (
        visible_to(user, ImportBatch)
        .select_related("agency", "district", "uploaded_by", "job")
        .defer("content")
        .order_by("-created_at")
    )


def open_batch(user: Actor, pk: int, *, via: HttpRequest | None) -> tuple[ImportBatch, list[QuarantinedRow]]:
    """An import's page: the batch and the rows it could not take, logged as viewed with the rows shown."""
    with transaction.atomic():
        batch = get_visible_or_404(user, visible_batches(user), pk=pk)
        rows = list(rows_of(batch))
        log_opened(user, batch, via=via, shown={label_of(QuarantinedRow): [row.pk for row in rows]})
    return batch, rows


def batch_for_page(user: Actor, pk: int) -> ImportBatch:
    """A batch whose column choices are being posted (logged by ``services.begin_import``); not logged."""
    return get_visible_or_404(user, visible_batches(user), pk=pk)


def open_batch_columns(user: Actor, pk: int, *, via: HttpRequest | None) -> ImportBatch:
    """The page listing a file's columns and what each holds, logged as viewed."""
    with transaction.atomic():
        batch = batch_for_page(user, pk)
        log_opened(user, batch, via=via)
    return batch


def rows_of(batch: ImportBatch) -> QuerySet[QuarantinedRow]:
    return batch.quarantined_rows.select_related("identity", "resolved_by").order_by("row_number")


def row_for_page(user: Actor, batch_pk: int, row_pk: int) -> QuarantinedRow:
    """A quarantined row for a correction or set-aside being posted (logged by its service); not logged.

    Pages that show the row use ``open_row``, or ``log_opened`` when a posted form comes back.
    """
    rows = QuarantinedRow.objects.select_related("batch__agency", "batch__district").defer("batch__content")
    return get_visible_or_404(user, rows, pk=row_pk, batch_id=batch_pk)


def open_row(user: Actor, batch_pk: int, row_pk: int, *, via: HttpRequest | None) -> QuarantinedRow:
    """A quarantined row's page (what the partner's file said), logged as viewed."""
    with transaction.atomic():
        row = row_for_page(user, batch_pk, row_pk)
        log_opened(user, row, via=via)
    return row


def waiting_count(user: Actor) -> int:
    return visible_to(user, QuarantinedRow).filter(status=RowStatus.WAITING).count()
