"""Run the calibration study on a synthetic population made in memory, with its ground truth.

manage.py synthetic_calibration_study 4000
manage.py synthetic_calibration_study 4000 --output bench/results/calibration_study
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tessera.risk.study_report import OUTPUT_HELP, report_study
from tessera.synth.risk_history import generate_histories, labelled_assessments, original_instrument


class Command(BaseCommand):
    help = "Measure the synthetic 'original' risk tool against a synthetic population's true outcomes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("children", type=int, help="Children in the synthetic population")
        parser.add_argument("--seed", type=int, default=2013)
        parser.add_argument("--output", default="", help=OUTPUT_HELP)

    def handle(self, *args: Any, **options: Any) -> None:
        start, end = date(2011, 1, 1), date(2013, 12, 31)
        children = generate_histories(options["children"], seed=options["seed"], start=start, end=end)
        report_study(
            self,
            original_instrument(),
            labelled_assessments(children, data_end=end),
            current_name="Current: original tool (synthetic)",
            output=options["output"],
        )
