import logging
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tessera.jobs.queue import run_pending, worker_name

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Run background jobs (imports, linkage, recalibration, reports) as they are queued."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Run what is queued, then stop")
        parser.add_argument("--poll-seconds", type=float, default=2.0)

    def handle(self, *args: Any, **options: Any) -> None:
        worker = worker_name()
        self.stdout.write(f"Worker {worker} started.")
        while True:
            ran = run_pending(worker)
            if ran:
                logger.info("Ran %s job(s)", ran)
            if options["once"]:
                break
            time.sleep(options["poll_seconds"])
