"""The calibration study on a synthetic population: current (original, under-rating) instrument against the
proposed one, on a held-out later period. Prints the report and saves it to bench/results/.

  flock /tmp/tessera-bench.lock .venv/bin/python bench/calibration_study.py [--children 4000] [--seeds 2013 7 99]

The first seed's report is the one saved in full; every seed's headline figures are saved beside it, so
the result is not one lucky draw. The pure study needs no database.
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import date
from pathlib import Path

from tessera.risk.calibration import StudySettings, report_to_json, run_study
from tessera.risk.study_text import report_markdown
from tessera.synth.risk_history import generate_histories, labelled_assessments, original_instrument

RESULTS = Path(__file__).resolve().parent / "results"
START, END = date(2011, 1, 1), date(2013, 12, 31)


def headline(report) -> dict:
    current = report.candidate("current").test
    proposed = report.candidate(report.proposed_key).test
    return {
        "proposed": report.proposed_key,
        "target_met": report.target_met,
        "test_assessments": report.test_assessments,
        "later_harmed": current.harmed,
        "current": {
            "sensitivity": current.sensitivity,
            "specificity": current.specificity,
            "auc": current.auc,
            "flag_rate": current.flag_rate,
            "harmed_below_moderate": current.harmed_below_moderate,
        },
        "proposed_figures": {
            "sensitivity": proposed.sensitivity,
            "specificity": proposed.specificity,
            "auc": proposed.auc,
            "flag_rate": proposed.flag_rate,
            "harmed_below_moderate": proposed.harmed_below_moderate,
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--children", type=int, default=4000)
    parser.add_argument("--seeds", type=int, nargs="+", default=[2013, 7, 99])
    args = parser.parse_args()
    settings = StudySettings()
    runs = []
    full_report = None
    for seed in args.seeds:
        started = time.perf_counter()
        children = generate_histories(args.children, seed=seed, start=START, end=END)
        records = labelled_assessments(children, data_end=END)
        report = run_study(
            original_instrument(),
            records,
            current_name="Current: original tool (synthetic)",
            settings=settings,
        )
        seconds = time.perf_counter() - started
        figures = headline(report) | {
            "seed": seed,
            "children": args.children,
            "assessments": len(records),
            "seconds": round(seconds, 1),
        }
        runs.append(figures)
        print(
            f"seed {seed}: {len(records)} assessments; current sensitivity {figures['current']['sensitivity']:.3f} "
            f"flag {figures['current']['flag_rate']:.3f}; proposed sensitivity "
            f"{figures['proposed_figures']['sensitivity']:.3f} flag {figures['proposed_figures']['flag_rate']:.3f}; "
            f"target met: {report.target_met} ({seconds:.1f} s)"
        )
        if full_report is None:
            full_report = report
    assert full_report is not None
    text = report_markdown(
        full_report, title=f"Calibration study: {args.children} synthetic children, seed {args.seeds[0]}"
    )
    seeds_table = [
        "",
        "## Every seed (held-out period)",
        "",
        "| Seed | Assessments | Current sensitivity | Current flag rate | Proposed sensitivity | Proposed flag rate | Target met |",
        "|---:|---:|---:|---:|---:|---:|---|",
        *[
            f"| {r['seed']} | {r['assessments']} | {100 * r['current']['sensitivity']:.1f}% | "
            f"{100 * r['current']['flag_rate']:.1f}% | {100 * r['proposed_figures']['sensitivity']:.1f}% | "
            f"{100 * r['proposed_figures']['flag_rate']:.1f}% | {'yes' if r['target_met'] else 'no'} |"
            for r in runs
        ],
        "",
        "Command: `flock /tmp/tessera-bench.lock .venv/bin/python bench/calibration_study.py "
        f"--children {args.children} --seeds {' '.join(map(str, args.seeds))}`",
        "",
    ]
    text += "\n".join(seeds_table)
    print(text)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "calibration_study.md").write_text(text)
    (RESULTS / "calibration_study.json").write_text(
        json.dumps({"runs": runs, "report": report_to_json(full_report)}, indent=2, default=str)
    )
    print(f"Saved {RESULTS / 'calibration_study.md'} and {RESULTS / 'calibration_study.json'}")


if __name__ == "__main__":
    main()
