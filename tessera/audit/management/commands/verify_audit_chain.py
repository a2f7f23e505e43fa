from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tessera.audit.verify import verify_stored_chain


class Command(BaseCommand):
    help = "Check the access log's hash chain. Exits non-zero and names the first bad row on tampering."

    def handle(self, *args: Any, **options: Any) -> None:
        problem, count = verify_stored_chain()
        if problem is not None:
            raise CommandError(f"Access log chain broken at {problem}")
        self.stdout.write(self.style.SUCCESS(f"Access log intact: {count} rows verified."))
