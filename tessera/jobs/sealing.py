"""The worker's audit sealer: a thread that seals new access-log rows every few seconds.

A thread rather than a job, so sealing goes on while a long import or linkage run holds the worker's
main loop, and no job row is written every few seconds.
"""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.db import close_old_connections, connection

from tessera.audit.sealer import seal_pending

logger = logging.getLogger(__name__)


def seal_once() -> None:
    try:
        seal_pending()
    except Exception:
        # A failed pass (the database restarting, the checkpoint disk full, no audit key) is retried on
        # the next tick; nothing is lost, the rows simply wait unsealed.
        logger.exception("Sealing the access log failed; trying again in %s s", settings.AUDIT_SEAL_SECONDS)


class AuditSealer(threading.Thread):
    def __init__(self, interval: float | None = None) -> None:
        super().__init__(name="audit-sealer", daemon=True)
        self.interval = interval if interval is not None else float(settings.AUDIT_SEAL_SECONDS)
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(self.interval):
                seal_once()
                # A connection the database dropped is replaced before the next pass.
                close_old_connections()
        finally:
            connection.close()

    def stop(self) -> None:
        self.stopped.set()
