from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tessera.audit.backup import BackupError, restore
from tessera.audit.verify import verify_stored_chain


class Command(BaseCommand):
    help = (
        "Replace the configured database with a backup made by `manage.py backup`, install its checkpoint "
        "file, and verify the access log. Stop the web and worker processes first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, help="a directory written by manage.py backup")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = restore(options["directory"])
        except BackupError as error:
            raise CommandError(str(error)) from None
        report = verify_stored_chain(seal_first=False)
        if report.problem is not None:
            raise CommandError(f"Restored, but the access log does not verify: {report.problem}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored the {manifest.engine} database from {options['directory']}. Access log intact: "
                f"{report.sealed} rows verified."
            )
        )
