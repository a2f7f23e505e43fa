"""Run the calibration study on a synthetic world made in memory, with one of its error models.

manage.py synthetic_calibration_study 5000
manage.py synthetic_calibration_study 5000 --model biased_outcomes --output bench/results/study
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tessera.risk.study_report import OUTPUT_HELP, report_study
from tessera.synth.risk_history import original_instrument
from tessera.synth.risk_world import ERROR_MODELS, generate_world, world_records

START, END = date(2019, 1, 1), date(2024, 12, 31)


class Command(BaseCommand):
    help = "Measure the synthetic 'original' risk tool against a synthetic world's confirmed outcomes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("children", type=int, help="Children in the synthetic world")
        parser.add_argument("--seed", type=int, default=2013)
        parser.add_argument(
            "--model", choices=sorted(ERROR_MODELS), default="hidden_status", help="The world's error model"
        )
        parser.add_argument("--output", default="", help=OUTPUT_HELP)

    def handle(self, *args: Any, **options: Any) -> None:
        model = ERROR_MODELS[options["model"]]
        world = generate_world(model, options["children"], seed=options["seed"], start=START, end=END)
        report_study(
            self,
            original_instrument(),
            world_records(world, model, original_instrument(), data_end=END, seed=options["seed"]),
            current_name="Current: original tool (synthetic)",
            output=options["output"],
            as_of=END,
        )
