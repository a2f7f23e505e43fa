"""What every command-line calibration study shares: run the pure study, print the report, save it.

``manage.py calibration_study`` (this app) studies the instrument in force against the database;
``manage.py synthetic_calibration_study`` (the synth app, which may import both) studies a synthetic
population made in memory. Each says only where its assessments come from.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tessera.risk.calibration import report_to_json, run_study
from tessera.risk.calibration_guards import StudyRefusedError
from tessera.risk.calibration_metrics import LabelledAssessment
from tessera.risk.instrument import InstrumentDefinition
from tessera.risk.study_text import report_markdown

OUTPUT_HELP = "Path prefix for .md and .json results"


def report_study(
    command: BaseCommand,
    current: InstrumentDefinition,
    records: Sequence[LabelledAssessment],
    *,
    current_name: str,
    output: str,
    as_of: date,
    indicator_labels: dict[str, str] | None = None,
) -> None:
    """Run the study, write its report to the command's output and, given a path prefix, to files."""

    def progress(done: int, total: int, message: str) -> None:
        command.stderr.write(f"[{done}/{total}] {message}")

    try:
        report = run_study(
            current,
            records,
            current_name=current_name,
            as_of=as_of,
            indicator_labels=indicator_labels,
            progress=progress,
        )
    except StudyRefusedError as problem:
        raise CommandError(str(problem)) from None
    text = report_markdown(report)
    command.stdout.write(text)
    if output:
        prefix = Path(output)
        prefix.parent.mkdir(parents=True, exist_ok=True)
        prefix.with_suffix(".md").write_text(text)
        prefix.with_suffix(".json").write_text(json.dumps(report_to_json(report), indent=2, default=str))
        command.stderr.write(f"Saved {prefix.with_suffix('.md')} and {prefix.with_suffix('.json')}")
