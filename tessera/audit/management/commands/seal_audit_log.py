from typing import Any

from django.core.management.base import BaseCommand

from tessera.audit.sealer import seal_pending


class Command(BaseCommand):
    help = "Seal the access-log rows waiting into the keyed chain and write a signed checkpoint."

    def handle(self, *args: Any, **options: Any) -> None:
        result = seal_pending(everything=True)
        self.stdout.write(f"Sealed {result.sealed} rows; chain head at sequence {result.head_seq}.")
