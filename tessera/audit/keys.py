"""The audit key: the one secret the chain and its checkpoints are keyed with, held outside the database.

An operator gives it as ``TESSERA_AUDIT_KEY`` or in the file ``TESSERA_AUDIT_KEY_FILE`` (by default
``var/audit-chain.key``). The demo, development and the tests make one in that file the first time it is
needed; a production installation without one refuses to seal or verify, with a message saying what to
set, rather than keying its log with a secret nobody has kept.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from tessera.audit.chain import derive_key

MINIMUM_KEY_LENGTH = 32


class AuditKeyMissingError(ImproperlyConfigured):
    """No audit key is configured, and this installation may not make one."""


def _generate(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    candidate = path.with_suffix(f".{os.getpid()}")
    candidate.write_text(secrets.token_hex(32) + "\n")
    candidate.chmod(0o600)
    # Two processes starting together: linking fails for the second, and both read the first's key.
    try:
        os.link(candidate, path)
    except FileExistsError:
        pass
    finally:
        candidate.unlink()


def master_key() -> bytes:
    value: str = settings.AUDIT_KEY
    if not value:
        path = Path(settings.AUDIT_KEY_FILE)
        if not path.exists():
            if not settings.AUDIT_KEY_GENERATE:
                raise AuditKeyMissingError(
                    "The access log's audit key is not set: set TESSERA_AUDIT_KEY, or put a key of at "
                    f"least {MINIMUM_KEY_LENGTH} characters in {path} (TESSERA_AUDIT_KEY_FILE). See "
                    "docs/operations.md, 'The access log'."
                )
            _generate(path)
        value = path.read_text().strip()
    if len(value) < MINIMUM_KEY_LENGTH:
        raise AuditKeyMissingError(
            f"The audit key must be at least {MINIMUM_KEY_LENGTH} characters (it has {len(value)})."
        )
    return value.encode()


def chain_key() -> bytes:
    return derive_key(master_key(), "chain")


def checkpoint_key() -> bytes:
    return derive_key(master_key(), "checkpoint")


def key_id() -> str:
    """Which key sealed a log, safe to write down anywhere: a one-way digest, never the key."""
    return derive_key(master_key(), "key-id").hex()[:16]
