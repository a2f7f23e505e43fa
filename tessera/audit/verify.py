"""Verify the stored access log against its keyed chain and the newest signed checkpoint."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from tessera.audit.chain import (
    ChainBreak,
    Checkpoint,
    SealedRow,
    check_against_checkpoint,
    verify_seals,
)
from tessera.audit.checkpoints import CheckpointFileError, read_checkpoints
from tessera.audit.keys import chain_key, checkpoint_key
from tessera.audit.models import AccessLog, AuditSeal, RecordShown
from tessera.audit.sealer import seal_pending, unsealed_count

_CHUNK = 2000


@dataclass(frozen=True)
class ChainReport:
    """What verification found: the first break (or None), rows sealed and verified, rows waiting."""

    problem: ChainBreak | None
    sealed: int
    unsealed: int
    checkpoint: Checkpoint | None

    @property
    def intact(self) -> bool:
        return self.problem is None


def _sealed_rows() -> Iterator[SealedRow]:
    """Every seal in sequence order with its log row and the records the row showed, a chunk at a time."""
    last_seq = 0
    while True:
        seals = list(
            AuditSeal.objects.filter(seq__gt=last_seq).select_related("entry").order_by("seq")[:_CHUNK]
        )
        if not seals:
            return
        shown: dict[int, list[tuple[str, str]]] = {seal.entry_id: [] for seal in seals}
        for entry_id, kind, pk in RecordShown.objects.filter(entry_id__in=list(shown)).values_list(
            "entry_id", "target_type", "target_id"
        ):
            shown[entry_id].append((kind, pk))
        for seal in seals:
            yield SealedRow(
                seq=seal.seq,
                prev_hash=seal.prev_hash,
                hash=seal.hash,
                shown_count=seal.shown_count,
                row=seal.entry.as_chain_row(),
                shown=shown[seal.entry_id],
            )
        last_seq = seals[-1].seq


def verify_stored_chain(*, seal_first: bool = True) -> ChainReport:
    """Seal what is waiting (unless told not to), then walk the whole chain and hold its end against the
    newest checkpoint. Rows left unsealed are reported, not counted as verified."""
    if seal_first:
        seal_pending(everything=True)
    try:
        checkpoints = read_checkpoints(checkpoint_key())
    except CheckpointFileError as error:
        return ChainReport(ChainBreak(None, None, str(error)), 0, unsealed_count(), None)
    newest = checkpoints.newest
    problem, summary = verify_seals(
        _sealed_rows(), chain_key(), remember=[newest.seq] if newest is not None else []
    )
    if problem is None:
        problem = check_against_checkpoint(summary, newest, rows_in_log=AccessLog.objects.count())
    return ChainReport(problem, summary.last_seq, unsealed_count(), newest)
