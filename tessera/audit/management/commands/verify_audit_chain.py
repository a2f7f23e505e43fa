from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tessera.audit.keys import AuditKeyMissingError
from tessera.audit.verify import verify_stored_chain


class Command(BaseCommand):
    help = (
        "Seal the access-log rows waiting, then check the keyed chain against the newest signed "
        "checkpoint. Exits non-zero and names the first bad row on tampering."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-seal",
            action="store_true",
            help="Verify what is sealed without sealing first, and report how many rows are waiting",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = verify_stored_chain(seal_first=not options["no_seal"])
        except AuditKeyMissingError as error:
            raise CommandError(str(error)) from None
        if report.problem is not None:
            raise CommandError(f"Access log chain broken at {report.problem}")
        checkpoint = report.checkpoint
        against = (
            f" Chain matches the checkpoint of {checkpoint.at} (sequence {checkpoint.seq})."
            if checkpoint is not None
            else ""
        )
        waiting = f" {report.unsealed} rows not yet sealed." if report.unsealed else ""
        self.stdout.write(
            self.style.SUCCESS(f"Access log intact: {report.sealed} rows verified.{against}{waiting}")
        )
