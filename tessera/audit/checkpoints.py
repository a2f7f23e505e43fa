"""Signed checkpoints of the sealed chain head, kept in an append-only file outside the database.

One JSON line per checkpoint: sequence number, rows sealed, records shown, the head's hash, the time and
an HMAC of those under the audit key. Someone who can change the database cannot reach back into this
file to hide an emptied log or a cut tail, and cannot write a line that verifies without the key. Put the
file on other storage than the database (``TESSERA_AUDIT_CHECKPOINT_FILE``), and ship it off the machine
if you can (docs/operations.md).
"""

from __future__ import annotations

import hmac
import json
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from tessera.audit.chain import Checkpoint, checkpoint_signature


class CheckpointFileError(ValueError):
    """A checkpoint line cannot be read or is not signed with the audit key."""


def checkpoint_path() -> Path:
    return Path(settings.AUDIT_CHECKPOINT_FILE)


def append_checkpoint(checkpoint: Checkpoint, key: bytes, path: Path | None = None) -> None:
    path = path or checkpoint_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps({**checkpoint.payload(), "signature": checkpoint_signature(key, checkpoint)})
    # O_APPEND: each line lands whole at the end even with two writers; fsync so a checkpoint the
    # sealer reported is on disk before anyone relies on it.
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, (line + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)


@dataclass(frozen=True)
class CheckpointFile:
    newest: Checkpoint | None
    count: int


def read_checkpoints(key: bytes, path: Path | None = None) -> CheckpointFile:
    """The newest checkpoint, after checking every line's signature and that they never go backwards."""
    path = path or checkpoint_path()
    if not path.exists():
        return CheckpointFile(None, 0)
    newest: Checkpoint | None = None
    count = 0
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                checkpoint = Checkpoint(
                    seq=int(data["seq"]),
                    rows=int(data["rows"]),
                    shown=int(data["shown"]),
                    hash=str(data["hash"]),
                    at=str(data["at"]),
                )
                signature = str(data["signature"])
            except (ValueError, KeyError, TypeError):
                raise CheckpointFileError(f"{path} line {number} is not a checkpoint") from None
            if not hmac.compare_digest(checkpoint_signature(key, checkpoint), signature):
                raise CheckpointFileError(
                    f"{path} line {number} is not signed with this installation's audit key "
                    "(a forged checkpoint, or the wrong key)"
                )
            if newest is not None and checkpoint.seq < newest.seq:
                raise CheckpointFileError(
                    f"{path} line {number} goes back from sequence {newest.seq} to {checkpoint.seq}"
                )
            newest = checkpoint
            count += 1
    return CheckpointFile(newest, count)
