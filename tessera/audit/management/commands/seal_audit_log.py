from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tessera.audit.keys import AuditKeyMissingError
from tessera.audit.sealer import seal_pending


class Command(BaseCommand):
    help = "Seal the access-log rows waiting into the keyed chain and write a signed checkpoint."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = seal_pending(everything=True)
        except AuditKeyMissingError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Sealed {result.sealed} rows; chain head at sequence {result.head_seq}.")
