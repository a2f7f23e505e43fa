from typing import Any

from django.core.management.base import BaseCommand

from tessera.core.reference_data import seed_reference_data


class Command(BaseCommand):
    help = "Create the reference data (districts, agencies, teams). Safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        created = seed_reference_data()
        summary = ", ".join(f"{count} {kind}" for kind, count in created.items())
        self.stdout.write(f"Reference data in place ({summary} created).")
