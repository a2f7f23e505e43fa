"""Run the calibration study from the command line and print (and optionally save) its report.

manage.py calibration_study                         # the instrument in force, against confirmed outcomes in the database
manage.py calibration_study --synthetic 4000        # a synthetic population made in memory, with its ground truth
manage.py calibration_study --synthetic 4000 --output bench/results/calibration_study
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from tessera.risk.calibration import report_to_json, run_study
from tessera.risk.calibration_job import labelled_from_database
from tessera.risk.selectors import version_in_force
from tessera.risk.study_text import report_markdown


class Command(BaseCommand):
    help = "Measure the risk instrument against later-confirmed outcomes and propose re-weighted points."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--synthetic", type=int, default=0, help="Children in a synthetic population")
        parser.add_argument("--seed", type=int, default=2013)
        parser.add_argument("--output", default="", help="Path prefix for .md and .json results")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["synthetic"]:
            from tessera.synth.risk_history import (
                generate_histories,
                labelled_assessments,
                original_instrument,
            )

            start, end = date(2011, 1, 1), date(2013, 12, 31)
            children = generate_histories(options["synthetic"], seed=options["seed"], start=start, end=end)
            records = labelled_assessments(children, data_end=end)
            current, name = original_instrument(), "Current: original tool (synthetic)"
        else:
            version = version_in_force()
            if version is None:
                raise CommandError("No instrument version is in force")
            records, _ = labelled_from_database(timezone.localdate())
            current, name = version.instrument, f"Current: version {version.number}"

        def progress(done: int, total: int, message: str) -> None:
            self.stderr.write(f"[{done}/{total}] {message}")

        try:
            report = run_study(current, records, current_name=name, progress=progress)
        except ValueError as problem:
            raise CommandError(str(problem)) from None
        text = report_markdown(report)
        self.stdout.write(text)
        if options["output"]:
            prefix = Path(options["output"])
            prefix.parent.mkdir(parents=True, exist_ok=True)
            prefix.with_suffix(".md").write_text(text)
            prefix.with_suffix(".json").write_text(json.dumps(report_to_json(report), indent=2, default=str))
            self.stderr.write(f"Saved {prefix.with_suffix('.md')} and {prefix.with_suffix('.json')}")
