"""The keyed hash chain over the access log, as pure functions.

Each seal's hash is an HMAC-SHA256, under a key held outside the database, of the previous seal's hash,
the seal's sequence number, the row's content and the records the row showed. Altering, removing or
reordering any row breaks every hash after it, and without the key nobody can compute a replacement
chain. Verification walks seals in sequence order and reports the first one that does not match, then
holds the end of the chain against the newest signed checkpoint, which lives outside the database: that
is what catches an emptied log or a cut tail whose head was rewritten to match.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

GENESIS_HASH = "0" * 64

# The fields a row's hash covers, in a fixed order. Changing this list breaks every existing chain, so
# a new field is added to the log without being added here unless a chain migration is written.
HASHED_FIELDS = (
    "id",
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


def derive_key(master: bytes, purpose: str) -> bytes:
    """A key for one purpose ("chain", "checkpoint") from the one secret the operator keeps."""
    return hmac.new(master, f"tessera-audit-{purpose}".encode(), hashlib.sha256).digest()


def canonical(row: Mapping[str, Any], shown: Sequence[tuple[str, str]] = ()) -> bytes:
    payload = {name: row.get(name) for name in HASHED_FIELDS}
    payload["shown"] = sorted([kind, str(pk)] for kind, pk in shown)
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str).encode()


def seal_hash(
    key: bytes, prev_hash: str, seq: int, row: Mapping[str, Any], shown: Sequence[tuple[str, str]] = ()
) -> str:
    message = prev_hash.encode() + b"\n" + str(seq).encode() + b"\n" + canonical(row, shown)
    return hmac.new(key, message, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class SealedRow:
    """A log row with its seal, as the verifier reads it."""

    seq: int
    prev_hash: str
    hash: str
    shown_count: int
    row: Mapping[str, Any]
    shown: Sequence[tuple[str, str]]

    @property
    def row_id(self) -> int:
        return int(self.row["id"])


@dataclass(frozen=True)
class Checkpoint:
    """The sealed head at one moment: written outside the database and signed with the audit key."""

    seq: int
    rows: int
    shown: int
    hash: str
    at: str

    def payload(self) -> dict[str, Any]:
        return {"seq": self.seq, "rows": self.rows, "shown": self.shown, "hash": self.hash, "at": self.at}


def checkpoint_signature(key: bytes, checkpoint: Checkpoint) -> str:
    message = json.dumps(checkpoint.payload(), sort_keys=True, separators=(",", ":")).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    seq: int | None
    row_id: int | None
    problem: str

    def __str__(self) -> str:
        if self.row_id is not None:
            where = f"row {self.row_id} (sequence {self.seq})"
        elif self.seq is not None:
            where = f"sequence {self.seq}"
        else:
            where = "the chain head"
        return f"{where}: {self.problem}"


@dataclass(frozen=True)
class ChainSummary:
    """What the walk saw: the last sequence number and hash, how many records the rows showed, and at each
    remembered sequence number the hash and the number of records shown up to it."""

    last_seq: int
    last_hash: str
    shown: int
    at_seq: Mapping[int, tuple[str, int]]


def verify_seals(
    rows: Iterable[SealedRow], key: bytes, *, remember: Iterable[int] = ()
) -> tuple[ChainBreak | None, ChainSummary]:
    """The first break in ``rows`` (ordered by seq), or None; and a summary of the chain walked.

    ``remember`` names sequence numbers whose hash the caller wants back (those of checkpoints).
    """
    wanted = set(remember)
    at_seq: dict[int, tuple[str, int]] = {}
    expected_seq = 1
    prev_hash = GENESIS_HASH
    shown_total = 0
    for sealed in rows:
        seq = sealed.seq
        if seq != expected_seq:
            missing = "missing" if seq > expected_seq else "repeated or out of order"
            return ChainBreak(
                seq, sealed.row_id, f"expected sequence {expected_seq}; rows before it are {missing}"
            ), ChainSummary(expected_seq - 1, prev_hash, shown_total, at_seq)
        if sealed.prev_hash != prev_hash:
            return ChainBreak(
                seq, sealed.row_id, "does not link to the row before it (rows removed or reordered)"
            ), ChainSummary(expected_seq - 1, prev_hash, shown_total, at_seq)
        if len(sealed.shown) != sealed.shown_count:
            return ChainBreak(
                seq,
                sealed.row_id,
                f"was sealed with {sealed.shown_count} records shown but {len(sealed.shown)} remain "
                "(records removed from who has looked)",
            ), ChainSummary(expected_seq - 1, prev_hash, shown_total, at_seq)
        if not hmac.compare_digest(seal_hash(key, prev_hash, seq, sealed.row, sealed.shown), sealed.hash):
            return ChainBreak(
                seq, sealed.row_id, "content does not match its keyed hash (the row was altered)"
            ), ChainSummary(expected_seq - 1, prev_hash, shown_total, at_seq)
        prev_hash = sealed.hash
        shown_total += sealed.shown_count
        if seq in wanted:
            at_seq[seq] = (sealed.hash, shown_total)
        expected_seq += 1
    return None, ChainSummary(expected_seq - 1, prev_hash, shown_total, at_seq)


def check_against_checkpoint(
    summary: ChainSummary, checkpoint: Checkpoint | None, *, rows_in_log: int
) -> ChainBreak | None:
    """Whether the chain still holds everything the newest checkpoint said had been sealed.

    An attacker with the database but not the key can empty the log or cut its tail and leave a chain
    that verifies on its own; the checkpoint, kept elsewhere, still names the sequence number and hash
    the chain had reached.
    """
    if checkpoint is None:
        if summary.last_seq:
            return ChainBreak(
                None,
                None,
                f"the log holds {summary.last_seq} sealed rows but there is no checkpoint of them "
                "(the checkpoint file is missing or was emptied)",
            )
        return None
    if summary.last_seq < checkpoint.seq:
        return ChainBreak(
            None,
            None,
            f"the checkpoint of {checkpoint.at} recorded {checkpoint.seq} sealed rows but the chain now "
            f"ends at {summary.last_seq} ({rows_in_log} rows in the log): rows removed",
        )
    reached = summary.at_seq.get(checkpoint.seq)
    if reached is None or reached[0] != checkpoint.hash:
        return ChainBreak(
            checkpoint.seq,
            None,
            f"the chain no longer matches the checkpoint of {checkpoint.at} (rows rewritten)",
        )
    if reached[1] != checkpoint.shown:
        return ChainBreak(
            checkpoint.seq,
            None,
            f"the checkpoint of {checkpoint.at} recorded {checkpoint.shown} records shown but the chain "
            f"holds {reached[1]} (records removed from who has looked)",
        )
    return None
