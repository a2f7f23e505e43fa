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


# Every this many passes, look through the whole log for rows whose acts committed long after later rows
# were sealed (a transaction held open for hours), which a routine pass does not reach.
FULL_PASS_EVERY = 60


def seal_once(*, everything: bool = False) -> None:
    try:
        seal_pending(everything=everything)
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
            passes = 0
            while not self.stopped.wait(self.interval):
                passes += 1
                seal_once(everything=passes % FULL_PASS_EVERY == 0)
                # A connection the database dropped is replaced before the next pass.
                close_old_connections()
        finally:
            connection.close()

    def stop(self) -> None:
        self.stopped.set()
