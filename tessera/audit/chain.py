"""The hash chain over the access log, as pure functions.

Each row's hash covers its own content and the previous row's hash, so altering, removing or reordering
any row breaks every hash after it. Verification walks rows in sequence order and reports the first row
whose stored hash or link does not match.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS_HASH = "0" * 64

# The fields a row's hash covers, in a fixed order. Changing this list breaks every existing chain, so
# a new field is added to the log without being added here unless a chain migration is written.
HASHED_FIELDS = (
    "seq",
    "at",
    "actor_id",
    "actor_username",
    "actor_agency",
    "action",
    "target_type",
    "target_id",
    "reason",
    "ip_address",
    "path",
    "details",
)


def canonical(row: Mapping[str, Any]) -> bytes:
    payload = {name: row.get(name) for name in HASHED_FIELDS}
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str).encode()


def row_hash(row: Mapping[str, Any], prev_hash: str) -> str:
    digest = hashlib.sha256()
    digest.update(prev_hash.encode())
    digest.update(canonical(row))
    return digest.hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    seq: int | None
    row_id: int | None
    problem: str

    def __str__(self) -> str:
        where = f"row {self.row_id} (sequence {self.seq})" if self.row_id is not None else "the chain head"
        return f"{where}: {self.problem}"


def verify_chain(
    rows: Iterable[Mapping[str, Any]], *, head_seq: int | None = None, head_hash: str | None = None
) -> ChainBreak | None:
    """The first break in ``rows`` (ordered by seq), or None when the chain is intact.

    ``head_seq`` and ``head_hash`` are the chain head's record of the last row written, which catches
    rows removed from the end of the log.
    """
    expected_seq = 1
    prev_hash = GENESIS_HASH
    for row in rows:
        seq = row["seq"]
        if seq != expected_seq:
            missing = "missing" if seq > expected_seq else "repeated or out of order"
            return ChainBreak(
                seq, row["id"], f"expected sequence {expected_seq}; rows before it are {missing}"
            )
        if row["prev_hash"] != prev_hash:
            return ChainBreak(
                seq, row["id"], "does not link to the row before it (rows removed or reordered)"
            )
        if row_hash(row, prev_hash) != row["hash"]:
            return ChainBreak(seq, row["id"], "content does not match its hash (the row was altered)")
        prev_hash = row["hash"]
        expected_seq += 1
    last_seq = expected_seq - 1
    if head_seq is not None and head_seq != last_seq:
        return ChainBreak(None, None, f"records {head_seq} rows but the log holds {last_seq} (rows removed)")
    if head_hash is not None and last_seq and head_hash != prev_hash:
        return ChainBreak(None, None, "last hash does not match the last row (the log end was altered)")
    return None
