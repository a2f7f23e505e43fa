import logging
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tessera.jobs.queue import run_pending, worker_name
from tessera.jobs.sealing import AuditSealer, seal_once

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Run background jobs (imports, linkage, recalibration, reports) as they are queued, and seal "
        "the access log every TESSERA_AUDIT_SEAL_SECONDS."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Run what is queued, then stop")
        parser.add_argument("--poll-seconds", type=float, default=2.0)

    def handle(self, *args: Any, **options: Any) -> None:
        worker = worker_name()
        self.stdout.write(f"Worker {worker} started.")
        if options["once"]:
            run_pending(worker)
            seal_once(everything=True)
            return
        sealer = AuditSealer()
        sealer.start()
        try:
            while True:
                ran = run_pending(worker)
                if ran:
                    logger.info("Ran %s job(s)", ran)
                time.sleep(options["poll_seconds"])
        finally:
            sealer.stop()
