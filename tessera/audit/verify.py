"""Verify the stored access log against its hash chain."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tessera.audit.chain import ChainBreak, verify_chain
from tessera.audit.models import AccessLog, AuditChainHead


def _rows(batch: int = 5000) -> Iterator[dict[str, Any]]:
    for entry in AccessLog.objects.order_by("seq").iterator(chunk_size=batch):
        yield entry.as_chain_row()


def verify_stored_chain() -> tuple[ChainBreak | None, int]:
    """The first break (or None) and how many rows the log holds."""
    head = AuditChainHead.objects.filter(pk=1).first()
    count = AccessLog.objects.count()
    result = verify_chain(
        _rows(),
        head_seq=head.last_seq if head else 0,
        head_hash=head.last_hash if head else None,
    )
    return result, count
