"""The calibration study on the synthetic world: the current (original, under-rating) instrument against the
proposed one, on a held-out later period. Prints the report and saves it to bench/results/.

    flock /tmp/tessera-bench.lock .venv/bin/python bench/calibration_study.py

Two parts:
1. The synthetic world in a database, end to end: a fresh SQLite database under bench/work/, the people
   world (``generate_world``), each assessed child's indicator history generated from the world's ground
   truth (``seed_risk_history``), then the study fed from the database exactly as the background job feeds
   it. Its report is saved in full.
2. Robustness: the pure generator's population at several seeds (no database), headline figures only, so
   the result is not one lucky draw.
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


def _configure() -> None:
    sys.path.insert(0, str(ROOT))
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    os.environ.pop("DATABASE_URL", None)
    os.environ["TESSERA_VAR_DIR"] = str(WORK)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()


def headline(report: Any) -> dict[str, Any]:
    def figures(f: Any) -> dict[str, Any]:
        return {
            "sensitivity": f.sensitivity,
            "specificity": f.specificity,
            "auc": f.auc,
            "flag_rate": f.flag_rate,
            "harmed_below_moderate": f.harmed_below_moderate,
            "later_harmed": f.harmed,
        }

    return {
        "proposed": report.proposed_key,
        "target_met": report.target_met,
        "train_assessments": report.train_assessments,
        "test_assessments": report.test_assessments,
        "current": figures(report.candidate("current").test),
        "proposed_figures": figures(report.candidate(report.proposed_key).test),
    }


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
        version.instrument, records, current_name=f"Current: version {version.number} (original tool)"
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


def population_runs(children: int, seeds: list[int]) -> list[dict[str, Any]]:
    from tessera.risk.calibration import run_study
    from tessera.synth.risk_history import generate_histories, labelled_assessments, original_instrument

    start, end = date(2011, 1, 1), date(2013, 12, 31)
    runs = []
    for seed in seeds:
        began = time.perf_counter()
        records = labelled_assessments(
            generate_histories(children, seed=seed, start=start, end=end), data_end=end
        )
        report = run_study(original_instrument(), records)
        runs.append(
            headline(report)
            | {"seed": seed, "assessments": len(records), "seconds": round(time.perf_counter() - began, 1)}
        )
    return runs


def _pct(value: float) -> str:
    return f"{100 * value:.1f}%"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=30000, help="People in the synthetic world")
    parser.add_argument("--children", type=int, default=4000, help="Children assessed in it")
    parser.add_argument("--seed", type=int, default=2013)
    parser.add_argument("--population", type=int, default=4000, help="Children per robustness run")
    parser.add_argument("--seeds", type=int, nargs="+", default=[2013, 7, 99])
    args = parser.parse_args()
    _configure()
    from tessera.risk.calibration import report_to_json
    from tessera.risk.study_text import report_markdown

    report, facts = world_study(args.people, args.children, args.seed)
    runs = population_runs(args.population, args.seeds)
    command = (
        "flock /tmp/tessera-bench.lock .venv/bin/python bench/calibration_study.py "
        f"--people {args.people} --children {args.children} --seed {args.seed} "
        f"--population {args.population} --seeds {' '.join(map(str, args.seeds))}"
    )
    text = report_markdown(
        report,
        title=f"Calibration study on the synthetic world ({facts['people']:,} people, seed {args.seed})",
    )
    text += "\n".join(
        [
            "",
            "## The world",
            "",
            *[f"- {name.replace('_', ' ').capitalize()}: {value:,}" for name, value in facts.items()],
            "",
            f"## Robustness: the pure generator, {args.population} children per seed (held-out period)",
            "",
            "| Seed | Assessments | Current sensitivity | Current flag rate | Proposed sensitivity | Proposed flag rate | Target met |",
            "|---:|---:|---:|---:|---:|---:|---|",
            *[
                f"| {r['seed']} | {r['assessments']} | {_pct(r['current']['sensitivity'])} | "
                f"{_pct(r['current']['flag_rate'])} | {_pct(r['proposed_figures']['sensitivity'])} | "
                f"{_pct(r['proposed_figures']['flag_rate'])} | {'yes' if r['target_met'] else 'no'} |"
                for r in runs
            ],
            "",
            f"Command: `{command}`",
            "",
        ]
    )
    print(text)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "calibration_study.md").write_text(text)
    (RESULTS / "calibration_study.json").write_text(
        json.dumps(
            {
                "command": command,
                "world": facts | {"headline": headline(report)},
                "population_runs": runs,
                "report": report_to_json(report),
            },
            indent=2,
            default=str,
        )
    )
    print(f"Saved {RESULTS / 'calibration_study.md'} and {RESULTS / 'calibration_study.json'}")


if __name__ == "__main__":
    main()
