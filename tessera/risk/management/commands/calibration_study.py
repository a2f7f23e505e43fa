"""Run the calibration study on the instrument in force, against confirmed outcomes in the database.

manage.py calibration_study
manage.py calibration_study --output var/study      # also saved as var/study.md and var/study.json

A synthetic population made in memory is studied by ``manage.py synthetic_calibration_study``.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from tessera.risk.calibration_job import indicator_labels, labelled_from_database
from tessera.risk.selectors import version_in_force
from tessera.risk.study_report import OUTPUT_HELP, report_study


class Command(BaseCommand):
    help = "Measure the risk instrument against later-confirmed outcomes and propose re-weighted points."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", default="", help=OUTPUT_HELP)

    def handle(self, *args: Any, **options: Any) -> None:
        version = version_in_force()
        if version is None:
            raise CommandError("No instrument version is in force")
        records, _ = labelled_from_database(timezone.localdate())
        report_study(
            self,
            version.instrument,
            records,
            current_name=f"Current: version {version.number}",
            output=options["output"],
            as_of=timezone.localdate(),
            indicator_labels=indicator_labels(),
        )
