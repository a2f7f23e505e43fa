"""The sealer: chains newly appended access-log rows in batches, after their acts have committed.

Appending a row takes no lock (``record_access`` is a plain INSERT), so no request or job waits for any
other. The sealer is the only writer of the chain: it takes the rows not yet sealed, in the order they
were appended, gives each the next sequence number and its keyed hash, and then writes a signed
checkpoint of the new head outside the database. It runs in the background worker every few seconds
(``tessera.jobs``), on demand (``manage.py seal_audit_log``), and before ``verify_audit_chain``.

A row whose transaction is still open is invisible to the sealer and is sealed by a later batch, with a
later sequence number: the chain's order is the order rows became durable, as in a transparency log.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from tessera.audit.chain import GENESIS_HASH, Checkpoint, seal_hash
from tessera.audit.checkpoints import append_checkpoint
from tessera.audit.keys import chain_key, checkpoint_key
from tessera.audit.models import AccessLog, AuditSeal, RecordShown

logger = logging.getLogger(__name__)

BATCH_SIZE = 2000
# A routine pass looks for unsealed rows only among the newest ids: a row whose transaction committed
# after this many later rows were sealed is found by the full pass that verification makes.
STRAGGLER_WINDOW = 20_000
# Any constant: PostgreSQL's advisory lock that keeps two sealers from sealing the same rows at once.
_SEALER_LOCK = 0x7E55E1A


@dataclass(frozen=True)
class SealResult:
    sealed: int
    head_seq: int


def _take_sealer_lock() -> None:
    # Only sealers take this lock, for one short batch; appends never wait for it. On SQLite the write
    # transaction itself already admits one writer at a time.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_SEALER_LOCK])


def _seal_batch(key: bytes, *, everything: bool) -> tuple[int, Checkpoint | None]:
    with transaction.atomic():
        _take_sealer_lock()
        head = AuditSeal.objects.order_by("-seq").values("seq", "hash", "shown_through").first()
        pending = AccessLog.objects.filter(seal__isnull=True)
        if not everything and head is not None:
            newest_sealed = AuditSeal.objects.aggregate(newest=Max("entry_id"))["newest"] or 0
            pending = pending.filter(id__gt=newest_sealed - STRAGGLER_WINDOW)
        entries = list(pending.order_by("id")[:BATCH_SIZE])
        if not entries:
            return 0, None
        shown: dict[int, list[tuple[str, str]]] = {entry.pk: [] for entry in entries}
        for entry_id, kind, pk in RecordShown.objects.filter(entry_id__in=list(shown)).values_list(
            "entry_id", "target_type", "target_id"
        ):
            shown[entry_id].append((kind, pk))
        seq = head["seq"] if head else 0
        prev_hash = head["hash"] if head else GENESIS_HASH
        shown_through = head["shown_through"] if head else 0
        now = timezone.now()
        seals = []
        for entry in entries:
            seq += 1
            records = shown[entry.pk]
            shown_through += len(records)
            digest = seal_hash(key, prev_hash, seq, entry.as_chain_row(), records)
            seals.append(
                AuditSeal(
                    entry=entry,
                    seq=seq,
                    shown_count=len(records),
                    shown_through=shown_through,
                    prev_hash=prev_hash,
                    hash=digest,
                    sealed_at=now,
                )
            )
            prev_hash = digest
        AuditSeal.objects.bulk_create(seals)
    return len(seals), Checkpoint(seq=seq, rows=seq, shown=shown_through, hash=prev_hash, at=now.isoformat())


def seal_pending(*, everything: bool = False) -> SealResult:
    """Seal every row waiting, in batches, writing a signed checkpoint after each batch commits.

    ``everything`` also looks for rows far behind the newest (an act whose transaction was open for a
    long time); verification uses it.
    """
    key = chain_key()
    signing_key = checkpoint_key()
    sealed = 0
    head_seq = AuditSeal.objects.aggregate(head=Max("seq"))["head"] or 0
    while True:
        count, checkpoint = _seal_batch(key, everything=everything)
        if checkpoint is not None:
            append_checkpoint(checkpoint, signing_key)
            head_seq = checkpoint.seq
        sealed += count
        if count < BATCH_SIZE:
            break
    if sealed:
        logger.info("Sealed %s access-log rows; chain head at sequence %s", sealed, head_seq)
    return SealResult(sealed=sealed, head_seq=head_seq)


def unsealed_count() -> int:
    return AccessLog.objects.filter(seal__isnull=True).count()
