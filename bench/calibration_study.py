"""The calibration study on synthetic worlds with different error models: the current (original,
under-rating) instrument against the proposed one on held-out children and a later period, every figure
with its 95% interval, the ceiling AUC and the fairness table. Prints the report and saves it to
bench/results/calibration_study.md and .json.

    flock /tmp/tessera-bench.lock .venv/bin/python bench/calibration_study.py

Three parts:
1. Error models (``tessera.synth.risk_world``), each at several seeds, no database: the full report for
   the first seed, the headline for every seed, and the figures against the truth (confirmed or not), so
   the outcome bias is measured.
2. Hindsight: one world studied twice, with entry dates and without (as a legacy import without them
   would be), to measure what indicators entered after the assessment add.
3. The demo's world in a database, end to end: a fresh SQLite database under bench/work/, the people
   world, each assessed child's history (``seed_risk_history``), then the study fed from the database
   exactly as the background job feeds it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
WORK = ROOT / "bench" / "work" / "calibration"
WORLD_START, WORLD_END = date(2019, 1, 1), date(2024, 12, 31)


def _configure() -> None:
    sys.path.insert(0, str(ROOT))
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    os.environ.pop("DATABASE_URL", None)
    os.environ["TESSERA_VAR_DIR"] = str(WORK)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()


def world_study(people: int, children: int, seed: int) -> tuple[Any, dict[str, Any]]:
    from django.core.management import call_command
    from django.utils import timezone

    from tessera.core.reference_data import seed_reference_data
    from tessera.risk.calibration import run_study
    from tessera.risk.calibration_job import labelled_from_database
    from tessera.risk.selectors import version_in_force
    from tessera.synth.cast import seed_cast
    from tessera.synth.risk_seed import seed_risk_history
    from tessera.synth.world import generate_world

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    seed_reference_data()
    seed_cast()
    world = generate_world(people=people, seed=seed)
    history = seed_risk_history(limit=children, seed=seed)
    built = time.perf_counter() - started
    version = version_in_force()
    assert version is not None
    records, synthetic = labelled_from_database(timezone.localdate())
    assert synthetic
    report = run_study(
        version.instrument,
        records,
        current_name=f"Current: version {version.number} (original tool)",
        as_of=timezone.localdate(),
    )
    facts = {
        "people": world.people,
        "exploited_children_in_world": sum(world.exploited_children.values()),
        "children_assessed": history.children,
        "assessments": history.assessments,
        "observations": history.observations,
        "labelled_assessments": len(records),
        "build_seconds": round(built, 1),
        "study_seconds": round(time.perf_counter() - started - built, 1),
    }
    return report, facts


def error_model_runs(children: int, seeds: list[int], models: list[str]) -> list[dict[str, Any]]:
    from tessera.risk.calibration import run_study
    from tessera.synth.risk_history import original_instrument
    from tessera.synth.risk_world import ERROR_MODELS, generate_world, world_records

    runs = []
    for name in models:
        model = ERROR_MODELS[name]
        for seed in seeds:
            began = time.perf_counter()
            world = generate_world(model, children, seed=seed, start=WORLD_START, end=WORLD_END)
            records = world_records(world, model, original_instrument(), data_end=WORLD_END, seed=seed)
            report = run_study(
                original_instrument(),
                records,
                current_name="Current: original tool (synthetic)",
                as_of=WORLD_END,
            )
            runs.append(
                {
                    "model": name,
                    "description": model.description,
                    "seed": seed,
                    "assessments": len(records),
                    "seconds": round(time.perf_counter() - began, 1),
                    "report": report,
                }
            )
            print(f"{name} seed {seed}: {runs[-1]['seconds']} s", file=sys.stderr)
    return runs


def hindsight_run(children: int, seed: int) -> dict[str, Any]:
    """The same world with entry dates and with them forgotten: what late entries add to sensitivity."""
    from dataclasses import replace

    from tessera.risk.calibration import run_study
    from tessera.synth.risk_history import original_instrument
    from tessera.synth.risk_world import ERROR_MODELS, generate_world, world_records

    model = ERROR_MODELS["hidden_status"]
    world = generate_world(model, children, seed=seed, start=WORLD_START, end=WORLD_END)
    records = world_records(world, model, original_instrument(), data_end=WORLD_END, seed=seed)
    forgotten = [
        replace(r, observations=tuple(replace(o, entered_on=None) for o in r.observations)) for r in records
    ]
    out = {}
    for label, rows in (("entry dates kept", records), ("entry dates unknown", forgotten)):
        report = run_study(original_instrument(), rows, as_of=WORLD_END)
        out[label] = {
            key: report.candidate(key).test.sensitivity.to_json() for key in ("current", report.proposed_key)
        } | {"proposed_key": report.proposed_key}
    return out


def _pct(value: float) -> str:
    return f"{100 * value:.1f}%"


def _iv(value: Any) -> str:
    from tessera.risk.study_text import share

    return share(value)


def _auc(value: Any) -> str:
    from tessera.risk.study_text import number

    return number(value)


def run_headline(run: dict[str, Any]) -> dict[str, Any]:
    report = run["report"]
    current, proposed = report.candidate("current"), report.candidate(report.proposed_key)

    def figures(c: Any) -> dict[str, Any]:
        truth = c.sensitivity_against_truth
        return {
            "sensitivity": c.test.sensitivity.to_json(),
            "child_sensitivity": c.test.child_sensitivity.to_json(),
            "flag_rate": c.test.flag_rate.to_json(),
            "auc": c.test.auc.to_json(),
            "sensitivity_against_truth": truth.to_json() if truth else None,
        }

    return {
        "model": run["model"],
        "seed": run["seed"],
        "assessments": run["assessments"],
        "seconds": run["seconds"],
        "proposed": report.proposed_key,
        "target_met": report.target_met,
        "shortfall_points": report.shortfall_points,
        "ceiling_auc": report.ceiling_auc.to_json() if report.ceiling_auc else None,
        "current": figures(current),
        "proposed_figures": figures(proposed),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--children", type=int, default=5000, help="Children per error-model world")
    parser.add_argument("--seeds", type=int, nargs="+", default=[7, 2013, 99])
    parser.add_argument(
        "--models",
        nargs="+",
        default=["indicators_drive_harm", "hidden_status", "recording_and_care", "biased_outcomes"],
    )
    parser.add_argument("--people", type=int, default=30000, help="People in the database world")
    parser.add_argument("--db-children", type=int, default=4000, help="Children assessed in it")
    parser.add_argument("--seed", type=int, default=2013, help="Seed of the database world")
    args = parser.parse_args()
    _configure()
    from tessera.risk.calibration import report_to_json
    from tessera.risk.study_text import fairness_markdown, report_markdown

    runs = error_model_runs(args.children, args.seeds, args.models)
    hindsight = hindsight_run(args.children, args.seeds[0])
    db_report, facts = world_study(args.people, args.db_children, args.seed)
    command = (
        "flock /tmp/tessera-bench.lock .venv/bin/python bench/calibration_study.py "
        f"--children {args.children} --seeds {' '.join(map(str, args.seeds))} "
        f"--models {' '.join(args.models)} --people {args.people} --db-children {args.db_children} "
        f"--seed {args.seed}"
    )
    lines = [
        "# Calibration study on synthetic worlds with different error models",
        "",
        "Every figure is followed by its 95% interval from resampling children (1,000 draws). Sensitivity "
        "and flag rate are at Moderate or above, per assessment unless it says per child; the target (95% "
        "sensitivity) is judged on the lower end of the interval. Synthetic data only: these figures "
        "test the method, not any instrument for real use.",
        "",
        f"Command: `{command}`",
        "",
        "## Every world and seed (held-out children, later period)",
        "",
        "| Error model | Seed | Current sensitivity | Proposed | Proposed sensitivity | Proposed per child "
        "| Current flag rate | Proposed flag rate | Current AUC | Proposed AUC | Ceiling AUC | Target met | "
        "Short by (points) |",
        "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---|---:|",
    ]
    for run in runs:
        r = run["report"]
        c, p = r.candidate("current"), r.candidate(r.proposed_key)
        lines.append(
            f"| {run['model']} | {run['seed']} | {_iv(c.test.sensitivity)} | {p.key} | "
            f"{_iv(p.test.sensitivity)} | {_iv(p.test.child_sensitivity)} | {_iv(c.test.flag_rate)} | "
            f"{_iv(p.test.flag_rate)} | {_auc(c.test.auc)} | {_auc(p.test.auc)} | "
            f"{_auc(r.ceiling_auc)} | {'yes' if r.target_met else 'no'} | {r.shortfall_points:.1f} |"
        )
    lines += [
        "",
        "## Outcome bias: sensitivity against confirmed outcomes and against the truth",
        "",
        "| Error model | Seed | Current, confirmed | Current, truth | Proposed, confirmed | Proposed, truth |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for run in runs:
        r = run["report"]
        c, p = r.candidate("current"), r.candidate(r.proposed_key)
        if c.sensitivity_against_truth is None or p.sensitivity_against_truth is None:
            continue
        lines.append(
            f"| {run['model']} | {run['seed']} | {_iv(c.test.sensitivity)} | {_iv(c.sensitivity_against_truth)} "
            f"| {_iv(p.test.sensitivity)} | {_iv(p.sensitivity_against_truth)} |"
        )
    lines += [
        "",
        f"## Hindsight: the hidden-status world (seed {args.seeds[0]}) with and without entry dates",
        "",
        "| Entry dates | Current sensitivity | Proposed sensitivity |",
        "|---|---:|---:|",
    ]
    for label, figures in hindsight.items():
        from tessera.risk.resampling import Interval

        cur = Interval.from_json(figures["current"])
        prop = Interval.from_json(figures[figures["proposed_key"]])
        lines.append(f"| {label} | {_iv(cur)} | {_iv(prop)} |")
    for run in runs:
        if run["seed"] != args.seeds[0]:
            continue
        r = run["report"]
        lines += [
            "",
            f"## {run['model']} (seed {run['seed']}): {run['description']}",
            "",
            *[f"- {line}" for line in r.summary[:-1]],
            *[f"- {note}" for note in r.notes],
            "",
            f"### Fairness and calibration by group: {r.candidate(r.proposed_key).name}",
            "",
            *fairness_markdown(r.fairness[r.proposed_key]),
        ]
        if r.proposed_key != "current":
            lines += [
                "",
                f"### Fairness and calibration by group: {r.candidate('current').name}",
                "",
                *fairness_markdown(r.fairness["current"]),
            ]
    lines += [
        "",
        report_markdown(
            db_report,
            title=f"The demo's world in a database ({facts['people']:,} people, seed {args.seed})",
        ).replace("\n# ", "\n## "),
        "## The database world",
        "",
        *[f"- {name.replace('_', ' ').capitalize()}: {value:,}" for name, value in facts.items()],
        "",
    ]
    text = "\n".join(lines)
    print(text)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "calibration_study.md").write_text(text)
    (RESULTS / "calibration_study.json").write_text(
        json.dumps(
            {
                "command": command,
                "error_model_runs": [run_headline(run) for run in runs],
                "first_seed_reports": {
                    run["model"]: report_to_json(run["report"])
                    for run in runs
                    if run["seed"] == args.seeds[0]
                },
                "hindsight": hindsight,
                "database_world": facts,
                "database_report": report_to_json(db_report),
            },
            indent=2,
            default=str,
        )
    )
    print(f"Saved {RESULTS / 'calibration_study.md'} and {RESULTS / 'calibration_study.json'}")


if __name__ == "__main__":
    main()
